/**
 * The trace of one simulated flow run. It lists every request of the simulated browser, every
 * stage the flow executor ran and every policy the engine evaluated, with the plan context
 * before and after each step. It ends with the effects the run would have had on the server and
 * the outcome. The CLI prints it and the app draws it. Every value is plain JSON, and secrets in
 * contexts and inputs are masked.
 */
import type { EvaluationError, JsonValue, LogRecord, RawResult, SimEvent } from './evaluation.js';

/** The version of the trace format; it changes when a field changes meaning. */
export const TRACE_VERSION = 1;

/** A JSON map, as plan contexts and inputs are shown. */
export type JsonMap = Record<string, JsonValue>;

/** The stage a step ran, as the flow executor saw it. */
export interface StageRef {
  /** Project object uid of the stage; absent for stages authentik creates in memory. */
  uid?: string;
  name: string;
  /** Model label, e.g. `authentik_stages_password.passwordstage`. */
  model: string;
  /** Project object uid of the flow-stage binding; absent for inserted stages. */
  bindingUid?: string;
  /** `order` of the flow-stage binding. */
  order?: number;
}

/** The policy, group or user a policy binding binds, with the binding's own settings. */
export interface BindingRef {
  uid: string;
  order: number;
  kind: 'policy' | 'group' | 'user' | 'invalid';
  negate: boolean;
  failureResult: boolean;
  /** Seconds; authentik 2025.12 does not enforce it, the simulator stops the policy after it. */
  timeout: number;
  /** Display name of the bound policy, group or user. */
  label: string;
  /** Model of the bound policy, e.g. `authentik_policies_expression.expressionpolicy`. */
  policyModel?: string;
}

/** The origin of a policy result: a fresh run or the policy cache. */
export type ResultSource = 'run' | 'cache';

/** One evaluated policy binding. */
export interface PolicyEvaluation {
  binding: BindingRef;
  source: ResultSource;
  /** The binding's result after `negate` or `failure_result`. */
  passing: boolean;
  /** The policy's own result before `negate`; absent when it raised or came from the cache. */
  policyPassing?: boolean;
  /** True when the policy raised and the binding's `failure_result` became the result. */
  failureResultUsed: boolean;
  messages: string[];
  rawResult?: RawResult;
  error?: EvaluationError;
  timedOut?: boolean;
  /** Wall-clock time of the evaluation, in milliseconds. */
  durationMs: number;
  /** The policy request context the policy saw (masked); absent for cached results. */
  context?: JsonMap;
  /** `request.user` as the policy saw it: a username, or `AnonymousUser`. */
  user: string;
  logs?: LogRecord[];
  /** Hints about the result, e.g. a non-bool value that Python truthiness turned into a pass. */
  warnings: string[];
}

/** The call site that ran the policy engine. */
export type EnginePurpose =
  'flow' | 'evaluate-on-plan' | 're-evaluate' | 'prompt-validation' | 'source';

/** One run of authentik's policy engine over the bindings of one target. */
export interface EngineRun {
  purpose: EnginePurpose;
  /** The object the bindings are bound to: a flow, a flow-stage binding or a prompt stage. */
  target: {
    kind: 'flow' | 'stage-binding' | 'prompt-stage' | 'source';
    uid: string;
    label: string;
  };
  mode: 'any' | 'all';
  /** `request.user` of the policy request: a username, or `AnonymousUser`. */
  user: string;
  /** Whether cached policy results were read. */
  useCache: boolean;
  passing: boolean;
  messages: string[];
  /** True when nothing was bound, which passes. */
  empty: boolean;
  /** The combined result of group and user bindings, which authentik computes in one query. */
  staticResult?: {
    total: number;
    matching: number;
    passing: boolean;
    /** The rule that combined them, e.g. `static-bindings-all@2025.12.5`. */
    rule: string;
    bindings: { binding: BindingRef; matches: boolean }[];
  };
  policies: PolicyEvaluation[];
  durationMs: number;
}

/** One flow-stage binding as the planner decided about it. */
export interface PlannedBinding {
  stage: StageRef;
  /** `kept` are in the plan; `omitted` failed their `evaluate_on_plan` policies. */
  decision: 'kept' | 'omitted';
  /** Whether the stage's policies run again right before it is shown. */
  reEvaluate: boolean;
  why?: string;
}

/** The planner's decisions for one plan. */
export interface PlanDetails {
  /** `none`, `require_authenticated`, ... and whether the request met it. */
  authentication: { requirement: string; met: boolean; why?: string };
  /** Whether the plan came from the plan cache, was built, or was built without the cache. */
  cache: 'hit' | 'miss' | 'disabled';
  cacheKey?: string;
  bindings: PlannedBinding[];
}

/** One input value the simulated user sent, and where it came from. */
export interface InputUse {
  key: string;
  /** Masked when the key names a secret. */
  value: JsonValue;
  source: 'input' | 'persona' | 'default';
}

/** The kind of a step. */
export type StepKind = 'source' | 'plan' | 'stage' | 'finish';

/**
 * What happened in a step:
 * - `planned`: the flow was planned.
 * - `passed`: the stage completed.
 * - `skipped`: the stage left the plan because its re-evaluated policies failed.
 * - `shown`: the stage showed a challenge, and the simulated user replied in a later request.
 * - `rejected`: the stage rejected the answer and shows its challenge again.
 * - `denied`: the stage or the flow ended the run with an access-denied message.
 * - `restarted`: the flow restarted because of the binding's `invalid_response_action`.
 * - `waiting`: the stage needs an input the run did not give.
 * - `not-applicable`: the flow does not apply to the request.
 * - `error`: the stage or a policy failed in a way the server reports as an error.
 * - `completed`: the flow ended and the browser is redirected.
 */
export type StepStatus =
  | 'planned'
  | 'passed'
  | 'skipped'
  | 'shown'
  | 'rejected'
  | 'denied'
  | 'restarted'
  | 'waiting'
  | 'not-applicable'
  | 'error'
  | 'completed';

/**
 * One HTTP exchange the simulated server made: the source's token and profile requests, or a
 * policy's or property mapping's `requests` call. Secrets in URLs, headers and bodies are masked.
 */
export interface HttpTraceExchange {
  /** The sender, e.g. `source discord` or `policy discord-guild-check`. */
  by: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody: string | null;
  /** Null when no response came and the call raised instead. */
  status: number | null;
  responseHeaders?: Record<string, string>;
  /** JSON bodies as JSON, other bodies as text; null for none. */
  responseBody: JsonValue;
  /** The origin of the response: `persona NAME`, `recording FILE`, `live`, `sandbox`. */
  respondedBy?: string;
  /** The reason no response came, e.g. the replay had no response for the request. */
  error?: string;
}

/** One step of the run. */
export interface TraceStep {
  index: number;
  kind: StepKind;
  /** Slug of the flow the step belongs to. */
  flow: string;
  status: StepStatus;
  /** One line saying what happened. */
  title: string;
  /** One line saying why, for every skipped, denied, rejected, failed or waiting step. */
  why?: string;
  stage?: StageRef;
  /** The stage's challenge component, e.g. `ak-stage-password`. */
  component?: string;
  /** HTTP requests of the simulated browser in this step, e.g. `GET`, `POST`. */
  requests: ('GET' | 'POST')[];
  plan?: PlanDetails;
  engines: EngineRun[];
  inputs: InputUse[];
  /** Messages the stage showed or flashed. */
  messages: string[];
  /** What the simulated server did, in words: users matched, backends tried, values used. */
  notes: string[];
  /** Field errors of a rejected answer, keyed by field (`non_field_errors` for the form). */
  responseErrors?: Record<string, string[]>;
  contextBefore?: JsonMap;
  contextAfter?: JsonMap;
  /** Ids of the version-dependent rules applied in this step. */
  rules: string[];
  /** HTTP exchanges the server made in this step, in order. */
  http?: HttpTraceExchange[];
  durationMs: number;
}

/** How serious a finding is. */
export type FindingSeverity = 'critical' | 'warning' | 'info';

/** Something the run revealed that the designer should look at. */
export interface Finding {
  severity: FindingSeverity;
  /** Stable code, e.g. `stage-skipped-by-policy-error`. */
  code: string;
  message: string;
  /** Index of the step it was found in. */
  step: number;
  /** A suggested change that removes the problem, when one is known. */
  fix?: string;
}

/** A user the run created or changed. */
export interface UserEffect {
  action: 'created' | 'updated';
  username: string;
  /** Primary key in the simulated directory. */
  pk: number | null;
  /** Changed fields with values before and after; passwords are masked. */
  changes: { field: string; before: JsonValue; after: JsonValue }[];
  /** The stage or policy that made the change. */
  by: string;
}

/** A change of a user's direct group memberships. */
export interface MembershipEffect {
  username: string;
  /** Group names before and after. */
  before: string[];
  after: string[];
  by: string;
}

/** A message the server would show the user (Django's messages framework). */
export interface FlowMessage {
  level: 'info' | 'success' | 'warning' | 'error';
  text: string;
  by: string;
}

/** An email the server would send; the simulator only collects it. */
export interface OutboxEmail {
  to: string[];
  subject: string;
  /** Template name (stages) or null. */
  template: string | null;
  body: string | null;
  by: string;
}

/** A change of the browser session's login. */
export interface SessionEffect {
  action: 'login' | 'logout';
  username: string | null;
  /** Session lifetime in seconds; 0 means until the browser closes. */
  durationSeconds?: number;
  by: string;
}

/** Everything the run would have changed on the server. Nothing is written anywhere. */
export interface SimulationEffects {
  users: UserEffect[];
  memberships: MembershipEffect[];
  events: SimEvent[];
  messages: FlowMessage[];
  emails: OutboxEmail[];
  sessions: SessionEffect[];
  /** Writes of expressions to other models, as the evaluator reported them. */
  other: JsonMap[];
}

/** The end of the run: completed, denied, rejected, waiting for input, or failed. */
export type SimulationOutcome =
  | {
      kind: 'completed';
      /** The URL the browser is sent to at the end. */
      redirect: string;
      flow: string;
      /** Why the redirect goes there: the context `redirect`, `next`, or the default. */
      why: string;
    }
  | { kind: 'denied'; flow: string; stage?: StageRef; message: string; why: string }
  | {
      kind: 'rejected';
      flow: string;
      stage: StageRef;
      errors: Record<string, string[]>;
      message: string;
    }
  | { kind: 'input-required'; flow: string; stage: StageRef; inputs: string[]; message: string }
  | { kind: 'error'; flow: string; stage?: StageRef; code: string; message: string };

/** The version-dependent rule a run used. */
export interface RuleUse {
  id: string;
  /** Versions the rule applies to, e.g. `2025.12.0 - 2025.12.4`. */
  versions: string;
  summary: string;
}

/** The exchanges and decisions of a login through an OAuth source, before any flow ran. */
export interface SourceLoginDetails {
  slug: string;
  name: string;
  providerType: string;
  /** The authorize URL the browser is sent to, with `state` masked. */
  authorizeUrl: string;
  /** The scopes the authorize request contains, as authentik sends them. */
  requestedScopes: string[];
  /** The scopes the token response grants; absent when no token came. */
  grantedScope?: string;
  /** The identifier the connection is keyed by (`str(info["id"])` for most types). */
  identifier?: string;
  /** The user info the profile endpoint returned (masked). */
  userinfo?: JsonMap;
  /** The user properties after the base properties and the property mappings. */
  properties?: JsonMap;
  /** Group properties by group id. */
  groups?: Record<string, JsonMap>;
  /** The source flow manager's decision. */
  action?: 'auth' | 'link' | 'enroll' | 'deny';
  /** Username of the user the decision authenticates or links, when there is one. */
  matchedUser?: string;
}

/** The full trace of one run. */
export interface SimulationTrace {
  version: typeof TRACE_VERSION;
  /** The authentik version simulated, e.g. `2025.12`. */
  authentikVersion: string;
  flow: { slug: string; name: string; designation: string; authentication: string };
  /**
   * The persona or directory user the run acted as; null for an anonymous visitor.
   * `directoryUser` is true when the name matched a user of the project and no persona, in
   * which case `persona` repeats the username.
   */
  actor: { persona: string | null; username: string | null; directoryUser?: boolean } | null;
  /** Whether plan and policy-result caches were used. */
  cacheEnabled: boolean;
  steps: TraceStep[];
  outcome: SimulationOutcome;
  effects: SimulationEffects;
  findings: Finding[];
  rules: RuleUse[];
  /** Present when the run started with a login through an OAuth source. */
  source?: SourceLoginDetails;
  /** Wall-clock time of the whole run, in milliseconds. */
  durationMs: number;
}

/** Returns an empty set of effects. */
export function emptyEffects(): SimulationEffects {
  return {
    users: [],
    memberships: [],
    events: [],
    messages: [],
    emails: [],
    sessions: [],
    other: [],
  };
}
