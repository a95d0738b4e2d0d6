/**
 * A live source login against a fake Discord on 127.0.0.1. The test plays the browser on the
 * authorize page, and the HTTP layer in live mode sends the token and profile requests. The
 * Python pool sends the policies' `requests` calls to the same layer through its synchronous
 * bridge, so each call is made once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HttpLayer } from '../../main/http/layer.js';
import { createPythonPool } from '../../main/python/pool.js';
import type { PythonPool } from '../../main/python/pool.js';
import { simulateFlow } from '../../main/simulator/simulate.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import type { FakeDiscord } from '../support/fake-discord.js';
import { readBuiltInPersona, startFakeDiscord } from '../support/fake-discord.js';
import { nameOf, sampleObjects } from './discord-support.js';

let pool: PythonPool;
let fake: FakeDiscord;
let layer: HttpLayer;
let trace: SimulationTrace;

// Plays the browser: opens the fake's authorize page and reads the code of its redirect.
async function followAuthorizePage(url: string): Promise<string> {
  const page = new URL(url);
  const local = new URL(`${page.pathname}${page.search}`, fake.url);
  const response = await fetch(local, { redirect: 'manual' });
  const location = response.headers.get('location');
  const code = location === null ? null : new URL(location).searchParams.get('code');
  if (code === null) {
    throw new Error(
      `The fake authorize page did not redirect with a code (HTTP ${response.status}).`,
    );
  }

  return code;
}

beforeAll(async () => {
  pool = createPythonPool({ size: 1 });
  fake = await startFakeDiscord({ persona: readBuiltInPersona('not-a-member') });
  layer = new HttpLayer({ mode: 'live', hostOverrides: fake.hostOverrides });
  await pool.ready;

  // The sample with the guild membership check fixed and alone, the flows in mode `all`.
  const objects = sampleObjects((object, attrs) => {
    if (object.model === 'authentik_sources_oauth.oauthsource') {
      delete attrs.user_property_mappings;
      attrs.consumer_key = fake.clientId;
    }
    if (nameOf(object) === 'discord-guild-membership') {
      attrs.expression = `from authentik.sources.oauth.models import OAuthSource\n${String(attrs.expression)}`;
    }
    if (object.model === 'authentik_flows.flow') {
      attrs.policy_engine_mode = 'all';
    }
  });
  const byUid = new Map(objects.map((object) => [object.uid, object]));
  const withOneCheck = objects.filter((object) => {
    if (object.model !== 'authentik_policies.policybinding') {
      return true;
    }

    const policy = (object.identifiers as { policy?: { $ref?: string } }).policy?.$ref;
    const name = policy === undefined ? '' : nameOf(byUid.get(policy)!);
    return !name.startsWith('discord-') || name === 'discord-guild-membership';
  });

  trace = await simulateFlow({
    objects: withOneCheck,
    flow: 'default-source-authentication',
    evaluator: pool,
    viaSource: 'discord',
    oauth: {
      http: layer,
      respondedBy: 'live',
      env: { DISCORD_CLIENT_SECRET: fake.clientSecret },
      authorize: followAuthorizePage,
    },
  });
});

afterAll(async () => {
  await layer.close();
  await fake.close();
  await pool.close();
});

describe('live login', () => {
  it('denies the outsider with the policy message', () => {
    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: 'User is not a member of The desired server/guild name in the error message..',
    });
  });

  it('sends each request to the server once', () => {
    expect(
      fake.requests.map((request) => `${request.method} ${request.path.split('?')[0]}`),
    ).toEqual([
      'GET /api/oauth2/authorize',
      'POST /api/oauth2/token',
      'GET /api/users/@me',
      'GET /api/users/@me/guilds',
    ]);
  });

  it('authenticates the client with HTTP Basic', () => {
    const basic = Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64');

    expect(fake.requests[1]?.headers.authorization).toBe(`Basic ${basic}`);
  });

  it('records the policy call in the trace', () => {
    const call = trace.steps
      .flatMap((step) => step.http ?? [])
      .find((exchange) => exchange.by === 'policy discord-guild-membership');

    expect([call?.status, call?.respondedBy]).toEqual([200, 'live']);
  });
});
