/**
 * The calls of a Discord login, sent the way authentik's Discord source and the policies of
 * authentik's Discord guide send them. The token exchange sends the client credentials in HTTP
 * Basic, as authentik's OAuth2 client does. `users/@me` gets the token in the Authorization
 * header and again as `?access_token=`, as authentik's base OAuth client sends it. Then come the
 * guild list and the guild-member call with and without the API version, because the guide's
 * policies call `/api/...` and authentik's newest Discord type `/api/v10/...`. Last comes the
 * avatar on the CDN.
 */
import { StagecraftError } from '../../shared/errors.js';
import { hasScope } from '../../shared/http/discord.js';
import type { HttpResponseData, HttpSender } from '../../shared/http/exchange.js';
import { formatQuery } from '../../shared/http/url.js';

/** Settings of a Discord login. */
export interface DiscordLoginSettings {
  /** API base without a trailing slash, e.g. `https://discord.com/api`. */
  apiBase: string;
  /** CDN base without a trailing slash, e.g. `https://cdn.discordapp.com`. */
  cdnBase: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  scopes: string[];
  /** Guilds whose member object is fetched. */
  guildIds: string[];
}

/** Summary of a recorded login, printed after it. */
export interface DiscordLoginSummary {
  username: string;
  /** The scopes the token was granted. */
  scope: string;
  /** Number of HTTP calls made. */
  calls: number;
}

/** Size of the avatar authentik's newest Discord type and the guide's mapping request. */
const AVATAR_SIZE = 64;

/**
 * Returns the authorization URL the browser opens, with the parameters authentik's redirect view
 * sends for a Discord source (`prompt=none` skips the consent screen when it was given before).
 */
export function discordAuthorizeUrl(settings: DiscordLoginSettings, state: string): string {
  const query = formatQuery([
    ['client_id', settings.clientId],
    ['redirect_uri', settings.redirectUri],
    ['response_type', 'code'],
    ['scope', settings.scopes.join(' ')],
    ['state', state],
    ['prompt', 'none'],
  ]);

  return `${settings.apiBase}/oauth2/authorize?${query}`;
}

function jsonObject(response: HttpResponseData): Record<string, unknown> | undefined {
  const body = response.body;
  if (body === null || !('json' in body)) {
    return undefined;
  }

  const value = body.json;
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : undefined;
}

/**
 * Exchanges `code` for a token and makes the calls of a login through `http`. Responses other
 * than the token's and the user's are kept as they come, whatever their status. Throws
 * `oauth-login-failed` when the token exchange or `users/@me` fails, with the status and
 * Discord's error text but no secret.
 */
export async function runDiscordLogin(
  http: HttpSender,
  settings: DiscordLoginSettings,
  code: string,
): Promise<DiscordLoginSummary> {
  const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64');
  const tokenResponse = await http.send({
    method: 'POST',
    url: `${settings.apiBase}/oauth2/token`,
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/x-www-form-urlencoded',
      Authorization: `Basic ${basic}`,
    },
    body: formatQuery([
      ['grant_type', 'authorization_code'],
      ['code', code],
      ['redirect_uri', settings.redirectUri],
    ]),
  });
  const token = jsonObject(tokenResponse);
  const accessToken = token?.access_token;
  if (tokenResponse.status !== 200 || typeof accessToken !== 'string') {
    throw loginFailed('the token exchange', tokenResponse);
  }

  const tokenType = typeof token?.token_type === 'string' ? token.token_type : 'Bearer';
  const scope = typeof token?.scope === 'string' ? token.scope : '';
  const authorization = { Authorization: `${tokenType} ${accessToken}` };
  let calls = 1;
  const get = async (url: string): Promise<HttpResponseData> => {
    calls += 1;
    return http.send({ method: 'GET', url, headers: { ...authorization }, body: null });
  };

  const userResponse = await get(
    `${settings.apiBase}/users/@me?${formatQuery([['access_token', accessToken]])}`,
  );
  const user = jsonObject(userResponse);
  if (userResponse.status !== 200 || user === undefined) {
    throw loginFailed('users/@me', userResponse);
  }

  if (hasScope(scope, 'guilds') || settings.guildIds.length > 0) {
    await get(`${settings.apiBase}/users/@me/guilds`);
  }

  const versioned = /\/v\d+$/.test(settings.apiBase) ? undefined : `${settings.apiBase}/v10`;
  for (const guildId of settings.guildIds) {
    await get(`${settings.apiBase}/users/@me/guilds/${encodeURIComponent(guildId)}/member`);
    if (versioned !== undefined) {
      await get(`${versioned}/users/@me/guilds/${encodeURIComponent(guildId)}/member`);
    }
  }

  if (typeof user.avatar === 'string' && typeof user.id === 'string') {
    await get(`${settings.cdnBase}/avatars/${user.id}/${user.avatar}.png?size=${AVATAR_SIZE}`);
  }

  const username = typeof user.username === 'string' ? user.username : '';
  return { username, scope, calls };
}

function loginFailed(step: string, response: HttpResponseData): StagecraftError {
  const json = jsonObject(response);
  const detail =
    typeof json?.error === 'string'
      ? ` (${json.error}${typeof json.error_description === 'string' ? `: ${json.error_description}` : ''})`
      : typeof json?.message === 'string'
        ? ` (${json.message})`
        : '';

  return new StagecraftError(
    'oauth-login-failed',
    `The login failed at ${step}: Discord responded with HTTP ${response.status}${detail}. Check the ` +
      'client id and secret and that the redirect URI is registered in the Discord application.',
    { status: response.status },
  );
}
