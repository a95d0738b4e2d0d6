/**
 * authentik's policy engine (authentik/policies/engine.py, process.py and types.py, 2025.12):
 *
 * 1. Only enabled bindings count, ordered by `order`.
 * 2. Group and user bindings collapse into one static result. A user without a primary key
 *    (AnonymousUser, an unsaved pending user) matches none of them, negated ones included.
 * 3. Policy bindings take a cached result when the cache is read, otherwise `policy.passes()`.
 *    `negate` flips real results only. A PolicyException gives the binding's `failure_result`,
 *    and any other crash a plain failure. Results of authenticated users are cached.
 * 4. Combined: nothing bound passes; mode `all` needs every result to pass, mode `any` one.
 *    Messages: fresh results in binding order, then cached ones, then the static result's.
 */
import type { JsonMap, EngineRun, PolicyEvaluation } from '../../shared/simulator/trace.js';
import { ruleFor } from '../../shared/simulator/rules.js';
import type { BindingSpec } from './bindings.js';
import { SimulationCache } from './cache.js';
import type { ContextUser } from './context.js';
import { userLabel } from './context.js';
import { maskMap } from '../../shared/simulator/mask.js';
import { describePolicyResult, reportPolicyProblems } from './findings.js';
import type { FlowPlanView } from './policies.js';
import { runPolicy } from './policies.js';
import { policyObject } from './policy-object.js';
import { recordEvaluatorEffects } from './effects.js';
import type { RunState } from './types.js';

/** One engine run to do. */
export interface EngineRequest {
  purpose: EngineRun['purpose'];
  target: EngineRun['target'];
  mode: 'any' | 'all';
  bindings: BindingSpec[];
  /** `request.user` of the policy request; null is AnonymousUser. */
  user: ContextUser | null;
  /** The policy request context, without `flow_plan`. */
  context: JsonMap;
  /** The plan that `context["flow_plan"]` shows, for stage-binding policies. */
  flowPlan?: FlowPlanView;
  useCache: boolean;
}

/** The engine's combined result. */
export interface EngineResult {
  passing: boolean;
  messages: string[];
  run: EngineRun;
  /** The plan context after the policies ran, when they saw `flow_plan`. */
  planContext?: JsonMap;
  /** Bindings whose policy raised, so `failure_result` decided them. */
  raised: PolicyEvaluation[];
}

/** Runs the policy engine over a target's bindings. */
export async function runEngine(state: RunState, request: EngineRequest): Promise<EngineResult> {
  const started = performance.now();
  const bindings = request.bindings.filter((binding) => binding.enabled);
  const run: EngineRun = {
    purpose: request.purpose,
    target: request.target,
    mode: request.mode,
    user: userLabel(request.user),
    useCache: request.useCache && state.cache !== null,
    passing: true,
    messages: [],
    empty: bindings.length === 0,
    policies: [],
    durationMs: 0,
  };

  const staticResult = computeStaticResult(state, request, bindings);
  if (staticResult !== undefined) {
    run.staticResult = staticResult;
  }

  let context = request.context;
  let planContext = request.flowPlan?.context;
  const fresh: PolicyEvaluation[] = [];
  const cached: PolicyEvaluation[] = [];

  for (const binding of bindings.filter((spec) => spec.ref.kind === 'policy')) {
    const fromCache = readCache(state, request, binding);
    if (fromCache !== undefined) {
      cached.push(fromCache);
      continue;
    }

    const flowPlan =
      request.flowPlan === undefined || planContext === undefined
        ? undefined
        : { ...request.flowPlan, context: planContext };
    const evaluation = await evaluateBinding(state, request, binding, context, flowPlan);
    fresh.push(evaluation.trace);
    context = evaluation.context ?? context;
    planContext = evaluation.planContext ?? planContext;
  }

  const results = [...fresh, ...cached];
  const allResults: { passing: boolean; messages: string[] }[] = [...results];
  if (staticResult !== undefined) {
    allResults.push({ passing: staticResult.passing, messages: [] });
  }

  run.policies = results;
  if (allResults.length > 0) {
    run.passing =
      request.mode === 'all'
        ? allResults.every((result) => result.passing)
        : allResults.some((result) => result.passing);
  }
  run.messages = allResults.flatMap((result) => result.messages);
  run.durationMs = performance.now() - started;

  return {
    passing: run.passing,
    messages: run.messages,
    run,
    ...(planContext === undefined ? {} : { planContext }),
    raised: fresh.filter((evaluation) => evaluation.failureResultUsed),
  };
}

function computeStaticResult(
  state: RunState,
  request: EngineRequest,
  bindings: BindingSpec[],
): EngineRun['staticResult'] {
  const statics = bindings.filter((spec) => spec.ref.kind === 'group' || spec.ref.kind === 'user');
  if (statics.length === 0) {
    return undefined;
  }

  const user = state.directory.userByPk(request.user?.pk ?? null);
  const groups = user === undefined ? new Set<string>() : state.directory.allGroups(user);
  const matchesOf = (spec: BindingSpec): boolean => {
    if (user === undefined || spec.targetUid === undefined) {
      return false;
    }

    const bound =
      spec.ref.kind === 'user' ? user.objectUid === spec.targetUid : groups.has(spec.targetUid);
    return spec.ref.negate ? !bound : bound;
  };

  const evaluated = statics.map((spec) => ({ binding: spec.ref, matches: matchesOf(spec) }));
  const matching = evaluated.filter((entry) => entry.matches).length;
  let passing = matching > 0;
  let rule = 'static-bindings-any';
  if (request.mode === 'all') {
    const used = ruleFor('staticBindingsAll', state.version);
    rule = state.recorder.useRule(used);
    passing = used.tag === 'before-2025.12.5' ? matching > 0 : matching === statics.length;
  }

  return { total: statics.length, matching, passing, rule, bindings: evaluated };
}

function readCache(
  state: RunState,
  request: EngineRequest,
  binding: BindingSpec,
): PolicyEvaluation | undefined {
  if (!request.useCache || state.cache === null) {
    return undefined;
  }

  const key = SimulationCache.policyKey(
    binding.ref.uid,
    state.session.key,
    request.user?.pk ?? null,
  );
  const cached = state.cache.getPolicyResult(key);
  if (cached === undefined) {
    return undefined;
  }

  return {
    binding: binding.ref,
    source: 'cache',
    passing: cached.passing,
    failureResultUsed: false,
    messages: cached.messages,
    durationMs: 0,
    user: userLabel(request.user),
    warnings: [`Result read from the policy cache (${key}).`],
  };
}

async function evaluateBinding(
  state: RunState,
  request: EngineRequest,
  binding: BindingSpec,
  context: JsonMap,
  flowPlan: FlowPlanView | undefined,
): Promise<{ trace: PolicyEvaluation; context?: JsonMap; planContext?: JsonMap }> {
  const policy = binding.policy;
  const trace: PolicyEvaluation = {
    binding: binding.ref,
    source: 'run',
    passing: false,
    failureResultUsed: false,
    messages: [],
    durationMs: 0,
    user: userLabel(request.user),
    context: maskMap(structuredClone(context)),
    warnings: [],
  };

  // A binding whose policy is not in the project cannot run; authentik would not have it.
  if (policy === undefined) {
    trace.messages = [`The bound policy ${binding.ref.label} is not in the project.`];
    trace.warnings.push('The binding fails because its policy is missing.');
    return { trace };
  }

  const obj = policyObject(state.index, request.target.uid);
  const output = await runPolicy(state, {
    policy,
    user: request.user,
    context,
    ...(obj === undefined ? {} : { obj }),
    ...(flowPlan === undefined ? {} : { flowPlan }),
    timeoutSeconds: binding.ref.timeout,
  });

  trace.durationMs = output.durationMs;
  trace.messages = output.messages;
  trace.warnings.push(...output.warnings);
  if (output.rawResult !== undefined) {
    trace.rawResult = output.rawResult;
  }
  if (output.error !== undefined) {
    trace.error = output.error;
  }
  if (output.logs.length > 0) {
    trace.logs = output.logs;
  }

  if (output.raised) {
    // PolicyException: the binding's failure_result, without negate.
    trace.passing = binding.ref.failureResult;
    trace.failureResultUsed = true;
  } else if (output.crashed === true) {
    // Any other exception escapes PolicyProcess.execute() and becomes a plain failure.
    trace.passing = false;
    trace.warnings.push('The policy crashed; authentik ignores negate and failure_result here.');
  } else {
    trace.policyPassing = output.passing;
    trace.passing = binding.ref.negate ? !output.passing : output.passing;
  }
  trace.warnings.push(...describePolicyResult(trace));
  recordEvaluatorEffects(state, output, `policy ${binding.ref.label}`);
  await reportPolicyProblems(state, trace, policy, context);

  // PolicyRequest.should_cache: only for authenticated users (any User object is).
  if (state.cache !== null && request.user !== null) {
    const key = SimulationCache.policyKey(binding.ref.uid, state.session.key, request.user.pk);
    state.cache.setPolicyResult(key, { passing: trace.passing, messages: trace.messages });
  }

  return {
    trace,
    ...(output.context === undefined ? {} : { context: output.context }),
    ...(output.planContext === undefined ? {} : { planContext: output.planContext }),
  };
}
