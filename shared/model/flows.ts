/**
 * Flows and flow-stage bindings (`authentik/flows/models.py`): facts, choice lists and typed
 * views.
 */
import type { ModelFacts } from './fields.js';
import type { ModelObject } from './object.js';
import type { Field, Reference } from './view.js';
import { readView } from './view.js';

/** Flow designations: the purpose a flow serves. */
export const FLOW_DESIGNATIONS = [
  'authentication',
  'authorization',
  'invalidation',
  'enrollment',
  'unenrollment',
  'recovery',
  'stage_configuration',
] as const;
export type FlowDesignation = (typeof FLOW_DESIGNATIONS)[number];

/** Access requirements of a flow. `require_redirect` is newer than the flow model code of 2024. */
export const FLOW_AUTHENTICATION_REQUIREMENTS = [
  'none',
  'require_authenticated',
  'require_unauthenticated',
  'require_superuser',
  'require_redirect',
  'require_outpost',
] as const;
export type FlowAuthenticationRequirement = (typeof FLOW_AUTHENTICATION_REQUIREMENTS)[number];

/** Page layouts of the flow executor. */
export const FLOW_LAYOUTS = [
  'stacked',
  'content_left',
  'content_right',
  'sidebar_left',
  'sidebar_right',
] as const;
export type FlowLayout = (typeof FLOW_LAYOUTS)[number];

/** Responses of a flow whose policies deny access. */
export const FLOW_DENIED_ACTIONS = ['message_continue', 'message', 'continue'] as const;
export type FlowDeniedAction = (typeof FLOW_DENIED_ACTIONS)[number];

/** Modes that combine the results of several bound policies. */
export const POLICY_ENGINE_MODES = ['all', 'any'] as const;
export type PolicyEngineMode = (typeof POLICY_ENGINE_MODES)[number];

/** Reactions of the flow executor to an invalid response to a stage challenge. */
export const INVALID_RESPONSE_ACTIONS = ['retry', 'restart', 'restart_with_context'] as const;
export type InvalidResponseAction = (typeof INVALID_RESPONSE_ACTIONS)[number];

/** `authentik_flows.flow` */
export interface Flow {
  slug?: Field<string>;
  name?: Field<string>;
  title?: Field<string>;
  designation?: Field<FlowDesignation>;
  authentication: Field<FlowAuthenticationRequirement>;
  layout: Field<FlowLayout>;
  policy_engine_mode: Field<PolicyEngineMode>;
  denied_action: Field<FlowDeniedAction>;
  compatibility_mode: Field<boolean>;
  background?: Field<string>;
}

/** `authentik_flows.flowstagebinding` */
export interface FlowStageBinding {
  target?: Reference;
  stage?: Reference;
  order?: Field<number>;
  evaluate_on_plan: Field<boolean>;
  re_evaluate_policies: Field<boolean>;
  policy_engine_mode: Field<PolicyEngineMode>;
  invalid_response_action: Field<InvalidResponseAction>;
}

const FLOW: ModelFacts = {
  naturalKey: ['slug'],
  defaults: {
    authentication: 'none',
    layout: 'stacked',
    // PolicyBindingModel's default is `any` in the model code read (2024-2025).
    policy_engine_mode: 'any',
    denied_action: 'message_continue',
    compatibility_mode: false,
  },
  requiredOnCreate: ['slug', 'name', 'title', 'designation'],
  references: {},
  nullable: ['background'],
};

const FLOW_STAGE_BINDING: ModelFacts = {
  naturalKey: ['target', 'stage'],
  lookupKeys: ['order'],
  defaults: {
    evaluate_on_plan: false,
    re_evaluate_policies: true,
    policy_engine_mode: 'any',
    invalid_response_action: 'retry',
  },
  requiredOnCreate: ['target', 'stage', 'order'],
  references: {
    target: { target: ['authentik_flows.flow'] },
    stage: { target: 'stage' },
  },
};

/** Facts of the flow models, keyed by model. */
export const FLOW_FACTS: Readonly<Record<string, ModelFacts>> = {
  'authentik_flows.flow': FLOW,
  'authentik_flows.flowstagebinding': FLOW_STAGE_BINDING,
};

/** Reads a flow with its defaults. Identifiers win over attrs, as in authentik's importer. */
export function readFlow(object: ModelObject): Flow {
  return readView<Flow>(object, 'authentik_flows.flow', FLOW);
}

/** Reads a flow-stage binding with its defaults. */
export function readFlowStageBinding(object: ModelObject): FlowStageBinding {
  return readView<FlowStageBinding>(object, 'authentik_flows.flowstagebinding', FLOW_STAGE_BINDING);
}
