/**
 * Pulling flows from the fake authentik server into a real project file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { textField } from '../../main/blueprints/references.js';
import { pullFlows } from '../../main/server/pull.js';
import { isRef, isTag } from '../../shared/model/values.js';
import { FakeAuthentik } from '../support/fake-authentik.js';
import { apiFor, createTempProject, SEED_BLUEPRINT } from '../support/server-fixtures.js';
import type { TempProject } from '../support/server-fixtures.js';

let fake: FakeAuthentik;
let project: TempProject;

beforeEach(async () => {
  fake = await FakeAuthentik.start();
  fake.seed(SEED_BLUEPRINT);
  project = createTempProject();
});

afterEach(async () => {
  project.remove();
  await fake.close();
});

function objectsOf(model: string) {
  return project.store.listObjects().filter((object) => object.model === model);
}

describe('pull', () => {
  it('brings a flow with stages, prompts, policies and bindings', async () => {
    const api = apiFor(fake);
    const result = await pullFlows(api, project.store, ['login']);
    await api.client.close();

    expect(result.flows[0]?.entries).toBe(14);
    expect(result.created).toBe(14);
    expect(objectsOf('authentik_flows.flow').map((flow) => textField(flow, 'slug'))).toEqual([
      'login',
    ]);
    expect(objectsOf('authentik_flows.flowstagebinding')).toHaveLength(4);
    expect(objectsOf('authentik_policies.policybinding')).toHaveLength(3);
    expect(objectsOf('authentik_stages_prompt.prompt')).toHaveLength(1);
  });

  it('turns in-file primary keys into references', async () => {
    const api = apiFor(fake);
    await pullFlows(api, project.store, ['login']);
    await api.client.close();

    const flow = objectsOf('authentik_flows.flow')[0]!;
    for (const binding of objectsOf('authentik_flows.flowstagebinding')) {
      expect(binding.identifiers.target).toEqual({ $ref: flow.uid });
      expect(isRef(binding.identifiers.stage)).toBe(true);
    }
    const stage = objectsOf('authentik_stages_prompt.promptstage')[0]!;
    expect(isRef((stage.attrs.fields as unknown[])[0] as never)).toBe(true);
  });

  it('maps policy binding targets to the flow and binding', async () => {
    const api = apiFor(fake);
    await pullFlows(api, project.store, ['login']);
    await api.client.close();

    const uids = new Set(
      [...objectsOf('authentik_flows.flow'), ...objectsOf('authentik_flows.flowstagebinding')].map(
        (object) => object.uid,
      ),
    );
    for (const binding of objectsOf('authentik_policies.policybinding')) {
      const target = binding.identifiers.target;
      expect(isRef(target)).toBe(true);
      expect(uids.has((target as { $ref: string }).$ref)).toBe(true);
    }
  });

  it('finds objects outside the export by name', async () => {
    const api = apiFor(fake);
    const result = await pullFlows(api, project.store, ['login']);
    await api.client.close();

    const mfa = objectsOf('authentik_stages_authenticator_validate.authenticatorvalidatestage')[0]!;
    expect(mfa.attrs.configuration_stages).toEqual([
      {
        $tag: 'Find',
        value: [
          'authentik_stages_authenticator_totp.authenticatortotpstage',
          ['name', 'default-authenticator-totp-setup'],
        ],
      },
    ]);
    const groupBinding = objectsOf('authentik_policies.policybinding').find((binding) =>
      isTag(binding.attrs.group),
    );
    expect(groupBinding?.attrs.group).toEqual({
      $tag: 'Find',
      value: ['authentik_core.group', ['name', 'admins']],
    });
    expect(result.flows[0]?.unresolved).toEqual([]);
    expect(result.flows[0]?.lookups).toHaveLength(2);
  });

  it('identifies prompts and policies by name', async () => {
    const api = apiFor(fake);
    await pullFlows(api, project.store, ['login']);
    await api.client.close();

    expect(objectsOf('authentik_stages_prompt.prompt')[0]?.identifiers).toEqual({
      name: 'login-nickname',
    });
    expect(objectsOf('authentik_policies_expression.expressionpolicy')[0]?.identifiers).toEqual({
      name: 'login-only-admins',
    });
  });

  it('pulled twice updates instead of copying', async () => {
    const api = apiFor(fake);
    await pullFlows(api, project.store, ['login']);
    const again = await pullFlows(api, project.store, ['login']);
    await api.client.close();

    expect(again.created).toBe(0);
    expect(again.updated).toBe(14);
    expect(project.store.listObjects()).toHaveLength(14);
  });

  it('unknown slug changes nothing', async () => {
    const api = apiFor(fake);
    const pull = pullFlows(api, project.store, ['login', 'no-such-flow']);

    await expect(pull).rejects.toMatchObject({ code: 'server-flow-not-found' });
    await api.client.close();
    expect(project.store.listObjects()).toEqual([]);
  });

  it('dropped connection changes nothing', async () => {
    fake.inject({ path: '/api/v3/flows/bindings/', action: 'drop' });
    const api = apiFor(fake);
    const pull = pullFlows(api, project.store, ['login']);

    await expect(pull).rejects.toMatchObject({ code: 'server-connection-lost' });
    await api.client.close();
    expect(project.store.listObjects()).toEqual([]);
    expect(project.store.canUndo()).toBe(false);
  });

  it('is one undo step', async () => {
    const api = apiFor(fake);
    await pullFlows(api, project.store, ['login', 'default-authenticator-totp-setup']);
    await api.client.close();

    expect(project.store.history()).toHaveLength(1);
    project.store.undo();
    expect(project.store.listObjects()).toEqual([]);
  });
});
