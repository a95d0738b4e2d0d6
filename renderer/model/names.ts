/**
 * Readable names of models and objects for the palette, the canvas and the inspector.
 */
import { modelNameOf, naturalKeyOf } from '../../shared/model/natural-key.js';
import type { ModelObject } from '../../shared/model/object.js';
import { isRef } from '../../shared/model/values.js';

// Readable names of the stage and policy types. Models missing here get a name built from their
// app label, so `authentik_stages_user_login.userloginstage` reads "User login stage".
const MODEL_TITLES: Readonly<Record<string, string>> = {
  'authentik_flows.flow': 'Flow',
  'authentik_flows.flowstagebinding': 'Stage binding',
  'authentik_policies.policybinding': 'Policy binding',
  'authentik_core.group': 'Group',
  'authentik_core.user': 'User',
  'authentik_endpoints.endpointstage': 'Endpoint stage',
  'authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage':
    'Google Device Trust connector stage',
  'authentik_stages_mtls.mutualtlsstage': 'Mutual TLS stage',
  'authentik_stages_source.sourcestage': 'Source stage',
  'authentik_stages_authenticator_duo.authenticatorduostage': 'Duo authenticator setup stage',
  'authentik_stages_authenticator_email.authenticatoremailstage': 'Email authenticator setup stage',
  'authentik_stages_authenticator_sms.authenticatorsmsstage': 'SMS authenticator setup stage',
  'authentik_stages_authenticator_static.authenticatorstaticstage':
    'Static authenticator setup stage',
  'authentik_stages_authenticator_totp.authenticatortotpstage': 'TOTP authenticator setup stage',
  'authentik_stages_authenticator_validate.authenticatorvalidatestage':
    'Authenticator validation stage',
  'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage':
    'WebAuthn authenticator setup stage',
  'authentik_stages_captcha.captchastage': 'Captcha stage',
  'authentik_stages_consent.consentstage': 'Consent stage',
  'authentik_stages_deny.denystage': 'Deny stage',
  'authentik_stages_dummy.dummystage': 'Dummy stage',
  'authentik_stages_email.emailstage': 'Email stage',
  'authentik_stages_identification.identificationstage': 'Identification stage',
  'authentik_stages_invitation.invitationstage': 'Invitation stage',
  'authentik_stages_password.passwordstage': 'Password stage',
  'authentik_stages_prompt.prompt': 'Prompt',
  'authentik_stages_prompt.promptstage': 'Prompt stage',
  'authentik_stages_redirect.redirectstage': 'Redirect stage',
  'authentik_stages_user_delete.userdeletestage': 'User delete stage',
  'authentik_stages_user_login.userloginstage': 'User login stage',
  'authentik_stages_user_logout.userlogoutstage': 'User logout stage',
  'authentik_stages_user_write.userwritestage': 'User write stage',
  'authentik_policies_unique_password.uniquepasswordpolicy': 'Password uniqueness policy',
  'authentik_policies_dummy.dummypolicy': 'Dummy policy',
  'authentik_policies_event_matcher.eventmatcherpolicy': 'Event matcher policy',
  'authentik_policies_expiry.passwordexpirypolicy': 'Password expiry policy',
  'authentik_policies_expression.expressionpolicy': 'Expression policy',
  'authentik_policies_geoip.geoippolicy': 'GeoIP policy',
  'authentik_policies_password.passwordpolicy': 'Password policy',
  'authentik_policies_reputation.reputationpolicy': 'Reputation policy',
};

/** Returns the readable name of a model, e.g. "Password stage" for the password stage model. */
export function modelTitle(model: string): string {
  const known = MODEL_TITLES[model];
  if (known !== undefined) {
    return known;
  }

  const [app = model] = model.split('.');
  const words = app.replace(/^authentik_/, '').split('_');

  // `stages_user_login` reads as "User login stage", `policies_geoip` as "Geoip policy".
  let suffix = '';
  if (words[0] === 'stages') {
    words.shift();
    suffix = ' stage';
  } else if (words[0] === 'policies') {
    words.shift();
    suffix = ' policy';
  }

  const text = words.join(' ') || modelNameOf(model);

  return text.charAt(0).toUpperCase() + text.slice(1) + suffix;
}

/** Returns the name an object is shown with: its natural key, else its entry id, else its uid. */
export function objectTitle(object: ModelObject): string {
  const key = naturalKeyOf(object);
  if (key !== undefined) {
    return String(key.value);
  }

  return object.id ?? object.uid.slice(0, 8);
}

/**
 * Returns the name of an object for a list of choices. A binding has no name of its own, so it
 * is named by what it binds and its order, e.g. "default-password (order 20)".
 */
export function choiceTitle(
  object: ModelObject,
  objects: ReadonlyMap<string, ModelObject>,
): string {
  if (naturalKeyOf(object) !== undefined || object.id !== undefined) {
    return objectTitle(object);
  }

  const bound = ['stage', 'policy', 'group', 'user']
    .map((field) => object.identifiers[field] ?? object.attrs[field])
    .find((value) => isRef(value));
  const target = isRef(bound) ? objects.get(bound.$ref) : undefined;
  const order = object.identifiers.order ?? object.attrs.order;
  if (target === undefined) {
    return objectTitle(object);
  }

  return typeof order === 'number'
    ? `${objectTitle(target)} (order ${order})`
    : objectTitle(target);
}
