/**
 * The log of a failed managed apply, read from the apply's task on the fake authentik server.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { textField } from '../../main/blueprints/references.js';
import type { AuthentikApi } from '../../main/server/api.js';
import { pullFlows } from '../../main/server/pull.js';
import { pushBlueprint, rejectionError } from '../../main/server/push.js';
import { selectBlueprint } from '../../main/server/selection.js';
import { FakeAuthentik } from '../support/fake-authentik.js';
import { apiFor, createTempProject, SEED_BLUEPRINT } from '../support/server-fixtures.js';
import type { TempProject } from '../support/server-fixtures.js';

let fake: FakeAuthentik;
let project: TempProject;
let api: AuthentikApi;

beforeEach(async () => {
  fake = await FakeAuthentik.start();
  fake.seed(SEED_BLUEPRINT);
  project = createTempProject();
  api = apiFor(fake);
  await pullFlows(api, project.store, ['login']);
});

afterEach(async () => {
  await api.client.close();
  project.remove();
  await fake.close();
});

function renameFlow(title: string): void {
  const flow = project.store.listObjects().find((object) => textField(object, 'slug') === 'login')!;
  project.store.apply([
    {
      kind: 'field.set',
      uid: flow.uid,
      section: 'attrs',
      field: 'title',
      before: flow.attrs.title,
      after: title,
    },
  ]);
}

async function pushManaged(options: { applyTimeoutMs?: number } = {}) {
  const chosen = selectBlueprint(project.store, { flows: ['login'] });
  return pushBlueprint(api, {
    blueprint: chosen.blueprint,
    mode: 'managed',
    instanceName: 'login',
    env: [],
    pollIntervalMs: 20,
    ...options,
  });
}

const PASSWORD_REJECTION = {
  model: 'authentik_stages_password.passwordstage',
  message:
    "Serializer errors {'backends': [ErrorDetail(string='Not a valid choice.', code='invalid_choice')]}",
};

describe('managed apply log', () => {
  it('failed apply returns the task log', async () => {
    fake.applyRejections.push(PASSWORD_REJECTION);
    renameFlow('Never applied');

    const report = await pushManaged();

    expect(report.success).toBe(false);
    expect(report.instance?.status).toBe('error');
    expect(report.logs.map((event) => event.event)).toContain('Blueprint validation failed');
    expect(report.logs[0]?.attributes?.entry).toMatchObject({
      model: 'authentik_stages_password.passwordstage',
    });
    expect(report.logUnavailable).toBeUndefined();
  });

  it('failed apply error names the entry', async () => {
    fake.applyRejections.push(PASSWORD_REJECTION);
    renameFlow('Never applied');

    const error = rejectionError(await pushManaged());

    expect(error.code).toBe('server-apply-failed');
    expect(error.message).toMatch(
      /status error: Entry invalid: backends: Not a valid choice\. \(entry authentik_stages_password\.passwordstage/,
    );
  });

  it('asks for the tasks of the instance', async () => {
    fake.applyRejections.push(PASSWORD_REJECTION);

    const report = await pushManaged();

    const request = fake.requests.find((candidate) => candidate.path === '/api/v3/tasks/tasks/');
    expect(request?.query.rel_obj_content_type__app_label).toBe('authentik_blueprints');
    expect(request?.query.rel_obj_content_type__model).toBe('blueprintinstance');
    expect(request?.query.rel_obj_id).toBe(report.instance?.pk);
  });

  it('successful apply reads no task', async () => {
    renameFlow('Applied');

    const report = await pushManaged();

    expect(report.success).toBe(true);
    expect(fake.requests.some((request) => request.path === '/api/v3/tasks/tasks/')).toBe(false);
  });

  it('forbidden task list keeps the status', async () => {
    fake.applyRejections.push(PASSWORD_REJECTION);
    fake.inject({ path: '/api/v3/tasks/tasks/', action: 'status', status: 403 });

    const report = await pushManaged();

    expect(report.instance?.status).toBe('error');
    expect(report.logs).toEqual([]);
    expect(report.logUnavailable).toMatch(/authentik_tasks\.view_task/);
    expect(rejectionError(report).message).toMatch(/Its log could not be read/);
  });

  it('missing task endpoint keeps the status', async () => {
    fake.applyRejections.push(PASSWORD_REJECTION);
    fake.inject({ path: '/api/v3/tasks/tasks/', action: 'status', status: 404 });

    const report = await pushManaged();

    expect(report.instance?.status).toBe('error');
    expect(report.logUnavailable).toMatch(/has no \/api\/v3\/tasks\/tasks\//);
  });

  it('timed-out apply names the task state', async () => {
    fake.applyDelayMs = 60_000;

    const push = pushManaged({ applyTimeoutMs: 200 });

    await expect(push).rejects.toMatchObject({ code: 'server-apply-timeout' });
    await expect(push).rejects.toThrow(/Its task is in state queued with no log events\./);
  });
});
