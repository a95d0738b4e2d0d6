/**
 * Replayed source logins never reach the network: every outbound connection of the test process
 * is refused while persona and recording replays run, and the runs still end as they should.
 */
import net from 'node:net';
import tls from 'node:tls';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HttpLayer } from '../../main/http/layer.js';
import { createPythonPool } from '../../main/python/pool.js';
import type { PythonPool } from '../../main/python/pool.js';
import { personaLogin, recordingLogin } from '../../main/simulator/oauth/run-options.js';
import { simulateFlow } from '../../main/simulator/simulate.js';
import { Redactor } from '../../main/http/redact.js';
import {
  buildAuthorizeRequest,
  profileRequest,
  tokenRequest,
} from '../../main/simulator/oauth/client.js';
import { DISCORD_TYPE } from '../../main/simulator/oauth/discord.js';
import { findOAuthSourceObject } from '../../main/simulator/oauth/login.js';
import { readSourceConfig } from '../../main/simulator/oauth/source-config.js';
import type { Recording } from '../../shared/http/recording.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import { parseAuthentikVersion } from '../../shared/simulator/rules.js';
import { builtIn, evaluationsOf, loginAs, nameOf, sampleObjects } from './discord-support.js';

let pool: PythonPool;
const attempts: string[] = [];
// eslint-disable-next-line @typescript-eslint/unbound-method -- restored onto the prototype
const originalConnect = net.Socket.prototype.connect;
const originals = { tlsConnect: tls.connect, fetch: globalThis.fetch };

function refuse(what: string): never {
  attempts.push(what);
  throw new Error(`Outbound connection refused in this test: ${what}`);
}

beforeAll(async () => {
  pool = createPythonPool({ size: 1 });
  await pool.ready;

  net.Socket.prototype.connect = function connect(...args: unknown[]) {
    return refuse(`net connect ${JSON.stringify(args[0])}`);
  };
  tls.connect = (...args: unknown[]) => refuse(`tls connect ${JSON.stringify(args[0])}`);
  globalThis.fetch = (input: unknown) => refuse(`fetch ${String(input)}`);
});

afterAll(async () => {
  net.Socket.prototype.connect = originalConnect;
  tls.connect = originals.tlsConnect;
  globalThis.fetch = originals.fetch;
  await pool.close();
});

// The sample with its guide policies fixed enough to call Discord, and no property mapping.
function callingObjects() {
  return sampleObjects((object, attrs) => {
    if (object.model === 'authentik_sources_oauth.oauthsource') {
      delete attrs.user_property_mappings;
    }
    if (
      object.model === 'authentik_policies_expression.expressionpolicy' &&
      nameOf(object).startsWith('discord-guild')
    ) {
      attrs.expression = `from authentik.sources.oauth.models import OAuthSource\n${String(attrs.expression)}`;
    }
  });
}

describe('replay without the network', () => {
  it('runs a persona login and its policy calls', async () => {
    const trace = await loginAs(pool, callingObjects(), builtIn('not-a-member'));
    const policyCalls = trace.steps
      .flatMap((step) => step.http ?? [])
      .filter((item) => item.by.startsWith('policy'));

    expect([policyCalls.length, attempts]).toEqual([2, []]);
  });

  it('replays a recording of the token and profile requests', async () => {
    const persona = builtIn('member-with-role');
    const answers = new HttpLayer({ mode: 'replay', persona });
    const objects = callingObjects();
    const config = readSourceConfig(findOAuthSourceObject(objects, 'discord'), {});
    const withSecret = { ...config, consumerSecret: 'recorded-secret' };
    const authorize = buildAuthorizeRequest(
      withSecret,
      DISCORD_TYPE,
      parseAuthentikVersion('2025.12')!,
      'https://a.example',
    );
    const redactor = new Redactor();
    const token = tokenRequest(withSecret, DISCORD_TYPE, authorize, 'recorded-code', '2025.12');
    const tokenResponse = await answers.send(token);
    const profile = profileRequest(
      withSecret,
      DISCORD_TYPE,
      (tokenResponse.body as { json: Record<string, JsonValue> }).json,
      '2025.12',
    );
    const exchanges = [
      redactor.redactExchange({ request: token, response: tokenResponse }),
      redactor.redactExchange({ request: profile, response: await answers.send(profile) }),
    ];
    const recording: Recording = {
      format: 'stagecraft-http-recording',
      version: 1,
      source: 'discord',
      providerType: 'discord',
      apiBase: 'https://discord.com/api',
      createdAt: '2026-01-01T00:00:00.000Z',
      exchanges,
    };
    const trace = await simulateFlow({
      objects,
      flow: 'default-source-authentication',
      evaluator: pool,
      viaSource: 'discord',
      oauth: recordingLogin(recording, 'login.json'),
    });
    const statuses = (trace.steps[0]?.http ?? []).map((item) => item.status);

    expect([statuses, trace.outcome.kind, attempts]).toEqual([[200, 200], 'completed', []]);
  });

  it('fails a request that nothing answers instead of sending it', async () => {
    const persona = builtIn('member-with-role');
    const objects = callingObjects();
    for (const object of objects) {
      if (nameOf(object) === 'discord-guild-membership') {
        const attrs = object.attrs as Record<string, unknown>;
        attrs.expression = String(attrs.expression).replace(
          'https://discord.com/api/users/@me/guilds',
          'https://example.com/guilds',
        );
      }
    }
    const trace = await simulateFlow({
      objects,
      flow: 'default-source-authentication',
      evaluator: pool,
      personas: [persona],
      actor: persona.name,
      viaSource: 'discord',
      oauth: personaLogin(persona),
    });
    const call = trace.steps
      .flatMap((step) => step.http ?? [])
      .find((item) => item.url === 'https://example.com/guilds');

    expect([call?.status, call?.error?.startsWith('http-no-match'), attempts]).toEqual([
      null,
      true,
      [],
    ]);
  });

  it('sends each policy call, with bytes', async () => {
    const persona = builtIn('member-with-role');
    const objects = callingObjects();
    for (const object of objects) {
      if (nameOf(object) === 'discord-guild-membership') {
        (object.attrs as Record<string, unknown>).expression = [
          'info = request.context["oauth_userinfo"]',
          "url = f\"https://cdn.discordapp.com/avatars/{info['id']}/{info['avatar']}.png\"",
          'first = requests.get(url)',
          'second = requests.get(url)',
          'return first.content[:8] == b"\\x89PNG\\r\\n\\x1a\\n" and second.ok',
        ].join('\n');
      }
    }
    const trace = await loginAs(pool, objects, persona);
    const calls = trace.steps
      .flatMap((step) => step.http ?? [])
      .filter((item) => item.by === 'policy discord-guild-membership');
    const evaluation = evaluationsOf(trace, 'discord-guild-membership')[0];

    expect(calls.map((call) => [call.status, call.respondedBy])).toEqual([
      [200, 'persona member-with-role'],
      [200, 'persona member-with-role'],
    ]);
    expect(evaluation?.error?.message).toBeUndefined();
    expect(evaluation?.policyPassing).toBe(true);
    expect(attempts).toEqual([]);
  });
});
