/**
 * The settings of an OAuth source as a login uses them, read from its project object with
 * authentik's defaults. `!Env` values are resolved from the environment the run is given, since
 * authentik resolves them when the blueprint is applied.
 */
import type { ModelObject } from '../../../shared/model/object.js';
import { readOAuthSource } from '../../../shared/model/sources.js';
import type { Value } from '../../../shared/model/values.js';
import { isTag } from '../../../shared/model/values.js';
import { mergeEntryData } from '../../../shared/model/view.js';
import { plainValue, refUid, refUids } from '../project-index.js';

/** An OAuth source's settings. */
export interface OAuthSourceConfig {
  object: ModelObject;
  slug: string;
  name: string;
  enabled: boolean;
  providerType: string;
  consumerKey: string;
  /** Undefined when it is an `!Env` tag whose variable is unset, or missing. */
  consumerSecret: string | undefined;
  /** The secret's origin as messages name it: `the source`, `$DISCORD_CLIENT_SECRET`. */
  secretOrigin: string;
  additionalScopes: string;
  authorizationUrl: string | null;
  accessTokenUrl: string | null;
  profileUrl: string | null;
  pkce: string;
  authorizationCodeAuthMethod: string;
  userMatchingMode: string;
  groupMatchingMode: string;
  userPathTemplate: string;
  authenticationFlow: string | undefined;
  enrollmentFlow: string | undefined;
  userPropertyMappings: string[];
  groupPropertyMappings: string[];
  /** Newer than 2025.12 only: the guild whose roles become groups. */
  discordGuildId: string | undefined;
}

/** Environment variables that `!Env` tags read. */
export type Environment = Record<string, string | undefined>;

/**
 * Resolves a field that may be an `!Env` tag (`!Env NAME` or `!Env [NAME, default]`). Returns
 * the value and where it came from; other tags resolve to undefined.
 */
export function resolveEnvValue(
  value: Value | undefined,
  env: Environment,
): { value: string | undefined; origin: string } {
  if (typeof value === 'string') {
    return { value, origin: 'the source' };
  }
  if (!isTag(value) || value.$tag !== 'Env') {
    return { value: undefined, origin: 'a tag only the server resolves' };
  }

  const argument = value.value;
  const [name, fallback] = Array.isArray(argument) ? argument : [argument, undefined];
  const variable = typeof name === 'string' ? name : JSON.stringify(name);
  const found = env[variable];
  if (found !== undefined) {
    return { value: found, origin: `$${variable}` };
  }

  return typeof fallback === 'string'
    ? { value: fallback, origin: `the default of !Env ${variable}` }
    : { value: undefined, origin: `$${variable}` };
}

/** Reads an OAuth source object with authentik's defaults. */
export function readSourceConfig(object: ModelObject, env: Environment): OAuthSourceConfig {
  const view = readOAuthSource(object);
  const data = mergeEntryData(object);
  const secret = resolveEnvValue(data.consumer_secret, env);
  const key = resolveEnvValue(data.consumer_key, env);
  const guild = data.discord_guild_id;

  return {
    object,
    slug: plainValue(view.slug, object.uid),
    name: plainValue(view.name, object.uid),
    enabled: plainValue(view.enabled, true),
    providerType: plainValue(view.provider_type, 'openidconnect'),
    consumerKey: key.value ?? '',
    consumerSecret: secret.value,
    secretOrigin: secret.origin,
    additionalScopes: plainValue(view.additional_scopes, ''),
    authorizationUrl: plainValue(view.authorization_url, null),
    accessTokenUrl: plainValue(view.access_token_url, null),
    profileUrl: plainValue(view.profile_url, null),
    pkce: plainValue(view.pkce, 'none'),
    authorizationCodeAuthMethod: plainValue(view.authorization_code_auth_method, 'basic_auth'),
    userMatchingMode: plainValue(view.user_matching_mode, 'identifier'),
    groupMatchingMode: plainValue(view.group_matching_mode, 'identifier'),
    userPathTemplate: plainValue(view.user_path_template, 'goauthentik.io/sources/%(slug)s'),
    authenticationFlow: refUid(view.authentication_flow),
    enrollmentFlow: refUid(view.enrollment_flow),
    userPropertyMappings: refUids(plainValue(view.user_property_mappings, [])),
    groupPropertyMappings: refUids(plainValue(view.group_property_mappings, [])),
    discordGuildId: typeof guild === 'string' && guild !== '' ? guild : undefined,
  };
}

/**
 * Returns the path new users of the source get (Source.get_user_path): the template with
 * `%(slug)s` replaced by the source's slug.
 */
export function userPathOf(config: OAuthSourceConfig): string {
  return config.userPathTemplate.replaceAll('%(slug)s', config.slug);
}
