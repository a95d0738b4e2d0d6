/**
 * Saved scenarios: a persona, a flow or a source login, the inputs, and the outcome the run must
 * have. The outcome is completed or denied (at a stage, with a message), and the user's groups
 * and attributes after the run. Scenarios are stored as versioned JSON in the project's `scenarios` table and checked completely
 * when read, so a damaged or newer record is rejected with the field that is wrong.
 */
import { StagecraftError } from '../../shared/errors.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import { isSecretKey } from '../../shared/simulator/mask.js';
import type { SimulationOutcome } from '../../shared/simulator/trace.js';

/** The format version this Stagecraft reads and writes. */
export const SCENARIO_VERSION = 1;

/** The outcome kinds a scenario can expect. */
export const OUTCOME_KINDS = [
  'completed',
  'denied',
  'rejected',
  'input-required',
  'error',
] as const satisfies readonly SimulationOutcome['kind'][];

/** The origin of a source login's HTTP responses. */
export type ScenarioHttp =
  /** The persona's `discord` section responds, as Discord would. */
  | { mode: 'persona' }
  /** A recording of the project's `recordings` table, by name, is replayed. */
  | { mode: 'recording'; recording: string };

/** The outcome a run must have. Fields left out are not compared. */
export interface ScenarioExpectation {
  outcome: SimulationOutcome['kind'];
  /** Slug of the flow the run ends in. */
  flow?: string;
  /** Name of the stage that denied, rejected or waits. */
  stage?: string;
  /** The denial, error or rejection message, exactly. */
  message?: string;
  /** The URL a completed run redirects to. */
  redirect?: string;
  /** Names of the user's groups after the run, in any order. */
  groups?: string[];
  /** Attributes the user must have after the run; other attributes are not compared. */
  attributes?: Record<string, JsonValue>;
}

/** A saved scenario. */
export interface Scenario {
  version: typeof SCENARIO_VERSION;
  name: string;
  description?: string;
  /** The persona or directory user the run acts as. */
  persona: string;
  /** The flow to run; for a source login, the flow the login starts from. */
  flow?: string;
  /** Slug of the source to log in through. */
  source?: string;
  /** For a source login: the origin of the HTTP responses. Default: the persona. */
  http?: ScenarioHttp;
  /** Input values by key, each used once in order. */
  inputs?: Record<string, string[]>;
  /** The `next` query parameter. */
  next?: string;
  /** authentik release to reproduce; default the project's. */
  authentikVersion?: string;
  expect: ScenarioExpectation;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class ScenarioChecker {
  constructor(private readonly where: string) {}

  fail(path: string, expected: string, value: unknown): never {
    const problem = value === undefined ? 'is missing' : `is ${JSON.stringify(value)}`;
    throw new StagecraftError(
      'scenario-invalid',
      `Scenario "${this.where}" is invalid: ${path} ${problem}; set it to ${expected}.`,
      { scenario: this.where, field: path },
    );
  }

  string(data: Record<string, unknown>, key: string, path = key): string {
    const value = data[key];
    if (typeof value !== 'string' || value === '') {
      this.fail(path, 'a non-empty string', value);
    }

    return value;
  }

  optionalString(data: Record<string, unknown>, key: string, path = key): void {
    if (data[key] !== undefined) {
      this.string(data, key, path);
    }
  }

  stringList(data: Record<string, unknown>, key: string, path = key): void {
    const value = data[key];
    if (
      value !== undefined &&
      (!Array.isArray(value) || !value.every((item) => typeof item === 'string'))
    ) {
      this.fail(path, 'a list of strings', value);
    }
  }
}

function checkExpectation(check: ScenarioChecker, value: unknown): void {
  if (!isRecord(value)) {
    check.fail('expect', 'an object with at least outcome', value);
  }

  if (!(OUTCOME_KINDS as readonly unknown[]).includes(value.outcome)) {
    check.fail('expect.outcome', `one of ${OUTCOME_KINDS.join(', ')}`, value.outcome);
  }
  for (const key of ['flow', 'stage', 'redirect']) {
    check.optionalString(value, key, `expect.${key}`);
  }
  if (value.message !== undefined && typeof value.message !== 'string') {
    check.fail('expect.message', 'a string', value.message);
  }
  check.stringList(value, 'groups', 'expect.groups');
  if (value.attributes !== undefined && !isRecord(value.attributes)) {
    check.fail('expect.attributes', 'a JSON object', value.attributes);
  }
}

function checkHttp(check: ScenarioChecker, value: unknown): void {
  if (value === undefined) {
    return;
  }
  if (!isRecord(value) || (value.mode !== 'persona' && value.mode !== 'recording')) {
    check.fail('http', '{"mode": "persona"} or {"mode": "recording", "recording": NAME}', value);
  }
  if (value.mode === 'recording') {
    check.string(value, 'recording', 'http.recording');
  }
}

/**
 * Checks stored scenario JSON and returns it typed. Throws `scenario-invalid` naming the
 * scenario and the first invalid field, or the version it cannot read.
 */
export function parseScenario(data: unknown, where: string): Scenario {
  const check: ScenarioChecker = new ScenarioChecker(where);
  if (!isRecord(data)) {
    check.fail('the scenario', 'a JSON object', data);
  }
  if (data.version !== SCENARIO_VERSION) {
    throw new StagecraftError(
      'scenario-invalid',
      `Scenario "${where}" has format version ${JSON.stringify(data.version)}, and this Stagecraft ` +
        `reads version ${SCENARIO_VERSION}; save it again with \`stagecraft simulate ... --save-scenario\`.`,
      { scenario: where, version: data.version as JsonValue },
    );
  }

  check.string(data, 'name');
  check.string(data, 'persona');
  for (const key of ['description', 'flow', 'source', 'next', 'authentikVersion']) {
    check.optionalString(data, key);
  }
  if (data.flow === undefined && data.source === undefined) {
    check.fail('flow', 'a flow slug (or give source for a source login)', undefined);
  }
  if (data.http !== undefined && data.source === undefined) {
    check.fail('http', 'nothing unless source is set', data.http);
  }
  checkHttp(check, data.http);

  const inputs = data.inputs;
  if (
    inputs !== undefined &&
    (!isRecord(inputs) ||
      !Object.values(inputs).every(
        (list) => Array.isArray(list) && list.every((item) => typeof item === 'string'),
      ))
  ) {
    check.fail('inputs', 'an object of input keys to lists of strings', inputs);
  }
  // Project files are shared, so a scenario never contains a password. Personas keep only hashes.
  const secret = Object.keys(inputs ?? {}).find((key) => isSecretKey(key));
  if (secret !== undefined) {
    check.fail(
      `inputs.${secret}`,
      'nothing: scenarios store no secrets; give the persona a password hash or acceptAnyPassword',
      '***',
    );
  }

  checkExpectation(check, data.expect);
  return structuredClone(data) as unknown as Scenario;
}
