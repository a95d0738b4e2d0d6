/**
 * Model knowledge that authentik's blueprint JSON schema lacks, taken from its Django models and
 * REST serializers. It covers field defaults, fields required to create an object, reference
 * fields with their target models, the natural identifier that finds an object, and the models
 * that blueprints reject. Facts describe authentik 2025.12 unless a comment names a version.
 */
import { listModels } from './catalog.js';
import { CORE_FACTS } from './core.js';
import { FLOW_FACTS } from './flows.js';
import { POLICY_FACTS } from './policies.js';
import { SOURCE_FACTS } from './sources.js';
import { STAGE_FACTS } from './stages.js';
import type { Value } from './values.js';

/** A named set of models that a reference field may point at. */
export type ModelGroup =
  | 'stage'
  | 'policy'
  | 'source'
  | 'property-mapping'
  | 'provider'
  | 'policy-binding-model'
  | 'authenticator-setup-stage';

/** A field holding the primary key(s) of other objects. */
export interface ReferenceSpec {
  /** Concrete target models, or a group of models resolved from the catalogue. */
  target: readonly string[] | ModelGroup;
  /** A list of primary keys (many-to-many). */
  many?: boolean;
  /** The Django field is nullable, so null clears it (the schema does not say so). */
  nullable?: boolean;
}

/** Model knowledge beyond the schema. */
export interface ModelFacts {
  /** Identifiers that find the object in authentik (`slug` for flows, `name` for stages). */
  naturalKey: readonly string[];
  /** Other fields that are fine in `identifiers` because they are unique or part of the key. */
  lookupKeys?: readonly string[];
  /** Model defaults of the fields authentik fills in on create. */
  defaults: Readonly<Record<string, Value>>;
  /** Fields a create request must carry (in attrs or identifiers). */
  requiredOnCreate: readonly string[];
  references: Readonly<Record<string, ReferenceSpec>>;
  /** Non-reference fields whose serializer accepts null although the schema does not list it. */
  nullable?: readonly string[];
  /** Write-only fields: secrets that exports omit and a fresh server requires. */
  writeOnly?: readonly string[];
}

const FACTS: ReadonlyMap<string, ModelFacts> = new Map(
  Object.entries({
    ...FLOW_FACTS,
    ...STAGE_FACTS,
    ...POLICY_FACTS,
    ...SOURCE_FACTS,
    ...CORE_FACTS,
  }),
);

/** Returns the facts known about a model (lower-case name), or undefined when not modelled. */
export function getModelFacts(model: string): ModelFacts | undefined {
  return FACTS.get(model);
}

/** Lists the models that have facts. */
export function listModelledModels(): string[] {
  return [...FACTS.keys()];
}

/** Returns the reference spec of a field, or undefined when the field is not a known reference. */
export function getReference(model: string, field: string): ReferenceSpec | undefined {
  const facts = FACTS.get(model);
  if (facts === undefined || !Object.hasOwn(facts.references, field)) {
    return undefined;
  }

  return facts.references[field];
}

/**
 * Models that reference fields may point at but that blueprints cannot create: the server
 * fills them itself (WebAuthn device types come from the FIDO metadata service).
 */
export const SERVER_ONLY_MODELS: readonly string[] = [
  'authentik_stages_authenticator_webauthn.webauthndevicetype',
];

/** Stage models that configure an authenticator, the targets of `configuration_stages`. */
const AUTHENTICATOR_SETUP_STAGES = [
  'authentik_stages_authenticator_totp.authenticatortotpstage',
  'authentik_stages_authenticator_static.authenticatorstaticstage',
  'authentik_stages_authenticator_webauthn.authenticatorwebauthnstage',
  'authentik_stages_authenticator_duo.authenticatorduostage',
  'authentik_stages_authenticator_sms.authenticatorsmsstage',
  'authentik_stages_authenticator_email.authenticatoremailstage',
  'authentik_stages_authenticator_endpoint_gdtc.authenticatorendpointgdtcstage',
];

function groupMatches(group: ModelGroup, model: string): boolean {
  const [app = '', name = ''] = model.split('.');

  switch (group) {
    case 'stage':
      return (
        (app.startsWith('authentik_stages_') && name.endsWith('stage')) ||
        model === 'authentik_endpoints.endpointstage'
      );
    case 'policy':
      return app.startsWith('authentik_policies_') && name.endsWith('policy');
    case 'source':
      return app.startsWith('authentik_sources_') && name.endsWith('source');
    case 'property-mapping':
      return name.endsWith('mapping');
    case 'provider':
      return app.startsWith('authentik_providers_') && name.endsWith('provider');
    case 'policy-binding-model':
      // PolicyBindingModel subclasses that blueprints can create.
      return (
        model === 'authentik_flows.flow' ||
        model === 'authentik_flows.flowstagebinding' ||
        model === 'authentik_core.application' ||
        model === 'authentik_events.notificationrule' ||
        groupMatches('source', model)
      );
    case 'authenticator-setup-stage':
      return AUTHENTICATOR_SETUP_STAGES.includes(model);
  }
}

/** Lists the catalogue models of a group, in catalogue order. */
export function modelsInGroup(group: ModelGroup): string[] {
  if (group === 'authenticator-setup-stage') {
    // Keep the hand-written order: TOTP first, the usual target of `configuration_stages`.
    const models = new Set(listModels());
    return AUTHENTICATOR_SETUP_STAGES.filter((model) => models.has(model));
  }

  return listModels().filter((model) => groupMatches(group, model));
}

/** Resolves the target models of a reference. */
export function referenceTargets(reference: ReferenceSpec): string[] {
  return typeof reference.target === 'string'
    ? modelsInGroup(reference.target)
    : [...reference.target];
}

/**
 * Models that exist in authentik but that blueprints reject with "Model ... not allowed": the
 * abstract base classes, internal models and Django's own auth models (authentik's
 * `authentik/lib/models.py` `excluded_models` and `authentik/blueprints/v1/importer.py`).
 * Each value names what to use instead.
 */
export const NOT_ALLOWED_MODELS: Readonly<Record<string, string>> = {
  'auth.user': 'use authentik_core.user',
  'auth.group': 'use authentik_core.group',
  'auth.permission': 'grant permissions through an entry `permissions` list or authentik_rbac.role',
  'contenttypes.contenttype': 'content types are internal to Django',
  'guardian.userobjectpermission': 'grant permissions through an entry `permissions` list',
  'authentik_core.provider':
    'use a concrete provider model such as authentik_providers_oauth2.oauth2provider',
  'authentik_core.source':
    'use a concrete source model such as authentik_sources_oauth.oauthsource',
  'authentik_core.propertymapping': 'use a concrete property mapping model',
  'authentik_core.usersourceconnection':
    'use a concrete connection model such as authentik_sources_oauth.useroauthsourceconnection',
  'authentik_core.groupsourceconnection':
    'use a concrete connection model such as authentik_sources_oauth.groupoauthsourceconnection',
  'authentik_core.authenticatedsession': 'sessions are created by logins, not by blueprints',
  'authentik_core.session': 'sessions are created by logins, not by blueprints',
  'authentik_flows.stage':
    'use a concrete stage model such as authentik_stages_password.passwordstage',
  'authentik_flows.flowtoken': 'flow tokens are created by the flow executor',
  'authentik_policies.policy':
    'use a concrete policy model such as authentik_policies_expression.expressionpolicy',
  'authentik_policies.policybindingmodel':
    'bind policies to a flow, stage binding, application or source',
  'authentik_outposts.outpostserviceconnection':
    'use authentik_outposts.dockerserviceconnection or kubernetesserviceconnection',
};
