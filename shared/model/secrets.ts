/**
 * Credential fields of authentik models. Stagecraft keeps no literal value of them in identifiers
 * or attrs: the resolver replaces a literal with `!Env [NAME]`, and the writer does the same and
 * lists the variables a file needs. The table follows the REST serializers (the `api` modules)
 * of goauthentik/authentik: fields marked `write_only` there, plus credentials the API does
 * return (OAuth2 and Entra client secrets, SCIM tokens), which must not end up in a shared file
 * either.
 */
import type { ModelObject } from './object.js';
import { modelNameOf, naturalKeyOf } from './natural-key.js';

/** One credential field of a model. */
export interface SecretField {
  /** `app_label.modelname` in lower case. */
  model: string;
  field: string;
  /**
   * Whether creating the object fails without the field, so a file for a fresh server needs it.
   * NOTE: set only where the model field is checked to have no default and no `blank=True`
   * (OAuth source `consumer_secret`, Plex source `plex_token`). Others may be required too.
   */
  requiredOnCreate: boolean;
}

const field = (model: string, name: string, requiredOnCreate = false): SecretField => ({
  model,
  field: name,
  requiredOnCreate,
});

/** Every credential field in Stagecraft's table, sorted by model. */
export const SECRET_FIELDS: readonly SecretField[] = [
  field('authentik_blueprints.metausersetpassword', 'raw_password'),
  field('authentik_core.token', 'key'),
  field('authentik_core.user', 'password'),
  field('authentik_crypto.certificatekeypair', 'key_data'),
  field('authentik_outposts.kubernetesserviceconnection', 'kubeconfig'),
  field('authentik_providers_google_workspace.googleworkspaceprovider', 'credentials'),
  field('authentik_providers_microsoft_entra.microsoftentraprovider', 'client_secret'),
  field('authentik_providers_oauth2.oauth2provider', 'client_secret'),
  field('authentik_providers_radius.radiusprovider', 'shared_secret'),
  field('authentik_providers_scim.scimprovider', 'token'),
  field('authentik_sources_kerberos.kerberossource', 'spnego_keytab'),
  field('authentik_sources_kerberos.kerberossource', 'sync_keytab'),
  field('authentik_sources_kerberos.kerberossource', 'sync_password'),
  field('authentik_sources_ldap.ldapsource', 'bind_password'),
  field('authentik_sources_oauth.oauthsource', 'consumer_secret', true),
  field('authentik_sources_oauth.useroauthsourceconnection', 'access_token'),
  field('authentik_sources_plex.plexsource', 'plex_token', true),
  field('authentik_sources_plex.userplexsourceconnection', 'plex_token'),
  field('authentik_sources_telegram.telegramsource', 'bot_token'),
  field('authentik_stages_authenticator_duo.authenticatorduostage', 'admin_secret_key'),
  field('authentik_stages_authenticator_duo.authenticatorduostage', 'client_secret'),
  field('authentik_stages_authenticator_email.authenticatoremailstage', 'password'),
  field(
    'authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage',
    'credentials',
  ),
  field('authentik_stages_authenticator_sms.authenticatorsmsstage', 'auth'),
  field('authentik_stages_authenticator_sms.authenticatorsmsstage', 'auth_password'),
  field('authentik_stages_captcha.captchastage', 'private_key'),
  field('authentik_stages_email.emailstage', 'password'),
];

const FIELDS_BY_MODEL = new Map<string, SecretField[]>();
for (const secret of SECRET_FIELDS) {
  const list = FIELDS_BY_MODEL.get(secret.model) ?? [];
  list.push(secret);
  FIELDS_BY_MODEL.set(secret.model, list);
}

/** Returns the credential fields of a model (`app_label.modelname`, any case). */
export function secretFieldsOf(model: string): readonly SecretField[] {
  return FIELDS_BY_MODEL.get(model.toLowerCase()) ?? [];
}

/** Tells whether a field of a model contains a credential. */
export function isSecretField(model: string, fieldName: string): boolean {
  return secretFieldsOf(model).some((secret) => secret.field === fieldName);
}

/**
 * Creates an environment variable name for a secret field of an object, unique within `taken`,
 * and adds it to `taken`. An OAuth source's `consumer_secret` becomes `<SLUG>_CLIENT_SECRET`
 * (slug `discord`: `DISCORD_CLIENT_SECRET`), the name providers use for it; any other field
 * becomes `<MODEL>_<NATURAL KEY>_<FIELD>` (an email stage `default-email`:
 * `EMAILSTAGE_DEFAULT_EMAIL_PASSWORD`). Characters other than letters and digits become `_`, and
 * a name already taken gets the suffix `_2`, `_3`, ...
 */
export function envVariableName(
  object: ModelObject,
  fieldName: string,
  taken: Set<string>,
): string {
  const modelName = toEnvPart(modelNameOf(object.model));
  const key = naturalKeyOf(object);
  const keyPart = key ? toEnvPart(String(key.value)) : '';

  let parts: string[];
  if (object.model === 'authentik_sources_oauth.oauthsource' && fieldName === 'consumer_secret') {
    parts = [keyPart || modelName, 'CLIENT_SECRET'];
  } else {
    parts = [modelName, keyPart, toEnvPart(fieldName)];
  }

  let base = parts.filter((part) => part !== '').join('_');
  if (/^[0-9]/.test(base)) {
    // Shells reject variable names that start with a digit.
    base = `${modelName}_${base}`;
  }

  let name = base;
  for (let suffix = 2; taken.has(name); suffix += 1) {
    name = `${base}_${suffix}`;
  }

  taken.add(name);
  return name;
}

function toEnvPart(text: string): string {
  return text
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
