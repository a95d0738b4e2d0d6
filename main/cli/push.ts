/** `stagecraft push --server S --project P [--flow SLUG...]`: send a project to a server. */
import { formatProblem } from '../../shared/blueprint/problems.js';
import { StagecraftError } from '../../shared/errors.js';
import type { EnvChoice, EnvRequirement, PushPlan } from '../../shared/server/types.js';
import { formatDiff, formatEnvRequirements, formatLogs } from '../server/format.js';
import { terminalPrompt } from '../server/prompt.js';
import { checkLocalProblems, pushBlueprint, rejectionError } from '../server/push.js';
import { planPush, selectBlueprint } from '../server/selection.js';
import type { Command, CommandArgs, CommandIo } from './command.js';
import { listOption, printJson, stringOption } from './command.js';
import { openProject, projectPath } from './project.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, SERVER_EXIT_HELP, withServer } from './server.js';

/**
 * Decides how each `!Env` variable is filled. `--env NAME` sends the value of NAME in this
 * environment, prompting for it when it is unset. On a terminal, every other variable is
 * prompted for, and an empty answer leaves it to the server. `--server-env`, a dry run or the
 * lack of a terminal leaves every variable not named by `--env` to the server.
 */
async function chooseEnv(
  args: CommandArgs,
  io: CommandIo,
  requirements: EnvRequirement[],
): Promise<EnvChoice[]> {
  const named = new Set(listOption(args, 'env'));
  const known = new Set(requirements.map((requirement) => requirement.name));
  for (const name of named) {
    if (!known.has(name)) {
      const list = known.size > 0 ? [...known].join(', ') : 'none';
      throw new StagecraftError(
        'usage',
        `--env ${name}: the blueprint reads no such variable (it reads: ${list})`,
      );
    }
  }

  const prompt = terminalPrompt();
  const askOthers =
    prompt !== undefined && args.values['server-env'] !== true && args.values['dry-run'] !== true;

  const choices: EnvChoice[] = [];
  for (const { name } of requirements) {
    let value = named.has(name) ? io.env[name] : undefined;
    const ask = named.has(name) ? value === undefined || value === '' : askOthers;
    if (ask && prompt !== undefined) {
      value = await prompt(`Value for ${name} (empty: the server's environment provides it): `);
    }
    if (named.has(name) && (value === undefined || value === '')) {
      throw new StagecraftError(
        'usage',
        `--env ${name}: the variable is not set here and no terminal can ask for its value`,
      );
    }

    choices.push(
      value === undefined || value === ''
        ? { name, source: 'server' }
        : { name, source: 'value', value },
    );
  }
  return choices;
}

function printPlan(io: CommandIo, plan: PushPlan): void {
  for (const problem of plan.problems) {
    io.stderr(formatProblem(problem) + '\n');
  }
  io.stdout(formatDiff(plan.diff).join('\n') + '\n');
  const env = formatEnvRequirements(plan.env);
  if (env.length > 0) {
    io.stdout(env.join('\n') + '\n');
  }
}

function applyTimeout(args: CommandArgs): number | undefined {
  const value = stringOption(args, 'apply-timeout');
  if (value === undefined) {
    return undefined;
  }

  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new StagecraftError(
      'usage',
      `--apply-timeout ${value}: give the seconds as a number from 1 to 3600`,
    );
  }
  return seconds * 1000;
}

export const pushCommand: Command = {
  name: 'push',
  summary: 'Validate a project, show the difference and push it to an authentik server',
  usage: [
    'Usage: stagecraft push --server S --project P [--flow SLUG ...] [--dry-run]',
    '                       [--managed NAME] [--env NAME ...] [--server-env] [--json]',
    '',
    'Validates the blueprint of the project (or of the flows named by --flow) and stops on any',
    'error. Then it prints the difference to the server and sends the blueprint: by default as',
    'one import (POST /api/v3/flows/instances/import/, or /api/v3/managed/blueprints/import/ on',
    'servers without it), with --managed NAME into the blueprint instance NAME, which is applied and',
    're-applied by the server afterwards. The server checks the whole file before it writes',
    'anything, so a rejected push changes nothing; its log names the entry and the reason.',
    '',
    'authentik reads !Env variables from the environment of the server process, not from this',
    'computer. On a terminal, the push asks for the value of each variable; an empty answer',
    'leaves it to the server. A value is sent with this push only (written into the imported',
    "file, or kept in the managed instance's context) and never stored by Stagecraft. Without a",
    'terminal, variables not named by --env stay with the server.',
    '',
    'Options:',
    '  --project P          the .stagecraft project file',
    '  --flow SLUG          push this flow with what travels with it; repeat for several',
    '                       (default: the whole project)',
    '  --dry-run            validate and show the difference; send nothing',
    '  --managed NAME       store the blueprint in the blueprint instance NAME and apply it',
    '  --apply-timeout SEC  how long to wait for a managed apply (default 120)',
    '  --env NAME           send the value of the variable NAME of this environment',
    '  --server-env         leave every variable not named by --env to the server; ask for',
    '                       nothing',
    ...CONNECTION_HELP,
    '  --json               print the result as JSON',
    '',
    ...SERVER_EXIT_HELP,
  ].join('\n'),
  options: {
    ...CONNECTION_OPTIONS,
    project: { type: 'string' },
    flow: { type: 'string', multiple: true },
    'dry-run': { type: 'boolean' },
    managed: { type: 'string' },
    'apply-timeout': { type: 'string' },
    env: { type: 'string', multiple: true },
    'server-env': { type: 'boolean' },
  },

  async run(args, io) {
    const path = projectPath(args, io);
    const instanceName = stringOption(args, 'managed');
    const applyTimeoutMs = applyTimeout(args);
    const store = openProject(path, { readOnly: true });
    let chosen;
    try {
      chosen = selectBlueprint(store, { flows: listOption(args, 'flow') });
    } finally {
      store.close();
    }
    checkLocalProblems(chosen.blueprint.problems);

    return withServer(args, io, async (api) => {
      const plan = await planPush(api, chosen);
      if (!args.json) {
        printPlan(io, plan);
      }

      const report = await pushBlueprint(api, {
        blueprint: chosen.blueprint,
        mode: instanceName === undefined ? 'import' : 'managed',
        env: await chooseEnv(args, io, plan.env),
        dryRun: args.values['dry-run'] === true,
        ...(instanceName === undefined ? {} : { instanceName }),
        ...(applyTimeoutMs === undefined ? {} : { applyTimeoutMs }),
        onStep: args.json ? undefined : (detail) => io.stderr(`${detail}…\n`),
      });

      if (!args.json && report.logs.length > 0) {
        io.stderr(formatLogs(report.logs).join('\n') + '\n');
      }
      if (!report.success) {
        throw rejectionError(report);
      }

      if (args.json) {
        printJson(io, { ok: true, plan, report });
      } else if (report.dryRun) {
        io.stdout('Dry run: the blueprint is valid and nothing was sent.\n');
      } else {
        const where =
          report.instance === undefined ? report.endpoint : `instance ${report.instance.name}`;
        const fromServer =
          report.env.fromServer.length > 0
            ? ` The server's environment provides ${report.env.fromServer.join(', ')}.`
            : '';
        io.stdout(
          `Pushed ${report.entries} entries to ${report.server} (${where}).${fromServer}\n`,
        );
      }
      return 0;
    });
  },
};
