import type { ParseArgsConfig } from 'node:util';

/** Where a command writes; the CLI entry point passes the process streams, tests pass buffers. */
export interface CommandIo {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Parsed command-line values of one command. */
export interface CommandArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
  json: boolean;
}

/** One `stagecraft` sub-command. */
export interface Command {
  name: string;
  summary: string;
  usage: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** Runs the command and returns its exit code; coded errors are thrown as StagecraftError. */
  run(args: CommandArgs, io: CommandIo): Promise<number>;
}

/** Reads a string option, or undefined when absent. */
export function stringOption(args: CommandArgs, name: string): string | undefined {
  const value = args.values[name];

  return typeof value === 'string' ? value : undefined;
}

/** Reads a repeatable string option as a list. */
export function listOption(args: CommandArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) {
    return value;
  }

  return typeof value === 'string' ? [value] : [];
}

/** Writes a JSON document as one line of standard output. */
export function printJson(io: CommandIo, value: unknown): void {
  io.stdout(JSON.stringify(value, null, 2) + '\n');
}
