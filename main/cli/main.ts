/**
 * The `stagecraft` command line: one module per command, shared exit codes, `--json` for scripts.
 */
import { parseArgs } from 'node:util';

import { ERROR_CODES, isStagecraftError, StagecraftError } from '../../shared/errors.js';
import { configureLogging, createLogger } from '../log.js';
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
    'Every command takes --json for machine-readable output.',
    '',
  ].join('\n');
}

function commandHelp(command: Command): string {
  return `${command.usage}\n`;
}

/**
 * Prints an error and returns its exit code. `usage` is the help text printed after a usage
 * error, so that the reader sees the valid form right below the mistake.
 */
function reportError(error: unknown, json: boolean, io: CommandIo, usage?: string): number {
  if (isStagecraftError(error)) {
    if (json) {
      io.stdout(JSON.stringify({ ok: false, error: error.toPayload() }, null, 2) + '\n');
    } else {
      io.stderr(`stagecraft: ${error.message}\n`);
      if (error.code === 'usage' && usage !== undefined) {
        io.stderr(`\n${usage}`);
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
    return reportError(error, json, io, helpText());
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
    if (parsed.values.verbose === true) {
      configureLogging({ level: 'debug' });
    }

    return await command.run({ values: parsed.values, positionals: parsed.positionals, json }, io);
  } catch (error) {
    if (
      error instanceof TypeError &&
      'code' in error &&
      String(error.code).startsWith('ERR_PARSE_ARGS')
    ) {
      const usage = new StagecraftError('usage', error.message);
      return reportError(usage, json, io, commandHelp(command));
    }

    return reportError(error, json, io, commandHelp(command));
  }
}
