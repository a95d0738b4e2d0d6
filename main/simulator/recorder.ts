/**
 * Collects the trace of a run while it happens: steps, findings, the version rules used and the
 * effects the run would have had.
 */
import { maskMap } from '../../shared/simulator/mask.js';
import type {
  Finding,
  FindingSeverity,
  JsonMap,
  RuleUse,
  SimulationEffects,
  StageRef,
  StepKind,
  StepStatus,
  TraceStep,
} from '../../shared/simulator/trace.js';
import { emptyEffects } from '../../shared/simulator/trace.js';

/** The recorder of one run. */
export class TraceRecorder {
  readonly steps: TraceStep[] = [];
  readonly findings: Finding[] = [];
  readonly effects: SimulationEffects = emptyEffects();
  private readonly rules = new Map<string, RuleUse>();
  private stepStartedAt = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** Starts a step and returns it; later calls fill it in. */
  startStep(kind: StepKind, flow: string, title: string, stage?: StageRef): TraceStep {
    this.finishStep();
    const step: TraceStep = {
      index: this.steps.length,
      kind,
      flow,
      status: kind === 'plan' ? 'planned' : 'passed',
      title,
      ...(stage === undefined ? {} : { stage }),
      requests: [],
      engines: [],
      inputs: [],
      messages: [],
      notes: [],
      rules: [],
      durationMs: 0,
    };
    this.steps.push(step);
    this.stepStartedAt = this.now();

    return step;
  }

  /** Returns the step in progress; starts a placeholder step when there is none. */
  current(): TraceStep {
    return this.steps.at(-1) ?? this.startStep('stage', '', 'Run started');
  }

  /** Sets the status and the reason of the current step. */
  setStatus(status: StepStatus, why?: string): void {
    const step = this.current();
    step.status = status;
    if (why !== undefined) {
      step.why = why;
    }
  }

  /** Records the masked context of the current step before it ran. */
  contextBefore(context: JsonMap): void {
    this.current().contextBefore = maskMap(structuredClone(context));
  }

  /** Records the masked context of the current step after it ran. */
  contextAfter(context: JsonMap): void {
    this.current().contextAfter = maskMap(structuredClone(context));
  }

  /** Adds an explanation to the current step. */
  note(text: string): void {
    this.current().notes.push(text);
  }

  /** Records a finding in the current step. */
  finding(severity: FindingSeverity, code: string, message: string): void {
    const step = this.current().index;
    const duplicate = this.findings.some(
      (finding) => finding.code === code && finding.message === message && finding.step === step,
    );
    if (!duplicate) {
      this.findings.push({ severity, code, message, step });
    }
  }

  /** Records that the current step applied a version rule and returns its id. */
  useRule(rule: RuleUse): string {
    const { id, versions, summary } = rule;
    this.rules.set(id, { id, versions, summary });
    const step = this.current();
    if (!step.rules.includes(id)) {
      step.rules.push(id);
    }

    return id;
  }

  /** Closes the current step's timing. */
  finishStep(): void {
    const step = this.steps.at(-1);
    if (step !== undefined && step.durationMs === 0) {
      step.durationMs = Math.max(0, this.now() - this.stepStartedAt);
    }
  }

  /** Returns an independent copy of everything recorded so far. */
  clone(): TraceRecorder {
    const copy = new TraceRecorder(this.now);
    copy.steps.push(...structuredClone(this.steps));
    copy.findings.push(...structuredClone(this.findings));
    Object.assign(copy.effects, structuredClone(this.effects));
    for (const [id, rule] of this.rules) {
      copy.rules.set(id, { ...rule });
    }
    copy.stepStartedAt = this.stepStartedAt;

    return copy;
  }

  /** Returns the rules used, in the order first used. */
  usedRules(): RuleUse[] {
    return [...this.rules.values()];
  }
}
