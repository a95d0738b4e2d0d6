/**
 * `stagecraft test --project P`: run the project's saved scenarios and report every one whose
 * outcome differs from what it expects. Made for CI: the exit code shows whether all passed.
 */
import { ERROR_CODES, isStagecraftError, StagecraftError } from '../../shared/errors.js';
import type { ErrorPayload } from '../../shared/errors.js';
import type { ScenarioContext, ScenarioDifference, ScenarioResult } from '../scenarios/run.js';
import { runScenario } from '../scenarios/run.js';
import type { Scenario } from '../scenarios/scenario.js';
import { loadScenarios } from '../scenarios/store.js';
import { withBuiltInPersonas } from '../simulator/oauth/run-options.js';
import { loadPersonas } from '../simulator/personas.js';
import type { ExpressionEvaluator } from '../simulator/types.js';
import type { Command, CommandIo } from './command.js';
import { listOption, printJson } from './command.js';
import { loadProjectRecordings, openProject, projectPath } from './project.js';
import { LazyPoolEvaluator, sharedSimulatorEvaluator } from './simulate.js';

/** The report of one scenario. */
interface ScenarioReport {
  name: string;
  passed: boolean;
  differences: ScenarioDifference[];
  /** The run could not start or failed with a coded error (unknown persona, flow, ...). */
  error?: ErrorPayload;
  durationMs: number;
}

function pick(scenarios: Scenario[], names: string[]): Scenario[] {
  if (names.length === 0) {
    return scenarios;
  }

  const known = scenarios.map((scenario) => scenario.name);
  const missing = names.filter((name) => !known.includes(name));
  if (missing.length > 0) {
    throw new StagecraftError(
      'scenario-not-found',
      `no scenario named ${missing.map((name) => `"${name}"`).join(', ')}; the project has: ${known.join(', ') || 'none'}`,
      { missing, known },
    );
  }

  return scenarios.filter((scenario) => names.includes(scenario.name));
}

async function runOne(scenario: Scenario, context: ScenarioContext): Promise<ScenarioReport> {
  const started = performance.now();
  let result: ScenarioResult;
  try {
    result = await runScenario(scenario, context);
  } catch (error) {
    if (!isStagecraftError(error)) {
      throw error;
    }

    return {
      name: scenario.name,
      passed: false,
      differences: [],
      error: error.toPayload(),
      durationMs: performance.now() - started,
    };
  }

  return {
    name: result.name,
    passed: result.passed,
    differences: result.differences,
    durationMs: performance.now() - started,
  };
}

function printReport(io: CommandIo, report: ScenarioReport): void {
  const seconds = (report.durationMs / 1000).toFixed(1);
  io.stdout(`${report.passed ? 'PASS' : 'FAIL'} ${report.name} (${seconds} s)\n`);
  if (report.error !== undefined) {
    io.stdout(`    could not run: ${report.error.message}\n`);
  }
  for (const difference of report.differences) {
    io.stdout(
      `    ${difference.field}: expected ${JSON.stringify(difference.expected)}, got ${JSON.stringify(difference.actual)}\n`,
    );
  }
}

export const testCommand: Command = {
  name: 'test',
  summary: "Run the project's saved scenarios and report every outcome that differs",
  usage: [
    'Usage: stagecraft test --project P [--scenario NAME]... [--json]',
    '',
    'Runs each saved scenario of the project (persona, flow or source login, inputs) like',
    '`stagecraft simulate` and compares the outcome with the one the scenario expects: completed',
    'or denied, the stage and the message, the redirect, the groups and attributes of the user',
    'after the run. Prints PASS or FAIL per scenario and, for a failure, each field that',
    'differs. Source logins replay their persona or recording and never use the network.',
    'Save scenarios with `stagecraft simulate ... --save-scenario NAME`.',
    '',
    'Options:',
    '  --project P         the .stagecraft project whose scenarios run',
    '  --scenario NAME     run only this scenario; repeat for several',
    '  --json              print the results as JSON',
    '',
    'Exit codes: 0 every scenario ran as expected, 18 at least one differs or could not run,',
    '3 project or scenario not found, 6 a saved scenario or recording is malformed, 7 Python',
    'could not be loaded.',
  ].join('\n'),
  options: {
    project: { type: 'string' },
    scenario: { type: 'string', multiple: true },
  },

  async run(args, io) {
    const store = openProject(projectPath(args, io), { readOnly: true });
    let scenarios: Scenario[];
    let context: Omit<ScenarioContext, 'evaluator'>;
    try {
      scenarios = pick(loadScenarios(store), listOption(args, 'scenario'));
      const info = store.info();
      context = {
        objects: store.listObjects(),
        personas: withBuiltInPersonas(loadPersonas(store)),
        recordings: loadProjectRecordings(store),
        authentikVersion: info.authentikVersion,
        env: io.env,
      };
    } finally {
      store.close();
    }

    const shared = sharedSimulatorEvaluator();
    const lazy = shared === undefined ? new LazyPoolEvaluator() : undefined;
    const evaluator: ExpressionEvaluator = shared ?? (lazy as ExpressionEvaluator);
    const reports: ScenarioReport[] = [];
    try {
      for (const scenario of scenarios) {
        const report = await runOne(scenario, { ...context, evaluator });
        reports.push(report);
        if (!args.json) {
          printReport(io, report);
        }
      }
    } finally {
      await lazy?.close();
    }

    const failed = reports.filter((report) => !report.passed).length;
    const exit = failed === 0 ? 0 : ERROR_CODES['scenario-mismatch'].exit;
    if (args.json) {
      printJson(io, {
        ok: exit === 0,
        exitCode: exit,
        passed: reports.length - failed,
        failed,
        results: reports,
      });
    } else {
      const count = reports.length;
      io.stdout(
        `${count} scenario${count === 1 ? '' : 's'}: ${count - failed} passed, ${failed} failed.\n`,
      );
      if (count === 0) {
        io.stdout(
          'The project has no saved scenarios. Save a run as one with `stagecraft simulate ' +
            '--project P --flow SLUG ... --save-scenario NAME`.\n',
        );
      }
    }

    return exit;
  },
};
