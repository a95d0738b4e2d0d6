/**
 * Contracts of the flow simulator: the evaluator it runs expressions with, the per-run state the
 * planner, executor, policy engine and stages share, and the error that ends a run early.
 */
import type { HttpSender } from '../../shared/http/exchange.js';
import type {
  EvaluationRequest,
  EvaluationResult,
  JsonValue,
  SimHttpRequest,
} from '../../shared/simulator/evaluation.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { AuthentikVersion } from '../../shared/simulator/rules.js';
import type { SourceLoginDetails, StageRef } from '../../shared/simulator/trace.js';
import type { SimulationCache } from './cache.js';
import type { SimulatedDirectory } from './directory.js';
import type { RunInputs } from './inputs.js';
import type { FlowPlan } from './planner.js';
import type { ProjectIndex } from './project-index.js';
import type { TraceRecorder } from './recorder.js';

/** Settings of one evaluation that cannot travel inside the request itself. */
export interface EvaluateOptions {
  /**
   * The destination of the `requests` calls of an evaluation with `http.mode: 'layer'`, while
   * Python waits for each response. Only evaluators with {@link ExpressionEvaluator.bridgesHttp} use it.
   */
  http?: HttpSender;
}

/** Runs authentik expressions; the Python pool of `main/python/pool.ts` is one. */
export interface ExpressionEvaluator {
  evaluate(request: EvaluationRequest, options?: EvaluateOptions): Promise<EvaluationResult>;
  /**
   * True when `evaluate` sends the `requests` calls of `layer`-mode evaluations to
   * `options.http` as they happen. Without it, a caller supplies the responses by running the
   * evaluation again with them (see `oauth/policy-http.ts`).
   */
  readonly bridgesHttp?: boolean;
}

/** The browser session of a run: its key, the logged-in user and stored values. */
export interface SimSession {
  key: string;
  /** Primary key of the logged-in user in the simulated directory; null when anonymous. */
  userPk: number | null;
  /** Session values such as the password stage's wrong-password counter. */
  data: Record<string, JsonValue>;
}

/** Everything one run shares between planner, executor, engine and stages. */
export interface RunState {
  index: ProjectIndex;
  directory: SimulatedDirectory;
  evaluator: ExpressionEvaluator;
  version: AuthentikVersion;
  /** The server cache; null when caching is switched off. */
  cache: SimulationCache | null;
  session: SimSession;
  /** The HTTP request every policy runs under: client address, GeoIP and ASN data. */
  http: SimHttpRequest;
  /** The query string the flow was opened with (`next`, ...), saved as `authentik/flows/get`. */
  query: Record<string, string>;
  inputs: RunInputs;
  persona: Persona | null;
  recorder: TraceRecorder;
  /** Stops a policy after this long when set; otherwise the binding's `timeout` applies. */
  policyTimeoutMs: number | undefined;
  /** Expression policies by name, for `ak_call_policy`. */
  expressionPolicies: Record<string, string>;
  /** Application slug the flow runs for, as the `application` context key names it. */
  application: string | undefined;
  /** The plan stored in the session (`authentik/flows/plan`); null when there is none. */
  sessionPlan: FlowPlan | null;
  /** What a login through an OAuth source exchanged and decided, when the run started with one. */
  sourceLogin?: SourceLoginDetails;
  /**
   * The sender an OAuth login made its requests with, which the run's policies use too. A run
   * resumed from a checkpoint routes its policies' `requests` calls through it again.
   */
  sourceHttp?: { sender: HttpSender; respondedBy: string };
}

/** Codes of {@link SimulationHalt}. */
export type HaltCode = 'policy-timeout' | 'evaluator-crashed' | 'request-limit' | 'stage-error';

/**
 * Ends a run early because the server would not reply: a policy that never finishes (authentik
 * does not enforce binding timeouts), a crashed sandbox, or a loop.
 */
export class SimulationHalt extends Error {
  constructor(
    readonly code: HaltCode,
    message: string,
    readonly stage?: StageRef,
  ) {
    super(message);
    this.name = 'SimulationHalt';
  }
}
