// Python's `requests` reaching the HTTP layer through the synchronous bridge: the policies of
// authentik's Discord guide against the fake Discord over real HTTP, the layer's limits seen
// from Python, record mode, and replay-only evaluations kept away from the layer.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { HttpLayer } from '../../main/http/layer.js';
import type { PythonPool } from '../../main/python/pool.js';
import { createPythonPool } from '../../main/python/pool.js';
import type { EvaluationRequest } from '../../shared/simulator/evaluation.js';
import type { FakeDiscord } from '../support/fake-discord.js';
import { readBuiltInPersona, startFakeDiscord } from '../support/fake-discord.js';
import { guidePolicies } from './http-support.js';

const SOURCE_PK = '5a1f0000-0000-4000-8000-000000000001';

// authentik 2025.12 pre-imports no models into expressions, so the guide's policies need this
// line to reach their requests. Everything after it is the guide's text unchanged.
const IMPORT_OAUTH_SOURCE = 'from authentik.sources.oauth.models import OAuthSource\n';

let fake: FakeDiscord;
let layer: HttpLayer;
let pool: PythonPool;
let guild: string;
let role: string;
let syncOnAuthentication: string;

beforeAll(async () => {
  const policies = guidePolicies();
  guild = IMPORT_OAUTH_SOURCE + policies[0]!;
  role = IMPORT_OAUTH_SOURCE + policies[1]!;
  syncOnAuthentication = IMPORT_OAUTH_SOURCE + policies[3]!;

  fake = await startFakeDiscord();
  layer = new HttpLayer({
    mode: 'live',
    hostOverrides: fake.hostOverrides,
    limits: { headersTimeoutMs: 500, bodyTimeoutMs: 500, maxBodyBytes: 1024 * 1024 },
  });
  pool = createPythonPool({ size: 1, http: layer });
  await pool.ready;
});

afterAll(async () => {
  await pool.close();
  await layer.close();
  await fake.close();
});

beforeEach(() => {
  fake.setPersona(readBuiltInPersona('member-with-role'));
  fake.setFault(null);
});

/** Builds a policy request as after a Discord login, with the fake server's access token. */
function discordPolicy(expression: string, mode: 'layer' | 'replay' = 'layer'): EvaluationRequest {
  return {
    kind: 'policy',
    name: 'discord-guide-policy',
    expression,
    context: {
      source: { $model: 'authentik_sources_oauth.oauthsource', pk: SOURCE_PK },
      'goauthentik.io/sources/connection': {
        $model: 'authentik_sources_oauth.useroauthsourceconnection',
        pk: 1,
      },
    },
    user: { pk: 1, username: 'willow.member' },
    directory: {
      users: [{ pk: 1, username: 'willow.member', groups: [] }],
      groups: [],
      sources: [{ pk: SOURCE_PK, name: 'Discord', slug: 'discord', provider_type: 'discord' }],
      connections: [
        {
          pk: 1,
          user: 1,
          source: 'discord',
          identifier: fake.persona.discord.user.id,
          access_token: fake.persona.discord.token.access_token,
        },
      ],
    },
    http: { mode, responses: [] },
  };
}

describe('guide policies over the bridge', () => {
  it('guild policy passes for a member', async () => {
    const result = await pool.evaluate(discordPolicy(guild));

    expect(result.error).toBeUndefined();
    expect(result.passing).toBe(true);
  });

  it('role policy passes with the role', async () => {
    expect((await pool.evaluate(discordPolicy(role))).passing).toBe(true);
  });

  it('role policy fails without the role', async () => {
    fake.setPersona(readBuiltInPersona('member-without-role'));
    const result = await pool.evaluate(discordPolicy(role));

    expect(result.passing).toBe(false);
    expect(result.messages[0]).toMatch(/^User is not a member of the .* role in /);
  });

  it('role policy reports a non-member', async () => {
    fake.setPersona(readBuiltInPersona('not-a-member'));
    const result = await pool.evaluate(discordPolicy(role));

    expect(result.passing).toBe(false);
    expect(result.messages[0]).toMatch(/^User is not a member of The desired server/);
  });

  it('role policy reports a Discord error', async () => {
    fake.setPersona(readBuiltInPersona('discord-error'));
    const result = await pool.evaluate(discordPolicy(role));

    expect(result.messages).toEqual(['Discord API error, try again later.']);
    expect(result.events.map((event) => event.action)).toContain('discord_error');
  });

  it('guild policy without guilds scope fails on the error dict', async () => {
    fake.setPersona(readBuiltInPersona('no-guilds-scope'));
    const result = await pool.evaluate(discordPolicy(guild));

    expect(result.passing).toBe(false);
    expect(result.error?.type).toBe('TypeError');
    expect(result.error?.message).toBe("string indices must be integers, not 'str'");
  });

  it('sync policy reports the rate limit', async () => {
    fake.setPersona(readBuiltInPersona('rate-limited'));
    const result = await pool.evaluate(discordPolicy(syncOnAuthentication));

    expect(result.passing).toBe(false);
    expect(result.messages).toEqual(['Discord is throttling this connection. Retry in 64s']);
  });

  it('every call is listed in the result', async () => {
    const result = await pool.evaluate(discordPolicy(role));

    expect(result.http).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: 'https://discord.com/api/users/@me/guilds/123456789123456789/member',
        matched: true,
        status: 200,
      }),
    ]);
  });
});

describe('limits seen from Python', () => {
  const fetchMe =
    'import requests\n' +
    'try:\n' +
    '    requests.get("https://discord.com/api/users/@me")\n' +
    'except requests.exceptions.RequestException as exc:\n' +
    '    return [type(exc).__name__, str(exc)]\n' +
    'return ["no error", ""]';

  it('slow response raises ReadTimeout', async () => {
    fake.setFault({ kind: 'slow', delayMs: 3000 });
    const result = await pool.evaluate(discordPolicy(fetchMe));
    const [type, message] = result.rawResult?.json as [string, string];

    expect(type).toBe('ReadTimeout');
    expect(message).toContain('[http-timeout]');
  });

  it('10 MB body raises ConnectionError', async () => {
    fake.setFault({ kind: 'huge-body' });
    const result = await pool.evaluate(discordPolicy(fetchMe));
    const [type, message] = result.rawResult?.json as [string, string];

    expect(type).toBe('ConnectionError');
    expect(message).toContain('[http-too-large]');
  });

  it('redirect to another host raises ConnectionError', async () => {
    fake.setFault({ kind: 'redirect' });
    const result = await pool.evaluate(discordPolicy(fetchMe));
    const [type, message] = result.rawResult?.json as [string, string];

    expect(type).toBe('ConnectionError');
    expect(message).toContain('[http-redirect]');
  });

  it('failed call is listed as unmatched', async () => {
    fake.setFault({ kind: 'reset' });
    const result = await pool.evaluate(discordPolicy(fetchMe));

    expect(result.http[0]?.matched).toBe(false);
  });

  it('worker works again after the faults', async () => {
    const result = await pool.evaluate(discordPolicy(guild));

    expect(result.passing).toBe(true);
  });
});

describe('replay-only evaluations', () => {
  it('bridge function refuses a replay evaluation', async () => {
    const before = fake.requests.length;
    const expression =
      'import json\n' +
      'from stagecraft_sim import transport_layer\n' +
      'request = {"method": "GET", "url": "https://discord.com/api/users/@me", "headers": {}, "body": None}\n' +
      'return json.loads(transport_layer._bridge(json.dumps(request)))';
    const result = await pool.evaluate(discordPolicy(expression, 'replay'));

    expect(result.rawResult?.json).toMatchObject({ ok: false, code: 'http-live-disabled' });
    expect(fake.requests.length).toBe(before);
  });

  it('pool without a layer refuses layer mode', async () => {
    const bare = createPythonPool({ size: 1 });
    try {
      const result = await bare.evaluate(
        discordPolicy(
          'import requests\nreturn requests.get("https://discord.com/api/users/@me").status_code',
        ),
      );

      expect(result.error?.type).toBe('ConnectionError');
      expect(result.error?.message).toContain('PythonPoolOptions.http');
    } finally {
      await bare.close();
    }
  });
});

describe('record mode from Python', () => {
  it('policy calls are recorded without the token', async () => {
    const recorder = new HttpLayer({
      mode: 'record',
      hostOverrides: fake.hostOverrides,
      recordAs: { source: 'discord', providerType: 'discord', apiBase: 'https://discord.com/api' },
    });
    const recordingPool = createPythonPool({ size: 1, http: recorder });
    try {
      const result = await recordingPool.evaluate(discordPolicy(role));
      const recording = recorder.toRecording();
      const text = JSON.stringify(recording);

      expect(result.passing).toBe(true);
      expect(recording.exchanges).toHaveLength(1);
      expect(recording.exchanges[0]?.request.headers.Authorization).toBe('Bearer <access-token-1>');
      expect(text).not.toContain(fake.persona.discord.token.access_token);
    } finally {
      await recordingPool.close();
      await recorder.close();
    }
  });
});
