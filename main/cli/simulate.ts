/** `stagecraft simulate --project P | FILE... --flow SLUG`: run a flow offline and explain it. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import { ERROR_CODES, isStagecraftError, StagecraftError } from '../../shared/errors.js';
import type { ErrorCode } from '../../shared/errors.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { EvaluationRequest, EvaluationResult } from '../../shared/simulator/evaluation.js';
import { formatTrace } from '../../shared/simulator/format.js';
import type { Recording } from '../../shared/http/recording.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { SimulationOutcome } from '../../shared/simulator/trace.js';
import { importBlueprints } from '../blueprints/import.js';
import { loadBlueprints } from '../blueprints/load.js';
import { ProjectStore } from '../project/index.js';
import { createPythonPool } from '../python/pool.js';
import type { PythonPool } from '../python/pool.js';
import { loadPersonas } from '../simulator/personas.js';
import { simulateFlow } from '../simulator/simulate.js';
import type { EvaluateOptions, ExpressionEvaluator } from '../simulator/types.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import type { Scenario } from '../scenarios/scenario.js';
import { scenarioFromRun } from '../scenarios/run.js';
import { saveScenario } from '../scenarios/store.js';
import type { Command, CommandArgs, CommandIo } from './command.js';
import { listOption, printJson, stringOption } from './command.js';
import { loadProjectRecordings, openProject, projectPath } from './project.js';
import type { SourceRun } from './simulate-source.js';
import { readSourceRun, SOURCE_OPTIONS, SOURCE_USAGE } from './simulate-source.js';

/** Exit codes of the outcomes; `completed` exits 0. */
const OUTCOME_CODES: Record<Exclude<SimulationOutcome['kind'], 'completed'>, ErrorCode> = {
  denied: 'simulation-denied',
  rejected: 'simulation-rejected',
  'input-required': 'simulation-input-required',
  error: 'simulation-error',
};

let sharedEvaluator: ExpressionEvaluator | undefined;

/**
 * Makes `simulate` use this evaluator instead of starting its own Python pool, so tests and the
 * app share one pool across commands. Pass undefined to go back to a pool per command.
 */
export function useSimulatorEvaluator(evaluator: ExpressionEvaluator | undefined): void {
  sharedEvaluator = evaluator;
}

/** Returns the evaluator set by {@link useSimulatorEvaluator}, if any. */
export function sharedSimulatorEvaluator(): ExpressionEvaluator | undefined {
  return sharedEvaluator;
}

/** An evaluator that starts Pyodide (about 2 s) only when a run evaluates an expression. */
export class LazyPoolEvaluator implements ExpressionEvaluator {
  private pool: PythonPool | undefined;

  readonly bridgesHttp = true;

  evaluate(request: EvaluationRequest, options?: EvaluateOptions): Promise<EvaluationResult> {
    this.pool ??= createPythonPool({ size: 1 });
    return this.pool.evaluate(request, options);
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

/** Parses repeated `key=value` inputs into queues per key. */
export function parseInputs(values: string[]): Record<string, string[]> {
  const inputs: Record<string, string[]> = {};

  for (const entry of values) {
    const equals = entry.indexOf('=');
    if (equals <= 0) {
      throw new StagecraftError(
        'usage',
        `--input ${entry}: write it as KEY=VALUE, e.g. --input username=alice`,
        { input: entry },
      );
    }
    const key = entry.slice(0, equals);
    (inputs[key] ??= []).push(entry.slice(equals + 1));
  }

  return inputs;
}

async function objectsFromFiles(files: string[]): Promise<ModelObject[]> {
  const loaded = await loadBlueprints(files, { rejectFatal: true });
  const folder = mkdtempSync(join(tmpdir(), 'stagecraft-simulate-'));

  // A throwaway project resolves references across the files exactly as an import does.
  try {
    const store = ProjectStore.create(join(folder, 'files.stagecraft'), { name: 'files' });
    try {
      importBlueprints(store, loaded);
      return store.listObjects();
    } finally {
      store.close();
    }
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function policyTimeout(text: string | undefined): number | undefined {
  if (text === undefined) {
    return undefined;
  }

  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new StagecraftError(
      'usage',
      `--policy-timeout ${text}: give a positive number of seconds`,
      { value: text },
    );
  }

  return seconds * 1000;
}

export const simulateCommand: Command = {
  name: 'simulate',
  summary: 'Run a flow offline as an authentik server would, and explain every decision',
  usage: [
    'Usage: stagecraft simulate --project P --flow SLUG [options]',
    '       stagecraft simulate FILE... --flow SLUG [options]',
    '',
    'Plans and runs the flow like authentik 2025.12: flow and stage policies, every stage, the',
    'final redirect. Expression policies run in Python (Pyodide). Prints each step with the',
    'policies evaluated and why stages were skipped or denied, then the outcome. Nothing is',
    'written to the project; the effects (users, groups, events, emails) are only listed.',
    '',
    'Options:',
    '  --project P              the .stagecraft project (personas come from it)',
    '  --flow SLUG              the flow to run',
    '  --user NAME              act as this persona or directory user (default: anonymous)',
    "  --password PW            the user's password for this run (hashed, never stored); also",
    '                           typed at the password stage unless --input password=... is given',
    '  --input KEY=VALUE        an answer to a stage; repeat a key to answer retries in order.',
    '                           Keys: username, password, captcha (pass|fail), consent (yes|no),',
    '                           mfa (pass|fail), device, email_link (open), remember_me,',
    '                           configure_stage, a prompt field key, stage:NAME (pass|fail)',
    '  --next URL               the `next` query parameter the flow is opened with',
    '  --application SLUG       the application the flow runs for',
    '  --via-source SLUG        start the flow as after a login through this source, with the',
    "                           persona's username, email and name as what the source returned",
    ...SOURCE_USAGE,
    '  --authentik-version V    the release to reproduce (default 2025.12)',
    '  --policy-timeout SECONDS stop a policy after this long (default: the binding timeout)',
    '  --no-cache               switch the plan and policy-result caches off',
    '  --show-context           print the plan context after each step (secrets masked)',
    '  --json                   print the whole trace as JSON',
    '',
    'Exit codes: 0 completed, 10 denied, 11 answer rejected (the form would be shown again),',
    '12 an input is missing, 13 the flow failed (e.g. a policy did not finish), 2 usage,',
    '3 project, flow, persona or source not found, 4 recording unreadable, 7 Python could not',
    'be loaded, 8 an HTTP request of a live login failed, 9 the client secret is not set.',
  ].join('\n'),
  options: {
    project: { type: 'string' },
    flow: { type: 'string' },
    user: { type: 'string' },
    password: { type: 'string' },
    input: { type: 'string', multiple: true },
    next: { type: 'string' },
    application: { type: 'string' },
    'via-source': { type: 'string' },
    'authentik-version': { type: 'string' },
    'policy-timeout': { type: 'string' },
    'no-cache': { type: 'boolean' },
    'show-context': { type: 'boolean' },
    ...SOURCE_OPTIONS,
  },

  async run(args, io) {
    const flowOption = stringOption(args, 'flow');
    if (
      (flowOption === undefined || flowOption === '') &&
      stringOption(args, 'source') === undefined
    ) {
      throw new StagecraftError('usage', 'missing --flow SLUG (the slug of the flow to run)');
    }

    let objects: ModelObject[];
    let personas: Persona[] = [];
    let recordings = new Map<string, Recording>();
    let authentikVersion = stringOption(args, 'authentik-version');
    if (stringOption(args, 'project') !== undefined) {
      if (args.positionals.length > 0) {
        throw new StagecraftError('usage', 'give either FILE... or --project P, not both');
      }
      const store = openProject(projectPath(args, io), { readOnly: true });
      try {
        objects = store.listObjects();
        personas = loadPersonas(store);
        recordings = loadProjectRecordings(store);
        authentikVersion ??= store.info().authentikVersion;
      } finally {
        store.close();
      }
    } else {
      if (args.positionals.length === 0) {
        throw new StagecraftError('usage', 'name a blueprint FILE or --project P to simulate');
      }
      objects = await objectsFromFiles(args.positionals.map((file) => resolve(io.cwd, file)));
    }

    const sourceRun = await readSourceRun(args, io, objects, personas, recordings);
    const flow = sourceRun?.flow ?? flowOption;
    if (flow === undefined) {
      throw new StagecraftError('usage', 'missing --flow SLUG (the slug of the flow to run)');
    }
    const lazy = sharedEvaluator === undefined ? new LazyPoolEvaluator() : undefined;

    let trace;
    try {
      const user = sourceRun?.actor ?? stringOption(args, 'user');
      const password = stringOption(args, 'password');
      const next = stringOption(args, 'next');
      const application = stringOption(args, 'application');
      const viaSource = stringOption(args, 'via-source');
      const timeout = policyTimeout(stringOption(args, 'policy-timeout'));
      trace = await simulateFlow({
        objects,
        flow,
        evaluator: sharedEvaluator ?? (lazy as ExpressionEvaluator),
        personas: sourceRun?.personas ?? personas,
        inputs: parseInputs(listOption(args, 'input')),
        ...(user === undefined ? {} : { actor: user }),
        ...(password === undefined ? {} : { password }),
        ...(next === undefined ? {} : { next }),
        ...(application === undefined ? {} : { application }),
        ...(viaSource === undefined ? {} : { viaSource }),
        ...(sourceRun === undefined ? {} : { viaSource: sourceRun.slug, oauth: sourceRun.login }),
        ...(authentikVersion === undefined ? {} : { authentikVersion }),
        ...(timeout === undefined ? {} : { policyTimeoutMs: timeout }),
        ...(args.values['no-cache'] === true ? { cache: null } : {}),
      });
    } catch (error) {
      throw sourceRun === undefined ? withPersonaHint(error) : error;
    } finally {
      await lazy?.close();
      await sourceRun?.close();
    }

    const saveAs = stringOption(args, 'save-scenario');
    const saved =
      saveAs === undefined
        ? undefined
        : saveRunAsScenario(args, io, saveAs, trace, {
            objects,
            personas,
            sourceRun,
            flow,
            authentikVersion,
          });

    const kind = trace.outcome.kind;
    const exit = kind === 'completed' ? 0 : ERROR_CODES[OUTCOME_CODES[kind]].exit;
    if (args.json) {
      printJson(io, {
        ok: exit === 0,
        exitCode: exit,
        trace,
        ...(saved === undefined ? {} : { scenario: saved }),
      });
    } else {
      io.stdout(formatTrace(trace, { showContext: args.values['show-context'] === true }));
      if (saved !== undefined) {
        io.stdout(`Saved scenario "${saved.name}" expecting: ${describeExpectation(saved)}.\n`);
      }
    }

    return exit;
  },
};

/**
 * Adds the command-line hint to `persona-not-found`: the personas that `stagecraft personas`
 * lists are Discord accounts, which reply only to a login through a source.
 */
function withPersonaHint(error: unknown): unknown {
  if (!isStagecraftError(error) || error.code !== 'persona-not-found') {
    return error;
  }

  return new StagecraftError(
    'persona-not-found',
    `${error.message} The built-in Discord personas that \`stagecraft personas\` lists log in ` +
      'through an OAuth source: use them with --source SLUG --persona NAME.',
    error.data,
  );
}

interface SaveContext {
  objects: ModelObject[];
  personas: Persona[];
  sourceRun: SourceRun | undefined;
  flow: string;
  authentikVersion: string | undefined;
}

// `--save-scenario NAME`: the run's persona, flow, source and inputs, and its outcome as the
// expected one. The project is opened again for writing after the run.
function saveRunAsScenario(
  args: CommandArgs,
  io: CommandIo,
  name: string,
  trace: SimulationTrace,
  context: SaveContext,
): Scenario {
  if (stringOption(args, 'project') === undefined) {
    throw new StagecraftError(
      'usage',
      '--save-scenario needs --project P to store the scenario in',
    );
  }
  const persona = context.sourceRun?.actor ?? stringOption(args, 'user');
  if (persona === undefined) {
    throw new StagecraftError(
      'usage',
      '--save-scenario needs a persona: give --user NAME or --persona NAME',
    );
  }
  if (context.sourceRun !== undefined && context.sourceRun.scenarioHttp === undefined) {
    throw new StagecraftError(
      'usage',
      '--save-scenario works with --persona only: a scenario replays a persona, and live runs and recording files are not part of the project',
    );
  }

  const inputs = parseInputs(listOption(args, 'input'));
  const next = stringOption(args, 'next');
  const base = {
    name,
    persona,
    flow: context.flow,
    ...(context.sourceRun === undefined
      ? {}
      : { source: context.sourceRun.slug, http: context.sourceRun.scenarioHttp! }),
    ...(Object.keys(inputs).length === 0 ? {} : { inputs }),
    ...(next === undefined ? {} : { next }),
  };
  const scenario = scenarioFromRun(base, trace, {
    objects: context.objects,
    personas: context.sourceRun?.personas ?? context.personas,
  });

  const store = openProject(projectPath(args, io));
  try {
    return saveScenario(store, scenario);
  } finally {
    store.close();
  }
}

/** Describes what a scenario expects in one line. */
export function describeExpectation(scenario: Scenario): string {
  const expect = scenario.expect;
  const parts: string[] = [expect.outcome];
  if (expect.stage !== undefined) {
    parts.push(`at stage ${expect.stage}`);
  }
  if (expect.message !== undefined) {
    parts.push(`with "${expect.message}"`);
  }
  if (expect.redirect !== undefined) {
    parts.push(`to ${expect.redirect}`);
  }
  if (expect.groups !== undefined) {
    parts.push(`groups [${expect.groups.join(', ')}]`);
  }

  return parts.join(' ');
}
