/**
 * Reading single server objects through their API endpoints, for project objects that no
 * compared flow export contains (sources, property mappings, groups, unbound stages and
 * policies). authentik's blueprint importer and its REST API use the same serializer per model,
 * so the fields of a list response are the fields an entry's `attrs` set, with references as
 * primary keys (as in an export). Write-only fields such as an OAuth source's `consumer_secret`
 * are absent from responses (`extra_kwargs = {"consumer_secret": {"write_only": True}}` in
 * `authentik/sources/oauth/api/source.py`).
 *
 * The paths are those the apps register in their `urls.py` (`api_urlpatterns`) in
 * goauthentik/authentik, read for every model below:
 *
 * - `authentik/core/urls.py`: `core/groups`, `core/users`, `core/applications`;
 * - `authentik/sources/{oauth,plex}/urls.py`: `sources/<app>`, `propertymappings/source/<app>`;
 * - `authentik/policies/<app>/urls.py`: `policies/<app>`, except `expiry`, which registers
 *   `policies/password_expiry`;
 * - `authentik/stages/<app>/urls.py`: `stages/<app>`, except `prompt` (`stages/prompt/stages`
 *   and `stages/prompt/prompts`), `invitation` (`stages/invitation/stages`) and the
 *   `authenticator_<kind>` apps (`stages/authenticator/<kind>`).
 *
 * A path a release lacks returns 404, and the object is then listed as not compared.
 */
import { isStagecraftError } from '../../shared/errors.js';
import { getModelSpec } from '../../shared/model/catalog.js';
import type { ModelObject } from '../../shared/model/object.js';
import { isSecretField } from '../../shared/model/secrets.js';
import type { Value } from '../../shared/model/values.js';
import type { PullReport } from '../../shared/server/types.js';
import type { AuthentikApi } from './api.js';
import type { KeyLookup } from './remote.js';
import { replaceOutsideKeys } from './remote.js';
import { API_PREFIX } from './url.js';

/** List endpoints (under `/api/v3`) of the models Stagecraft compares outside flow exports. */
const MODEL_ENDPOINTS: Record<string, string> = {
  'authentik_core.group': '/core/groups/',
  'authentik_core.user': '/core/users/',
  'authentik_core.application': '/core/applications/',
  'authentik_sources_oauth.oauthsource': '/sources/oauth/',
  'authentik_sources_oauth.oauthsourcepropertymapping': '/propertymappings/source/oauth/',
  'authentik_sources_plex.plexsource': '/sources/plex/',
  'authentik_sources_plex.plexsourcepropertymapping': '/propertymappings/source/plex/',
  'authentik_policies_expression.expressionpolicy': '/policies/expression/',
  'authentik_policies_dummy.dummypolicy': '/policies/dummy/',
  'authentik_policies_event_matcher.eventmatcherpolicy': '/policies/event_matcher/',
  'authentik_policies_password.passwordpolicy': '/policies/password/',
  'authentik_policies_expiry.passwordexpirypolicy': '/policies/password_expiry/',
  'authentik_policies_reputation.reputationpolicy': '/policies/reputation/',
  'authentik_stages_identification.identificationstage': '/stages/identification/',
  'authentik_stages_password.passwordstage': '/stages/password/',
  'authentik_stages_prompt.promptstage': '/stages/prompt/stages/',
  'authentik_stages_prompt.prompt': '/stages/prompt/prompts/',
  'authentik_stages_user_login.userloginstage': '/stages/user_login/',
  'authentik_stages_user_logout.userlogoutstage': '/stages/user_logout/',
  'authentik_stages_user_write.userwritestage': '/stages/user_write/',
  'authentik_stages_user_delete.userdeletestage': '/stages/user_delete/',
  'authentik_stages_deny.denystage': '/stages/deny/',
  'authentik_stages_dummy.dummystage': '/stages/dummy/',
  'authentik_stages_email.emailstage': '/stages/email/',
  'authentik_stages_consent.consentstage': '/stages/consent/',
  'authentik_stages_captcha.captchastage': '/stages/captcha/',
  'authentik_stages_invitation.invitationstage': '/stages/invitation/stages/',
  'authentik_stages_authenticator_validate.authenticatorvalidatestage':
    '/stages/authenticator/validate/',
  'authentik_stages_authenticator_totp.authenticatortotpstage': '/stages/authenticator/totp/',
  'authentik_stages_authenticator_static.authenticatorstaticstage': '/stages/authenticator/static/',
  'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage':
    '/stages/authenticator/webauthn/',
};

/** Returns the list endpoint of a model, or undefined when Stagecraft has none. */
export function endpointOf(model: string): string | undefined {
  return MODEL_ENDPOINTS[model];
}

/** The outcome of looking up a project object on the server. */
export type ServerObjectLookup =
  | { status: 'found'; object: ModelObject; unresolved: PullReport['unresolved'] }
  | { status: 'missing' }
  | { status: 'not-compared'; reason: string };

/**
 * Returns the identifiers (without `pk`) as query values, or the reason they cannot be sent:
 * a reference or tag only the server resolves.
 */
function plainIdentifiers(object: ModelObject): Record<string, string> | string {
  const query: Record<string, string> = {};
  for (const [field, value] of Object.entries(object.identifiers)) {
    if (field === 'pk') {
      continue;
    }
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return `its identifier ${field} is a reference or tag that only the server resolves`;
    }
    query[field] = String(value);
  }

  return Object.keys(query).length === 0 ? 'it has no identifier other than pk' : query;
}

/** Explains a 403 or 404 of a list endpoint; returns undefined for other errors. */
function unreadableReason(error: unknown, endpoint: string): string | undefined {
  if (!isStagecraftError(error)) {
    return undefined;
  }
  if (error.code === 'server-forbidden') {
    return `the token's user may not read ${API_PREFIX}${endpoint}`;
  }
  if (error.code === 'server-endpoint-missing') {
    return `the server has no ${API_PREFIX}${endpoint}`;
  }

  return undefined;
}

/** Reads a list record into an object of the model: writable fields only, without secrets. */
function toModelObject(
  object: ModelObject,
  record: Record<string, unknown>,
  query: Record<string, string>,
): ModelObject {
  const fields = getModelSpec(object.model)?.fields ?? {};
  const identifiers: Record<string, Value> = { pk: record.pk as Value };
  const attrs: Record<string, Value> = {};

  for (const [field, value] of Object.entries(record)) {
    if (!Object.hasOwn(fields, field) || isSecretField(object.model, field)) {
      continue;
    }
    if (Object.hasOwn(query, field)) {
      identifiers[field] = value as Value;
    } else {
      attrs[field] = value as Value;
    }
  }

  return {
    uid: `server:${object.model}:${String(record.pk)}`,
    model: object.model,
    state: 'present',
    conditions: [],
    identifiers,
    attrs,
    permissions: [],
  };
}

/**
 * Finds the server's object a project object identifies, through the model's list endpoint
 * filtered by the identifiers (the importer's lookup without `pk`). Primary keys in the server's
 * fields become `!Find` tags by natural key, as for a pulled flow, so they compare with the
 * project's references.
 */
export async function fetchServerObject(
  api: AuthentikApi,
  object: ModelObject,
  keys: KeyLookup,
): Promise<ServerObjectLookup> {
  const endpoint = endpointOf(object.model);
  if (endpoint === undefined) {
    return { status: 'not-compared', reason: 'Stagecraft has no API endpoint for this model' };
  }

  const query = plainIdentifiers(object);
  if (typeof query === 'string') {
    return { status: 'not-compared', reason: `not looked up: ${query}` };
  }

  // The filter narrows the list where the endpoint supports it. The match is checked here too,
  // because an endpoint without the filter returns every object.
  let records: Record<string, unknown>[];
  try {
    records = await api.listAll(endpoint, query);
  } catch (error) {
    const reason = unreadableReason(error, endpoint);
    if (reason === undefined) {
      throw error;
    }
    return { status: 'not-compared', reason };
  }

  const record = records.find((candidate) =>
    Object.entries(query).every(([field, value]) => String(candidate[field]) === value),
  );
  if (record === undefined) {
    return { status: 'missing' };
  }

  const remote = toModelObject(object, record, query);
  const unresolved: PullReport['unresolved'] = [];
  await replaceOutsideKeys([remote], keys, [], unresolved);

  return { status: 'found', object: remote, unresolved };
}
