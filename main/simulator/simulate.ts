/**
 * One simulated flow run. A simulated browser requests the flow executor, replies to each
 * challenge from the run's inputs and the persona, and follows redirects. It stops when the flow
 * completes, denies access, needs an input the run did not give, or fails.
 */
import { randomUUID } from 'node:crypto';

import { StagecraftError } from '../../shared/errors.js';
import { readFlow } from '../../shared/model/flows.js';
import type { ModelObject } from '../../shared/model/object.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type { SimSource } from '../../shared/simulator/evaluation.js';
import type { Persona } from '../../shared/simulator/persona.js';
import { DEFAULT_AUTHENTIK_VERSION, parseAuthentikVersion } from '../../shared/simulator/rules.js';
import { joinSentences } from '../../shared/simulator/format.js';
import type { SimulationOutcome, SimulationTrace } from '../../shared/simulator/trace.js';
import { TRACE_VERSION } from '../../shared/simulator/trace.js';
import { SimulationCache } from './cache.js';
import type { ResumeAnswers, RunCheckpoint } from './checkpoint.js';
import { restoreCheckpoint, takeCheckpoint } from './checkpoint.js';
import { SimulatedDirectory } from './directory.js';
import type { ExecutorResponse } from './executor.js';
import { FlowExecutor } from './executor.js';
import { INPUT_KEYS, RunInputs } from './inputs.js';
import { hashPassword } from './passwords.js';
import { EmptyFlow, FlowNonApplicable } from './planner.js';
import { EXPRESSION_POLICY_MODEL } from './policies.js';
import { ProjectIndex, plainValue } from './project-index.js';
import { TraceRecorder } from './recorder.js';
import { flowSlugOf } from './request.js';
import { recordEvent, recordMessage } from './effects.js';
import { adviseOnPolicyErrors } from './oauth/advice.js';
import type { OAuthLoginOptions } from './oauth/login.js';
import { findOAuthSourceObject, loginThroughOAuth } from './oauth/login.js';
import type { SourceDecision, SourceIdentity } from './source.js';
import { decideSourceAction, findSource, planSourceFlow } from './source.js';
import type { ExpressionEvaluator, RunState, SimSession } from './types.js';
import { SimulationHalt } from './types.js';

/** The flow, project data and inputs of one simulated run. */
export interface SimulationOptions {
  /** The project's objects. */
  objects: readonly ModelObject[];
  /** Slug of the flow to run. */
  flow: string;
  evaluator: ExpressionEvaluator;
  personas?: readonly Persona[];
  /** Persona name or directory username to act as; without it the visitor is anonymous. */
  actor?: string;
  /** The actor's password for this run only; it is hashed at once and never stored. */
  password?: string;
  /** Input values by key, each used once in order (`--input key=value`). */
  inputs?: Record<string, readonly string[]>;
  /** authentik release to reproduce, e.g. `2025.12` or `2025.12.4`. Default 2025.12. */
  authentikVersion?: string;
  /** The server cache shared across runs; null switches caching off. Default: a new cache. */
  cache?: SimulationCache | null;
  /** The browser session, to continue one across runs; changed in place. */
  session?: SimSession;
  /** The `next` query parameter the flow was opened with. */
  next?: string;
  /** Slug of the application the flow runs for (consent, `application` context key). */
  application?: string;
  /** Start the flow as after a login through this source (slug). */
  viaSource?: string;
  /**
   * With `viaSource` naming an OAuth source: run the whole login (redirect, token and profile
   * requests, property mappings) against this HTTP layer, instead of taking the identity from the
   * persona. Policies then send their `requests` calls through the same layer.
   */
  oauth?: OAuthLoginOptions;
  /** Stop a policy after this many milliseconds instead of its binding's timeout. */
  policyTimeoutMs?: number;
  /** Limit of browser requests before the run counts as looping. Default 200. */
  maxRequests?: number;
  /** Receives the run's checkpoints and its inputs. Needs `cache: null`. */
  observer?: RunObserver;
  /**
   * Continues from a checkpoint of an earlier run of the same flow, request and actor instead of
   * starting over. `answers` replace the remaining explicit inputs. Needs `cache: null`.
   */
  resumeFrom?: { checkpoint: RunCheckpoint; answers?: ResumeAnswers };
}

/** Receives what a run leaves out of its trace. */
export interface RunObserver {
  /** Called before each GET request of the browser to the flow executor. */
  checkpoint?(checkpoint: RunCheckpoint): void;
  /** Called when the run ends, with its inputs (unmasked). */
  finished?(inputs: RunInputs): void;
}

/** Thrown by the driver loop when the run reaches an outcome. */
class RunEnded extends Error {
  constructor(readonly outcome: SimulationOutcome) {
    super(outcome.kind);
  }
}

function resolveActor(options: SimulationOptions, directory: SimulatedDirectory): Persona | null {
  if (options.actor === undefined) {
    return null;
  }

  const persona = options.personas?.find((candidate) => candidate.name === options.actor);
  const base: Persona | undefined =
    persona ??
    (directory.userByUsername(options.actor) === undefined
      ? undefined
      : { name: options.actor, user: { username: options.actor } });
  if (base === undefined) {
    const personas = (options.personas ?? []).map((candidate) => candidate.name);
    const users = directory.listUsers().map((user) => user.username);
    throw new StagecraftError(
      'persona-not-found',
      `no persona or user named "${options.actor}". Users come from the project's ` +
        `authentik_core.user entries (${users.join(', ') || 'none'}) and personas from the ` +
        `project (${personas.join(', ') || 'none'}). Add a user by importing a blueprint with ` +
        `an authentik_core.user entry whose identifiers have username: ${options.actor}.`,
      { actor: options.actor, personas, users },
    );
  }

  return options.password === undefined
    ? base
    : { ...base, passwordHash: hashPassword(options.password) };
}

/** Tells whether the run's actor name is one of the given personas, not a directory user. */
function isPersonaName(options: SimulationOptions, name: string): boolean {
  return (options.personas ?? []).some((persona) => persona.name === name);
}

function buildState(options: SimulationOptions, recorder: TraceRecorder): RunState {
  const index = new ProjectIndex(options.objects);
  const base = SimulatedDirectory.fromProject(index, options.personas ?? []);
  const directory = base.clone();
  const persona = resolveActor(options, directory);
  if (persona !== null && persona.inDirectory !== false) {
    directory.addPersona(persona);
  }

  const versionText = options.authentikVersion ?? DEFAULT_AUTHENTIK_VERSION;
  const version = parseAuthentikVersion(versionText);
  if (version === undefined) {
    throw new StagecraftError(
      'usage',
      `authentik version "${versionText}" is invalid; write it like 2025.12 or 2025.12.4`,
      { version: versionText },
    );
  }

  const session: SimSession = options.session ?? {
    key: randomUUID().replaceAll('-', ''),
    userPk: null,
    data: {},
  };
  const actorUser = persona === null ? undefined : directory.userByUsername(persona.user.username);
  if (persona?.authenticated === true && actorUser !== undefined) {
    session.userPk = actorUser.pk;
  }

  const expressionPolicies: Record<string, string> = {};
  for (const policy of index.ofModel(EXPRESSION_POLICY_MODEL)) {
    const data = mergeEntryData(policy);
    if (typeof data.name === 'string' && typeof data.expression === 'string') {
      expressionPolicies[data.name] = data.expression;
    }
  }

  const next = options.next;
  return {
    index,
    directory,
    evaluator: options.evaluator,
    version,
    cache: options.cache === undefined ? new SimulationCache() : options.cache,
    session,
    http: {
      method: 'GET',
      path: `/api/v3/flows/executor/${options.flow}/`,
      query: next === undefined ? {} : { query: `next=${encodeURIComponent(next)}` },
      clientIp: persona?.network?.clientIp ?? '255.255.255.255',
      geoip: persona?.network?.geoip ?? null,
      asn: persona?.network?.asn ?? null,
    },
    query: next === undefined ? {} : { next },
    inputs: new RunInputs(options.inputs ?? {}, persona?.inputs ?? {}, {
      [INPUT_KEYS.username]: persona?.user.username,
      [INPUT_KEYS.password]: options.password,
      [INPUT_KEYS.captcha]: persona?.captcha ?? 'pass',
      [INPUT_KEYS.mfa]: persona?.mfa ?? 'pass',
      [INPUT_KEYS.consent]: 'yes',
    }),
    persona,
    recorder,
    policyTimeoutMs: options.policyTimeoutMs,
    expressionPolicies,
    application: options.application,
    sessionPlan: null,
  };
}

/** Runs a flow and returns its trace. Project errors (unknown flow or persona) are thrown. */
export async function simulateFlow(options: SimulationOptions): Promise<SimulationTrace> {
  const started = performance.now();
  const state = buildState(options, new TraceRecorder());
  const flow = state.index.flow(options.flow);
  if (
    (options.observer?.checkpoint !== undefined || options.resumeFrom !== undefined) &&
    state.cache !== null
  ) {
    // The server cache outlives a run, so a checkpoint could not restore it.
    throw new StagecraftError(
      'invalid-argument',
      'Checkpoints and resumed runs need the server cache switched off; pass cache: null.',
    );
  }
  if (options.resumeFrom !== undefined) {
    restoreCheckpoint(state, options.resumeFrom.checkpoint, options.resumeFrom.answers);
  }
  const recorder = state.recorder;
  const flowView = readFlow(flow);

  let outcome: SimulationOutcome;
  try {
    outcome = await drive(state, flow, options);
  } catch (error) {
    if (!(error instanceof SimulationHalt)) {
      throw error;
    }

    recorder.setStatus('error', error.message);
    outcome = { kind: 'error', flow: flowSlugOf(flow), code: error.code, message: error.message };
  }

  finish(state, outcome);
  adviseOnPolicyErrors(state);
  for (const key of state.inputs.unusedExplicitKeys()) {
    recorder.finding('info', 'input-unused', `The input "${key}" was given but no stage used it.`);
  }
  options.observer?.finished?.(state.inputs);

  return {
    version: TRACE_VERSION,
    authentikVersion: options.authentikVersion ?? DEFAULT_AUTHENTIK_VERSION,
    flow: {
      slug: flowSlugOf(flow),
      name: plainValue(flowView.name, ''),
      designation: plainValue(flowView.designation, 'authentication'),
      authentication: plainValue(flowView.authentication, 'none'),
    },
    actor:
      state.persona === null
        ? null
        : {
            persona: state.persona.name,
            username: state.persona.user.username,
            ...(isPersonaName(options, state.persona.name) ? {} : { directoryUser: true }),
          },
    cacheEnabled: state.cache !== null,
    steps: recorder.steps,
    outcome,
    effects: recorder.effects,
    findings: recorder.findings,
    rules: recorder.usedRules(),
    ...(state.sourceLogin === undefined ? {} : { source: state.sourceLogin }),
    durationMs: performance.now() - started,
  };
}

// SourceFlowManager.handle_existing_link for a logged-in browser: the connection is saved, a
// message shown and the browser sent to the user settings, without a flow.
function finishLink(
  state: RunState,
  flow: string,
  source: SimSource,
  decision: Extract<SourceDecision, { action: 'linked' }>,
): SimulationOutcome {
  recordEvent(state, {
    action: 'source_linked',
    app: 'authentik.core.sources.flow_manager',
    context: { message: 'Linked Source', source: source.slug },
    user: decision.user.username,
  });
  recordMessage(state, { level: 'success', text: decision.message, by: `source ${source.slug}` });
  state.recorder.note(`The connection to ${source.slug} is saved for ${decision.user.username}.`);

  return { kind: 'completed', flow, redirect: decision.redirect, why: decision.why };
}

async function drive(
  state: RunState,
  flow: ModelObject,
  options: SimulationOptions,
): Promise<SimulationOutcome> {
  const resume = options.resumeFrom?.checkpoint;
  if (resume !== undefined) {
    const resumedFlow = state.index.get(resume.flowUid);
    if (resumedFlow === undefined) {
      throw new StagecraftError(
        'flow-not-found',
        `The flow the run was in (uid ${resume.flowUid}) is no longer in the project; start the run again.`,
        { flow: resume.flowUid },
      );
    }
    return browse(state, new FlowExecutor(state, resumedFlow), resume.requests, options);
  }

  let executor = new FlowExecutor(state, flow);

  if (options.viaSource !== undefined) {
    let source: SimSource;
    let decision: SourceDecision;
    let identity: SourceIdentity | undefined;
    if (options.oauth === undefined) {
      state.recorder.startStep(
        'source',
        executor.slug,
        `Login through source ${options.viaSource}`,
      );
      source = findSource(state, options.viaSource);
      decision = decideSourceAction(state, source, flow);
    } else {
      const object = findOAuthSourceObject(state.index.objects, options.viaSource);
      const login = await loginThroughOAuth(
        state,
        object,
        flow,
        options.personas ?? [],
        options.oauth,
      );
      if (login.kind === 'ended') {
        return login.outcome;
      }
      ({ source, decision, identity } = login);
    }

    if (decision.action === 'deny') {
      state.recorder.setStatus('denied', decision.why);
      return { kind: 'denied', flow: executor.slug, message: decision.message, why: decision.why };
    }
    if (decision.action === 'linked') {
      return finishLink(state, executor.slug, source, decision);
    }
    if (options.oauth === undefined) {
      state.recorder.note(`The source flow manager decides: ${decision.action} (${decision.why}).`);
    }

    executor = new FlowExecutor(state, decision.flow);
    try {
      state.sessionPlan = await planSourceFlow(state, decision, source, identity);
    } catch (error) {
      if (error instanceof FlowNonApplicable) {
        state.recorder.setStatus('not-applicable', error.why);
        return {
          kind: 'denied',
          flow: executor.slug,
          message: error.message,
          why: `the flow does not apply: ${error.why}`,
        };
      }
      if (!(error instanceof EmptyFlow)) {
        throw error;
      }
    }
  }

  return browse(state, executor, 0, options);
}

// The browser's requests to the flow executor, from a first GET to `executor` until the run
// ends. `requestsBefore` counts the requests made before it.
async function browse(
  state: RunState,
  first: FlowExecutor,
  requestsBefore: number,
  options: SimulationOptions,
): Promise<SimulationOutcome> {
  const limit = options.maxRequests ?? 200;
  const observer = options.observer;
  let executor = first;
  let requests = requestsBefore + 1;
  const get = (target: FlowExecutor): Promise<ExecutorResponse> => {
    observer?.checkpoint?.(takeCheckpoint(state, target.flow.uid, requests - 1));
    return target.dispatch('GET');
  };

  let response = await get(executor);
  for (; ; requests += 1) {
    if (requests > limit) {
      throw new SimulationHalt(
        'request-limit',
        `The run made more than ${limit} requests; the flow appears to loop.`,
      );
    }

    try {
      response = await follow(state, executor, response, get, (next) => {
        executor = next;
      });
    } catch (error) {
      if (error instanceof RunEnded) {
        return error.outcome;
      }
      throw error;
    }
  }
}

// Turns one executor response into the browser's next request, or ends the run.
async function follow(
  state: RunState,
  executor: FlowExecutor,
  response: ExecutorResponse,
  get: (executor: FlowExecutor) => Promise<ExecutorResponse>,
  switchTo: (executor: FlowExecutor) => void,
): Promise<ExecutorResponse> {
  const slug = executor.slug;

  switch (response.kind) {
    case 'executor':
      return get(executor);
    case 'flow': {
      const next = new FlowExecutor(state, state.index.flow(response.slug));
      switchTo(next);
      return get(next);
    }
    case 'redirect':
      if (response.notApplicable === true) {
        throw new RunEnded({ kind: 'denied', flow: slug, message: '', why: response.why });
      }
      throw new RunEnded({
        kind: 'completed',
        flow: slug,
        redirect: response.to,
        why: response.why,
      });
    case 'denied':
      throw new RunEnded({
        kind: 'denied',
        flow: slug,
        message: response.message,
        why: response.why,
        ...(response.stage === undefined ? {} : { stage: response.stage }),
      });
    case 'error':
      throw new RunEnded({
        kind: 'error',
        flow: slug,
        code: response.code,
        message: response.message,
        ...(response.stage === undefined ? {} : { stage: response.stage }),
      });
    case 'challenge': {
      const answer = response.respond();
      state.recorder.current().inputs.push(...answer.inputs);
      if ('missing' in answer) {
        throw new RunEnded(unanswered(state, slug, response, answer.missing));
      }
      return executor.dispatch('POST', answer.data);
    }
  }
}

function unanswered(
  state: RunState,
  slug: string,
  response: Extract<ExecutorResponse, { kind: 'challenge' }>,
  keys: string[],
): SimulationOutcome {
  const list = keys.join(', ');
  if (response.responseErrors !== undefined) {
    const message = Object.values(response.responseErrors).flat().join(' ');
    state.recorder.setStatus(
      'rejected',
      joinSentences(
        message,
        `The stage shows its form again, and the run has no further answer for ${list}.`,
      ),
    );
    return {
      kind: 'rejected',
      flow: slug,
      stage: response.stage,
      errors: response.responseErrors,
      message,
    };
  }

  state.recorder.setStatus(
    'waiting',
    `the stage needs ${list}; give it with --input ${keys[0]}=VALUE`,
  );
  return {
    kind: 'input-required',
    flow: slug,
    stage: response.stage,
    inputs: keys,
    message: `Stage ${response.stage.name} needs ${list}.`,
  };
}

function finish(state: RunState, outcome: SimulationOutcome): void {
  const recorder = state.recorder;
  const titles: Record<SimulationOutcome['kind'], string> = {
    completed: 'Flow completed',
    denied: 'Access denied',
    rejected: 'Answer rejected, form shown again',
    'input-required': 'Input required',
    error: 'Flow failed',
  };
  const step = recorder.startStep('finish', outcome.flow, titles[outcome.kind]);

  switch (outcome.kind) {
    case 'completed':
      step.status = 'completed';
      step.title = `Flow completed; redirect to ${outcome.redirect}`;
      step.why = outcome.why;
      break;
    case 'denied':
      step.status = 'denied';
      step.why = outcome.message === '' ? outcome.why : `${outcome.message} (${outcome.why})`;
      break;
    case 'rejected':
      step.status = 'rejected';
      step.why = outcome.message;
      break;
    case 'input-required':
      step.status = 'waiting';
      step.why = outcome.message;
      break;
    case 'error':
      step.status = 'error';
      step.why = outcome.message;
      break;
  }
  recorder.finishStep();
}
