/**
 * Diff and push against the fake authentik server: pull a flow, change it, compare, push with
 * the one-shot import or a managed instance, and compare again.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { textField } from '../../main/blueprints/references.js';
import type { AuthentikApi } from '../../main/server/api.js';
import { diffWithServer } from '../../main/server/diff.js';
import { pullFlows } from '../../main/server/pull.js';
import { describeRejection, pushBlueprint, rejectionError } from '../../main/server/push.js';
import { planPush, selectBlueprint } from '../../main/server/selection.js';
import type { Change } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import { tag } from '../../shared/model/values.js';
import type { Value } from '../../shared/model/values.js';
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

function objectOf(model: string, name?: string): ModelObject {
  const found = project.store
    .listObjects()
    .find(
      (object) =>
        object.model === model &&
        (name === undefined ||
          textField(object, 'slug') === name ||
          textField(object, 'name') === name),
    );
  if (found === undefined) {
    throw new Error(`the project has no ${model} ${name ?? ''}`);
  }
  return found;
}

function setAttr(object: ModelObject, field: string, after: Value): void {
  const change: Change = {
    kind: 'field.set',
    uid: object.uid,
    section: 'attrs',
    field,
    before: object.attrs[field],
    after,
  };
  project.store.apply([change]);
}

async function diffLogin() {
  return diffWithServer(api, selectBlueprint(project.store, { flows: ['login'] }));
}

async function pushLogin(options: Partial<Parameters<typeof pushBlueprint>[1]> = {}) {
  const chosen = selectBlueprint(project.store, { flows: ['login'] });
  return pushBlueprint(api, { blueprint: chosen.blueprint, mode: 'import', env: [], ...options });
}

describe('diff', () => {
  it('pulled flow equals the server', async () => {
    const report = await diffLogin();

    expect(report.flows).toEqual([{ slug: 'login', onServer: true }]);
    expect(report.counts.change).toBe(0);
    expect(report.counts.create).toBe(0);
    expect(report.counts['server-only']).toBe(0);
    expect(report.counts.same).toBe(14);
  });

  it('lists changed fields with both values', async () => {
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', 'Hello again');

    const report = await diffLogin();
    const flow = report.objects.find((object) => object.model === 'authentik_flows.flow');

    expect(flow?.status).toBe('change');
    expect(flow?.fields).toEqual([
      { field: 'title', server: 'Welcome back', local: 'Hello again' },
    ]);
  });

  it('lists new objects as created', async () => {
    const flow = objectOf('authentik_flows.flow', 'login');
    project.store.apply([
      {
        kind: 'object.create',
        object: {
          uid: 'deny-stage',
          model: 'authentik_stages_deny.denystage',
          state: 'present',
          conditions: [],
          identifiers: { name: 'login-deny' },
          attrs: {},
          permissions: [],
        },
      },
      {
        kind: 'object.create',
        object: {
          uid: 'deny-binding',
          model: 'authentik_flows.flowstagebinding',
          state: 'present',
          conditions: [],
          identifiers: { target: { $ref: flow.uid }, stage: { $ref: 'deny-stage' }, order: 50 },
          attrs: {},
          permissions: [],
        },
      },
    ]);

    const report = await diffLogin();
    const created = report.objects.filter((object) => object.status === 'create');

    expect(created.map((object) => object.model).sort()).toEqual([
      'authentik_flows.flowstagebinding',
      'authentik_stages_deny.denystage',
    ]);
  });

  it('lists objects the project dropped as server-only', async () => {
    const binding = project.store
      .listObjects()
      .find(
        (object) =>
          object.model === 'authentik_flows.flowstagebinding' && object.identifiers.order === 40,
      )!;
    project.store.apply([{ kind: 'object.delete', object: binding }]);

    const report = await diffLogin();
    const serverOnly = report.objects.filter((object) => object.status === 'server-only');

    // The prompt stage is bound only there, so it and its prompt leave the selection too.
    expect(serverOnly.map((object) => object.name).sort()).toEqual([
      'login-nickname',
      'login-prompt',
      'login-prompt in login (order 40)',
    ]);
  });

  it('flow missing on the server is created', async () => {
    const flow = objectOf('authentik_flows.flow', 'login');
    project.store.apply([
      {
        kind: 'field.set',
        uid: flow.uid,
        section: 'identifiers',
        field: 'slug',
        before: 'login',
        after: 'login-2',
      },
    ]);

    const chosen = selectBlueprint(project.store, { flows: ['login-2'] });
    const report = await diffWithServer(api, chosen);

    expect(report.flows).toEqual([{ slug: 'login-2', onServer: false }]);
    expect(report.objects.find((object) => object.model === 'authentik_flows.flow')?.status).toBe(
      'create',
    );
    const password = report.objects.find((object) => object.name === 'login-password');
    expect(password?.status).toBe('same');
    expect(report.notCompared.map((object) => object.name)).not.toContain('login-password');
  });

  it('plan lists env variables', async () => {
    setAttr(
      objectOf('authentik_stages_identification.identificationstage'),
      'pretend_user_exists',
      tag('Env', ['PRETEND', true]),
    );

    const plan = await planPush(api, selectBlueprint(project.store, { flows: ['login'] }));

    expect(plan.env).toEqual([
      {
        name: 'PRETEND',
        hasDefault: true,
        uses: [
          'authentik_stages_identification.identificationstage login-identification: attrs/pretend_user_exists',
        ],
      },
    ]);
  });
});

describe('push', () => {
  it('imports a change the next diff no longer shows', async () => {
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', 'Hello again');

    const report = await pushLogin();

    expect(report.success).toBe(true);
    expect(report.endpoint).toBe('/api/v3/flows/instances/import/');
    expect(fake.flow('login')?.fields.title).toBe('Hello again');
    expect((await diffLogin()).counts.change).toBe(0);
  });

  it('pulled flow pushed back adds nothing', async () => {
    const before = fake.store.objects.length;

    const report = await pushLogin();

    expect(report.success).toBe(true);
    expect(fake.store.objects.length).toBe(before);
    expect((await diffLogin()).counts['server-only']).toBe(0);
  });

  it('sends one request to a 2025.12 server', async () => {
    await pushLogin();

    const paths = fake.requests
      .filter((request) => request.method === 'POST')
      .map((request) => request.path);
    expect(paths).toEqual(['/api/v3/flows/instances/import/']);
  });

  it('moves on to the managed import after a 405', async () => {
    await fake.close();
    fake = await FakeAuthentik.start({ version: '2026.5.0', flowImport: false });
    fake.seed(SEED_BLUEPRINT);
    await api.client.close();
    api = apiFor(fake);
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', 'Managed import');

    const report = await pushLogin();

    expect(report.success).toBe(true);
    expect(report.endpoint).toBe('/api/v3/managed/blueprints/import/');
    expect(fake.flow('login')?.fields.title).toBe('Managed import');
    const paths = fake.requests
      .filter((request) => request.method === 'POST')
      .map((request) => request.path);
    expect(paths).toEqual([
      '/api/v3/flows/instances/import/',
      '/api/v3/managed/blueprints/import/',
    ]);
  });

  it('rejected entry is a failed report naming it', async () => {
    fake.rejections.push({
      model: 'authentik_stages_password.passwordstage',
      message:
        "Serializer errors {'backends': [ErrorDetail(string='Not a valid choice.', code='invalid_choice')]}",
    });
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', 'Never applied');

    const report = await pushLogin();

    expect(report.success).toBe(false);
    expect(report.logs.map((event) => event.event)).toContain('Blueprint validation failed');
    expect(describeRejection(report.logs)).toMatch(
      /^Entry invalid: backends: Not a valid choice\. \(entry authentik_stages_password\.passwordstage/,
    );
    expect(rejectionError(report).code).toBe('server-rejected');
    expect(fake.flow('login')?.fields.title).toBe('Welcome back');
  });

  it('local errors stop the push', async () => {
    setAttr(objectOf('authentik_flows.flow', 'login'), 'designation', 'nonsense');

    await expect(pushLogin()).rejects.toMatchObject({ code: 'blueprint-invalid' });
    expect(fake.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('dry run sends nothing', async () => {
    const report = await pushLogin({ dryRun: true });

    expect(report.success).toBe(true);
    expect(report.endpoint).toBeNull();
    expect(fake.requests.filter((request) => request.method === 'POST')).toEqual([]);
  });

  it('keeps !Env for the server environment', async () => {
    fake.env.LOGIN_TITLE = 'From the server';
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', tag('Env', ['LOGIN_TITLE']));

    const report = await pushLogin();

    expect(report.env).toEqual({ fromServer: ['LOGIN_TITLE'], provided: [] });
    expect(fake.flow('login')?.fields.title).toBe('From the server');
  });

  it('writes a value given at push time', async () => {
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', tag('Env', ['LOGIN_TITLE']));

    const report = await pushLogin({
      env: [{ name: 'LOGIN_TITLE', source: 'value', value: 'Typed: "x"' }],
    });

    expect(report.env).toEqual({ fromServer: [], provided: ['LOGIN_TITLE'] });
    expect(fake.flow('login')?.fields.title).toBe('Typed: "x"');
  });

  it('connection dropped after the apply leaves the outcome unknown', async () => {
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', 'Applied anyway');
    fake.inject({
      method: 'POST',
      path: '/api/v3/flows/instances/import/',
      action: 'drop-after',
    });

    const push = pushLogin();

    await expect(push).rejects.toMatchObject({ code: 'server-connection-lost' });
    await expect(push).rejects.toThrow(/unknown whether .* applied it/);
    expect((await diffLogin()).counts.change).toBe(0);
  });
});

describe('managed push', () => {
  it('creates an instance, applies it and waits', async () => {
    fake.applyDelayMs = 150;
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', 'Managed');

    const report = await pushLogin({ mode: 'managed', instanceName: 'login', pollIntervalMs: 20 });

    expect(report.success).toBe(true);
    expect(report.instance?.status).toBe('successful');
    expect(fake.store.instances.map((instance) => instance.name)).toEqual(['login']);
    expect(fake.flow('login')?.fields.title).toBe('Managed');
  });

  it('waits for the queued apply of 2025.12', async () => {
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', 'Queued');

    const report = await pushLogin({ mode: 'managed', instanceName: 'login', pollIntervalMs: 20 });

    expect(report.success).toBe(true);
    expect(report.instance?.status).toBe('successful');
    const instanceReads = fake.requests.filter(
      (request) =>
        request.method === 'GET' && /^\/api\/v3\/managed\/blueprints\/[^/]+\/$/.test(request.path),
    );
    expect(instanceReads.length).toBeGreaterThan(0);
  });

  it('takes the applied instance from a release before 2025.8', async () => {
    await fake.close();
    fake = await FakeAuthentik.start({ version: '2025.6.4' });
    fake.seed(SEED_BLUEPRINT);
    await api.client.close();
    api = apiFor(fake);
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', 'Applied at once');

    const report = await pushLogin({ mode: 'managed', instanceName: 'login', pollIntervalMs: 20 });

    expect(report.success).toBe(true);
    expect(report.instance?.status).toBe('successful');
    expect(fake.flow('login')?.fields.title).toBe('Applied at once');
    const instanceReads = fake.requests.filter(
      (request) =>
        request.method === 'GET' && /^\/api\/v3\/managed\/blueprints\/[^/]+\/$/.test(request.path),
    );
    expect(instanceReads).toHaveLength(0);
  });

  it('updates the instance of the same name', async () => {
    await pushLogin({ mode: 'managed', instanceName: 'login', pollIntervalMs: 20 });
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', 'Second');

    const report = await pushLogin({ mode: 'managed', instanceName: 'login', pollIntervalMs: 20 });

    expect(report.success).toBe(true);
    expect(fake.store.instances).toHaveLength(1);
    expect(fake.flow('login')?.fields.title).toBe('Second');
  });

  it('keeps push-time values in the context', async () => {
    setAttr(objectOf('authentik_flows.flow', 'login'), 'title', tag('Env', ['LOGIN_TITLE']));

    const report = await pushLogin({
      mode: 'managed',
      instanceName: 'login',
      env: [{ name: 'LOGIN_TITLE', source: 'value', value: 'From context' }],
      pollIntervalMs: 20,
    });

    expect(report.success).toBe(true);
    const instance = fake.store.instances[0]!;
    expect(instance.context).toEqual({ LOGIN_TITLE: 'From context' });
    expect(instance.content).toContain('!Context LOGIN_TITLE');
    expect(instance.content).not.toContain('From context');
    expect(fake.flow('login')?.fields.title).toBe('From context');
  });

  it('refused content is a failed report', async () => {
    fake.rejections.push({ model: 'authentik_flows.flow', message: 'flow refused' });

    const report = await pushLogin({ mode: 'managed', instanceName: 'login' });

    expect(report.success).toBe(false);
    expect(report.logs.map((event) => event.event)).toEqual([
      'content: Failed to validate blueprint',
      'content: Entry invalid: flow refused',
      'content: Blueprint validation failed',
    ]);
  });

  it('apply that never finishes times out', async () => {
    fake.applyDelayMs = 60_000;

    const push = pushLogin({
      mode: 'managed',
      instanceName: 'login',
      applyTimeoutMs: 200,
      pollIntervalMs: 20,
    });

    await expect(push).rejects.toMatchObject({ code: 'server-apply-timeout' });
  });
});
