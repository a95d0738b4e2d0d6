/**
 * The server service of the app against the fake authentik server: profiles with tokens in the
 * secret store, connection test, pull into the open project, plan and push, called through the
 * same dispatch as both transports.
 */
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { dispatchCall } from '../../main/services/dispatch.js';
import type { PushPlan, PushReport, ServerProfileStatus } from '../../shared/server/types.js';
import { FakeAuthentik } from '../support/fake-authentik.js';
import { SEED_BLUEPRINT } from '../support/server-fixtures.js';
import { createServiceFixture } from '../support/services.js';
import type { ServiceFixture } from '../support/services.js';

let fake: FakeAuthentik;
let fixture: ServiceFixture;

beforeEach(async () => {
  fake = await FakeAuthentik.start();
  fake.seed(SEED_BLUEPRINT);
  fixture = createServiceFixture();
  await fixture.services.handlers.project.open({
    path: join(fixture.folder, 'demo.stagecraft'),
    create: true,
  });
});

afterEach(async () => {
  fixture.dispose();
  await fake.close();
});

function server() {
  return fixture.services.handlers.server;
}

async function saveLab(): Promise<ServerProfileStatus[]> {
  return server().saveProfile({ profile: { name: 'lab', url: fake.url }, token: fake.token });
}

describe('server profiles', () => {
  it('keeps the token in the secret store, not the profile', async () => {
    const profiles = await saveLab();

    expect(profiles).toEqual([{ name: 'lab', url: fake.url, tokenSource: 'secret-store' }]);
    expect(fixture.environment.secrets.list()).toEqual(['server-token:lab']);
  });

  it('drops the stored token when the address changes', async () => {
    await saveLab();

    const profiles = await server().saveProfile({
      profile: { name: 'lab', url: 'https://auth.example.com' },
    });

    expect(profiles[0]?.tokenSource).toBe('none');
  });

  it('removes the profile with its token', async () => {
    await saveLab();

    const profiles = await server().removeProfile({ name: 'lab' });

    expect(profiles).toEqual([]);
    expect(fixture.environment.secrets.list()).toEqual([]);
  });

  it('tests the connection', async () => {
    await saveLab();

    const identity = await server().testConnection({ profile: 'lab' });

    expect(identity.version).toBe('2025.12.1');
    expect(identity.user.username).toBe('akadmin');
  });

  it('without a token names the fix', async () => {
    await server().saveProfile({ profile: { name: 'lab', url: fake.url } });

    await expect(server().testConnection({ profile: 'lab' })).rejects.toMatchObject({
      code: 'server-token-missing',
      message: expect.stringMatching(/enter it in the server dialog/) as unknown,
    });
  });

  it('rejects a malformed profile call', async () => {
    const outcome = await dispatchCall(fixture.services.handlers, 'server', 'saveProfile', {
      profile: { name: 'a b', url: fake.url },
    });

    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });
});

describe('pull, plan and push', () => {
  it('pulls into the open project and reports progress', async () => {
    await saveLab();

    const { result, snapshot } = await server().pull({ profile: 'lab', flows: ['login'] });

    expect(result.created).toBe(14);
    expect(snapshot.objects).toHaveLength(14);
    const progress = fixture.events.filter((event) => event.type === 'progress');
    expect(progress.map((event) => event.detail)).toEqual([
      'Downloading flow login',
      'Saving the pulled objects',
      'Done',
    ]);
  });

  it('plans and pushes through the dispatch', async () => {
    await saveLab();
    await server().pull({ profile: 'lab', flows: ['login'] });

    const plan = await dispatchCall(fixture.services.handlers, 'server', 'plan', {
      profile: 'lab',
      flows: ['login'],
    });
    const push = await dispatchCall(fixture.services.handlers, 'server', 'push', {
      profile: 'lab',
      flows: ['login'],
      mode: 'import',
      env: [],
    });

    expect(plan.ok).toBe(true);
    expect(push.ok).toBe(true);
    expect((plan as { value: PushPlan }).value.diff.counts.same).toBe(14);
    expect((push as { value: PushReport }).value.success).toBe(true);
  });

  it('pull without open project fails', async () => {
    await saveLab();
    await fixture.services.handlers.project.close({});

    await expect(server().pull({ profile: 'lab', flows: ['login'] })).rejects.toMatchObject({
      code: 'no-project-open',
    });
  });
});
