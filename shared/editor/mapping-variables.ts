/**
 * The variables of each property mapping model: the keyword arguments authentik 2025.12 passes
 * where it evaluates a mapping of that model, plus what PropertyMappingEvaluator adds
 * (`authentik/core/expression/evaluator.py`). The evaluator always defines `request`, a
 * PolicyRequest whose `user` is an empty, unsaved user unless the caller passes one, and the
 * global `SkipObject`. It defines `user` and `http_request` only when the caller passes them.
 *
 * Mappings run through a PropertyMappingManager (`authentik/lib/sync/mapper.py`: sources, the
 * SCIM, Google Workspace and Microsoft Entra providers, RADIUS) are compiled once with
 * `request` and the manager's context keys as the only parameters. A later `user` or HTTP
 * request reaches `request.user` and `request.http_request`, never a variable of its own, so
 * those lists have no `user` and no `http_request`.
 */
import type { ApiGlobal } from './api-globals.js';

/** The variables of one property mapping model. */
export interface MappingVariables {
  variables: readonly ApiGlobal[];
  /** True when every call site of the model was read, so names missing here are undefined. */
  complete: boolean;
}

function variable(name: string, doc: string, type?: string): ApiGlobal {
  return type === undefined
    ? { name, kind: 'variable', doc }
    : { name, kind: 'variable', doc, type };
}

const SKIP_OBJECT: ApiGlobal = {
  name: 'SkipObject',
  kind: 'class',
  doc: 'Raise `SkipObject` to skip the object being mapped.',
};

function policyRequest(doc: string): ApiGlobal {
  return variable('request', doc, 'PolicyRequest');
}

const EMPTY_USER_REQUEST = policyRequest(
  'A policy request whose `user` is an empty, unsaved user and whose context contains the ' +
    'keyword arguments.',
);

const SOURCE_PROPERTIES = variable(
  'properties',
  'The properties built so far: the base properties of the source type, then the results of ' +
    'the mappings before this one, by name. Returning a dict merges it into them.',
  'dict',
);

function sourceVariable(type: string, doc: string): ApiGlobal {
  return variable('source', doc, type);
}

const GROUP_ID = variable(
  'group_id',
  'Group property mappings only: the id of the source group being mapped.',
  'str',
);

// Outgoing sync (authentik/lib/sync/outgoing/base.py `to_schema`): the user clients compile
// with ["provider", "connection"] and the group clients with ["group", "provider",
// "connection"], so a user mapping reads its user from `request.user`.
function outgoingSync(providerType: string, providerDoc: string): MappingVariables {
  return {
    variables: [
      policyRequest(
        'A policy request without HTTP request. In user mappings `request.user` is the user ' +
          'being synchronised. In group mappings it is an empty, unsaved user.',
      ),
      variable('provider', providerDoc, providerType),
      variable(
        'connection',
        'The stored link between the object and the remote one, or None before the object ' +
          'was first created there.',
      ),
      variable('group', 'Group mappings only: the group being synchronised.', 'Group'),
      SKIP_OBJECT,
    ],
    complete: true,
  };
}

/** Variables of OAuth source property mappings (the source flow manager's keyword arguments). */
export const OAUTH_MAPPING_VARIABLES: readonly ApiGlobal[] = [
  sourceVariable('OAuthSource', 'The OAuth source the login came through.'),
  SOURCE_PROPERTIES,
  variable(
    'info',
    "The user info the provider returned, e.g. Discord's user object from `users/@me`.",
    'dict',
  ),
  variable('client', 'The OAuth client of the source type.'),
  variable(
    'token',
    'The token response: `access_token`, `token_type`, `expires_in`, `scope`, ...',
    'dict',
  ),
  GROUP_ID,
  policyRequest(
    'A policy request whose `user` is an empty, unsaved user, whose `http_request` is the ' +
      'callback request and whose context contains the keyword arguments.',
  ),
  SKIP_OBJECT,
];

/** Variables of property mappings of models without a list; their keyword arguments are unknown. */
export const GENERIC_MAPPING_VARIABLES: readonly ApiGlobal[] = [
  variable('request', 'The policy request of the mapping.', 'PolicyRequest'),
  variable('user', 'The user being mapped, when the caller passes one.', 'User'),
  variable('http_request', 'The HTTP request, when the caller passes one.', 'HttpRequest'),
  SKIP_OBJECT,
];

/** Model label of OAuth source property mappings. */
export const OAUTH_MAPPING_MODEL = 'authentik_sources_oauth.oauthsourcepropertymapping';

/** Model label of SAML provider property mappings. */
export const SAML_PROVIDER_MAPPING_MODEL = 'authentik_providers_saml.samlpropertymapping';

/** Model label of OAuth2/OpenID scope mappings. */
export const SCOPE_MAPPING_MODEL = 'authentik_providers_oauth2.scopemapping';

/** The variables of every property mapping model of authentik 2025.12, by model label. */
export const MAPPING_VARIABLES: Readonly<Record<string, MappingVariables>> = {
  // authentik/core/sources/flow_manager.py: user_info of the OAuth callback is info, client and
  // token. Group mappings add group_id.
  [OAUTH_MAPPING_MODEL]: { variables: OAUTH_MAPPING_VARIABLES, complete: true },

  // authentik/providers/oauth2/views/userinfo.py `get_claims`, also used for ID tokens.
  [SCOPE_MAPPING_MODEL]: {
    variables: [
      variable('user', 'The user the token was issued to (`token.user`).', 'User'),
      variable('provider', 'The OAuth2/OpenID provider of the token.', 'OAuth2Provider'),
      variable(
        'token',
        'The access or refresh token: `token.scope` (a list), `token.user`, `token.provider`.',
      ),
      policyRequest('A policy request whose `user` is the token\u2019s user.'),
      variable(
        'http_request',
        'The HTTP request to the userinfo or token endpoint.',
        'HttpRequest',
      ),
      SKIP_OBJECT,
    ],
    complete: true,
  },

  // authentik/providers/saml/processors/assertion.py: `get_attributes` and `get_name_id`.
  [SAML_PROVIDER_MAPPING_MODEL]: {
    variables: [
      variable('user', 'The user logging in to the application.', 'User'),
      variable('provider', 'The SAML provider issuing the assertion.', 'SAMLProvider'),
      policyRequest('A policy request whose `user` is the user logging in.'),
      variable('http_request', 'The HTTP request of the SSO endpoint.', 'HttpRequest'),
      SKIP_OBJECT,
    ],
    complete: true,
  },

  // authentik/providers/scim/clients/users.py and groups.py.
  'authentik_providers_scim.scimmapping': outgoingSync(
    'SCIMProvider',
    'The SCIM provider synchronising the object.',
  ),
  // authentik/enterprise/providers/google_workspace/clients/users.py and groups.py.
  'authentik_providers_google_workspace.googleworkspaceprovidermapping': outgoingSync(
    'GoogleWorkspaceProvider',
    'The Google Workspace provider synchronising the object.',
  ),
  // authentik/enterprise/providers/microsoft_entra/clients/users.py and groups.py.
  'authentik_providers_microsoft_entra.microsoftentraprovidermapping': outgoingSync(
    'MicrosoftEntraProvider',
    'The Microsoft Entra provider synchronising the object.',
  ),

  // authentik/providers/radius/api/providers.py: the manager compiles with ["packet"].
  'authentik_providers_radius.radiusproviderpropertymapping': {
    variables: [
      policyRequest('The policy request of the RADIUS login.'),
      variable(
        'packet',
        'The RADIUS packet whose attributes the mappings build (a pyrad `AuthPacket`).',
      ),
      SKIP_OBJECT,
    ],
    complete: true,
  },

  // authentik/providers/rac/models.py `ConnectionToken.get_settings`.
  'authentik_providers_rac.racpropertymapping': {
    variables: [
      variable('user', 'The user opening the connection.', 'User'),
      variable('provider', 'The RAC provider.', 'RACProvider'),
      variable('endpoint', 'The RAC endpoint being connected to.', 'Endpoint'),
      policyRequest('A policy request whose `user` is the user opening the connection.'),
      SKIP_OBJECT,
    ],
    complete: true,
  },

  // authentik/events/models.py NotificationTransport: `send_local` and `send_webhook`.
  'authentik_events.notificationwebhookmapping': {
    variables: [
      variable('user', 'The user the notification is for.', 'User'),
      variable(
        'notification',
        'The notification being sent: `body`, `severity`, `event`, `user`.',
        'Notification',
      ),
      policyRequest('A policy request whose `user` is the user the notification is for.'),
      SKIP_OBJECT,
    ],
    complete: true,
  },

  // authentik/sources/ldap/sync/users.py and groups.py, through core/sources/mapper.py.
  'authentik_sources_ldap.ldapsourcepropertymapping': {
    variables: [
      sourceVariable('LDAPSource', 'The LDAP source being synchronised.'),
      SOURCE_PROPERTIES,
      variable('ldap', 'The LDAP attributes of the entry, by attribute name.', 'dict'),
      variable('dn', 'The distinguished name of the entry.', 'str'),
      EMPTY_USER_REQUEST,
      SKIP_OBJECT,
    ],
    complete: true,
  },

  // authentik/sources/saml/processors/response.py builds user_info, and the source flow manager
  // adds group_id for group mappings.
  'authentik_sources_saml.samlsourcepropertymapping': {
    variables: [
      sourceVariable('SAMLSource', 'The SAML source the login came through.'),
      SOURCE_PROPERTIES,
      variable('root', 'The parsed SAML response (an lxml element).'),
      variable('name_id', "The assertion's NameID element (an lxml element)."),
      GROUP_ID,
      EMPTY_USER_REQUEST,
      SKIP_OBJECT,
    ],
    complete: true,
  },

  // authentik/sources/kerberos/sync.py (["principal"]) and views.py (SPNEGO logins).
  // NOTE: the password login path (authentik/sources/kerberos/auth.py) was not read, so its
  // keyword arguments may add names, so undefined names are not reported for this model.
  'authentik_sources_kerberos.kerberossourcepropertymapping': {
    variables: [
      sourceVariable('KerberosSource', 'The Kerberos source.'),
      SOURCE_PROPERTIES,
      variable('principal', 'The Kerberos principal, e.g. `alice@EXAMPLE.ORG`.', 'str'),
      variable(
        'spnego_info',
        'SPNEGO logins only: `initiator_name`, `target_name`, `mech` and `actual_flags`.',
        'dict',
      ),
      GROUP_ID,
      EMPTY_USER_REQUEST,
      SKIP_OBJECT,
    ],
    complete: false,
  },

  // authentik/sources/scim/views/v2/base.py: the manager compiles with ["data"].
  'authentik_sources_scim.scimsourcepropertymapping': {
    variables: [
      sourceVariable('SCIMSource', 'The SCIM source receiving the object.'),
      SOURCE_PROPERTIES,
      variable('data', 'The SCIM user or group the client sent, as a dict.', 'dict'),
      EMPTY_USER_REQUEST,
      SKIP_OBJECT,
    ],
    complete: true,
  },

  // NOTE: the call site that builds the user info of Plex logins was not read, so only the
  // names every source flow passes are listed and undefined names are not reported.
  'authentik_sources_plex.plexsourcepropertymapping': {
    variables: [
      sourceVariable('PlexSource', 'The Plex source the login came through.'),
      SOURCE_PROPERTIES,
      GROUP_ID,
      EMPTY_USER_REQUEST,
      SKIP_OBJECT,
    ],
    complete: false,
  },

  // NOTE: the Telegram source's call site was not read, so, as for Plex, undefined names are not
  // reported.
  'authentik_sources_telegram.telegramsourcepropertymapping': {
    variables: [
      sourceVariable('TelegramSource', 'The Telegram source the login came through.'),
      SOURCE_PROPERTIES,
      GROUP_ID,
      EMPTY_USER_REQUEST,
      SKIP_OBJECT,
    ],
    complete: false,
  },
};

/** Returns the variables of a property mapping model, or the generic incomplete list. */
export function mappingVariablesOf(mappingModel: string | undefined): MappingVariables {
  const known = mappingModel === undefined ? undefined : MAPPING_VARIABLES[mappingModel];
  return known ?? { variables: GENERIC_MAPPING_VARIABLES, complete: false };
}
