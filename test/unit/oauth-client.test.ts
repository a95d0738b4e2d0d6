/**
 * The OAuth client's requests as authentik sends them: scopes, authorize parameters, client
 * authentication at the token endpoint, the profile request, masking in the trace, and the
 * static scope check of expression text.
 */
import { describe, expect, it } from 'vitest';

import {
  buildAuthorizeRequest,
  profileRequest,
  redirectScopes,
  tokenRequest,
} from '../../main/simulator/oauth/client.js';
import { DISCORD_TYPE } from '../../main/simulator/oauth/discord.js';
import { maskBody, maskHeaders, maskUrl } from '../../main/simulator/oauth/http.js';
import { findProviderType } from '../../main/simulator/oauth/providers.js';
import { checkDiscordScopes } from '../../main/simulator/oauth/scope-check.js';
import type { OAuthSourceConfig } from '../../main/simulator/oauth/source-config.js';
import { readSourceConfig, resolveEnvValue } from '../../main/simulator/oauth/source-config.js';
import { parseAuthentikVersion } from '../../shared/simulator/rules.js';
import { objectsFromYaml } from './simulator-helpers.js';

const V2025 = parseAuthentikVersion('2025.12')!;
const V2026 = parseAuthentikVersion('2026.6')!;

function source(attrs: string, env: Record<string, string> = {}): OAuthSourceConfig {
  const [object] = objectsFromYaml(`version: 1
entries:
  - model: authentik_sources_oauth.oauthsource
    identifiers: {slug: discord}
    attrs:
      name: Discord
      provider_type: discord
      consumer_key: "900000000000000017"
${attrs}`);
  return readSourceConfig(object!, env);
}

function query(url: string): Map<string, string> {
  return new Map(new URL(url).searchParams);
}

describe('redirect scopes', () => {
  it('appends additional scopes, sorted', () => {
    expect(redirectScopes(['email', 'identify'], 'guilds guilds.members.read')).toEqual([
      'email',
      'guilds',
      'guilds.members.read',
      'identify',
    ]);
  });

  it('drops repeated scopes', () => {
    expect(redirectScopes(['email', 'identify'], 'identify guilds')).toEqual([
      'email',
      'guilds',
      'identify',
    ]);
  });

  it('replaces the defaults after a star', () => {
    expect(redirectScopes(['email', 'identify'], '*identify')).toEqual(['identify']);
  });

  it('keeps the empty scope of a doubled space', () => {
    expect(redirectScopes(['email'], 'guilds  identify')).toEqual([
      '',
      'email',
      'guilds',
      'identify',
    ]);
  });

  it('leaves the defaults alone without additional scopes', () => {
    expect(redirectScopes(['email', 'identify'], '')).toEqual(['email', 'identify']);
  });
});

describe('authorize request', () => {
  const config = source('      additional_scopes: guilds');
  const authorize = buildAuthorizeRequest(
    config,
    DISCORD_TYPE,
    V2025,
    'https://auth.glade.example/',
  );

  it('goes to the Discord authorize endpoint', () => {
    expect(authorize.url.split('?')[0]).toBe('https://discord.com/api/oauth2/authorize');
  });

  it('sends the client id', () => {
    expect(query(authorize.url).get('client_id')).toBe('900000000000000017');
  });

  it('sends the absolute callback URL', () => {
    expect(query(authorize.url).get('redirect_uri')).toBe(
      'https://auth.glade.example/source/oauth/callback/discord/',
    );
  });

  it('asks for a code', () => {
    expect(query(authorize.url).get('response_type')).toBe('code');
  });

  it('sends a 32-character state', () => {
    expect(query(authorize.url).get('state')).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('skips the consent screen when it was given', () => {
    expect(query(authorize.url).get('prompt')).toBe('none');
  });

  it('sends the scopes space-separated', () => {
    expect(query(authorize.url).get('scope')).toBe('email guilds identify');
  });

  it('encodes spaces as %20', () => {
    expect(authorize.url).toContain('scope=email%20guilds%20identify');
  });

  it('adds guilds.members.read for a guild in newer versions', () => {
    const newer = source('      discord_guild_id: "123456789123456789"');
    expect(buildAuthorizeRequest(newer, DISCORD_TYPE, V2026, 'https://a.example').scopes).toContain(
      'guilds.members.read',
    );
  });

  it('ignores a guild in 2025.12', () => {
    const older = source('      discord_guild_id: "123456789123456789"');
    expect(buildAuthorizeRequest(older, DISCORD_TYPE, V2025, 'https://a.example').scopes).toEqual([
      'email',
      'identify',
    ]);
  });
});

describe('token request', () => {
  const config = source('      consumer_secret: !Env [DISCORD_CLIENT_SECRET]', {
    DISCORD_CLIENT_SECRET: 'FAKEsecret0case17',
  });
  const authorize = buildAuthorizeRequest(
    config,
    DISCORD_TYPE,
    V2025,
    'https://auth.glade.example',
  );
  const request = tokenRequest(config, DISCORD_TYPE, authorize, 'FAKEcode0case17', '2025.12');

  it('reads the secret from the environment', () => {
    expect(config.consumerSecret).toBe('FAKEsecret0case17');
  });

  it('authenticates the client with HTTP Basic as case 17 recorded', () => {
    expect(request.headers.Authorization).toBe(
      'Basic OTAwMDAwMDAwMDAwMDAwMDE3OkZBS0VzZWNyZXQwY2FzZTE3',
    );
  });

  it('posts the code grant without client credentials in the body', () => {
    expect(new URLSearchParams(request.body ?? '').get('client_secret')).toBeNull();
  });

  it('posts the authorization code grant', () => {
    const form = new URLSearchParams(request.body ?? '');
    expect([form.get('grant_type'), form.get('code')]).toEqual([
      'authorization_code',
      'FAKEcode0case17',
    ]);
  });

  it('asks for JSON', () => {
    expect(request.headers.Accept).toBe('application/json');
  });

  it('puts GitHub credentials in the body', () => {
    const github = findProviderType('github');
    const body = tokenRequest(config, github, authorize, 'code', '2025.12').body ?? '';
    expect(new URLSearchParams(body).get('client_id')).toBe('900000000000000017');
  });
});

describe('profile request', () => {
  const config = source('');
  const token = { access_token: 'FAKEaccess0case18a', token_type: 'Bearer' };

  it('sends the token in the header', () => {
    expect(profileRequest(config, DISCORD_TYPE, token, '2025.12').headers.Authorization).toBe(
      'Bearer FAKEaccess0case18a',
    );
  });

  it('sends the token as a query parameter too', () => {
    expect(profileRequest(config, DISCORD_TYPE, token, '2025.12').url).toBe(
      'https://discord.com/api/users/@me?access_token=FAKEaccess0case18a',
    );
  });

  it('identifies as authentik', () => {
    expect(profileRequest(config, DISCORD_TYPE, token, '2025.12').headers['User-Agent']).toBe(
      'authentik@2025.12',
    );
  });
});

describe('trace masking', () => {
  it('masks the token in a URL', () => {
    expect(maskUrl('https://discord.com/api/users/@me?access_token=abc')).toBe(
      'https://discord.com/api/users/@me?access_token=***',
    );
  });

  it('keeps the scheme of an Authorization header', () => {
    expect(maskHeaders({ Authorization: 'Bearer abc' })).toEqual({ Authorization: 'Bearer ***' });
  });

  it('masks the code in a form body', () => {
    expect(maskBody('grant_type=authorization_code&code=abc')).toBe(
      'grant_type=authorization_code&code=***',
    );
  });
});

describe('env values', () => {
  it('uses the default of an unset variable', () => {
    expect(resolveEnvValue({ $tag: 'Env', value: ['MISSING', 'fallback'] }, {}).value).toBe(
      'fallback',
    );
  });

  it('leaves an unset variable without default undefined', () => {
    expect(resolveEnvValue({ $tag: 'Env', value: ['MISSING'] }, {}).value).toBeUndefined();
  });
});

describe('scope check', () => {
  const guildsPolicy = [
    '# calls https://discord.com/api/users/@me/guilds in a comment only',
    'guilds = requests.get(',
    '    "https://discord.com/api/users/@me/guilds",',
    ').json()',
  ].join('\n');
  const memberPolicy = 'URL = f"https://discord.com/api/users/@me/guilds/{GUILD}/member"';

  it('finds the guild list call and its line', () => {
    const warnings = checkDiscordScopes(
      [{ kind: 'policy', name: 'in-guild', expression: guildsPolicy }],
      ['email', 'identify'],
    );
    expect(warnings).toEqual([
      { kind: 'policy', name: 'in-guild', line: 3, endpoint: 'users/@me/guilds', scope: 'guilds' },
    ]);
  });

  it('finds the member call', () => {
    const warnings = checkDiscordScopes(
      [{ kind: 'policy', name: 'role', expression: memberPolicy }],
      ['email', 'guilds', 'identify'],
    );
    expect(warnings.map((warning) => warning.scope)).toEqual(['guilds.members.read']);
  });

  it('stays quiet when the scope is requested', () => {
    const warnings = checkDiscordScopes(
      [{ kind: 'policy', name: 'in-guild', expression: guildsPolicy }],
      ['email', 'guilds', 'identify'],
    );
    expect(warnings).toEqual([]);
  });
});
