/**
 * authentik's flow executor (authentik/flows/views/executor.py and authentik/flows/markers.py,
 * 2025.12). Each call of `dispatch` is one HTTP request of the browser to the executor API. It
 * plans the flow when the session has no plan and re-evaluates the next binding's policies when
 * it carries a ReevaluateMarker, on every request, GET and POST alike. Then it hands the request
 * to the stage, which ends through `stageOk`, `stageInvalid` or `restartFlow` as on the server.
 */
import { readFlow } from '../../shared/model/flows.js';
import type { ModelObject } from '../../shared/model/object.js';
import { PLAN_CONTEXT } from '../../shared/simulator/context-keys.js';
import type { InputUse, JsonMap, StageRef } from '../../shared/simulator/trace.js';
import { bindingSpec } from './bindings.js';
import { runEngine } from './engine.js';
import type { FlowPlan, PlanBinding } from './planner.js';
import { EmptyFlow, FlowNonApplicable, flowPlanView, planFlow } from './planner.js';
import { plainValue } from './project-index.js';
import { flowSlugOf, pendingUserOf, sessionUser } from './request.js';
import { createStageView } from './stages/registry.js';
import type { RunState } from './types.js';
import { SimulationHalt } from './types.js';
import { asText } from './json.js';

/** The challenge response the simulated user sends, or the inputs that are missing. */
export type ChallengeResponse =
  { data: JsonMap; inputs: InputUse[] } | { missing: string[]; inputs: InputUse[] };

/** The executor's reply to one browser request. */
export type ExecutorResponse =
  | {
      kind: 'challenge';
      component: string;
      challenge: JsonMap;
      stage: StageRef;
      responseErrors?: Record<string, string[]>;
      /** Builds the POST data from the run's inputs. */
      respond: () => ChallengeResponse;
    }
  /** A redirect back to the executor: the browser requests the next stage. */
  | { kind: 'executor' }
  /** A redirect away from the flow; `notApplicable` when the flow never ran. */
  | { kind: 'redirect'; to: string; why: string; notApplicable?: boolean }
  /** A redirect into another flow whose plan is already in the session. */
  | { kind: 'flow'; slug: string }
  /** The access-denied challenge (`ak-stage-access-denied`). */
  | { kind: 'denied'; message: string; why: string; stage?: StageRef }
  /** The error challenge (`ak-stage-flow-error`) after an exception in a stage. */
  | { kind: 'error'; code: string; message: string; stage?: StageRef };

const ROOT_REDIRECT = 'authentik_core:root-redirect';

/** Tells whether a URL has a network location, as authentik's is_url_absolute does. */
export function isUrlAbsolute(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || url.startsWith('//');
}

/** The executor of one flow. */
export class FlowExecutor {
  currentBinding: PlanBinding | null = null;

  constructor(
    readonly state: RunState,
    readonly flow: ModelObject,
  ) {}

  /** The flow's slug. */
  get slug(): string {
    return flowSlugOf(this.flow);
  }

  /** The plan of the session, for this flow. */
  get plan(): FlowPlan {
    const plan = this.state.sessionPlan;
    if (plan === null) {
      throw new Error('The executor has no plan; dispatch() plans the flow first.');
    }

    return plan;
  }

  /** Handles one browser request to the executor. */
  async dispatch(method: 'GET' | 'POST', data: JsonMap = {}): Promise<ExecutorResponse> {
    const state = this.state;
    if (state.sessionPlan !== null && state.sessionPlan.flow.uid !== this.flow.uid) {
      state.sessionPlan = null;
    }

    if (state.sessionPlan === null) {
      const planned = await this.initiatePlan();
      if (planned !== undefined) {
        return planned;
      }
    }

    const next = await this.nextBinding(method);
    if (next === undefined) {
      return this.flowDone();
    }

    this.currentBinding = next;
    const view = createStageView(this, next);
    try {
      return method === 'GET' ? await view.get() : await view.post(data);
    } catch (error) {
      if (error instanceof SimulationHalt) {
        throw error;
      }

      // FlowExecutorView.handle_exception: the error challenge, and the plan stays.
      const message = error instanceof Error ? error.message : String(error);
      state.recorder.setStatus('error', `the stage raised an exception: ${message}`);
      return { kind: 'error', code: 'stage-error', message, stage: next.ref };
    }
  }

  /** Completes the current stage: pops it and continues, or finishes the flow. */
  stageOk(): ExecutorResponse {
    const state = this.state;
    const step = state.recorder.current();
    if (step.status === 'shown') {
      step.status = 'passed';
    }
    state.recorder.contextAfter(this.plan.context);

    this.plan.bindings.shift();
    if (this.plan.bindings.length > 0) {
      return { kind: 'executor' };
    }

    return this.flowDone();
  }

  /**
   * Ends the stage with access denied, or restarts the flow when the binding's
   * `invalid_response_action` is `restart` or `restart_with_context`.
   */
  async stageInvalid(message?: string): Promise<ExecutorResponse> {
    const action = this.currentBinding?.invalidResponseAction ?? 'retry';
    if (action === 'restart' || action === 'restart_with_context') {
      return this.restartFlow(action === 'restart_with_context');
    }

    const state = this.state;
    state.recorder.setStatus(
      'denied',
      message === undefined || message === '' ? 'the stage denied access' : message,
    );
    state.recorder.contextAfter(this.plan.context);
    state.sessionPlan = null;

    return {
      kind: 'denied',
      message: message ?? '',
      why: `stage ${this.currentBinding?.ref.name ?? '(none)'} denied access`,
      ...(this.currentBinding === null ? {} : { stage: this.currentBinding.ref }),
    };
  }

  /** Plans the flow again without the cache, keeping the plan context when asked. */
  async restartFlow(keepContext: boolean): Promise<ExecutorResponse> {
    const state = this.state;
    const keep = keepContext ? 'keeping its context' : 'with a fresh context';
    state.recorder.setStatus(
      'restarted',
      `the binding's invalid_response_action restarts the flow ${keep}`,
    );
    const defaultContext = keepContext ? this.plan.context : undefined;

    try {
      state.sessionPlan = await planFlow(state, this.flow, {
        useCache: false,
        ...(defaultContext === undefined ? {} : { defaultContext }),
      });
    } catch (error) {
      if (error instanceof FlowNonApplicable) {
        return this.handleInvalidFlow(error);
      }
      if (error instanceof EmptyFlow) {
        return this.flowDone();
      }
      throw error;
    }

    return { kind: 'executor' };
  }

  /** Finishes the flow and redirects: context `redirect`, else `next`, else the root. */
  flowDone(why?: string): ExecutorResponse {
    const state = this.state;
    const context = state.sessionPlan?.context ?? {};
    state.sessionPlan = null;

    const redirect = context[PLAN_CONTEXT.redirect];
    if (redirect !== undefined) {
      // authentik does not check this URL: only policies and authentik itself set it.
      return {
        kind: 'redirect',
        to: asText(redirect),
        why: why ?? 'the plan context sets redirect',
      };
    }

    const next = state.query.next ?? ROOT_REDIRECT;
    if (next !== '' && !isUrlAbsolute(next)) {
      const to = next === ROOT_REDIRECT ? '/' : next;
      const reason =
        next === ROOT_REDIRECT ? 'no next parameter: the root redirect' : 'the next parameter';
      return { kind: 'redirect', to, why: why ?? reason };
    }

    return {
      kind: 'denied',
      message: 'Invalid next URL',
      why: `the next parameter ${next} is an absolute URL, which authentik refuses`,
    };
  }

  /** Handles a flow that does not apply, following the flow's `denied_action`. */
  handleInvalidFlow(error: FlowNonApplicable): ExecutorResponse {
    const state = this.state;
    state.recorder.setStatus('not-applicable', error.why);
    state.sessionPlan = null;

    const deniedAction = plainValue(readFlow(this.flow).denied_action, 'message_continue');
    if (deniedAction === 'continue') {
      return {
        kind: 'redirect',
        to: '/',
        why: `the flow does not apply (${error.why}) and denied_action "continue" sends the browser to /`,
        notApplicable: true,
      };
    }

    // message_continue only redirects for a `next` of the executor request itself, which the
    // flow interface never sends (it passes the original query string in `query`).
    return {
      kind: 'denied',
      message: error.message,
      why: `the flow does not apply: ${error.why} (denied_action ${deniedAction})`,
    };
  }

  /** Inserts a stage to run right after the current one (FlowPlan.insert_stage, index 1). */
  insertStage(binding: PlanBinding): void {
    this.plan.bindings.splice(1, 0, binding);
  }

  /** Appends a stage at the end of the plan. */
  appendStage(binding: PlanBinding): void {
    this.plan.bindings.push(binding);
  }

  private async initiatePlan(): Promise<ExecutorResponse | undefined> {
    const state = this.state;
    try {
      state.sessionPlan = await planFlow(state, this.flow, { useCache: true });
      return undefined;
    } catch (error) {
      if (error instanceof FlowNonApplicable) {
        const designation = plainValue(readFlow(this.flow).designation, 'authentication');
        const user = sessionUser(state);
        if (designation === 'authentication' && user !== null) {
          state.recorder.setStatus('not-applicable', error.why);
          return this.flowDone(
            `${user.username} is already logged in, so an authentication flow that does not apply is done`,
          );
        }
        return this.handleInvalidFlow(error);
      }
      if (error instanceof EmptyFlow) {
        return this.flowDone('the flow has no stages, which authentik treats as done');
      }
      throw error;
    }
  }

  // FlowPlan.next() runs the marker of the first binding. A failed re-evaluation removes the
  // binding silently, because the server only logs its messages, and tries the next one.
  private async nextBinding(method: 'GET' | 'POST'): Promise<PlanBinding | undefined> {
    const state = this.state;
    const plan = this.plan;

    while (plan.bindings.length > 0) {
      const binding = plan.bindings[0] as PlanBinding;
      // A POST replies to the challenge of the current step. A POST after a rejected response
      // is a new attempt and gets its own step.
      const current = state.recorder.current();
      const continuing =
        method === 'POST' &&
        current.status === 'shown' &&
        current.stage?.bindingUid === binding.ref.bindingUid;
      if (!continuing) {
        const again =
          method === 'POST' && current.stage?.name === binding.ref.name ? ' (answered again)' : '';
        state.recorder.startStep(
          'stage',
          this.slug,
          `Stage ${binding.ref.name}${again}`,
          binding.ref,
        );
        state.recorder.contextBefore(plan.context);
      }
      state.recorder.current().requests.push(method);

      if (!binding.reEvaluate || binding.binding === undefined) {
        return binding;
      }

      const passed = await this.reEvaluate(binding, binding.binding);
      if (passed) {
        return binding;
      }

      plan.bindings.shift();
    }

    return undefined;
  }

  private async reEvaluate(binding: PlanBinding, object: ModelObject): Promise<boolean> {
    const state = this.state;
    const plan = this.plan;
    const engine = await runEngine(state, {
      purpose: 're-evaluate',
      target: { kind: 'stage-binding', uid: object.uid, label: binding.ref.name },
      mode: binding.policyEngineMode,
      bindings: state.index
        .policyBindingsOf(object.uid)
        .map((spec) => bindingSpec(spec, state.index)),
      user: pendingUserOf(state, plan.context),
      // ReevaluateMarker: flow_plan plus a shallow copy of the plan context, no cache reads.
      context: { ...plan.context },
      flowPlan: flowPlanView(plan),
      useCache: false,
    });
    state.recorder.current().engines.push(engine.run);
    if (engine.planContext !== undefined) {
      plan.context = engine.planContext;
    }

    if (engine.passing) {
      return true;
    }

    const reason = engine.messages.length > 0 ? `: ${engine.messages.join('; ')}` : '';
    state.recorder.setStatus(
      'skipped',
      `its policies failed when re-evaluated before the stage${reason}; authentik removes it from the plan without a message`,
    );
    state.recorder.contextAfter(plan.context);
    for (const raised of engine.raised.filter((evaluation) => !evaluation.passing)) {
      state.recorder.finding(
        'critical',
        'stage-skipped-by-policy-error',
        `Stage "${binding.ref.name}" was skipped because policy "${raised.binding.label}" raised ` +
          `${raised.error?.type ?? 'an error'}: ${raised.error?.message ?? ''} and the binding's ` +
          `failure_result is ${String(raised.binding.failureResult)}. The server leaves the stage out silently.`,
      );
    }

    return false;
  }
}
