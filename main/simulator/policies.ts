/**
 * Running one policy the way `policy.passes(request)` does on the server: expression policies in
 * the Python sandbox, the other policy types here. Results distinguish a PolicyException (the
 * binding's `failure_result` applies) from any other crash (the result is a plain failure,
 * authentik/policies/process.py).
 */
import { mergeEntryData } from '../../shared/model/view.js';
import type { ModelObject } from '../../shared/model/object.js';
import { FLOW_PLAN_LABEL } from '../../shared/simulator/context-keys.js';
import type {
  Effect,
  EvaluationError,
  JsonValue,
  LogRecord,
  RawResult,
  SimEvent,
} from '../../shared/simulator/evaluation.js';
import type { JsonMap } from '../../shared/simulator/trace.js';
import { runBuiltinPolicy } from './builtin-policies.js';
import type { ContextUser } from './context.js';
import { mergeReturnedContext, requestUserOf } from './context.js';
import type { RunState } from './types.js';
import { SimulationHalt } from './types.js';
import { asText } from './json.js';

export const EXPRESSION_POLICY_MODEL = 'authentik_policies_expression.expressionpolicy';

/** The plan that a stage-binding policy reads as `context["flow_plan"]`. */
export interface FlowPlanView {
  flowUid: string;
  /** `{stage, order}` of the remaining bindings. */
  bindings: JsonMap[];
  context: JsonMap;
}

/** One policy to run. */
export interface PolicyRunInput {
  policy: ModelObject;
  user: ContextUser | null;
  /** The policy request context, without `flow_plan`. */
  context: JsonMap;
  flowPlan?: FlowPlanView;
  /** `request.obj`: the engine's target as a `$model` map; None in Python without it. */
  obj?: JsonMap;
  /** Seconds from the binding. */
  timeoutSeconds: number;
}

/** The result of `policy.passes()`, or the exception it raised. */
export interface PolicyRunOutput {
  passing: boolean;
  messages: string[];
  /** The policy raised a PolicyException: the binding's failure_result applies. */
  raised: boolean;
  /** The policy crashed with another exception: a plain failure, neither negated nor replaced. */
  crashed?: boolean;
  error?: EvaluationError;
  rawResult?: RawResult;
  durationMs: number;
  logs: LogRecord[];
  events: SimEvent[];
  effects: Effect[];
  warnings: string[];
  /** The request context after the run, when the policy could change it. */
  context?: JsonMap;
  /** The plan context after the run, when the policy saw `flow_plan`. */
  planContext?: JsonMap;
}

/** Runs one policy. */
export async function runPolicy(state: RunState, input: PolicyRunInput): Promise<PolicyRunOutput> {
  if (input.policy.model === EXPRESSION_POLICY_MODEL) {
    return runExpressionPolicy(state, input);
  }

  const started = performance.now();
  const result = runBuiltinPolicy(state, input);

  return {
    logs: [],
    events: [],
    effects: [],
    ...result,
    durationMs: performance.now() - started,
  };
}

// The sandbox adds geo data from the HTTP request, as authentik's context processors do. Sending
// it back in would make it look like a plan context key.
function withoutGeo(context: JsonMap): JsonMap {
  const { geoip: _geoip, asn: _asn, ...rest } = context;
  return rest;
}

function sameJson(a: JsonValue, b: JsonValue): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

async function runExpressionPolicy(
  state: RunState,
  input: PolicyRunInput,
): Promise<PolicyRunOutput> {
  const name = asText(mergeEntryData(input.policy).name, input.policy.uid);
  const expression = asText(mergeEntryData(input.policy).expression);
  const executionLogging = mergeEntryData(input.policy).execution_logging === true;
  const requestContext = withoutGeo(input.context);

  // The first policy of a stage binding gets a request context that is a shallow copy of the
  // plan context. The sandbox rebuilds that sharing when the plan context is sent as null.
  const context: JsonMap = { ...requestContext };
  if (input.flowPlan !== undefined) {
    const shared = sameJson(requestContext, input.flowPlan.context);
    context.flow_plan = {
      $model: FLOW_PLAN_LABEL,
      flow_pk: input.flowPlan.flowUid,
      bindings: input.flowPlan.bindings,
      markers: [],
      context: shared ? null : input.flowPlan.context,
    };
  }

  const timeoutMs = state.policyTimeoutMs ?? input.timeoutSeconds * 1000;
  const result = await state.evaluator.evaluate({
    kind: 'policy',
    expression,
    name,
    context,
    user: requestUserOf(input.user, state.directory),
    directory: state.directory.toSimDirectory(),
    // Only `ak_call_policy` reads the other policies, so only an expression that names it gets them.
    policies: expression.includes('ak_call_policy') ? state.expressionPolicies : {},
    httpRequest: state.http,
    ...(input.obj === undefined ? {} : { obj: input.obj }),
    executionLogging,
    timeoutMs,
  });

  if (result.timedOut === true) {
    throw new SimulationHalt(
      'policy-timeout',
      `Policy "${name}" ran longer than ${timeoutMs / 1000} s and was stopped. authentik does not ` +
        'enforce binding timeouts, so on the server this request would not finish.',
    );
  }
  if (result.error?.type === 'WorkerCrashed') {
    throw new SimulationHalt('evaluator-crashed', result.error.message);
  }

  const output: PolicyRunOutput = {
    passing: result.passing,
    messages: result.messages,
    raised: result.error !== undefined,
    durationMs: result.durationMs,
    logs: result.logs,
    events: result.events,
    effects: result.effects,
    warnings: [],
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(result.rawResult === undefined ? {} : { rawResult: result.rawResult }),
  };

  if (result.context !== undefined) {
    const { flow_plan: plan, ...returned } = result.context;
    output.context = mergeReturnedContext(input.context, returned);
    const planContext = planContextOf(plan);
    if (input.flowPlan !== undefined && planContext !== undefined) {
      output.planContext = mergeReturnedContext(input.flowPlan.context, planContext);
    }
  }

  return output;
}

function planContextOf(plan: JsonValue | undefined): JsonMap | undefined {
  if (typeof plan !== 'object' || plan === null || Array.isArray(plan)) {
    return undefined;
  }

  const context = plan.context;
  return typeof context === 'object' && context !== null && !Array.isArray(context)
    ? context
    : undefined;
}
