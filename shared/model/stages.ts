/**
 * The stage types used by authentik's own blueprints (each stage's `models.py` under
 * `authentik/stages/`): facts, choice lists and typed views. Prompts are in `prompts.ts`.
 */
import { StagecraftError } from '../errors.js';
import type { ModelFacts } from './fields.js';
import type { ModelObject } from './object.js';
import { PROMPT_FACTS } from './prompts.js';
import type { Field, Reference } from './view.js';
import { readView } from './view.js';

/** Fields an identification stage can match the user by. */
export const IDENTIFICATION_USER_FIELDS = ['email', 'username', 'upn'] as const;
export type IdentificationUserField = (typeof IDENTIFICATION_USER_FIELDS)[number];

/** Password backends a password stage can check (2025.12 schema). */
export const PASSWORD_BACKENDS = [
  'authentik.core.auth.InbuiltBackend',
  'authentik.core.auth.TokenBackend',
  'authentik.sources.ldap.auth.LDAPBackend',
  'authentik.sources.kerberos.auth.KerberosBackend',
] as const;
export type PasswordBackend = (typeof PASSWORD_BACKENDS)[number];

/** User write stage behaviours when the flow has no user yet. */
export const USER_CREATION_MODES = [
  'never_create',
  'create_when_required',
  'always_create',
] as const;
export type UserCreationMode = (typeof USER_CREATION_MODES)[number];

/** User types (also `authentik_core.user.type`). */
export const USER_TYPES = [
  'internal',
  'external',
  'service_account',
  'internal_service_account',
] as const;
export type UserType = (typeof USER_TYPES)[number];

/** Session bindings of a user login stage. */
export const NETWORK_BINDINGS = [
  'no_binding',
  'bind_asn',
  'bind_asn_network',
  'bind_asn_network_ip',
] as const;
export type NetworkBinding = (typeof NETWORK_BINDINGS)[number];

export const GEOIP_BINDINGS = [
  'no_binding',
  'bind_continent',
  'bind_continent_country',
  'bind_continent_country_city',
] as const;
export type GeoipBinding = (typeof GEOIP_BINDINGS)[number];

/** Authenticator validation stage behaviours when the user has no device. */
export const NOT_CONFIGURED_ACTIONS = ['skip', 'deny', 'configure'] as const;
export type NotConfiguredAction = (typeof NOT_CONFIGURED_ACTIONS)[number];

/** Device classes an authenticator validation stage accepts. */
export const DEVICE_CLASSES = ['static', 'totp', 'webauthn', 'duo', 'sms', 'email'] as const;
export type DeviceClass = (typeof DEVICE_CLASSES)[number];

/** WebAuthn user verification and resident key requirements. */
export const WEBAUTHN_REQUIREMENTS = ['required', 'preferred', 'discouraged'] as const;
export type WebauthnRequirement = (typeof WEBAUTHN_REQUIREMENTS)[number];

export const WEBAUTHN_ATTACHMENTS = ['platform', 'cross-platform'] as const;
export type WebauthnAttachment = (typeof WEBAUTHN_ATTACHMENTS)[number];

/** TOTP code lengths. */
export const TOTP_DIGITS = ['6', '8'] as const;
export type TotpDigits = (typeof TOTP_DIGITS)[number];

/** Consent stage modes: how long a consent is remembered. */
export const CONSENT_MODES = ['always_require', 'permanent', 'expiring'] as const;
export type ConsentMode = (typeof CONSENT_MODES)[number];

/** Fields every stage has. */
export interface StageBase {
  name?: Field<string>;
}

/** Stages a user can set up through a configuration flow. */
export interface ConfigurableStage extends StageBase {
  configure_flow: Reference;
}

export interface IdentificationStage extends StageBase {
  user_fields: Field<Field<IdentificationUserField>[]>;
  password_stage: Reference;
  captcha_stage: Reference;
  webauthn_stage: Reference;
  case_insensitive_matching: Field<boolean>;
  show_matched_user: Field<boolean>;
  pretend_user_exists: Field<boolean>;
  enable_remember_me: Field<boolean>;
  enrollment_flow: Reference;
  recovery_flow: Reference;
  passwordless_flow: Reference;
  sources: Field<Reference[]>;
  show_source_labels: Field<boolean>;
}

export interface PasswordStage extends ConfigurableStage {
  backends?: Field<Field<PasswordBackend>[]>;
  failed_attempts_before_cancel: Field<number>;
  allow_show_password: Field<boolean>;
}

export interface UserLoginStage extends StageBase {
  /** A timedelta string such as `seconds=0` (until the browser closes) or `hours=8`. */
  session_duration: Field<string>;
  terminate_other_sessions: Field<boolean>;
  remember_me_offset: Field<string>;
  network_binding: Field<NetworkBinding>;
  geoip_binding: Field<GeoipBinding>;
  remember_device: Field<string>;
}

export interface UserWriteStage extends StageBase {
  user_creation_mode: Field<UserCreationMode>;
  create_users_as_inactive: Field<boolean>;
  create_users_group: Reference;
  user_type: Field<UserType>;
  user_path_template: Field<string>;
}

export type UserLogoutStage = StageBase;
export type UserDeleteStage = StageBase;

export interface AuthenticatorValidateStage extends StageBase {
  not_configured_action: Field<NotConfiguredAction>;
  device_classes: Field<Field<DeviceClass>[]>;
  configuration_stages: Field<Reference[]>;
  last_auth_threshold: Field<string>;
  webauthn_user_verification: Field<WebauthnRequirement>;
  webauthn_allowed_device_types: Field<Reference[]>;
}

export interface AuthenticatorWebauthnStage extends ConfigurableStage {
  friendly_name?: Field<string>;
  user_verification: Field<WebauthnRequirement>;
  authenticator_attachment: Field<WebauthnAttachment> | null;
  resident_key_requirement: Field<WebauthnRequirement>;
  device_type_restrictions: Field<Reference[]>;
  max_attempts: Field<number>;
}

export interface AuthenticatorStaticStage extends ConfigurableStage {
  friendly_name?: Field<string>;
  token_count: Field<number>;
  token_length: Field<number>;
}

export interface AuthenticatorTotpStage extends ConfigurableStage {
  friendly_name?: Field<string>;
  digits?: Field<TotpDigits>;
}

/** Mail connection settings shared by the email and email-authenticator stages. */
export interface EmailSettings {
  use_global_settings: Field<boolean>;
  host: Field<string>;
  port: Field<number>;
  username: Field<string>;
  password: Field<string>;
  use_tls: Field<boolean>;
  use_ssl: Field<boolean>;
  timeout: Field<number>;
  from_address: Field<string>;
  subject: Field<string>;
  token_expiry: Field<string>;
  template: Field<string>;
}

export interface AuthenticatorEmailStage extends ConfigurableStage, EmailSettings {
  friendly_name?: Field<string>;
}

export interface EmailStage extends StageBase, EmailSettings {
  activate_user_on_success: Field<boolean>;
  recovery_max_attempts: Field<number>;
  recovery_cache_timeout: Field<string>;
}

export interface ConsentStage extends StageBase {
  mode: Field<ConsentMode>;
  consent_expire_in: Field<string>;
}

export interface DenyStage extends StageBase {
  deny_message: Field<string>;
}

export interface InvitationStage extends StageBase {
  continue_flow_without_invitation: Field<boolean>;
}

function stageFacts(
  defaults: ModelFacts['defaults'],
  references: ModelFacts['references'] = {},
  required: string[] = [],
): ModelFacts {
  return {
    naturalKey: ['name'],
    defaults,
    requiredOnCreate: ['name', ...required],
    references,
  };
}

const CONFIGURE_FLOW = { configure_flow: { target: ['authentik_flows.flow'], nullable: true } };

const EMAIL_SETTINGS_DEFAULTS = {
  use_global_settings: false,
  host: 'localhost',
  port: 25,
  username: '',
  password: '',
  use_tls: false,
  use_ssl: false,
  timeout: 10,
  from_address: 'system@authentik.local',
  subject: 'authentik',
  // Before the timedelta strings (2024.x and older) the expiry was an integer of minutes, 30.
  token_expiry: 'minutes=30',
};

const IDENTIFICATION_STAGE = stageFacts(
  {
    // NOTE: the model has no default for user_fields; authentik's UI always sends a list.
    user_fields: [],
    password_stage: null,
    captcha_stage: null,
    webauthn_stage: null,
    case_insensitive_matching: true,
    show_matched_user: true,
    pretend_user_exists: true,
    enable_remember_me: false,
    enrollment_flow: null,
    recovery_flow: null,
    passwordless_flow: null,
    sources: [],
    show_source_labels: false,
  },
  {
    password_stage: { target: ['authentik_stages_password.passwordstage'], nullable: true },
    captcha_stage: { target: ['authentik_stages_captcha.captchastage'], nullable: true },
    webauthn_stage: {
      target: ['authentik_stages_authenticator_webauthn.authenticatorwebauthnstage'],
      nullable: true,
    },
    enrollment_flow: { target: ['authentik_flows.flow'], nullable: true },
    recovery_flow: { target: ['authentik_flows.flow'], nullable: true },
    passwordless_flow: { target: ['authentik_flows.flow'], nullable: true },
    sources: { target: 'source', many: true },
  },
);

const PASSWORD_STAGE = stageFacts(
  { configure_flow: null, failed_attempts_before_cancel: 5, allow_show_password: false },
  CONFIGURE_FLOW,
  ['backends'],
);

const USER_LOGIN_STAGE = stageFacts({
  session_duration: 'seconds=0',
  terminate_other_sessions: false,
  remember_me_offset: 'seconds=0',
  network_binding: 'no_binding',
  geoip_binding: 'no_binding',
  // NOTE: remember_device is newer than the model code read; its default is not confirmed.
  remember_device: 'days=30',
});

const USER_WRITE_STAGE = stageFacts(
  {
    user_creation_mode: 'create_when_required',
    create_users_as_inactive: false,
    create_users_group: null,
    // NOTE: user_type's default is not confirmed against the model code.
    user_type: 'external',
    user_path_template: '',
  },
  { create_users_group: { target: ['authentik_core.group'], nullable: true } },
);

const AUTHENTICATOR_VALIDATE_STAGE = stageFacts(
  {
    not_configured_action: 'skip',
    device_classes: [...DEVICE_CLASSES],
    configuration_stages: [],
    last_auth_threshold: 'seconds=0',
    webauthn_user_verification: 'preferred',
    webauthn_allowed_device_types: [],
  },
  {
    configuration_stages: { target: 'authenticator-setup-stage', many: true },
    webauthn_allowed_device_types: {
      target: ['authentik_stages_authenticator_webauthn.webauthndevicetype'],
      many: true,
    },
  },
);

const AUTHENTICATOR_WEBAUTHN_STAGE = stageFacts(
  {
    configure_flow: null,
    user_verification: 'preferred',
    authenticator_attachment: null,
    resident_key_requirement: 'preferred',
    device_type_restrictions: [],
    max_attempts: 0,
  },
  {
    ...CONFIGURE_FLOW,
    device_type_restrictions: {
      target: ['authentik_stages_authenticator_webauthn.webauthndevicetype'],
      many: true,
    },
  },
);

const AUTHENTICATOR_STATIC_STAGE = stageFacts(
  { configure_flow: null, token_count: 6, token_length: 12 },
  CONFIGURE_FLOW,
);

const AUTHENTICATOR_TOTP_STAGE = stageFacts({ configure_flow: null }, CONFIGURE_FLOW, ['digits']);

const AUTHENTICATOR_EMAIL_STAGE = stageFacts(
  {
    configure_flow: null,
    ...EMAIL_SETTINGS_DEFAULTS,
    // NOTE: the email-authenticator template default is not confirmed against the model code.
    template: 'email/email_otp.html',
  },
  CONFIGURE_FLOW,
);

const EMAIL_STAGE = stageFacts({
  ...EMAIL_SETTINGS_DEFAULTS,
  template: 'email/password_reset.html',
  activate_user_on_success: false,
  // NOTE: the recovery limits are newer than the model code read; defaults not confirmed.
  recovery_max_attempts: 5,
  recovery_cache_timeout: 'minutes=5',
});

// The consent default changed from always_require (model code of 2021-2023) to expiring.
const CONSENT_STAGE = stageFacts({ mode: 'expiring', consent_expire_in: 'weeks=4' });

const DENY_STAGE = stageFacts({ deny_message: '' });

const INVITATION_STAGE = stageFacts({ continue_flow_without_invitation: false });

const PLAIN_STAGE = stageFacts({});

/** Facts of the stage models (and prompts), keyed by model. */
export const STAGE_FACTS: Readonly<Record<string, ModelFacts>> = {
  'authentik_stages_identification.identificationstage': IDENTIFICATION_STAGE,
  'authentik_stages_password.passwordstage': PASSWORD_STAGE,
  'authentik_stages_user_login.userloginstage': USER_LOGIN_STAGE,
  'authentik_stages_user_write.userwritestage': USER_WRITE_STAGE,
  'authentik_stages_user_logout.userlogoutstage': PLAIN_STAGE,
  'authentik_stages_user_delete.userdeletestage': PLAIN_STAGE,
  'authentik_stages_authenticator_validate.authenticatorvalidatestage':
    AUTHENTICATOR_VALIDATE_STAGE,
  'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage':
    AUTHENTICATOR_WEBAUTHN_STAGE,
  'authentik_stages_authenticator_static.authenticatorstaticstage': AUTHENTICATOR_STATIC_STAGE,
  'authentik_stages_authenticator_totp.authenticatortotpstage': AUTHENTICATOR_TOTP_STAGE,
  'authentik_stages_authenticator_email.authenticatoremailstage': AUTHENTICATOR_EMAIL_STAGE,
  'authentik_stages_email.emailstage': EMAIL_STAGE,
  'authentik_stages_consent.consentstage': CONSENT_STAGE,
  'authentik_stages_deny.denystage': DENY_STAGE,
  'authentik_stages_invitation.invitationstage': INVITATION_STAGE,
  ...PROMPT_FACTS,
};

function readStage<T>(object: ModelObject, model: string): T {
  const facts = STAGE_FACTS[model];
  if (facts === undefined) {
    throw new StagecraftError('internal', `No stage facts for ${model}; add them to STAGE_FACTS.`);
  }

  return readView<T>(object, model, facts);
}

/** Reads an identification stage with its defaults. */
export function readIdentificationStage(object: ModelObject): IdentificationStage {
  return readStage(object, 'authentik_stages_identification.identificationstage');
}

/** Reads a password stage with its defaults. */
export function readPasswordStage(object: ModelObject): PasswordStage {
  return readStage(object, 'authentik_stages_password.passwordstage');
}

/** Reads a user login stage with its defaults. */
export function readUserLoginStage(object: ModelObject): UserLoginStage {
  return readStage(object, 'authentik_stages_user_login.userloginstage');
}

/** Reads a user write stage with its defaults. */
export function readUserWriteStage(object: ModelObject): UserWriteStage {
  return readStage(object, 'authentik_stages_user_write.userwritestage');
}

/** Reads a user logout stage. */
export function readUserLogoutStage(object: ModelObject): UserLogoutStage {
  return readStage(object, 'authentik_stages_user_logout.userlogoutstage');
}

/** Reads a user delete stage. */
export function readUserDeleteStage(object: ModelObject): UserDeleteStage {
  return readStage(object, 'authentik_stages_user_delete.userdeletestage');
}

/** Reads an authenticator validation stage with its defaults. */
export function readAuthenticatorValidateStage(object: ModelObject): AuthenticatorValidateStage {
  return readStage(object, 'authentik_stages_authenticator_validate.authenticatorvalidatestage');
}

/** Reads a WebAuthn authenticator setup stage with its defaults. */
export function readAuthenticatorWebauthnStage(object: ModelObject): AuthenticatorWebauthnStage {
  return readStage(object, 'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage');
}

/** Reads a static-token authenticator setup stage with its defaults. */
export function readAuthenticatorStaticStage(object: ModelObject): AuthenticatorStaticStage {
  return readStage(object, 'authentik_stages_authenticator_static.authenticatorstaticstage');
}

/** Reads a TOTP authenticator setup stage with its defaults. */
export function readAuthenticatorTotpStage(object: ModelObject): AuthenticatorTotpStage {
  return readStage(object, 'authentik_stages_authenticator_totp.authenticatortotpstage');
}

/** Reads an email authenticator setup stage with its defaults. */
export function readAuthenticatorEmailStage(object: ModelObject): AuthenticatorEmailStage {
  return readStage(object, 'authentik_stages_authenticator_email.authenticatoremailstage');
}

/** Reads an email stage with its defaults. */
export function readEmailStage(object: ModelObject): EmailStage {
  return readStage(object, 'authentik_stages_email.emailstage');
}

/** Reads a consent stage with its defaults. */
export function readConsentStage(object: ModelObject): ConsentStage {
  return readStage(object, 'authentik_stages_consent.consentstage');
}

/** Reads a deny stage with its defaults. */
export function readDenyStage(object: ModelObject): DenyStage {
  return readStage(object, 'authentik_stages_deny.denystage');
}

/** Reads an invitation stage with its defaults. */
export function readInvitationStage(object: ModelObject): InvitationStage {
  return readStage(object, 'authentik_stages_invitation.invitationstage');
}
