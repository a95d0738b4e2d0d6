/**
 * The runs of the stepper, kept in memory on the Node side: each run's checkpoints (the state
 * before each browser request to the flow executor) and its unmasked inputs. "Re-run from this
 * stage" and a form submitted again resume from the checkpoint of that stage, so the steps before
 * it are not executed again, and passwords given before it are reused from here, not from the
 * masked trace. Nothing of a kept run is written to the project, the log or the renderer.
 */
import { randomUUID } from 'node:crypto';

import type {
  EvaluationDetails,
  SimulationRequest,
  SimulationRun,
  StoredRecordSummary,
} from '../../shared/api/services.js';
import { StagecraftError } from '../../shared/errors.js';
import { MASK, isSecretKey } from '../../shared/simulator/mask.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import type { ResumeAnswers, RunCheckpoint } from '../simulator/checkpoint.js';
import type { RunInputs } from '../simulator/inputs.js';
import type { RunObserver } from '../simulator/simulate.js';
import { createLogger } from '../log.js';
import type { LiveLogin } from './simulator-live.js';
import type { RunSetup } from './simulator-runs.js';
import { runSimulation } from './simulator-runs.js';

const log = createLogger('services.simulator.stepper');

/** The number of runs a window keeps; starting one more drops the oldest. */
export const MAX_KEPT_RUNS = 8;

interface KeptRun {
  id: string;
  /** The request with unmasked inputs that reproduces the run from its start. */
  request: SimulationRequest;
  trace: SimulationTrace;
  details: EvaluationDetails[];
  checkpoints: RunCheckpoint[];
  /** The run's inputs at its end, unmasked. Undefined when the run ended before any stage. */
  inputs: RunInputs | undefined;
  live: LiveLogin | undefined;
  recording: StoredRecordSummary | undefined;
}

function collector(): {
  observer: RunObserver;
  checkpoints: RunCheckpoint[];
  inputs(): RunInputs | undefined;
} {
  const checkpoints: RunCheckpoint[] = [];
  let finalInputs: RunInputs | undefined;

  return {
    observer: {
      checkpoint: (checkpoint) => checkpoints.push(checkpoint),
      finished: (inputs) => {
        finalInputs = inputs;
      },
    },
    checkpoints,
    inputs: () => finalInputs,
  };
}

/** Returns the request with the values of secret inputs replaced by the mask. */
export function maskedRequest(request: SimulationRequest): SimulationRequest {
  if (request.inputs === undefined) {
    return { ...request };
  }

  const inputs = Object.fromEntries(
    Object.entries(request.inputs).map(([key, values]) => [
      key,
      isSecretKey(key) ? values.map(() => MASK) : [...values],
    ]),
  );
  return { ...request, inputs };
}

function requestWithInputs(
  request: SimulationRequest,
  inputs: RunInputs | undefined,
): SimulationRequest {
  const explicit = inputs?.explicitInputs() ?? request.inputs ?? {};
  const { inputs: _dropped, ...rest } = request;
  return Object.keys(explicit).length === 0 ? rest : { ...rest, inputs: explicit };
}

/** The kept runs of one window. */
export class SteppedRuns {
  private readonly runs = new Map<string, KeptRun>();

  constructor(private readonly limit = MAX_KEPT_RUNS) {}

  /** Runs `request` from its start and keeps it; `live` is the live login of the run. */
  async start(
    setup: RunSetup,
    request: SimulationRequest,
    live?: LiveLogin,
  ): Promise<SimulationRun> {
    const collected = collector();
    const run = await runSimulation(setup, request, undefined, {
      observer: collected.observer,
      ...(live === undefined ? {} : { oauth: live.oauth }),
    });

    const kept: KeptRun = {
      id: randomUUID(),
      request: requestWithInputs(request, collected.inputs()),
      trace: run.trace,
      details: run.details,
      checkpoints: collected.checkpoints,
      inputs: collected.inputs(),
      live,
      recording: undefined,
    };
    await this.keep(kept);
    return view(kept);
  }

  /** Records the recording a live run stored, so the run's view names it. */
  noteRecording(id: string, recording: StoredRecordSummary): SimulationRun {
    const kept = this.find(id);
    kept.recording = recording;
    return view(kept);
  }

  /**
   * Resumes run `id` from the start of trace step `step`; see `SimulatorService.resume`. Throws
   * `invalid-argument` for an unknown run, and for a live run asked to repeat its login.
   */
  async resume(
    setup: RunSetup,
    id: string,
    step: number,
    answers?: Record<string, string>,
  ): Promise<SimulationRun> {
    const kept = this.find(id);
    const index = lastIndexWhere(kept.checkpoints, (checkpoint) => checkpoint.step <= step);
    if (index < 0) {
      return this.restart(setup, kept, answers);
    }

    const checkpoint = kept.checkpoints[index]!;
    const collected = collector();
    const resumeAnswers =
      answers === undefined ? undefined : answersAt(kept, checkpoint, step, answers);
    const run = await runSimulation(setup, kept.request, undefined, {
      observer: collected.observer,
      resumeFrom: {
        checkpoint,
        ...(resumeAnswers === undefined ? {} : { answers: resumeAnswers }),
      },
    });

    kept.trace = run.trace;
    kept.details = [
      ...kept.details.filter((detail) => detail.step < checkpoint.step),
      ...run.details,
    ];
    kept.checkpoints = [...kept.checkpoints.slice(0, index), ...collected.checkpoints];
    kept.inputs = collected.inputs();
    kept.request = requestWithInputs(kept.request, kept.inputs);
    log.debug('run resumed', { run: id, step: checkpoint.step });
    return view(kept);
  }

  /** Drops every kept run and closes their live logins. */
  async close(): Promise<void> {
    const runs = [...this.runs.values()];
    this.runs.clear();
    await Promise.all(runs.map((run) => run.live?.close() ?? Promise.resolve()));
  }

  private find(id: string): KeptRun {
    const kept = this.runs.get(id);
    if (kept === undefined) {
      throw new StagecraftError(
        'invalid-argument',
        `simulator.resume: no kept run with id ${id}; the app keeps the last ${this.limit} runs ` +
          'of a window. Start the run again.',
        { service: 'simulator', method: 'resume', field: 'run' },
      );
    }

    // The most recently used run goes last, so the oldest is dropped first.
    this.runs.delete(id);
    this.runs.set(id, kept);
    return kept;
  }

  // The step comes before the first checkpoint (a source login, or the first plan): the run
  // starts over with its unmasked inputs. A live login cannot be repeated this way.
  private async restart(
    setup: RunSetup,
    kept: KeptRun,
    answers: Record<string, string> | undefined,
  ): Promise<SimulationRun> {
    if (kept.live !== undefined) {
      throw new StagecraftError(
        'invalid-argument',
        'simulator.resume: the login of a live run cannot be repeated from its stored state. ' +
          'Start the live run again to log in once more.',
        { service: 'simulator', method: 'resume', field: 'step' },
      );
    }

    const inputs = { ...(kept.request.inputs ?? {}) };
    for (const [key, value] of Object.entries(answers ?? {})) {
      inputs[key] = [value];
    }
    const request = Object.keys(inputs).length === 0 ? kept.request : { ...kept.request, inputs };
    const collected = collector();
    const run = await runSimulation(setup, request, undefined, { observer: collected.observer });

    kept.trace = run.trace;
    kept.details = run.details;
    kept.checkpoints = collected.checkpoints;
    kept.inputs = collected.inputs();
    kept.request = requestWithInputs(request, kept.inputs);
    return view(kept);
  }

  private async keep(kept: KeptRun): Promise<void> {
    this.runs.set(kept.id, kept);
    while (this.runs.size > this.limit) {
      const [oldestId, oldest] = this.runs.entries().next().value as [string, KeptRun];
      this.runs.delete(oldestId);
      await oldest.live?.close();
    }
  }
}

/**
 * Returns the inputs that replace the remaining ones when values are submitted at `step` and the
 * run resumes from `checkpoint` at or before it. For each key these are the unmasked values the
 * run took between the checkpoint and the step (an earlier attempt at the same form), then the
 * new value.
 */
function answersAt(
  kept: KeptRun,
  checkpoint: RunCheckpoint,
  step: number,
  answers: Record<string, string>,
): ResumeAnswers {
  const result: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(answers)) {
    const takenBefore = checkpoint.inputs.takenValues(key).length;
    const usedBetween = kept.trace.steps
      .slice(checkpoint.step, step)
      .flatMap((traceStep) => traceStep.inputs)
      .filter((use) => use.key === key).length;
    const taken = kept.inputs?.takenValues(key) ?? [];
    result[key] = [...taken.slice(takenBefore, takenBefore + usedBetween), value];
  }

  return result;
}

function lastIndexWhere<T>(items: readonly T[], test: (item: T) => boolean): number {
  for (let index = items.length - 1; index >= 0; index -= 1) {
    if (test(items[index]!)) {
      return index;
    }
  }

  return -1;
}

function view(kept: KeptRun): SimulationRun {
  return {
    id: kept.id,
    request: maskedRequest(kept.request),
    trace: kept.trace,
    details: kept.details,
    ...(kept.recording === undefined ? {} : { recording: kept.recording }),
  };
}
