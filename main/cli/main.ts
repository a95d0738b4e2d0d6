/**
 * The `stagecraft` command line: one module per command, shared exit codes, `--json` for scripts.
 */
import { parseArgs } from 'node:util';

import { ERROR_CODES, isStagecraftError, StagecraftError } from '../../shared/errors.js';
import type { LogLevel } from '../log.js';
import { configureLogging, createLogger, parseLevel } from '../log.js';
import type { Command, CommandIo } from './command.js';
import { diffCommand } from './diff.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { infoCommand } from './info.js';
import { personasCommand } from './personas.js';
import { pullCommand } from './pull.js';
import { pushCommand } from './push.js';
import { recordCommand } from './record.js';
import { serverCommand } from './server.js';
import { simulateCommand } from './simulate.js';
import { testCommand } from './test.js';
import { validateCommand } from './validate.js';

const log = createLogger('cli');

/** The commands in the order `stagecraft --help` lists them. */
export const COMMANDS: Command[] = [
  importCommand,
  exportCommand,
  validateCommand,
  infoCommand,
  simulateCommand,
  testCommand,
  personasCommand,
  recordCommand,
  pullCommand,
  diffCommand,
  pushCommand,
  serverCommand,
];

const VERSION = '0.1.0';

function helpText(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);

  return [
    'Usage: stagecraft <command> [options]',
    '',
    'Design, validate and export authentik flows offline.',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `stagecraft <command> --help` for the options of a command.',
    'Every command takes --json for machine-readable output and --verbose for debug logs on',
    'standard error (STAGECRAFT_LOG_LEVEL=debug|info|warn|error sets the level as well).',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `${command.usage}\n`;
}

/** Builds the line printed below a usage error, in place of the help that would bury it. */
function helpPointer(command: Command | undefined): string {
  return command === undefined
    ? 'run `stagecraft --help` for the commands'
    : `run \`stagecraft ${command.name} --help\` for the options`;
}

/**
 * Rewrites an error of Node's parseArgs as a usage error in Stagecraft's words. Node's text
 * suggests `--` for positionals that start with a dash, which no Stagecraft command takes.
 */
function parseArgsUsageError(error: Error & { code: string }, command: Command): StagecraftError {
  const option = /'(-{1,2}[^'\s<=]+)/.exec(error.message)?.[1];
  const pointer = helpPointer(command);

  if (error.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && option !== undefined) {
    return new StagecraftError('usage', `unknown option ${option}; ${pointer}`, { option });
  }
  if (error.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && option !== undefined) {
    const takesValue = command.options[option.replace(/^-+/, '')]?.type === 'string';
    const problem = takesValue
      ? `option ${option} needs a value (${option} VALUE)`
      : `option ${option} takes no value`;
    return new StagecraftError('usage', `${problem}; ${pointer}`, { option });
  }

  return new StagecraftError('usage', `${error.message}; ${pointer}`);
}

/**
 * Prints an error and returns its exit code. A usage error is followed by one line that points
 * to `--help`, unless its message already does.
 */
function reportError(
  error: unknown,
  json: boolean,
  io: CommandIo,
  command: Command | undefined,
): number {
  if (isStagecraftError(error)) {
    if (json) {
      io.stdout(JSON.stringify({ ok: false, error: error.toPayload() }, null, 2) + '\n');
    } else {
      io.stderr(`stagecraft: ${error.message}\n`);
      if (error.code === 'usage' && !error.message.includes('--help')) {
        const pointer = helpPointer(command);
        io.stderr(`${pointer.charAt(0).toUpperCase()}${pointer.slice(1)}.\n`);
      }
    }

    return ERROR_CODES[error.code].exit;
  }

  log.error('unexpected failure', { error });
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (json) {
    const payload = { code: 'internal', message: String(error) };
    io.stdout(JSON.stringify({ ok: false, error: payload }, null, 2) + '\n');
  } else {
    io.stderr(`stagecraft: internal error, please report it with this output:\n${message}\n`);
  }

  return ERROR_CODES.internal.exit;
}

/**
 * Chooses the log level of a command. The command prints every error it reports itself, so library
 * warnings (a failed request that the command then explains, for one) only add noise unless the
 * user asks for them with --verbose or STAGECRAFT_LOG_LEVEL.
 */
function cliLogLevel(verbose: boolean, io: CommandIo): LogLevel {
  if (verbose) {
    return 'debug';
  }

  return parseLevel(io.env.STAGECRAFT_LOG_LEVEL) ?? 'error';
}

/** Runs the command line `argv` (without the node and script paths) and returns the exit code. */
export async function runCli(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  const json = rest.includes('--json');

  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout(helpText());
    return name === undefined ? ERROR_CODES.usage.exit : 0;
  }

  if (name === '--version' || name === '-v') {
    io.stdout(`stagecraft ${VERSION}\n`);
    return 0;
  }

  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command === undefined) {
    const known = COMMANDS.map((candidate) => candidate.name).join(', ');
    const error = new StagecraftError(
      'usage',
      `unknown command "${name}"; the commands are ${known}`,
    );
    return reportError(error, json, io, undefined);
  }

  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(command));
    return 0;
  }

  try {
    const parsed = parseArgs({
      args: rest,
      options: { ...command.options, json: { type: 'boolean' }, verbose: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
    configureLogging({ level: cliLogLevel(parsed.values.verbose === true, io) });

    return await command.run({ values: parsed.values, positionals: parsed.positionals, json }, io);
  } catch (error) {
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      const usage = parseArgsUsageError(error as TypeError & { code: string }, command);
      return reportError(usage, json, io, command);
    }

    return reportError(error, json, io, command);
  }
}
