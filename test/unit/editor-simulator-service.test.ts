import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { ModelObject, ServiceHandlers } from '../../shared/api/services.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { StagecraftError } from '../../shared/errors.js';
import { createServiceFixture } from '../support/services.js';
import type { ServiceFixture } from '../support/services.js';

// One fixture for the file: Python loads once (2 to 5 s), and each test reads what it needs.
let fixture: ServiceFixture;
let services: ServiceHandlers;

function objectNamed(objects: readonly ModelObject[], name: string): ModelObject {
  return objects.find((object) => object.identifiers.name === name)!;
}

beforeAll(async () => {
  fixture = createServiceFixture();
  services = fixture.services.handlers;
  await services.project.openSample({});
  await services.simulator.savePersona({
    persona: { name: 'Alice', user: { username: 'alice' }, inputs: { password: 'pw' } },
    password: 'pw',
  });
  await services.simulator.savePersona({
    persona: { name: 'Mallory', user: { username: 'mallory' }, inputs: { password: 'guess' } },
    password: 'secret',
  });
});

afterAll(async () => {
  await fixture.services.dispose();
  fixture.dispose();
});

describe('simulator service', () => {
  it('lists project and built-in personas', async () => {
    const personas = await services.simulator.listPersonas({});
    const alice = personas.find((persona) => persona.name === 'Alice');

    expect(alice).toMatchObject({ username: 'alice', hasPassword: true, discord: false });
    expect(personas.some((persona) => persona.discord)).toBe(true);
  });

  it('stores only the hash of a persona password', async () => {
    const summary = await services.simulator.savePersona({
      persona: { name: 'Temp', user: { username: 'temp' } },
      password: 'plain text',
    });

    expect(summary.hasPassword).toBe(true);
    expect(JSON.stringify(await services.simulator.listPersonas({}))).not.toContain('plain text');
  });

  it('reports authentik syntax errors', async () => {
    const check = await services.simulator.checkSyntax({
      expression: 'if x\n    return True',
      kind: 'policy',
      name: 'my-policy',
    });

    expect(check.valid).toBe(false);
    expect(check.message).toBe("Expression Syntax Error: expected ':' (my-policy, line 2)");
    expect(check.line).toBe(2);
  });

  it('names unsaved policies temp-policy', async () => {
    const check = await services.simulator.checkSyntax({
      expression: 'return (',
      kind: 'policy',
      name: 'x',
      saved: false,
    });

    expect(check.message).toContain('(temp-policy, line 2)');
  });

  it('accepts valid syntax', async () => {
    const check = await services.simulator.checkSyntax({
      expression: 'return True',
      kind: 'policy',
      name: 'x',
    });

    expect(check).toEqual({ valid: true });
  });

  it('runs a flow with a persona', async () => {
    const run = await services.simulator.run({
      flow: 'default-authentication-flow',
      persona: 'Alice',
    });

    expect(run.trace.outcome.kind).toBe('completed');
    expect(run.details).toHaveLength(1);
    expect(run.details[0]).toMatchObject({ step: 0, engine: 0, policy: 0 });
  });

  it('runs a flow with given answers', async () => {
    const run = await services.simulator.run({
      flow: 'default-authentication-flow',
      inputs: { username: ['mallory'], password: ['secret'] },
    });

    expect(run.trace.outcome.kind).toBe('completed');
    expect(run.trace.actor).toBeNull();
  });

  it('tabulates every persona', async () => {
    const table = await services.simulator.runPersonas({
      flow: 'default-authentication-flow',
      personas: ['Alice', 'Mallory'],
    });

    expect(table.map((row) => [row.persona, row.outcome, row.message])).toEqual([
      ['Alice', 'completed', 'Redirect to /'],
      ['Mallory', 'rejected', 'Invalid password'],
    ]);
  });

  it('tabulates where each run ended', async () => {
    const table = await services.simulator.runPersonas({
      flow: 'default-authentication-flow',
      personas: ['Alice', 'Mallory'],
    });
    const [alice, mallory] = table;

    expect(alice?.endedAt).toEqual(expect.any(String));
    expect(mallory?.endedAt).toBe(mallory?.stage);
    expect(alice?.findings).toEqual({ critical: 0, warning: 0, info: 0 });
  });

  it('tests an unbound policy with an empty context', async () => {
    const result = await services.simulator.testExpression({
      expression: 'return True',
      kind: 'policy',
      name: 'x',
      uid: 'no-binding-has-this-uid',
    });

    expect(result.contextSource).toBe(
      'The policy is bound to no flow, so it ran with an empty context.',
    );
  });

  it('tests an edited policy where it is bound', async () => {
    const snapshot = (await services.project.current({}))!;
    const policy = objectNamed(snapshot.objects, 'sample-source-enrollment-username-missing');
    const result = await services.simulator.testExpression({
      expression: 'ak_message(",".join(sorted(context.keys())))\nreturn False',
      kind: 'policy',
      name: 'sample-source-enrollment-username-missing',
      uid: policy.uid,
      persona: 'Alice',
    });

    expect(result.result.passing).toBe(false);
    expect(result.result.messages).toEqual(['asn,flow_plan,geoip']);
    expect(result.contextSource).toContain('stage default-source-enrollment-prompt (order 0)');
  });

  it('tests a policy with a JSON context', async () => {
    const result = await services.simulator.testExpression({
      expression: 'return context["prompt_data"]["username"] == "bob"',
      kind: 'policy',
      name: 'x',
      context: { prompt_data: { username: 'bob' } },
    });

    expect(result.result.passing).toBe(true);
    expect(result.contextSource).toBe('The JSON context given.');
  });

  it('answers Discord calls from a Discord persona', async () => {
    const result = await services.simulator.testExpression({
      expression:
        'r = requests.get("https://discord.com/api/users/@me/guilds/555555555555555555/member")\nak_message(str(r.status_code))\nreturn r.status_code == 200',
      kind: 'policy',
      name: 'x',
      persona: 'not-a-member',
      context: {},
    });

    expect(result.result.messages).toEqual(['404']);
    expect(result.result.http[0]?.url).toContain('/member');
  });

  it('saves a run as a scenario', async () => {
    const summary = await services.simulator.saveScenario({
      name: 'mallory is rejected',
      run: { flow: 'default-authentication-flow', persona: 'Mallory' },
      expected: { outcome: 'rejected' },
    });

    expect(summary.expected).toMatchObject({ outcome: 'rejected', message: 'Invalid password' });
    expect((await services.simulator.listScenarios({})).map((item) => item.name)).toContain(
      'mallory is rejected',
    );
  });

  it('rejects a scenario without a persona', async () => {
    const error = await services.simulator
      .saveScenario({
        name: 'anonymous',
        run: { flow: 'default-authentication-flow' },
        expected: { outcome: 'input-required' },
      })
      .catch((caught: unknown) => caught);

    expect(isStagecraftError(error)).toBe(true);
    expect((error as StagecraftError).code).toBe('invalid-argument');
  });

  it('rejects a scenario whose run changed', async () => {
    const error = await services.simulator
      .saveScenario({
        name: 'stale',
        run: { flow: 'default-authentication-flow', persona: 'Alice' },
        expected: { outcome: 'denied' },
      })
      .catch((caught: unknown) => caught);

    expect(isStagecraftError(error)).toBe(true);
    expect((error as StagecraftError).message).toContain('now ends completed, not denied');
  });

  it('runs the Discord sample through its source', async () => {
    const text = readFileSync(join('assets', 'sample', 'discord-guild-gate.yaml'), 'utf8');
    await services.blueprints.importFiles({ files: [{ name: 'discord-guild-gate.yaml', text }] });
    const run = await services.simulator.run({
      flow: 'default-source-enrollment',
      persona: 'member-with-role',
      viaSource: 'discord',
    });

    // The guide's property mapping reads `context`, which mappings do not have.
    expect(run.trace.steps[0]?.kind).toBe('source');
    const outcome = run.trace.outcome as { kind: string; message: string };
    expect(outcome.kind).toBe('error');
    expect(outcome.message).toContain('discord-avatar-attributes');
  });

  it('replays a recording of the source login', async () => {
    // A recording of the two requests the login makes, answered as Discord answers them.
    const store = fixture.services.session.current!;
    const stored = store.recordings.put({
      name: 'login.json',
      data: {
        format: 'stagecraft-http-recording',
        version: 1,
        source: 'discord',
        providerType: 'discord',
        apiBase: 'https://discord.com/api',
        createdAt: '2026-01-01T00:00:00.000Z',
        exchanges: [
          {
            request: {
              method: 'POST',
              url: 'https://discord.com/api/oauth2/token',
              headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
              body: 'grant_type=authorization_code',
            },
            response: {
              status: 401,
              headers: { 'Content-Type': 'application/json' },
              body: { json: { error: 'invalid_grant' } },
            },
          },
        ],
      },
    });
    const run = await services.simulator.run({
      flow: 'default-source-enrollment',
      viaSource: 'discord',
      recording: stored.id,
    });

    // The recorded 401 of the token request fails the login, as authentik's callback does.
    expect(run.trace.steps[0]?.kind).toBe('source');
    expect(run.trace.outcome.kind).toBe('denied');
    expect(JSON.stringify(run.trace.steps[0]?.http ?? [])).toContain('recording login.json');
  });

  it('rejects an unknown recording', async () => {
    const error = await services.simulator
      .run({ flow: 'default-source-enrollment', viaSource: 'discord', recording: 'missing' })
      .catch((caught: unknown) => caught);

    expect(isStagecraftError(error)).toBe(true);
    expect((error as StagecraftError).message).toContain('No recording with id missing');
  });
});
