/**
 * Running saved scenarios and comparing what happened with what they expect. A difference names
 * the field, the expected value and the actual one, so `stagecraft test` can print it and CI can
 * fail on it.
 */
import { StagecraftError } from '../../shared/errors.js';
import type { Recording } from '../../shared/http/recording.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { SimulatedDirectory } from '../simulator/directory.js';
import type { OAuthLoginOptions } from '../simulator/oauth/login.js';
import {
  defaultSourceFlow,
  discordPersona,
  personaLogin,
  recordingLogin,
} from '../simulator/oauth/run-options.js';
import type { Environment } from '../simulator/oauth/source-config.js';
import { ProjectIndex } from '../simulator/project-index.js';
import type { SimulationOptions } from '../simulator/simulate.js';
import { simulateFlow } from '../simulator/simulate.js';
import type { ExpressionEvaluator } from '../simulator/types.js';
import type { Scenario, ScenarioExpectation } from './scenario.js';

/** The project data and machine settings that scenario runs need. */
export interface ScenarioContext {
  objects: readonly ModelObject[];
  personas: readonly Persona[];
  evaluator: ExpressionEvaluator;
  /** Recordings of the project by name. */
  recordings: ReadonlyMap<string, Recording>;
  /** The project's authentik version, used when a scenario names none. */
  authentikVersion?: string;
  /** Variables for `!Env` values of sources. */
  env?: Environment;
}

/** One field whose actual value differs from the expected one. */
export interface ScenarioDifference {
  field: string;
  expected: JsonValue;
  actual: JsonValue;
}

/** The result of one scenario run. */
export interface ScenarioResult {
  name: string;
  passed: boolean;
  differences: ScenarioDifference[];
  /** The values the run produced, in the expectation's form. */
  actual: ScenarioExpectation;
  trace: SimulationTrace;
}

/** Returns the options of a scenario's run. */
export function scenarioOptions(scenario: Scenario, context: ScenarioContext): SimulationOptions {
  const flow = scenario.flow ?? defaultSourceFlow(context.objects, scenario.source!);
  const version = scenario.authentikVersion ?? context.authentikVersion;
  const options: SimulationOptions = {
    objects: context.objects,
    flow,
    evaluator: context.evaluator,
    personas: context.personas,
    actor: scenario.persona,
    inputs: scenario.inputs ?? {},
    ...(scenario.next === undefined ? {} : { next: scenario.next }),
    ...(version === undefined ? {} : { authentikVersion: version }),
  };

  if (scenario.source !== undefined) {
    options.viaSource = scenario.source;
    options.oauth = loginFor(scenario, context);
  }

  return options;
}

function loginFor(scenario: Scenario, context: ScenarioContext): OAuthLoginOptions {
  const env = context.env ?? {};
  if (scenario.http?.mode === 'recording') {
    const name = scenario.http.recording;
    const recording = context.recordings.get(name);
    if (recording === undefined) {
      throw new StagecraftError(
        'scenario-invalid',
        `Scenario "${scenario.name}" replays the recording "${name}", which the project does not have; record it with \`stagecraft record\` or change http.recording.`,
        { scenario: scenario.name, recording: name },
      );
    }
    return recordingLogin(recording, name, env);
  }

  return personaLogin(discordPersona(context.personas, scenario.persona), env);
}

/** Returns the username whose groups and attributes a scenario checks: who ended up logged in. */
function subjectOf(trace: SimulationTrace): string | undefined {
  const login = trace.effects.sessions.filter((session) => session.action === 'login').at(-1);
  return (
    login?.username ?? trace.effects.users.at(-1)?.username ?? trace.actor?.username ?? undefined
  );
}

/** Returns the outcome of a run in the form of an expectation, with groups and attributes. */
export function actualOf(
  trace: SimulationTrace,
  context: Pick<ScenarioContext, 'objects' | 'personas'>,
): ScenarioExpectation {
  const outcome = trace.outcome;
  const actual: ScenarioExpectation = { outcome: outcome.kind, flow: outcome.flow };
  if ('stage' in outcome && outcome.stage !== undefined) {
    actual.stage = outcome.stage.name;
  }
  if ('message' in outcome) {
    actual.message = outcome.message;
  }
  if (outcome.kind === 'completed') {
    actual.redirect = outcome.redirect;
  }

  const username = subjectOf(trace);
  if (username === undefined) {
    return actual;
  }

  const directory = SimulatedDirectory.fromProject(
    new ProjectIndex(context.objects),
    context.personas,
  );
  const stored = directory.userByUsername(username);
  actual.groups = directory.groupNames(stored?.groups ?? []).sort();
  actual.attributes = structuredClone(stored?.attributes ?? {});
  for (const membership of trace.effects.memberships.filter((item) => item.username === username)) {
    actual.groups = [...membership.after].sort();
  }
  for (const user of trace.effects.users.filter((item) => item.username === username)) {
    const change = user.changes.find((item) => item.field === 'attributes');
    if (change !== undefined && typeof change.after === 'object' && change.after !== null) {
      actual.attributes = structuredClone(change.after) as Record<string, JsonValue>;
    }
  }

  return actual;
}

function same(a: JsonValue | undefined, b: JsonValue | undefined): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Lists the fields of `expected` whose actual value differs. */
export function compareOutcome(
  expected: ScenarioExpectation,
  actual: ScenarioExpectation,
): ScenarioDifference[] {
  const differences: ScenarioDifference[] = [];
  const check = (field: string, want: JsonValue | undefined, got: JsonValue | undefined): void => {
    if (want !== undefined && !same(want, got)) {
      differences.push({ field, expected: want, actual: got ?? null });
    }
  };

  check('outcome', expected.outcome, actual.outcome);
  check('flow', expected.flow, actual.flow);
  check('stage', expected.stage, actual.stage);
  check('message', expected.message, actual.message);
  check('redirect', expected.redirect, actual.redirect);
  if (expected.groups !== undefined) {
    check('groups', [...expected.groups].sort(), actual.groups ?? []);
  }
  for (const [key, value] of Object.entries(expected.attributes ?? {})) {
    check(`attributes.${key}`, value, actual.attributes?.[key]);
  }

  return differences;
}

/** Runs one scenario and compares its outcome with the expected one. */
export async function runScenario(
  scenario: Scenario,
  context: ScenarioContext,
): Promise<ScenarioResult> {
  const trace = await simulateFlow(scenarioOptions(scenario, context));
  const actual = actualOf(trace, context);
  const differences = compareOutcome(scenario.expect, actual);

  return { name: scenario.name, passed: differences.length === 0, differences, actual, trace };
}

/**
 * Returns a scenario that expects exactly what a run produced, for `--save-scenario`. The
 * groups and attributes are expected only when the run touched a user.
 */
export function scenarioFromRun(
  base: Omit<Scenario, 'expect' | 'version'>,
  trace: SimulationTrace,
  context: Pick<ScenarioContext, 'objects' | 'personas'>,
): Scenario {
  const actual = actualOf(trace, context);
  const expect: ScenarioExpectation = { ...actual };
  if (expect.message === '') {
    delete expect.message;
  }

  return { version: 1, ...base, expect };
}
