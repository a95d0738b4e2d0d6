/**
 * Base classes of stage views, as authentik/flows/stage.py has them: a plain StageView that
 * acts on any request, and a ChallengeStageView that shows a challenge on GET and validates the
 * answer on POST. An invalid answer restarts the flow when the binding's
 * `invalid_response_action` says so, and otherwise shows the challenge again with the errors.
 */
import type { ModelObject } from '../../../shared/model/object.js';
import { mergeEntryData } from '../../../shared/model/view.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import type { ChallengeResponse, ExecutorResponse, FlowExecutor } from '../executor.js';
import type { InMemoryStage, PlanBinding } from '../planner.js';
import type { RunState } from '../types.js';

/** The result of validating an answer. */
export type Validation =
  | { kind: 'valid'; data: JsonMap }
  | { kind: 'errors'; errors: Record<string, string[]> }
  /** StageInvalidException raised during validation: the executor's stage_invalid(). */
  | { kind: 'stage-invalid'; message?: string };

/** A stage view for one request. */
export abstract class StageView {
  constructor(
    readonly executor: FlowExecutor,
    readonly binding: PlanBinding,
  ) {}

  /** The run state. */
  get state(): RunState {
    return this.executor.state;
  }

  /** The plan context, which stages read and write. */
  get context(): JsonMap {
    return this.executor.plan.context;
  }

  /** The stage object, or undefined for a stage created in memory. */
  get stageObject(): ModelObject | undefined {
    const stage = this.binding.stage;
    return 'kind' in stage ? undefined : stage;
  }

  /** The in-memory stage's data, or undefined for a stage of the project. */
  get memoryStage(): InMemoryStage | undefined {
    const stage = this.binding.stage;
    return 'kind' in stage ? stage : undefined;
  }

  /** The stage's fields with the entry's identifiers merged in (no model defaults). */
  get stageData(): JsonMap {
    const object = this.stageObject;
    return object === undefined
      ? (this.memoryStage?.data ?? {})
      : (mergeEntryData(object) as JsonMap);
  }

  /** Handles a GET request. */
  abstract get(): Promise<ExecutorResponse>;

  /** Handles a POST request; stages without a challenge act the same on both. */
  post(_data: JsonMap): Promise<ExecutorResponse> {
    return this.get();
  }
}

/** A stage view that shows a challenge and validates the answer. */
export abstract class ChallengeStageView extends StageView {
  /** The challenge component, e.g. `ak-stage-password`. */
  abstract readonly component: string;

  /** Returns the challenge the browser shows. */
  abstract getChallenge(): Promise<JsonMap>;

  /** Builds the simulated user's answer to a challenge from the run's inputs. */
  abstract respond(challenge: JsonMap): ChallengeResponse;

  /** Validates an answer as the challenge response serializer does. */
  abstract validate(data: JsonMap): Promise<Validation>;

  /** Acts on a valid answer. */
  abstract challengeValid(data: JsonMap): Promise<ExecutorResponse>;

  override async get(): Promise<ExecutorResponse> {
    const challenge = await this.getChallenge();
    this.state.recorder.setStatus('shown');

    return this.challengeResponse(challenge);
  }

  override async post(data: JsonMap): Promise<ExecutorResponse> {
    const result = await this.validate(data);

    if (result.kind === 'stage-invalid') {
      return this.executor.stageInvalid(result.message);
    }

    if (result.kind === 'errors') {
      const action = this.binding.invalidResponseAction;
      if (action === 'restart' || action === 'restart_with_context') {
        this.state.recorder.current().responseErrors = result.errors;
        return this.executor.restartFlow(action === 'restart_with_context');
      }

      return this.challengeInvalid(result.errors);
    }

    return this.challengeValid(result.data);
  }

  /** Shows the challenge again with the errors (`response_errors`). */
  async challengeInvalid(errors: Record<string, string[]>): Promise<ExecutorResponse> {
    const challenge = await this.getChallenge();
    const step = this.state.recorder.current();
    step.responseErrors = errors;
    this.state.recorder.setStatus('rejected', Object.values(errors).flat().join(' '));

    return this.challengeResponse(challenge, errors);
  }

  private challengeResponse(
    challenge: JsonMap,
    errors?: Record<string, string[]>,
  ): ExecutorResponse {
    return {
      kind: 'challenge',
      component: this.component,
      challenge,
      stage: this.binding.ref,
      ...(errors === undefined ? {} : { responseErrors: errors }),
      respond: () => this.respond(challenge),
    };
  }
}

/** Returns an answer that names the missing inputs. */
export function missing(
  keys: string[],
  inputs: ChallengeResponse['inputs'] = [],
): ChallengeResponse {
  return { missing: keys, inputs };
}
