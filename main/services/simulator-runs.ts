/**
 * Flow runs for the app: one run with the details of every expression evaluation (HTTP
 * exchanges, effects, events, logs, which the trace leaves out), and one run per persona for the
 * side-by-side table. Runs other than live logins use replayed responses, so the same request
 * gives the same trace.
 */
import type {
  EvaluationDetails,
  PersonaOutcome,
  SimulationRequest,
  SimulationRun,
} from '../../shared/api/services.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { ModelObject } from '../../shared/model/object.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type {
  EvaluationRequest,
  EvaluationResult,
  RecordedExchange,
} from '../../shared/simulator/evaluation.js';
import type { Recording } from '../../shared/http/recording.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { discordPersona, personaLogin, recordingLogin } from '../simulator/oauth/run-options.js';
import { EXPRESSION_POLICY_MODEL } from '../simulator/policies.js';
import { simulateFlow } from '../simulator/simulate.js';
import type { RunObserver, SimulationOptions } from '../simulator/simulate.js';
import type { EvaluateOptions, ExpressionEvaluator } from '../simulator/types.js';
import { discordPersonaExchanges } from './simulator-http.js';

/** One call of the evaluator during a run. */
export interface EvaluatorCall {
  request: EvaluationRequest;
  result: EvaluationResult;
}

/** Options of {@link CapturingEvaluator}. */
export interface CaptureOptions {
  /** Responses to `requests` calls, when the request brings none, built per expression. */
  responses?: (expression: string) => RecordedExchange[];
  /** Runs this expression in place of the stored one of the policy with this name. */
  override?: { name: string; expression: string };
}

/**
 * An evaluator that passes every request on and keeps the request and result, so a run can
 * report what the trace leaves out. It can also swap in an edited expression for one policy.
 */
export class CapturingEvaluator implements ExpressionEvaluator {
  readonly calls: EvaluatorCall[] = [];

  constructor(
    private readonly inner: ExpressionEvaluator,
    private readonly options: CaptureOptions = {},
  ) {}

  get bridgesHttp(): boolean | undefined {
    return this.inner.bridgesHttp;
  }

  async evaluate(request: EvaluationRequest, options?: EvaluateOptions): Promise<EvaluationResult> {
    let sent = request;
    if (request.mode === 'validate') {
      return this.inner.evaluate(request, options);
    }
    const override = this.options.override;
    if (override !== undefined && request.kind === 'policy' && request.name === override.name) {
      sent = { ...sent, expression: override.expression };
    }
    if (sent.http === undefined && this.options.responses !== undefined) {
      const responses = this.options.responses(sent.expression);
      if (responses.length > 0) {
        sent = { ...sent, http: { mode: 'replay', responses } };
      }
    }

    const result = await this.inner.evaluate(sent, options);
    // A source login's HTTP bridge runs an evaluation again with the responses its requests got.
    // Only the last run counts, and it keeps the same name and context.
    const last = this.calls[this.calls.length - 1];
    if (last !== undefined && sameEvaluation(last.request, sent)) {
      this.calls[this.calls.length - 1] = { request: sent, result };
    } else {
      this.calls.push({ request: sent, result });
    }
    return result;
  }
}

function sameEvaluation(a: EvaluationRequest, b: EvaluationRequest): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    a.expression === b.expression &&
    JSON.stringify(a.context) === JSON.stringify(b.context)
  );
}

/** The parts of the open project a run uses. */
export interface RunSetup {
  objects: readonly ModelObject[];
  personas: readonly Persona[];
  /** Returns the project's HTTP recording with this id, checked, with its name. */
  recording?: (id: string) => { name: string; recording: Recording };
  evaluator: ExpressionEvaluator;
  authentikVersion: string;
}

/** Returns the responses a Discord persona sends to `requests` calls; undefined for others. */
export function personaResponses(
  personas: readonly Persona[],
  name: string | undefined,
): ((expression: string) => RecordedExchange[]) | undefined {
  const persona = personas.find((candidate) => candidate.name === name);
  if (persona === undefined || !('discord' in persona)) {
    return undefined;
  }

  return (expression) => discordPersonaExchanges(persona, expression);
}

/**
 * Returns the OAuth login of a run through a source as a Discord persona. The persona responds
 * to the token, profile and policy requests, replayed without the network. Returns undefined
 * for a run without a source, through a source that is not OAuth, or as a persona without
 * Discord responses. The run then takes the identity from the persona, as the simulator does
 * without a login.
 */
export function sourceLogin(
  setup: RunSetup,
  request: SimulationRequest,
): SimulationOptions['oauth'] | undefined {
  if (request.viaSource === undefined) {
    return undefined;
  }

  if (request.recording !== undefined && setup.recording !== undefined) {
    const { name, recording } = setup.recording(request.recording);
    return recordingLogin(recording, name);
  }
  if (request.persona === undefined) {
    return undefined;
  }

  const oauthSource = setup.objects.some(
    (object) =>
      object.model === 'authentik_sources_oauth.oauthsource' &&
      mergeEntryData(object).slug === request.viaSource,
  );
  const persona = setup.personas.find((candidate) => candidate.name === request.persona);
  if (!oauthSource || persona === undefined || !('discord' in persona)) {
    return undefined;
  }

  return personaLogin(discordPersona(setup.personas, request.persona));
}

/** The additions of a stepper run to a plain run: a live login, checkpoints, a resume point. */
export interface SteppedRunOptions {
  /** The source login to use instead of the persona's or recording's replay. */
  oauth?: SimulationOptions['oauth'];
  observer?: RunObserver;
  resumeFrom?: SimulationOptions['resumeFrom'];
}

/** Runs a flow and returns its trace with the evaluation details. */
export async function runSimulation(
  setup: RunSetup,
  request: SimulationRequest,
  override?: CaptureOptions['override'],
  stepped: SteppedRunOptions = {},
): Promise<SimulationRun & { calls: EvaluatorCall[] }> {
  // A live login's policies get their responses from the provider, not from a persona.
  const responses =
    request.live === undefined ? personaResponses(setup.personas, request.persona) : undefined;
  const capture = new CapturingEvaluator(setup.evaluator, {
    ...(responses === undefined ? {} : { responses }),
    ...(override === undefined ? {} : { override }),
  });

  const oauth = stepped.oauth ?? sourceLogin(setup, request);
  const trace = await simulateFlow({
    objects: setup.objects,
    flow: request.flow,
    evaluator: capture,
    personas: setup.personas,
    authentikVersion: setup.authentikVersion,
    // Each run starts with an empty server cache, so re-running gives the same trace.
    cache: null,
    ...(request.persona === undefined ? {} : { actor: request.persona }),
    ...(request.inputs === undefined ? {} : { inputs: request.inputs }),
    ...(request.viaSource === undefined ? {} : { viaSource: request.viaSource }),
    ...(oauth === undefined ? {} : { oauth }),
    ...(request.next === undefined ? {} : { next: request.next }),
    ...(request.application === undefined ? {} : { application: request.application }),
    ...(stepped.observer === undefined ? {} : { observer: stepped.observer }),
    ...(stepped.resumeFrom === undefined ? {} : { resumeFrom: stepped.resumeFrom }),
  });

  // A resumed run evaluated nothing before its checkpoint's step.
  const fromStep = stepped.resumeFrom?.checkpoint.step ?? 0;
  return {
    request,
    trace,
    details: matchDetails(trace, capture.calls, fromStep),
    calls: capture.calls,
  };
}

/**
 * Pairs the evaluator calls of a run with the expression policies of its trace. The engine runs
 * policies one after another in trace order, so the n-th call for a policy name belongs to the
 * n-th fresh evaluation of that name in the trace, counted from step `fromStep` on.
 */
export function matchDetails(
  trace: SimulationTrace,
  calls: readonly EvaluatorCall[],
  fromStep = 0,
): EvaluationDetails[] {
  const queues = new Map<string, EvaluatorCall[]>();
  for (const call of calls) {
    if (call.request.kind !== 'policy') {
      continue;
    }
    const queue = queues.get(call.request.name) ?? [];
    queue.push(call);
    queues.set(call.request.name, queue);
  }

  const details: EvaluationDetails[] = [];
  for (const [step, traceStep] of trace.steps.entries()) {
    if (step < fromStep) {
      continue;
    }
    for (const [engine, run] of traceStep.engines.entries()) {
      for (const [policy, evaluation] of run.policies.entries()) {
        const expression = evaluation.binding.policyModel === EXPRESSION_POLICY_MODEL;
        if (!expression || evaluation.source !== 'run') {
          continue;
        }

        const call = queues.get(evaluation.binding.label)?.shift();
        if (call === undefined) {
          continue;
        }
        details.push({
          step,
          engine,
          policy,
          http: call.result.http,
          effects: call.result.effects,
          events: call.result.events,
          logs: call.result.logs,
        });
      }
    }
  }

  return details;
}

// The stage a run ended at: the outcome's stage, else the last stage a completed run passed,
// else the title of the last step before the end (a source login that failed, a denied flow).
function endedAt(trace: SimulationTrace): string | null {
  const outcome = trace.outcome;
  if ('stage' in outcome && outcome.stage !== undefined) {
    return outcome.stage.name;
  }

  const steps = trace.steps.filter((step) => step.kind !== 'finish');
  if (outcome.kind === 'completed') {
    const lastStage = steps.findLast((step) => step.kind === 'stage' && step.stage !== undefined);
    if (lastStage !== undefined) {
      return lastStage.stage!.name;
    }
  }
  const last = steps.at(-1);

  return last === undefined ? null : (last.stage?.name ?? last.title);
}

function countFindings(trace: SimulationTrace): NonNullable<PersonaOutcome['findings']> {
  const counts = { critical: 0, warning: 0, info: 0 };
  for (const finding of trace.findings) {
    counts[finding.severity] += 1;
  }
  return counts;
}

/** Summarizes a run for the persona table. */
export function personaOutcome(persona: string, trace: SimulationTrace): PersonaOutcome {
  const outcome = trace.outcome;
  const stagesPassed = trace.steps.filter(
    (step) => step.kind === 'stage' && step.status === 'passed',
  ).length;
  const base = {
    persona,
    stagesPassed,
    endedAt: endedAt(trace),
    findings: countFindings(trace),
    durationMs: trace.durationMs,
  };

  switch (outcome.kind) {
    case 'completed':
      return {
        ...base,
        outcome: 'completed',
        message: `Redirect to ${outcome.redirect}`,
        stage: null,
        why: outcome.why,
      };
    case 'denied':
      return {
        ...base,
        outcome: 'denied',
        message: outcome.message,
        stage: outcome.stage?.name ?? null,
        why: outcome.why,
      };
    case 'rejected':
      return {
        ...base,
        outcome: 'rejected',
        message: outcome.message,
        stage: outcome.stage.name,
        why: outcome.message,
      };
    case 'input-required':
      return {
        ...base,
        outcome: 'input-required',
        message: outcome.message,
        stage: outcome.stage.name,
        why: `the persona gives no ${outcome.inputs.join(', ')}`,
      };
    case 'error':
      return {
        ...base,
        outcome: 'error',
        message: outcome.message,
        stage: outcome.stage?.name ?? null,
        why: outcome.code,
      };
  }
}

/** Runs the flow once per persona, one after another, and summarizes each run. */
export async function runPersonaTable(
  setup: RunSetup,
  request: { flow: string; personas?: string[]; viaSource?: string },
): Promise<PersonaOutcome[]> {
  const names = request.personas ?? setup.personas.map((persona) => persona.name);
  const outcomes: PersonaOutcome[] = [];

  for (const name of names) {
    const started = performance.now();
    try {
      const run = await runSimulation(setup, {
        flow: request.flow,
        persona: name,
        ...(request.viaSource === undefined ? {} : { viaSource: request.viaSource }),
      });
      outcomes.push(personaOutcome(name, run.trace));
    } catch (error) {
      // One persona's failure (e.g. a persona the project cannot resolve) is a row, not a
      // failure of the whole table. A flow that does not exist fails every row the same way.
      if (!isStagecraftError(error)) {
        throw error;
      }
      outcomes.push({
        persona: name,
        outcome: 'failed',
        message: error.message,
        stage: null,
        endedAt: null,
        why: error.code,
        stagesPassed: 0,
        durationMs: performance.now() - started,
      });
    }
  }

  return outcomes;
}
