/**
 * OAuth provider types, as authentik's type registry has them (authentik/sources/oauth/types/
 * registry.py and one module per type). A type fixes the URLs (unless they are customizable),
 * the scopes the redirect always requests, how the client authenticates at the token endpoint,
 * how the profile request carries the token, the user identifier and the base user and group
 * properties. A `provider_type` without a registered type gets the default type, as authentik's
 * `find_type` does.
 */
import type { OAuthProviderType as ProviderTypeName } from '../../../shared/model/sources.js';
import { OAUTH_PROVIDER_DEFAULTS } from '../../../shared/model/sources.js';
import type { AuthentikVersion } from '../../../shared/simulator/rules.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { asText, isJsonMap } from '../json.js';
import type { RunState } from '../types.js';
import type { TracedHttp } from './http.js';
import type { OAuthSourceConfig } from './source-config.js';

/** The arguments of a type's property hooks: the source, the profile, the token, the HTTP layer. */
export interface ProviderCall {
  config: OAuthSourceConfig;
  info: JsonMap;
  token: JsonMap;
  version: AuthentikVersion;
  state: RunState;
  http: TracedHttp;
  /** The name the trace gives the source's own requests, e.g. `source discord`. */
  by: string;
}

/** The place of the access token in the profile request. */
export type ProfileAuth = 'header-and-query' | 'header';

/** One provider type. */
export interface ProviderType {
  name: string;
  label: string;
  urlsCustomizable: boolean;
  authorizationUrl?: string;
  accessTokenUrl?: string;
  profileUrl?: string;
  /** The scopes the redirect always requests, before `additional_scopes`. */
  scopes(config: OAuthSourceConfig, version: AuthentikVersion): string[];
  /** Further authorize parameters, e.g. Discord's `prompt=none`. */
  extraParameters: Record<string, string>;
  /** `basic_auth` (HTTP Basic) or `post_body` (client id and secret in the form). */
  tokenAuthMethod(config: OAuthSourceConfig): string;
  /** The PKCE method: the type's own, or the source's when the URLs are customizable. */
  pkce(config: OAuthSourceConfig): string;
  profileAuth: ProfileAuth;
  /** The identifier of the connection, or undefined ("Could not determine id."). */
  userId(info: JsonMap): string | undefined;
  baseUserProperties(call: ProviderCall): Promise<JsonMap>;
  baseGroupProperties(groupId: string, call: ProviderCall): JsonMap;
  /** A note the trace shows for types whose own properties are not reproduced. */
  note?: string;
}

/** Returns `info[key]`, or null when absent, as Python's `info.get(key)` does. */
export function infoGet(info: JsonMap, key: string): JsonMap[string] {
  return key in info ? (info[key] ?? null) : null;
}

function idOf(info: JsonMap, key: string): string | undefined {
  const value = info[key];
  if (value === undefined || value === null) {
    return undefined;
  }

  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Returns the URL a type uses: the source's own when customizable and set, else the type's. */
export function effectiveUrl(
  type: ProviderType,
  own: string | null,
  fixed: string | undefined,
): string {
  if (type.urlsCustomizable && own !== null && own !== '') {
    return own;
  }

  return fixed ?? '';
}

/** Builds the parts every type shares from the type's defaults in the model. */
function baseType(name: ProviderTypeName | 'default'): Omit<ProviderType, 'baseUserProperties'> {
  const defaults = name === 'default' ? undefined : OAUTH_PROVIDER_DEFAULTS[name];
  const type: Omit<ProviderType, 'baseUserProperties'> = {
    name,
    label: defaults?.label ?? 'Default source type',
    urlsCustomizable: defaults?.urlsCustomizable ?? false,
    scopes: () => [...(defaults?.scopes ?? [])],
    extraParameters: {},
    tokenAuthMethod: () => defaults?.authorizationCodeAuthMethod ?? 'basic_auth',
    pkce: (config) => (type.urlsCustomizable ? config.pkce : 'none'),
    profileAuth: 'header-and-query',
    userId: (info) => idOf(info, 'id'),
    baseGroupProperties: (groupId) => ({ name: groupId }),
  };
  if (defaults?.authorizationUrl !== undefined) {
    type.authorizationUrl = defaults.authorizationUrl;
  }
  if (defaults?.accessTokenUrl !== undefined) {
    type.accessTokenUrl = defaults.accessTokenUrl;
  }
  if (defaults?.profileUrl !== undefined) {
    type.profileUrl = defaults.profileUrl;
  }

  return type;
}

// authentik/sources/oauth/types/oidc.py: the source's own client authentication setting counts.
const openIdConnect: ProviderType = {
  ...baseType('openidconnect'),
  tokenAuthMethod: (config) => config.authorizationCodeAuthMethod,
  profileAuth: 'header',
  userId: (info) => idOf(info, 'sub'),
  baseUserProperties: (call) => {
    const info = call.info;
    return Promise.resolve({
      username:
        'nickname' in info ? infoGet(info, 'nickname') : infoGet(info, 'preferred_username'),
      email: infoGet(info, 'email'),
      name: infoGet(info, 'name'),
      groups: Array.isArray(info.groups) ? info.groups : [],
    });
  },
};

// authentik/sources/oauth/types/github.py: a profile without a public email is completed from
// the user's primary address at `<profile URL>/emails`.
const gitHub: ProviderType = {
  ...baseType('github'),
  baseUserProperties: async (call) => {
    const info = call.info;
    let email = infoGet(info, 'email');
    if (email === null || email === '') {
      email = await primaryGitHubEmail(call);
    }

    return { username: infoGet(info, 'login'), email, name: infoGet(info, 'name') };
  },
};

async function primaryGitHubEmail(call: ProviderCall): Promise<JsonMap[string]> {
  const profile = effectiveUrl(gitHub, call.config.profileUrl, gitHub.profileUrl);
  const token = asText(call.token.access_token);
  const url = `${profile}/emails?access_token=${encodeURIComponent(token)}`;
  const result = await call.http.send(
    {
      method: 'GET',
      url,
      headers: { Authorization: `${asText(call.token.token_type, 'Bearer')} ${token}` },
      body: null,
    },
    call.by,
  );
  const body = result.response?.body;
  if (
    result.response === undefined ||
    result.response.status >= 400 ||
    !body ||
    !('json' in body)
  ) {
    return null;
  }

  const emails = Array.isArray(body.json) ? body.json : [];
  let chosen: JsonMap[string] = null;
  for (const entry of emails) {
    if (isJsonMap(entry) && entry.primary === true) {
      chosen = entry.email ?? null;
    }
  }

  return chosen;
}

// authentik/sources/oauth/types/google.py: no username, so the enrollment flow prompts for one.
const google: ProviderType = {
  ...baseType('google'),
  baseUserProperties: (call) =>
    Promise.resolve({ email: infoGet(call.info, 'email'), name: infoGet(call.info, 'name') }),
};

const registry = new Map<string, ProviderType>([
  ['openidconnect', openIdConnect],
  ['github', gitHub],
  ['google', google],
]);

/** Registers a provider type under its name, replacing one with the same name. */
export function registerProviderType(type: ProviderType): void {
  registry.set(type.name, type);
}

/**
 * Returns the type for a `provider_type`. Types without their own entry get their URLs and
 * scopes from the model's defaults and authentik's default (empty) base properties.
 */
export function findProviderType(name: string): ProviderType {
  const registered = registry.get(name);
  if (registered !== undefined) {
    return registered;
  }

  const known = name in OAUTH_PROVIDER_DEFAULTS;
  return {
    ...baseType(known ? (name as ProviderTypeName) : 'default'),
    baseUserProperties: () => Promise.resolve({}),
    note: known
      ? `The ${name} type's own user properties are not reproduced; only property mappings set them.`
      : `authentik has no provider type "${name}" and uses its default type.`,
  };
}
