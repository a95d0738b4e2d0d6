/**
 * Checkpoints of a run: deep copies of the simulated server's and browser's state taken right
 * before a browser request to the flow executor. A run resumed from a checkpoint goes on from
 * that request without repeating the requests, policy evaluations and HTTP calls before it.
 */
import type { Persona } from '../../shared/simulator/persona.js';
import type { SourceLoginDetails } from '../../shared/simulator/trace.js';
import type { SimulatedDirectory } from './directory.js';
import { TracedHttp } from './oauth/http.js';
import { HttpBridgeEvaluator } from './oauth/policy-http.js';
import type { RunInputs } from './inputs.js';
import type { FlowPlan } from './planner.js';
import type { TraceRecorder } from './recorder.js';
import type { RunState, SimSession } from './types.js';

/** The state of a run before one browser GET request to the flow executor. */
export interface RunCheckpoint {
  /** Index of the trace step that the request starts. */
  step: number;
  /** Uid of the flow whose executor receives the request. */
  flowUid: string;
  /** Browser requests made before this one, for the run's request limit. */
  requests: number;
  directory: SimulatedDirectory;
  session: SimSession;
  sessionPlan: FlowPlan | null;
  inputs: RunInputs;
  recorder: TraceRecorder;
  persona: Persona | null;
  sourceLogin?: SourceLoginDetails;
  /** Kept by reference: the HTTP layer of a source login, shared with the resumed run. */
  sourceHttp?: RunState['sourceHttp'];
}

/** Submitted values by input key, in order, that replace the remaining ones when a run resumes. */
export type ResumeAnswers = Record<string, readonly string[]>;

/** Copies the state of `state` before a GET request to the executor of `flowUid`. */
export function takeCheckpoint(state: RunState, flowUid: string, requests: number): RunCheckpoint {
  return {
    step: state.recorder.steps.length,
    flowUid,
    requests,
    directory: state.directory.clone(),
    session: structuredClone(state.session),
    sessionPlan: structuredClone(state.sessionPlan),
    inputs: state.inputs.clone(),
    recorder: state.recorder.clone(),
    persona: structuredClone(state.persona),
    ...(state.sourceLogin === undefined ? {} : { sourceLogin: structuredClone(state.sourceLogin) }),
    ...(state.sourceHttp === undefined ? {} : { sourceHttp: state.sourceHttp }),
  };
}

/**
 * Puts the state of `checkpoint` into `state`, a state freshly built for the resumed run. The
 * project index, the expression policies and the evaluator stay those of `state`, so edits to
 * the project since the checkpoint apply from here on. With `answers`, the explicit inputs the
 * run had not used yet are dropped and each submitted key gets only the given values, as when a
 * form is submitted again in the browser.
 */
export function restoreCheckpoint(
  state: RunState,
  checkpoint: RunCheckpoint,
  answers?: ResumeAnswers,
): void {
  state.directory = checkpoint.directory.clone();
  state.session = structuredClone(checkpoint.session);
  state.sessionPlan = structuredClone(checkpoint.sessionPlan);
  state.inputs = checkpoint.inputs.clone();
  state.recorder = checkpoint.recorder.clone();
  state.persona = structuredClone(checkpoint.persona);
  if (checkpoint.sourceLogin !== undefined) {
    state.sourceLogin = structuredClone(checkpoint.sourceLogin);
  }

  if (checkpoint.sourceHttp !== undefined) {
    const { sender, respondedBy } = checkpoint.sourceHttp;
    state.sourceHttp = checkpoint.sourceHttp;
    state.evaluator = new HttpBridgeEvaluator(
      state.evaluator,
      new TracedHttp(sender, respondedBy, state.recorder),
    );
  }

  if (answers !== undefined) {
    state.inputs.dropRemainingExplicit();
    for (const [key, values] of Object.entries(answers)) {
      state.inputs.replaceRemaining(key, values);
    }
  }
}
