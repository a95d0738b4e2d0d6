/**
 * authentik's flow planner (authentik/flows/planner.py, 2025.12): the authentication
 * requirement, the flow's own policies, the plan cache, and the stage bindings with their
 * `evaluate_on_plan` and `re_evaluate_policies` settings.
 */
import { readFlow, readFlowStageBinding } from '../../shared/model/flows.js';
import type { ModelObject } from '../../shared/model/object.js';
import { PLAN_CONTEXT } from '../../shared/simulator/context-keys.js';
import type {
  JsonMap,
  PlanDetails,
  PlannedBinding,
  StageRef,
} from '../../shared/simulator/trace.js';
import { bindingSpec } from './bindings.js';
import { SimulationCache } from './cache.js';
import type { ContextUser } from './context.js';
import { readContextUser } from './context.js';
import { runEngine } from './engine.js';
import { objectLabel, plainValue, refUid } from './project-index.js';
import { flowSlugOf, sessionUser } from './request.js';
import type { RunState } from './types.js';

/** A stage authentik creates in memory instead of reading it from the database. */
export interface InMemoryStage {
  kind: 'in-memory';
  name: string;
  /** The built-in view that runs the stage. */
  view: 'redirect' | 'message' | 'source-post' | 'group-update';
  data: JsonMap;
}

/** One stage of a plan, with the settings of its binding. */
export interface PlanBinding {
  ref: StageRef;
  stage: ModelObject | InMemoryStage;
  /** The flow-stage binding object; absent for inserted and appended stages. */
  binding?: ModelObject;
  /** A ReevaluateMarker: the binding's policies run again right before the stage. */
  reEvaluate: boolean;
  invalidResponseAction: 'retry' | 'restart' | 'restart_with_context';
  policyEngineMode: 'any' | 'all';
}

/** The plan of a running flow: remaining stages and the context. */
export interface FlowPlan {
  flow: ModelObject;
  bindings: PlanBinding[];
  context: JsonMap;
}

/** The flow does not apply to the request (FlowNonApplicableException). */
export class FlowNonApplicable extends Error {
  constructor(
    readonly messages: string[],
    readonly why: string,
  ) {
    super(messages.length > 0 ? messages.join('\n') : 'Flow does not apply to current user.');
  }
}

/** The plan has no stages (EmptyFlowException); the executor treats the flow as done. */
export class EmptyFlow extends Error {}

/** Options of one planning. */
export interface PlanOptions {
  defaultContext?: JsonMap;
  useCache: boolean;
  allowEmpty?: boolean;
}

/** Returns a plan binding for a flow-stage binding object, or undefined when its stage is missing. */
export function planBindingOf(state: RunState, binding: ModelObject): PlanBinding | undefined {
  const view = readFlowStageBinding(binding);
  const stage = state.index.get(refUid(view.stage));
  if (stage === undefined) {
    return undefined;
  }

  return {
    ref: {
      uid: stage.uid,
      name: objectLabel(stage),
      model: stage.model,
      bindingUid: binding.uid,
      order: plainValue(view.order, 0),
    },
    stage,
    binding,
    reEvaluate: plainValue(view.re_evaluate_policies, true),
    invalidResponseAction: plainValue(view.invalid_response_action, 'retry'),
    policyEngineMode: plainValue(view.policy_engine_mode, 'any'),
  };
}

/** Returns the `flow_plan` view of a plan for stage-binding policies. */
export function flowPlanView(plan: FlowPlan): {
  flowUid: string;
  bindings: JsonMap[];
  context: JsonMap;
} {
  return {
    flowUid: plan.flow.uid,
    bindings: plan.bindings.map((binding) => ({
      stage: binding.ref.name,
      order: binding.ref.order ?? 0,
    })),
    context: plan.context,
  };
}

/** Plans a flow. Throws FlowNonApplicable or EmptyFlow like authentik's planner. */
export async function planFlow(
  state: RunState,
  flow: ModelObject,
  options: PlanOptions,
): Promise<FlowPlan> {
  const slug = flowSlugOf(flow);
  const step = state.recorder.startStep('plan', slug, `Plan flow ${slug}`);
  const context: JsonMap = options.defaultContext ?? {};
  step.contextBefore = structuredClone(context);

  // The planner evaluates policies and keys the cache with a pending user from the default
  // context when there is one (sources pass it), otherwise with the request's user.
  const pending = readContextUser(context[PLAN_CONTEXT.pendingUser], state.directory);
  const user: ContextUser | null = pending ?? sessionUser(state);

  const details: PlanDetails = {
    authentication: checkAuthentication(state, flow, context),
    cache: options.useCache && state.cache !== null ? 'miss' : 'disabled',
    bindings: [],
  };
  step.plan = details;
  if (!details.authentication.met) {
    throw new FlowNonApplicable(
      [],
      details.authentication.why ?? 'authentication requirement not met',
    );
  }

  const flowView = readFlow(flow);
  const engine = await runEngine(state, {
    purpose: 'flow',
    target: { kind: 'flow', uid: flow.uid, label: slug },
    mode: plainValue(flowView.policy_engine_mode, 'any'),
    bindings: state.index
      .policyBindingsOf(flow.uid)
      .map((object) => bindingSpec(object, state.index)),
    user,
    // NOTE: on the server, nested objects of this context are shared with the plan; here a
    // flow policy's writes to them do not reach the plan.
    context: structuredClone(context),
    useCache: options.useCache,
  });
  step.engines.push(engine.run);
  if (!engine.passing) {
    throw new FlowNonApplicable(engine.messages, "the flow's policies did not pass");
  }

  const plan = await buildOrReusePlan(state, flow, context, user, options, details);
  if (plan.bindings.length === 0 && options.allowEmpty !== true) {
    throw new EmptyFlow();
  }

  step.contextAfter = structuredClone(plan.context);
  return plan;
}

async function buildOrReusePlan(
  state: RunState,
  flow: ModelObject,
  context: JsonMap,
  user: ContextUser | null,
  options: PlanOptions,
  details: PlanDetails,
): Promise<FlowPlan> {
  const designation = plainValue(readFlow(flow).designation, 'authentication');
  const cacheKey = SimulationCache.planKey(flow.uid, user?.pk ?? null);
  const cache = options.useCache ? state.cache : null;
  details.cacheKey = cacheKey;

  // Plans of stage configuration flows are never taken from the cache.
  const cached = designation === 'stage_configuration' ? undefined : cache?.getPlan(cacheKey);
  if (cached !== undefined) {
    details.cache = 'hit';
    const bindings = cached
      .map((entry) => {
        const object = state.index.get(entry.bindingUid);
        const binding = object === undefined ? undefined : planBindingOf(state, object);
        return binding === undefined ? undefined : { ...binding, reEvaluate: entry.reEvaluate };
      })
      .filter((binding): binding is PlanBinding => binding !== undefined);
    details.bindings = bindings.map((binding) => ({
      stage: binding.ref,
      decision: 'kept',
      reEvaluate: binding.reEvaluate,
      why: 'taken from the plan cache, with the evaluate_on_plan decisions of the cached plan',
    }));
    return { flow, bindings, context };
  }

  const plan: FlowPlan = { flow, bindings: [], context };
  for (const object of state.index.stageBindingsOf(flow.uid)) {
    const binding = planBindingOf(state, object);
    if (binding === undefined) {
      state.recorder.finding(
        'warning',
        'stage-missing',
        `A stage binding of flow ${flowSlugOf(flow)} names a stage that is not in the project; it is left out.`,
      );
      continue;
    }

    const decision = await decideBinding(state, plan, binding, object, user, options.useCache);
    details.bindings.push(decision);
    if (decision.decision === 'kept') {
      plan.bindings.push(binding);
    }
  }

  if (cache !== null) {
    cache.setPlan(
      cacheKey,
      plan.bindings.map((binding) => ({
        bindingUid: binding.binding?.uid ?? '',
        reEvaluate: binding.reEvaluate,
      })),
    );
  }

  return plan;
}

async function decideBinding(
  state: RunState,
  plan: FlowPlan,
  binding: PlanBinding,
  object: ModelObject,
  user: ContextUser | null,
  useCache: boolean,
): Promise<PlannedBinding> {
  const view = readFlowStageBinding(object);
  if (!plainValue(view.evaluate_on_plan, false)) {
    return { stage: binding.ref, decision: 'kept', reEvaluate: binding.reEvaluate };
  }

  const engine = await runEngine(state, {
    purpose: 'evaluate-on-plan',
    target: { kind: 'stage-binding', uid: object.uid, label: binding.ref.name },
    mode: binding.policyEngineMode,
    bindings: state.index
      .policyBindingsOf(object.uid)
      .map((spec) => bindingSpec(spec, state.index)),
    user,
    context: structuredClone(plan.context),
    flowPlan: flowPlanView(plan),
    useCache,
  });
  state.recorder.current().engines.push(engine.run);
  if (engine.planContext !== undefined) {
    plan.context = engine.planContext;
  }

  if (engine.passing) {
    return { stage: binding.ref, decision: 'kept', reEvaluate: binding.reEvaluate };
  }

  return {
    stage: binding.ref,
    decision: 'omitted',
    reEvaluate: false,
    why: `its policies failed when the plan was built (evaluate_on_plan)${formatMessages(engine.messages)}`,
  };
}

function formatMessages(messages: string[]): string {
  return messages.length === 0 ? '' : `: ${messages.join('; ')}`;
}

function checkAuthentication(
  state: RunState,
  flow: ModelObject,
  context: JsonMap,
): PlanDetails['authentication'] {
  const requirement = plainValue(readFlow(flow).authentication, 'none');
  const user = state.directory.userByPk(state.session.userPk);
  const fail = (why: string): PlanDetails['authentication'] => ({ requirement, met: false, why });

  switch (requirement) {
    case 'none':
      return { requirement, met: true };
    case 'require_authenticated':
      return user === undefined
        ? fail('the flow requires a logged-in user and nobody is logged in')
        : { requirement, met: true };
    case 'require_unauthenticated':
      return user === undefined
        ? { requirement, met: true }
        : fail(`the flow requires that nobody is logged in, and ${user.username} is`);
    case 'require_superuser':
      return user !== undefined && state.directory.isSuperuser(user)
        ? { requirement, met: true }
        : fail('the flow requires a superuser (a member of a group with is_superuser)');
    case 'require_redirect':
      return context[PLAN_CONTEXT.isRedirected] === undefined ||
        context[PLAN_CONTEXT.isRedirected] === null
        ? fail('the flow can only be reached through a redirect stage (is_redirected is not set)')
        : { requirement, met: true };
    case 'require_outpost':
      return fail('the flow requires a request from an outpost, which a simulated browser is not');
  }
}
