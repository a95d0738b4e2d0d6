/**
 * The redirect stage (authentik/stages/redirect/stage.py, 2025.12) and the in-memory redirect
 * that `FlowPlan.redirect()` inserts. A static target sends the browser away, so later stages do
 * not run. A flow target plans that flow (without the cache, keeping the context when
 * `keep_context` is set, with `is_redirected`) and continues there.
 */
import type { ModelObject } from '../../../shared/model/object.js';
import { PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import type { ExecutorResponse } from '../executor.js';
import { EmptyFlow, FlowNonApplicable, planFlow } from '../planner.js';
import { refUid } from '../project-index.js';
import { flowSlugOf } from '../request.js';
import { StageView } from './base.js';
import { asText } from '../json.js';

const FLOW_SCHEME = 'ak-flow://';

export class RedirectStageView extends StageView {
  async get(): Promise<ExecutorResponse> {
    const memory = this.memoryStage;
    if (memory !== undefined) {
      const to = asText(memory.data.destination, '/');
      this.state.sessionPlan = null;
      return { kind: 'redirect', to, why: `${memory.name} sends the browser to ${to}` };
    }

    const target = this.target();
    if (typeof target === 'string') {
      if (target === '') {
        return this.executor.stageInvalid(
          "No target found for Redirect stage. The stage's target_flow may have been deleted.",
        );
      }
      this.state.recorder.note(
        `The browser is sent to ${target}; the stages after this one do not run.`,
      );
      return {
        kind: 'redirect',
        to: target,
        why: `redirect stage ${this.binding.ref.name} sends the browser to ${target}`,
      };
    }

    return this.switchFlow(target);
  }

  // `redirect_stage_target` in the context wins over the stage's own target.
  private target(): string | ModelObject {
    const data = this.stageData;
    const override = this.context[PLAN_CONTEXT.redirectStageTarget];
    if (typeof override === 'string' && override !== '') {
      if (!override.startsWith(FLOW_SCHEME)) {
        return override;
      }
      const flow = this.state.index.findFlow(override.slice(FLOW_SCHEME.length).replace(/\/$/, ''));
      if (flow !== undefined) {
        return flow;
      }
      this.state.recorder.note(
        `${PLAN_CONTEXT.redirectStageTarget} names a flow that does not exist; the stage's own target is used.`,
      );
    }

    if (data.mode === 'flow') {
      return this.state.index.get(refUid(data.target_flow)) ?? '';
    }

    return typeof data.target_static === 'string' ? data.target_static : '';
  }

  private async switchFlow(flow: ModelObject): Promise<ExecutorResponse> {
    const keep = this.stageData.keep_context !== false;
    const context: JsonMap = keep ? this.context : {};
    context[PLAN_CONTEXT.isRedirected] = {
      $model: 'authentik_flows.flow',
      slug: this.executor.slug,
    };
    this.state.recorder.note(
      `Switching to flow ${flowSlugOf(flow)} ${keep ? 'with' : 'without'} the current context.`,
    );

    try {
      this.state.sessionPlan = await planFlow(this.state, flow, {
        useCache: false,
        defaultContext: context,
      });
    } catch (error) {
      if (error instanceof FlowNonApplicable || error instanceof EmptyFlow) {
        // InvalidStageError() without a message.
        return this.executor.stageInvalid('');
      }
      throw error;
    }

    return { kind: 'flow', slug: flowSlugOf(flow) };
  }
}
