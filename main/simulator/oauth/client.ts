/**
 * authentik's OAuth 2 client (authentik/sources/oauth/clients/oauth2.py and base.py, and
 * views/redirect.py): the authorize URL with its scopes and state, the token request and the
 * profile request, each sent the way authentik's `requests` session sends it.
 */
import { createHash, randomBytes } from 'node:crypto';

import type { HttpRequestData, HttpResponseData } from '../../../shared/http/exchange.js';
import { formatQuery } from '../../../shared/http/url.js';
import type { JsonValue } from '../../../shared/simulator/evaluation.js';
import type { AuthentikVersion } from '../../../shared/simulator/rules.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { asText, isJsonMap } from '../json.js';
import type { TracedHttp } from './http.js';
import type { ProviderType } from './providers.js';
import { effectiveUrl } from './providers.js';
import type { OAuthSourceConfig } from './source-config.js';

const STATE_ALPHABET = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Returns `length` random letters and digits, as Django's `get_random_string` does. */
export function randomString(length: number): string {
  const bytes = randomBytes(length);
  let text = '';
  for (const byte of bytes) {
    text += STATE_ALPHABET[byte % STATE_ALPHABET.length];
  }

  return text;
}

/**
 * Returns the scopes the redirect sends, as authentik builds them. `additional_scopes` is split
 * on single spaces and appended to the type's scopes, or replaces them when it starts with `*`.
 * The result is sorted and without repeats. A doubled space leaves an empty scope, as Python's
 * `split(" ")` does.
 */
export function redirectScopes(typeScopes: readonly string[], additional: string): string[] {
  let scopes = [...typeScopes];
  if (additional !== '') {
    if (additional.startsWith('*')) {
      scopes = additional.slice(1).split(' ');
    } else {
      scopes.push(...additional.split(' '));
    }
  }

  return [...new Set(scopes)].sort();
}

/** The authorize request of one login. */
export interface AuthorizeRequest {
  url: string;
  scopes: string[];
  state: string;
  redirectUri: string;
  /** Set when the type or source uses PKCE. */
  codeVerifier?: string;
}

/** Returns the callback URL of a source on an authentik server at `baseUrl`. */
export function callbackUrl(baseUrl: string, slug: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/source/oauth/callback/${slug}/`;
}

/** Builds the authorize URL the redirect view sends the browser to. */
export function buildAuthorizeRequest(
  config: OAuthSourceConfig,
  type: ProviderType,
  version: AuthentikVersion,
  baseUrl: string,
  state: string = randomString(32),
): AuthorizeRequest {
  const redirectUri = callbackUrl(baseUrl, config.slug);
  const scopes = redirectScopes(type.scopes(config, version), config.additionalScopes);
  const args: [string, string][] = [
    ['client_id', config.consumerKey],
    ['redirect_uri', redirectUri],
    ['response_type', 'code'],
    ['state', state],
  ];

  let codeVerifier: string | undefined;
  const pkce = type.pkce(config);
  if (pkce !== 'none') {
    codeVerifier = randomString(128);
    const challenge =
      pkce === 'S256'
        ? createHash('sha256').update(codeVerifier).digest('base64url')
        : codeVerifier;
    args.push(['code_challenge', challenge], ['code_challenge_method', pkce]);
  }

  for (const [key, value] of Object.entries(type.extraParameters)) {
    args.push([key, value]);
  }
  args.push(['scope', scopes.join(' ')]);

  const base = effectiveUrl(type, config.authorizationUrl, type.authorizationUrl);
  // urlencode(quote_via=quote) encodes spaces as %20, as encodeURIComponent does.
  const url = `${base}?${formatQuery(args)}`;
  return {
    url,
    scopes,
    state,
    redirectUri,
    ...(codeVerifier === undefined ? {} : { codeVerifier }),
  };
}

/** Returns the headers authentik's shared `requests` session sends with every request. */
export function sessionHeaders(version: string): Record<string, string> {
  return {
    'User-Agent': `authentik@${version}`,
    'Accept-Encoding': 'gzip, deflate',
    Accept: '*/*',
    Connection: 'keep-alive',
  };
}

/** Builds the token request for a code, with the client authentication of the type. */
export function tokenRequest(
  config: OAuthSourceConfig,
  type: ProviderType,
  authorize: AuthorizeRequest,
  code: string,
  version: string,
): HttpRequestData {
  const form: [string, string][] = [
    ['grant_type', 'authorization_code'],
    ['redirect_uri', authorize.redirectUri],
    ['code', code],
  ];
  if (authorize.codeVerifier !== undefined) {
    form.push(['code_verifier', authorize.codeVerifier]);
  }

  const headers: Record<string, string> = {
    ...sessionHeaders(version),
    Accept: 'application/json',
    'Content-Type': 'application/x-www-form-urlencoded',
  };
  const secret = config.consumerSecret ?? '';
  if (type.tokenAuthMethod(config) === 'post_body') {
    form.push(['client_id', config.consumerKey], ['client_secret', secret]);
  } else {
    // requests' HTTPBasicAuth encodes "id:secret" as Latin-1.
    const credentials = Buffer.from(`${config.consumerKey}:${secret}`, 'latin1').toString('base64');
    headers.Authorization = `Basic ${credentials}`;
  }

  return {
    method: 'POST',
    url: effectiveUrl(type, config.accessTokenUrl, type.accessTokenUrl),
    headers,
    body: formatQuery(form),
  };
}

/** Builds the profile request, with the token in the header and, unless header-only, the query. */
export function profileRequest(
  config: OAuthSourceConfig,
  type: ProviderType,
  token: JsonMap,
  version: string,
): HttpRequestData {
  const accessToken = asText(token.access_token);
  const base = effectiveUrl(type, config.profileUrl, type.profileUrl);
  const url =
    type.profileAuth === 'header'
      ? base
      : `${base}${base.includes('?') ? '&' : '?'}access_token=${encodeURIComponent(accessToken)}`;

  return {
    method: 'GET',
    url,
    headers: {
      ...sessionHeaders(version),
      Authorization: `${asText(token.token_type, 'Bearer')} ${accessToken}`,
    },
    body: null,
  };
}

/** The result of reading a JSON body: the value, or the reason it is not JSON. */
export type JsonRead = { ok: true; value: JsonValue } | { ok: false; reason: string };

/** Reads a response body as JSON the way `response.json()` does. */
export function readJson(response: HttpResponseData): JsonRead {
  const body = response.body;
  if (body === null) {
    return { ok: false, reason: 'the body is empty' };
  }
  if ('json' in body) {
    return { ok: true, value: body.json };
  }

  const text = 'text' in body ? body.text : Buffer.from(body.base64, 'base64').toString('utf8');
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    return { ok: false, reason: error instanceof Error ? error.message : String(error) };
  }
}

/** The token step's outcome: a token, an error text for the login failure, or a server error. */
export type TokenOutcome =
  | { kind: 'token'; token: JsonMap }
  | { kind: 'failed'; reason: string }
  | { kind: 'server-error'; message: string };

/**
 * Sends the token request and interprets the response as OAuth2Client.get_access_token and the
 * callback view do: an HTTP error or no response is "Could not retrieve token.", an `error` key
 * is the failure reason, and a body that is not JSON raises, so the server responds with HTTP 500.
 */
export async function fetchToken(
  http: TracedHttp,
  request: HttpRequestData,
  by: string,
): Promise<TokenOutcome> {
  const result = await http.send(request, by);
  const response = result.response;
  if (response === undefined || response.status >= 400) {
    return { kind: 'failed', reason: 'Could not retrieve token.' };
  }

  const read = readJson(response);
  if (!read.ok) {
    return {
      kind: 'server-error',
      message: `The token response is not JSON (${read.reason}); response.json() raises and the server responds with HTTP 500.`,
    };
  }
  if (!isJsonMap(read.value)) {
    return { kind: 'failed', reason: 'Could not retrieve token.' };
  }
  if ('error' in read.value) {
    return { kind: 'failed', reason: asText(read.value.error) };
  }

  return { kind: 'token', token: read.value };
}

/** The profile step's outcome. */
export type ProfileOutcome =
  { kind: 'profile'; info: JsonMap } | { kind: 'failed'; reason: string; event?: string };

/**
 * Sends the profile request: an HTTP error or no response is "Could not retrieve profile.", and
 * so is a body that is not JSON, which also records a `configuration_error` event.
 */
export async function fetchProfile(
  http: TracedHttp,
  request: HttpRequestData,
  by: string,
): Promise<ProfileOutcome> {
  const result = await http.send(request, by);
  const response = result.response;
  if (response === undefined || response.status >= 400) {
    return { kind: 'failed', reason: 'Could not retrieve profile.' };
  }

  const read = readJson(response);
  if (!read.ok) {
    return {
      kind: 'failed',
      reason: 'Could not retrieve profile.',
      event: 'Failed to JSON-decode profile.',
    };
  }
  if (!isJsonMap(read.value)) {
    return { kind: 'failed', reason: 'Could not retrieve profile.' };
  }

  return { kind: 'profile', info: read.value };
}
