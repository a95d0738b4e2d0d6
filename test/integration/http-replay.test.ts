// Record mode against the fake Discord, then replay with every outbound connection refused:
// the saved file contains no secret, the replay reproduces the recorded responses, and the Discord
// failure cases 15, 17, 18 and 20 come back as recorded.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { DiscordLoginSettings } from '../../main/http/discord-login.js';
import { runDiscordLogin } from '../../main/http/discord-login.js';
import { HttpLayer } from '../../main/http/layer.js';
import { readRecordingFile, writeRecordingFile } from '../../main/http/recording-file.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { HttpResponseData } from '../../shared/http/exchange.js';
import { recordingToPersona } from '../../shared/http/recording-persona.js';
import type { Recording } from '../../shared/http/recording.js';
import type { FakeDiscord } from '../support/fake-discord.js';
import { readBuiltInPersona, startFakeDiscord } from '../support/fake-discord.js';
import { caseRecording, readCaseExchanges, refuseNetwork } from './http-support.js';

const GUILD = '123456789123456789';
const REDIRECT_URI = 'https://auth.example/source/oauth/callback/discord/';

let folder: string;
let fake: FakeDiscord;
let recording: Recording;
let recordedText: string;
let recordedFile: string;

async function authorizationCode(server: FakeDiscord): Promise<string> {
  const query = new URLSearchParams({
    client_id: server.clientId,
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope: 'email identify guilds guilds.members.read',
    state: 'recording-state-0123456789abcdef',
  });
  const response = await fetch(`${server.apiBase}/oauth2/authorize?${query.toString()}`, {
    redirect: 'manual',
  });
  const location = new URL(response.headers.get('location') ?? '');

  return location.searchParams.get('code') ?? '';
}

function settings(server: FakeDiscord): DiscordLoginSettings {
  return {
    apiBase: 'https://discord.com/api',
    cdnBase: 'https://cdn.discordapp.com',
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    redirectUri: REDIRECT_URI,
    scopes: ['email', 'guilds', 'guilds.members.read', 'identify'],
    guildIds: [GUILD],
  };
}

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'stagecraft-replay-'));
  fake = await startFakeDiscord();
  const layer = new HttpLayer({
    mode: 'record',
    hostOverrides: fake.hostOverrides,
    recordAs: { source: 'discord', providerType: 'discord', apiBase: 'https://discord.com/api' },
  });
  try {
    await runDiscordLogin(layer, settings(fake), await authorizationCode(fake));
    recording = layer.toRecording();
  } finally {
    await layer.close();
  }

  recordedFile = join(folder, 'login.json');
  writeRecordingFile(recordedFile, recording);
  recordedText = readFileSync(recordedFile, 'utf8');
});

afterAll(async () => {
  await fake.close();
  rmSync(folder, { recursive: true, force: true });
});

async function failure(action: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await action();
  } catch (error) {
    if (isStagecraftError(error)) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected a StagecraftError');
}

function json(response: HttpResponseData): unknown {
  return response.body !== null && 'json' in response.body ? response.body.json : undefined;
}

describe('recording', () => {
  it('records every call of the login', () => {
    expect(recording.exchanges.map((exchange) => exchange.request.url)).toEqual([
      'https://discord.com/api/oauth2/token',
      'https://discord.com/api/users/@me?access_token=%3Caccess-token-1%3E',
      'https://discord.com/api/users/@me/guilds',
      `https://discord.com/api/users/@me/guilds/${GUILD}/member`,
      `https://discord.com/api/v10/users/@me/guilds/${GUILD}/member`,
      `https://cdn.discordapp.com/avatars/${fake.persona.discord.user.id}/${fake.persona.discord.user.avatar}.png?size=64`,
    ]);
  });

  it('saved file contains no secret', () => {
    const token = fake.persona.discord.token;
    const basic = Buffer.from(`${fake.clientId}:${fake.clientSecret}`).toString('base64');
    const code = fake.requests.find((request) => request.path.includes('/oauth2/token'))?.body;
    const sentCode = new URLSearchParams(code ?? '').get('code') ?? '';
    const secrets = {
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      basic,
      accessToken: token.access_token,
      refreshToken: token.refresh_token,
      code: sentCode,
      email: fake.persona.discord.user.email ?? '',
    };

    for (const [name, secret] of Object.entries(secrets)) {
      expect(secret.length, name).toBeGreaterThan(5);
      expect(recordedText.includes(secret), name).toBe(false);
    }
  });

  it('token placeholder is the same in every exchange', () => {
    const bearer = recording.exchanges
      .slice(1, 5)
      .map(
        (exchange) =>
          exchange.request.headers.Authorization ?? exchange.request.headers.authorization,
      );

    expect(new Set(bearer)).toEqual(new Set(['Bearer <access-token-1>']));
    expect(recordedText).toContain('"access_token": "<access-token-1>"');
  });

  it('email becomes a placeholder', () => {
    expect(recordedText).toContain('user1@example.invalid');
  });
});

describe('replay with the network refused', () => {
  let network: ReturnType<typeof refuseNetwork>;

  beforeAll(() => {
    network = refuseNetwork();
  });

  afterAll(() => {
    network.restore();
  });

  it('login replays with the recorded answers', async () => {
    const before = fake.requests.length;
    const loaded = readRecordingFile(recordedFile, {
      source: 'discord',
      apiBase: 'https://discord.com/api',
    });
    const seen: HttpResponseData[] = [];
    const layer = new HttpLayer({ mode: 'replay', recording: loaded, recordingName: recordedFile });
    const spy = {
      send: async (request: Parameters<HttpLayer['send']>[0]) => {
        const response = await layer.send(request);
        seen.push(response);
        return response;
      },
    };
    const summary = await runDiscordLogin(spy, settings(fake), 'a-different-code');

    expect(summary.username).toBe('willow.member');
    expect(seen.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(json(seen[3]!)).toEqual(json(recording.exchanges[3]!.response));
    expect(fake.requests.length).toBe(before);
  });

  it('unmatched request names method, url and the closest one', async () => {
    const layer = new HttpLayer({ mode: 'replay', recording, recordingName: 'login.json' });
    const error = await failure(() =>
      layer.send({
        method: 'GET',
        url: 'https://discord.com/api/v9/users/@me/guilds',
        headers: { Authorization: 'Bearer real-token-value' },
      }),
    );

    expect(error.code).toBe('http-no-match');
    expect(error.message).toContain('GET https://discord.com/api/v9/users/@me/guilds');
    expect(error.message).toContain(
      'The closest recorded request is GET https://discord.com/api/users/@me/guilds',
    );
    expect(error.message).not.toContain('real-token-value');
  });

  it('replay layer stays usable after a miss', async () => {
    const layer = new HttpLayer({ mode: 'replay', recording });
    await failure(() => layer.send({ method: 'GET', url: 'https://discord.com/api/nothing' }));
    const response = await layer.send({
      method: 'GET',
      url: 'https://discord.com/api/users/@me/guilds',
      headers: { Authorization: 'Bearer any-token' },
    });

    expect(response.status).toBe(200);
  });

  it('persona answers what the recording lacks', async () => {
    const persona = recordingToPersona(recording, 'recorded');
    const layer = new HttpLayer({ mode: 'replay', recording, persona });
    const response = await layer.send({
      method: 'GET',
      url: 'https://discord.com/api/v9/users/@me/guilds',
      headers: { Authorization: `Bearer ${persona.discord.token.access_token}` },
    });

    expect(response.status).toBe(200);
  });

  it('rate limited persona answers 429 with retry_after', async () => {
    const persona = readBuiltInPersona('rate-limited');
    const layer = new HttpLayer({ mode: 'replay', persona });
    const response = await layer.send({
      method: 'GET',
      url: `https://discord.com/api/users/@me/guilds/${GUILD}/member`,
      headers: { Authorization: `Bearer ${persona.discord.token.access_token}` },
    });

    expect(response.status).toBe(429);
    expect(json(response)).toEqual({
      message: 'You are being rate limited.',
      retry_after: 64.57,
      global: false,
    });
    expect(response.headers['Retry-After']).toBe('65');
  });

  it('replay without recording or persona is rejected', () => {
    expect(() => new HttpLayer({ mode: 'replay' })).toThrow(/recording or a persona/);
  });
});

describe('Discord cases', () => {
  let network: ReturnType<typeof refuseNetwork>;

  beforeAll(() => {
    network = refuseNetwork();
  });

  afterAll(() => {
    network.restore();
  });

  it('case 15 replays 404 code 10004', async () => {
    const exchanges = readCaseExchanges('cases/15-discord-member-10004-not-in-guild/exchange.json');
    const layer = new HttpLayer({ mode: 'replay', recording: caseRecording(exchanges) });
    const response = await layer.send({
      method: 'GET',
      url: exchanges[0]!.url,
      headers: { Authorization: 'Bearer token-of-this-run' },
    });

    expect(response.status).toBe(404);
    expect(json(response)).toEqual({ message: 'Unknown Guild', code: 10004 });
    expect(response.headers['X-RateLimit-Bucket']).toBe('b0c4ecase15fake');
  });

  it('case 15 bucket gives 429 on the sixth call', async () => {
    const exchanges = readCaseExchanges('cases/15-discord-member-10004-not-in-guild/exchange.json');
    const layer = new HttpLayer({
      mode: 'replay',
      recording: caseRecording(exchanges),
      now: () => 0,
    });
    const statuses: number[] = [];
    let last: HttpResponseData | undefined;
    for (let call = 0; call < 6; call += 1) {
      last = await layer.send({
        method: 'GET',
        url: exchanges[0]!.url,
        headers: { Authorization: 'Bearer FAKEaccess0case15' },
      });
      statuses.push(last.status);
    }

    expect(statuses).toEqual([404, 404, 404, 404, 404, 429]);
    expect((json(last!) as { retry_after: number }).retry_after).toBe(300);
    expect(last!.headers['X-RateLimit-Remaining']).toBe('0');
  });

  it('case 17 token has no guilds scope', async () => {
    const exchanges = readCaseExchanges('cases/17-discord-guilds-401-missing-scope/exchanges.json');
    const layer = new HttpLayer({ mode: 'replay', recording: caseRecording(exchanges) });
    const token = await layer.send({
      method: 'POST',
      url: 'https://discord.com/api/oauth2/token',
      headers: {
        Authorization: `Basic ${Buffer.from('900000000000000017:other-secret').toString('base64')}`,
      },
      body: 'grant_type=authorization_code&code=x',
    });

    expect((json(token) as { scope: string }).scope).toBe('identify email');
  });

  it('case 17 guilds call answers 401 code 0', async () => {
    const exchanges = readCaseExchanges('cases/17-discord-guilds-401-missing-scope/exchanges.json');
    const layer = new HttpLayer({ mode: 'replay', recording: caseRecording(exchanges) });
    const token = json(
      await layer.send({
        method: 'POST',
        url: 'https://discord.com/api/oauth2/token',
        headers: { Authorization: `Basic ${Buffer.from('id0000:secret0000').toString('base64')}` },
      }),
    ) as { access_token: string };
    const guilds = await layer.send({
      method: 'GET',
      url: 'https://discord.com/api/users/@me/guilds',
      headers: { Authorization: `Bearer ${token.access_token}` },
    });

    expect(guilds.status).toBe(401);
    expect(json(guilds)).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('case 17 persona drives the 401 from the scope', async () => {
    const exchanges = readCaseExchanges('cases/17-discord-guilds-401-missing-scope/exchanges.json');
    const token = exchanges[0]!;
    const user = {
      ...exchanges[1]!,
      url: 'https://discord.com/api/users/@me',
      status: 200,
      body: {
        id: '1170000000000000017',
        username: 'case17',
        discriminator: '0',
        global_name: null,
        avatar: null,
      },
    };
    const persona = recordingToPersona(caseRecording([token, user]), 'case17');
    const layer = new HttpLayer({ mode: 'replay', persona });
    const guilds = await layer.send({
      method: 'GET',
      url: 'https://discord.com/api/users/@me/guilds',
      headers: { Authorization: `Bearer ${persona.discord.token.access_token}` },
    });

    expect(persona.discord.token.scope).toBe('identify email');
    expect(guilds.status).toBe(401);
    expect(json(guilds)).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('case 18 replays both users in order', async () => {
    const exchanges = readCaseExchanges(
      'cases/18-discord-new-username-global-name-null/exchanges.json',
    );
    const layer = new HttpLayer({ mode: 'replay', recording: caseRecording(exchanges) });
    const users: Record<string, unknown>[] = [];
    for (const token of ['token-of-user-a', 'token-of-user-b']) {
      const response = await layer.send({
        method: 'GET',
        url: 'https://discord.com/api/users/@me',
        headers: { Authorization: `Bearer ${token}` },
      });
      users.push(json(response) as Record<string, unknown>);
    }

    expect(users[0]).toMatchObject({
      username: 'mossy.lantern',
      discriminator: '0',
      global_name: null,
    });
    expect(users[1]).toMatchObject({
      username: 'Pebble',
      discriminator: '4821',
      global_name: 'Pebble the Bold',
    });
  });

  it('case 20 replays the unverified email', async () => {
    const exchanges = readCaseExchanges('cases/20-discord-unverified-email-link/exchange.json');
    const layer = new HttpLayer({ mode: 'replay', recording: caseRecording(exchanges) });
    const user = json(
      await layer.send({
        method: 'GET',
        url: 'https://discord.com/api/users/@me',
        headers: { Authorization: 'Bearer any' },
      }),
    ) as Record<string, unknown>;

    expect(user.verified).toBe(false);
    expect(user.email).toBe('user1@example.invalid');
  });

  it('case 20 without email scope has no email key', async () => {
    const exchanges = readCaseExchanges('cases/20-discord-unverified-email-link/exchange.json');
    const persona = recordingToPersona(caseRecording(exchanges), 'case20');
    const layer = new HttpLayer({
      mode: 'replay',
      persona: {
        ...persona,
        discord: { ...persona.discord, token: { ...persona.discord.token, scope: 'identify' } },
      },
    });
    const user = json(
      await layer.send({
        method: 'GET',
        url: 'https://discord.com/api/users/@me',
        headers: { Authorization: `Bearer ${persona.discord.token.access_token}` },
      }),
    ) as Record<string, unknown>;

    expect('email' in user).toBe(false);
    expect('verified' in user).toBe(false);
  });
});
