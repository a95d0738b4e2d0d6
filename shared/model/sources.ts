/**
 * OAuth sources and their property mappings (`authentik/sources/oauth/models.py`, the source
 * base class in `authentik/core/models.py`, and the provider types under
 * `authentik/sources/oauth/types/`): facts, choice lists, per-type defaults and typed views.
 */
import type { ModelFacts } from './fields.js';
import type { ModelObject } from './object.js';
import type { PolicyEngineMode } from './flows.js';
import type { Field, Reference } from './view.js';
import { readView } from './view.js';

/** OAuth provider types of authentik 2025.12, Discord first. */
export const OAUTH_PROVIDER_TYPES = [
  'discord',
  'apple',
  'openidconnect',
  'entraid',
  'azuread',
  'facebook',
  'github',
  'gitlab',
  'google',
  'mailcow',
  'okta',
  'patreon',
  'reddit',
  'slack',
  'twitch',
  'twitter',
  'wechat',
] as const;
export type OAuthProviderType = (typeof OAUTH_PROVIDER_TYPES)[number];

/** Modes that match an incoming identity to an existing user. */
export const USER_MATCHING_MODES = [
  'identifier',
  'email_link',
  'email_deny',
  'username_link',
  'username_deny',
] as const;
export type UserMatchingMode = (typeof USER_MATCHING_MODES)[number];

/** Modes that match an incoming group to an existing group. */
export const GROUP_MATCHING_MODES = ['identifier', 'name_link', 'name_deny'] as const;
export type GroupMatchingMode = (typeof GROUP_MATCHING_MODES)[number];

/** PKCE methods of an OAuth source. */
export const PKCE_METHODS = ['none', 'plain', 'S256'] as const;
export type PkceMethod = (typeof PKCE_METHODS)[number];

/** Client authentication methods at the token endpoint. */
export const AUTHORIZATION_CODE_AUTH_METHODS = ['basic_auth', 'post_body'] as const;
export type AuthorizationCodeAuthMethod = (typeof AUTHORIZATION_CODE_AUTH_METHODS)[number];

/**
 * What an OAuth provider type of authentik brings: fixed URLs, the scopes it always requests and
 * settings it overrides. A source's own URL fields are used only when `urlsCustomizable` is true
 * or the type has no URL of its own.
 */
export interface OAuthProviderDefaults {
  label: string;
  urlsCustomizable: boolean;
  authorizationUrl?: string;
  accessTokenUrl?: string;
  profileUrl?: string;
  oidcWellKnownUrl?: string;
  oidcJwksUrl?: string;
  /** Scopes the redirect always requests; `additional_scopes` are appended. */
  scopes: readonly string[];
  /** Token endpoint authentication the type forces, when it differs from the source field. */
  authorizationCodeAuthMethod?: AuthorizationCodeAuthMethod;
  /** NOTE text when a value is not confirmed for 2025.12 or differs between versions. */
  note?: string;
}

/** Per-type defaults, from `authentik/sources/oauth/types/<type>.py`. */
export const OAUTH_PROVIDER_DEFAULTS: Readonly<Record<OAuthProviderType, OAuthProviderDefaults>> = {
  discord: {
    label: 'Discord',
    urlsCustomizable: false,
    authorizationUrl: 'https://discord.com/api/oauth2/authorize',
    accessTokenUrl: 'https://discord.com/api/oauth2/token',
    profileUrl: 'https://discord.com/api/users/@me',
    scopes: ['email', 'identify'],
    note: 'Versions after 2025.12 also request guilds.members.read when a guild is configured.',
  },
  apple: {
    label: 'Apple',
    urlsCustomizable: false,
    authorizationUrl: 'https://appleid.apple.com/auth/authorize',
    accessTokenUrl: 'https://appleid.apple.com/auth/token',
    profileUrl: '',
    scopes: ['name', 'email'],
  },
  openidconnect: {
    label: 'OpenID Connect',
    urlsCustomizable: true,
    scopes: ['openid', 'email', 'profile'],
  },
  entraid: {
    label: 'Entra ID',
    urlsCustomizable: true,
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    accessTokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    profileUrl: 'https://graph.microsoft.com/v1.0/me',
    oidcJwksUrl: 'https://login.microsoftonline.com/common/discovery/keys',
    scopes: ['openid', 'https://graph.microsoft.com/User.Read'],
    authorizationCodeAuthMethod: 'post_body',
  },
  azuread: {
    label: 'Azure AD',
    urlsCustomizable: true,
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    accessTokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    profileUrl: 'https://graph.microsoft.com/v1.0/me',
    oidcWellKnownUrl: 'https://login.microsoftonline.com/common/.well-known/openid-configuration',
    oidcJwksUrl: 'https://login.microsoftonline.com/common/discovery/keys',
    scopes: ['openid', 'https://graph.microsoft.com/User.Read'],
    note: 'Deprecated in favour of entraid.',
  },
  facebook: {
    label: 'Facebook',
    urlsCustomizable: false,
    authorizationUrl: 'https://www.facebook.com/v7.0/dialog/oauth',
    accessTokenUrl: 'https://graph.facebook.com/v7.0/oauth/access_token',
    profileUrl: 'https://graph.facebook.com/v7.0/me?fields=id,name,email',
    scopes: ['email'],
    authorizationCodeAuthMethod: 'post_body',
  },
  github: {
    label: 'GitHub',
    urlsCustomizable: true,
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    accessTokenUrl: 'https://github.com/login/oauth/access_token',
    profileUrl: 'https://api.github.com/user',
    oidcWellKnownUrl:
      'https://token.actions.githubusercontent.com/.well-known/openid-configuration',
    oidcJwksUrl: 'https://token.actions.githubusercontent.com/.well-known/jwks',
    scopes: ['read:user', 'user:email'],
    authorizationCodeAuthMethod: 'post_body',
  },
  gitlab: {
    label: 'GitLab',
    urlsCustomizable: true,
    authorizationUrl: 'https://gitlab.com/oauth/authorize',
    accessTokenUrl: 'https://gitlab.com/oauth/token',
    profileUrl: 'https://gitlab.com/oauth/userinfo',
    oidcWellKnownUrl: 'https://gitlab.com/.well-known/openid-configuration',
    oidcJwksUrl: 'https://gitlab.com/oauth/discovery/keys',
    scopes: ['read_user', 'openid', 'profile', 'email'],
    authorizationCodeAuthMethod: 'post_body',
    note: 'Older versions used https://gitlab.com/api/v4/user as profile URL.',
  },
  google: {
    label: 'Google',
    urlsCustomizable: false,
    authorizationUrl: 'https://accounts.google.com/o/oauth2/auth',
    accessTokenUrl: 'https://oauth2.googleapis.com/token',
    profileUrl: 'https://www.googleapis.com/oauth2/v1/userinfo',
    oidcWellKnownUrl: 'https://accounts.google.com/.well-known/openid-configuration',
    oidcJwksUrl: 'https://www.googleapis.com/oauth2/v3/certs',
    scopes: ['email', 'profile'],
    authorizationCodeAuthMethod: 'post_body',
  },
  mailcow: {
    label: 'Mailcow',
    urlsCustomizable: true,
    scopes: ['profile'],
  },
  okta: {
    label: 'Okta',
    urlsCustomizable: true,
    scopes: ['openid', 'email', 'profile'],
  },
  patreon: {
    label: 'Patreon',
    urlsCustomizable: false,
    authorizationUrl: 'https://www.patreon.com/oauth2/authorize',
    accessTokenUrl: 'https://www.patreon.com/api/oauth2/token',
    profileUrl: 'https://www.patreon.com/api/oauth2/api/current_user',
    scopes: ['identity', 'identity[email]'],
    authorizationCodeAuthMethod: 'post_body',
  },
  reddit: {
    label: 'Reddit',
    urlsCustomizable: false,
    authorizationUrl: 'https://www.reddit.com/api/v1/authorize',
    accessTokenUrl: 'https://www.reddit.com/api/v1/access_token',
    profileUrl: 'https://oauth.reddit.com/api/v1/me',
    scopes: ['identity'],
    note: 'The token request always uses HTTP Basic authentication.',
  },
  slack: {
    label: 'Slack',
    urlsCustomizable: false,
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    accessTokenUrl: 'https://slack.com/api/oauth.v2.access',
    profileUrl: 'https://slack.com/api/openid.connect.userInfo',
    oidcWellKnownUrl: 'https://slack.com/.well-known/openid-configuration',
    oidcJwksUrl: 'https://slack.com/openid/connect/keys',
    scopes: ['openid', 'email', 'profile'],
    note: 'NOTE: the scopes are sent as user_scope; the OIDC URLs are from the newest code read and may postdate 2025.12.',
  },
  twitch: {
    label: 'Twitch',
    urlsCustomizable: false,
    authorizationUrl: 'https://id.twitch.tv/oauth2/authorize',
    accessTokenUrl: 'https://id.twitch.tv/oauth2/token',
    profileUrl: 'https://id.twitch.tv/oauth2/userinfo',
    scopes: ['openid'],
    authorizationCodeAuthMethod: 'post_body',
  },
  twitter: {
    label: 'Twitter',
    urlsCustomizable: false,
    authorizationUrl: 'https://twitter.com/i/oauth2/authorize',
    accessTokenUrl: 'https://api.twitter.com/2/oauth2/token',
    profileUrl: 'https://api.twitter.com/2/users/me',
    scopes: ['users.read', 'tweet.read'],
    note: 'NOTE: newer code asks the profile URL for confirmed_email and forces PKCE S256; not confirmed for 2025.12.',
  },
  wechat: {
    label: 'WeChat',
    urlsCustomizable: false,
    authorizationUrl: 'https://open.weixin.qq.com/connect/qrconnect',
    accessTokenUrl: 'https://api.weixin.qq.com/sns/oauth2/access_token',
    profileUrl: 'https://api.weixin.qq.com/sns/userinfo',
    scopes: ['snsapi_login'],
  },
};

/** Fields every source has (`authentik.core.models.Source`). */
export interface SourceBase {
  name?: Field<string>;
  slug?: Field<string>;
  enabled: Field<boolean>;
  promoted: Field<boolean>;
  authentication_flow: Reference;
  enrollment_flow: Reference;
  user_property_mappings: Field<Reference[]>;
  group_property_mappings: Field<Reference[]>;
  policy_engine_mode: Field<PolicyEngineMode>;
  user_matching_mode: Field<UserMatchingMode>;
  group_matching_mode: Field<GroupMatchingMode>;
  user_path_template: Field<string>;
  icon: Field<string>;
}

/** `authentik_sources_oauth.oauthsource` */
export interface OAuthSource extends SourceBase {
  provider_type?: Field<OAuthProviderType>;
  consumer_key?: Field<string>;
  /** Write-only: exports omit it and a fresh server requires it. */
  consumer_secret?: Field<string>;
  request_token_url: Field<string> | null;
  authorization_url: Field<string> | null;
  access_token_url: Field<string> | null;
  profile_url: Field<string> | null;
  additional_scopes: Field<string>;
  oidc_well_known_url: Field<string>;
  oidc_jwks_url: Field<string>;
  oidc_jwks: Field<Record<string, unknown>>;
  pkce: Field<PkceMethod>;
  authorization_code_auth_method: Field<AuthorizationCodeAuthMethod>;
}

/** `authentik_sources_oauth.oauthsourcepropertymapping` */
export interface OAuthSourcePropertyMapping {
  name?: Field<string>;
  /** Python expression returning the user or group properties. */
  expression?: Field<string>;
  /** Set on authentik's built-in mappings. */
  managed: Field<string> | null;
}

const OAUTH_SOURCE: ModelFacts = {
  naturalKey: ['slug'],
  defaults: {
    enabled: true,
    promoted: false,
    authentication_flow: null,
    enrollment_flow: null,
    user_property_mappings: [],
    group_property_mappings: [],
    policy_engine_mode: 'any',
    user_matching_mode: 'identifier',
    group_matching_mode: 'identifier',
    user_path_template: 'goauthentik.io/sources/%(slug)s',
    icon: '',
    request_token_url: null,
    authorization_url: null,
    access_token_url: null,
    profile_url: null,
    additional_scopes: '',
    oidc_well_known_url: '',
    oidc_jwks_url: '',
    oidc_jwks: {},
    pkce: 'none',
    authorization_code_auth_method: 'basic_auth',
  },
  requiredOnCreate: ['name', 'slug', 'provider_type', 'consumer_key', 'consumer_secret'],
  references: {
    authentication_flow: { target: ['authentik_flows.flow'], nullable: true },
    enrollment_flow: { target: ['authentik_flows.flow'], nullable: true },
    user_property_mappings: { target: 'property-mapping', many: true },
    group_property_mappings: { target: 'property-mapping', many: true },
  },
  writeOnly: ['consumer_secret'],
};

const OAUTH_SOURCE_PROPERTY_MAPPING: ModelFacts = {
  naturalKey: ['name'],
  lookupKeys: ['managed'],
  defaults: { managed: null },
  requiredOnCreate: ['name', 'expression'],
  references: {},
};

/** Facts of the OAuth source models, keyed by model. */
export const SOURCE_FACTS: Readonly<Record<string, ModelFacts>> = {
  'authentik_sources_oauth.oauthsource': OAUTH_SOURCE,
  'authentik_sources_oauth.oauthsourcepropertymapping': OAUTH_SOURCE_PROPERTY_MAPPING,
};

/** Reads an OAuth source with its defaults. The per-type URLs stay in OAUTH_PROVIDER_DEFAULTS. */
export function readOAuthSource(object: ModelObject): OAuthSource {
  return readView<OAuthSource>(object, 'authentik_sources_oauth.oauthsource', OAUTH_SOURCE);
}

/** Reads an OAuth source property mapping with its defaults. */
export function readOAuthSourcePropertyMapping(object: ModelObject): OAuthSourcePropertyMapping {
  const model = 'authentik_sources_oauth.oauthsourcepropertymapping';

  return readView<OAuthSourcePropertyMapping>(object, model, OAUTH_SOURCE_PROPERTY_MAPPING);
}
