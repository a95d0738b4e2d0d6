/**
 * Policy bindings and the policy types used by authentik's own blueprints
 * (`authentik/policies/models.py` and each policy's `models.py`): facts, choice lists and typed
 * views.
 */
import { getFieldSpec } from './catalog.js';
import type { ModelFacts } from './fields.js';
import type { ModelObject } from './object.js';
import type { Field, Reference } from './view.js';
import { readView } from './view.js';

/** `authentik_policies.policybinding`: binds one policy, group or user to a target. */
export interface PolicyBinding {
  /** The PolicyBindingModel (flow, stage binding, application, source) the binding applies to. */
  target?: Reference;
  policy?: Reference;
  group?: Reference;
  user?: Reference;
  order?: Field<number>;
  negate: Field<boolean>;
  enabled: Field<boolean>;
  /** Seconds after which policy execution is stopped. */
  timeout: Field<number>;
  /** The result when the policy raises an error. */
  failure_result: Field<boolean>;
}

/** Kind of subject a policy binding binds: a policy, a group or a user. */
export type PolicyBindingKind = 'policy' | 'group' | 'user' | 'invalid';

/** Fields every policy has. */
export interface PolicyBase {
  name?: Field<string>;
  execution_logging: Field<boolean>;
}

/** `authentik_policies_expression.expressionpolicy` */
export interface ExpressionPolicy extends PolicyBase {
  expression?: Field<string>;
}

/** `authentik_policies_event_matcher.eventmatcherpolicy`; null matches any value. */
export interface EventMatcherPolicy extends PolicyBase {
  action: Field<string> | null;
  client_ip: Field<string> | null;
  app: Field<string> | null;
  model: Field<string> | null;
}

/** `authentik_policies_password.passwordpolicy` */
export interface PasswordPolicy extends PolicyBase {
  password_field: Field<string>;
  amount_digits: Field<number>;
  amount_uppercase: Field<number>;
  amount_lowercase: Field<number>;
  amount_symbols: Field<number>;
  length_min: Field<number>;
  symbol_charset: Field<string>;
  error_message: Field<string>;
  check_static_rules: Field<boolean>;
  check_have_i_been_pwned: Field<boolean>;
  check_zxcvbn: Field<boolean>;
  hibp_allowed_count: Field<number>;
  zxcvbn_score_threshold: Field<number>;
}

/** `authentik_policies_reputation.reputationpolicy` */
export interface ReputationPolicy extends PolicyBase {
  check_ip: Field<boolean>;
  check_username: Field<boolean>;
  threshold: Field<number>;
}

/** `authentik_policies_dummy.dummypolicy`, a test policy that waits and returns `result`. */
export interface DummyPolicy extends PolicyBase {
  result: Field<boolean>;
  wait_min: Field<number>;
  wait_max: Field<number>;
}

function choicesOf(model: string, field: string): readonly string[] {
  const choices = getFieldSpec(model, field)?.enum ?? [];

  return choices.filter((choice): choice is string => typeof choice === 'string');
}

/** Event actions an event matcher policy can match (from the catalogue; long list). */
export const EVENT_MATCHER_ACTIONS = choicesOf(
  'authentik_policies_event_matcher.eventmatcherpolicy',
  'action',
);

/** Django apps an event matcher policy can match (from the catalogue). */
export const EVENT_MATCHER_APPS = choicesOf(
  'authentik_policies_event_matcher.eventmatcherpolicy',
  'app',
);

/** Models an event matcher policy can match (from the catalogue). */
export const EVENT_MATCHER_MODELS = choicesOf(
  'authentik_policies_event_matcher.eventmatcherpolicy',
  'model',
);

function policyFacts(defaults: ModelFacts['defaults'], required: string[] = []): ModelFacts {
  return {
    naturalKey: ['name'],
    lookupKeys: ['managed'],
    defaults: { execution_logging: false, ...defaults },
    requiredOnCreate: ['name', ...required],
    references: {},
  };
}

const POLICY_BINDING: ModelFacts = {
  naturalKey: ['target', 'order'],
  lookupKeys: ['policy', 'group', 'user'],
  defaults: { negate: false, enabled: true, timeout: 30, failure_result: false },
  requiredOnCreate: ['target', 'order'],
  references: {
    // Inside a policy binding entry, `!KeyOf` of a flow or stage binding yields its pbm_uuid.
    target: { target: 'policy-binding-model' },
    policy: { target: 'policy', nullable: true },
    group: { target: ['authentik_core.group'], nullable: true },
    user: { target: ['authentik_core.user'], nullable: true },
  },
};

const EXPRESSION_POLICY = policyFacts({}, ['expression']);

const EVENT_MATCHER_POLICY = policyFacts({ action: null, client_ip: null, app: null, model: null });

const PASSWORD_POLICY = policyFacts({
  password_field: 'password',
  amount_digits: 0,
  amount_uppercase: 0,
  amount_lowercase: 0,
  amount_symbols: 0,
  length_min: 0,
  symbol_charset: '!\\"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~ ',
  error_message: '',
  check_static_rules: true,
  // NOTE: older releases defaulted both checks to true; the model code read (2024-2025) has false.
  check_have_i_been_pwned: false,
  check_zxcvbn: false,
  hibp_allowed_count: 0,
  zxcvbn_score_threshold: 2,
});

const REPUTATION_POLICY = policyFacts({ check_ip: true, check_username: true, threshold: -5 });

const DUMMY_POLICY = policyFacts({ result: false, wait_min: 5, wait_max: 30 });

/** Facts of the policy models, keyed by model. */
export const POLICY_FACTS: Readonly<Record<string, ModelFacts>> = {
  'authentik_policies.policybinding': POLICY_BINDING,
  'authentik_policies_expression.expressionpolicy': EXPRESSION_POLICY,
  'authentik_policies_event_matcher.eventmatcherpolicy': EVENT_MATCHER_POLICY,
  'authentik_policies_password.passwordpolicy': PASSWORD_POLICY,
  'authentik_policies_reputation.reputationpolicy': REPUTATION_POLICY,
  'authentik_policies_dummy.dummypolicy': DUMMY_POLICY,
};

/** Reads a policy binding with its defaults. */
export function readPolicyBinding(object: ModelObject): PolicyBinding {
  return readView<PolicyBinding>(object, 'authentik_policies.policybinding', POLICY_BINDING);
}

/**
 * Tells what a policy binding binds. authentik checks `policy`, then `group`, then `user`; a
 * binding with none of them never passes.
 */
export function policyBindingKind(binding: PolicyBinding): PolicyBindingKind {
  if (binding.policy !== undefined && binding.policy !== null) {
    return 'policy';
  }

  if (binding.group !== undefined && binding.group !== null) {
    return 'group';
  }

  if (binding.user !== undefined && binding.user !== null) {
    return 'user';
  }

  return 'invalid';
}

/** Reads an expression policy with its defaults. */
export function readExpressionPolicy(object: ModelObject): ExpressionPolicy {
  const model = 'authentik_policies_expression.expressionpolicy';

  return readView<ExpressionPolicy>(object, model, EXPRESSION_POLICY);
}

/** Reads an event matcher policy with its defaults. */
export function readEventMatcherPolicy(object: ModelObject): EventMatcherPolicy {
  const model = 'authentik_policies_event_matcher.eventmatcherpolicy';

  return readView<EventMatcherPolicy>(object, model, EVENT_MATCHER_POLICY);
}

/** Reads a password policy with its defaults. */
export function readPasswordPolicy(object: ModelObject): PasswordPolicy {
  const model = 'authentik_policies_password.passwordpolicy';

  return readView<PasswordPolicy>(object, model, PASSWORD_POLICY);
}

/** Reads a reputation policy with its defaults. */
export function readReputationPolicy(object: ModelObject): ReputationPolicy {
  const model = 'authentik_policies_reputation.reputationpolicy';

  return readView<ReputationPolicy>(object, model, REPUTATION_POLICY);
}

/** Reads a dummy policy with its defaults. */
export function readDummyPolicy(object: ModelObject): DummyPolicy {
  return readView<DummyPolicy>(object, 'authentik_policies_dummy.dummypolicy', DUMMY_POLICY);
}
