/**
 * The pure logic of the stepper: where a breakpoint stops, which inputs to send after the admin
 * changes a form, where the cursor lands after a re-run, and what the canvas overlay marks.
 * Runs are deterministic (replayed responses, no server cache across runs), so re-running the
 * same request with changed inputs reproduces every step before the changed one.
 */
import type { SimulationTrace, TraceStep } from '../../shared/simulator/trace.js';

/** Tells whether a step touches one of the breakpoint bindings (stage or policy bindings). */
export function hitsBreakpoint(step: TraceStep, breakpoints: ReadonlySet<string>): boolean {
  if (breakpoints.size === 0) {
    return false;
  }
  if (step.stage?.bindingUid !== undefined && breakpoints.has(step.stage.bindingUid)) {
    return true;
  }

  return step.engines.some(
    (engine) =>
      breakpoints.has(engine.target.uid) ||
      engine.policies.some((policy) => breakpoints.has(policy.binding.uid)),
  );
}

/** Returns the index of the last step the stepper may show: a waiting stage stops it. */
export function lastReachable(trace: SimulationTrace): number {
  const waiting = trace.steps.findIndex((step) => step.status === 'waiting');
  return waiting < 0 ? trace.steps.length - 1 : waiting;
}

/**
 * Returns the step the "continue" button stops at after `cursor`: the next step with a
 * breakpoint, a waiting stage, or the last step.
 */
export function nextStop(
  trace: SimulationTrace,
  cursor: number,
  breakpoints: ReadonlySet<string>,
): number {
  const last = lastReachable(trace);
  for (let index = cursor + 1; index <= last; index += 1) {
    if (hitsBreakpoint(trace.steps[index]!, breakpoints)) {
      return index;
    }
  }

  return last;
}

/**
 * Returns the inputs to send when the admin submits `values` at step `stepIndex`. Each key
 * keeps the inputs the run used before that step and gets the new value after them, so the
 * steps before stay as they were. Inputs after the step are dropped.
 */
export function answersAfterSubmit(
  trace: SimulationTrace,
  stepIndex: number,
  explicit: Readonly<Record<string, string[]>>,
  values: Readonly<Record<string, string>>,
): Record<string, string[]> {
  const answers: Record<string, string[]> = {};

  for (const [key, queue] of Object.entries(explicit)) {
    answers[key] = queue.slice(0, usesBefore(trace.steps, stepIndex, key, true));
  }

  for (const [key, value] of Object.entries(values)) {
    const explicitBefore = (explicit[key] ?? []).slice(
      0,
      usesBefore(trace.steps, stepIndex, key, true),
    );
    // Inputs a persona gave before this step must stay the same once the key is explicit,
    // because explicit inputs replace the persona's for that key.
    const personaBefore = trace.steps
      .slice(0, stepIndex)
      .flatMap((step) => step.inputs)
      .filter((use) => use.key === key && use.source !== 'input')
      .map((use) => (typeof use.value === 'string' ? use.value : JSON.stringify(use.value)));
    answers[key] = [...(explicitBefore.length > 0 ? explicitBefore : personaBefore), value];
  }

  return answers;
}

function usesBefore(
  steps: readonly TraceStep[],
  stepIndex: number,
  key: string,
  explicitOnly: boolean,
): number {
  return steps
    .slice(0, stepIndex)
    .flatMap((step) => step.inputs)
    .filter((use) => use.key === key && (!explicitOnly || use.source === 'input')).length;
}

/**
 * Returns where the cursor goes after a re-run: the first step of the stage the cursor was on,
 * so the stepper stays at that stage. When the stage is gone, the cursor keeps its index. It
 * never goes past the last reachable step.
 */
export function cursorAfterRerun(
  previous: SimulationTrace | null,
  cursor: number,
  next: SimulationTrace,
): number {
  const last = lastReachable(next);
  const step = previous?.steps[cursor];
  const binding = step?.stage?.bindingUid;
  if (binding !== undefined) {
    const found = next.steps.findIndex((candidate) => candidate.stage?.bindingUid === binding);
    if (found >= 0) {
      return Math.min(found, last);
    }
  }

  return Math.min(cursor, last);
}

/** The marks of the canvas overlay for one flow. */
export interface RunOverlayData {
  /** Stage binding uids in the order the run passed them, with what happened there. */
  stages: { uid: string; status: TraceStep['status'] }[];
  /** Policy binding uid to whether it passed in its last evaluation. */
  policies: Map<string, boolean>;
  /** The stage binding the run stopped at, when it stopped at one. */
  stoppedAt: string | null;
  /** The flow's own policies decided against the run. */
  flowDenied: boolean;
}

/** Collects the overlay data of a trace for the flow with slug `flowSlug`. */
export function overlayFor(trace: SimulationTrace, flowSlug: string): RunOverlayData {
  const stages: RunOverlayData['stages'] = [];
  const policies = new Map<string, boolean>();
  let flowDenied = false;

  for (const step of trace.steps) {
    if (step.flow !== flowSlug) {
      continue;
    }
    const uid = step.stage?.bindingUid;
    if (uid !== undefined && step.kind === 'stage') {
      const existing = stages.find((item) => item.uid === uid);
      if (existing === undefined) {
        stages.push({ uid, status: step.status });
      } else {
        existing.status = step.status;
      }
    }
    for (const engine of step.engines) {
      for (const evaluation of engine.policies) {
        policies.set(evaluation.binding.uid, evaluation.passing);
      }
      if (engine.purpose === 'flow' && !engine.passing) {
        flowDenied = true;
      }
    }
    for (const planned of step.plan?.bindings ?? []) {
      if (planned.decision === 'omitted' && planned.stage.bindingUid !== undefined) {
        stages.push({ uid: planned.stage.bindingUid, status: 'skipped' });
      }
    }
  }

  const outcome = trace.outcome;
  const stopped =
    outcome.kind !== 'completed' && outcome.flow === flowSlug && 'stage' in outcome
      ? (outcome.stage?.bindingUid ?? null)
      : null;

  return { stages, policies, stoppedAt: stopped, flowDenied };
}
