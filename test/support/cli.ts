/**
 * Helpers for command-line tests: run `runCli` in-process with captured output, or spawn the real
 * `bin/stagecraft.mjs` with node, plus temporary folders and file hashes.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { isNode, parseDocument, Scalar, visit } from 'yaml';

import { runCli } from '../../main/cli/main.js';
import { withoutPermissionOverrides } from './unprivileged.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The real executable, as `npx stagecraft` runs it. */
export const BIN_PATH = join(repoRoot, 'bin', 'stagecraft.mjs');

/** The captured result of one command-line run. */
export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the command line in-process with `cwd` as the working folder and captures its output. */
export async function runStagecraft(
  argv: string[],
  options: { cwd: string; env?: Record<string, string | undefined> },
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: options.cwd,
    env: options.env ?? {},
  });

  return { code, stdout, stderr };
}

/**
 * Spawns `node bin/stagecraft.mjs ARGV...` in `cwd`. With `obeyPermissions`, a child of root runs
 * without root's permission overrides, so read-only files and folders stop it as they would stop
 * any user. A child that cannot start or is killed by the timeout raises an error, so that a test
 * never mistakes a hang for an exit code.
 */
export function spawnStagecraft(
  argv: string[],
  options: { cwd: string; obeyPermissions?: boolean; timeoutMs?: number },
): CliResult {
  const [command, args] =
    options.obeyPermissions === true
      ? withoutPermissionOverrides(process.execPath, [BIN_PATH, ...argv])
      : [process.execPath, [BIN_PATH, ...argv]];
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
  });
  if (result.error !== undefined || result.status === null) {
    const reason = result.error?.message ?? `signal ${String(result.signal)}`;
    throw new Error(`stagecraft ${argv.join(' ')} did not finish: ${reason}\n${result.stderr}`);
  }

  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Parses the JSON document that a `--json` run printed on standard output. */
export function parseJsonOutput(result: CliResult): Record<string, unknown> {
  try {
    return JSON.parse(result.stdout) as Record<string, unknown>;
  } catch {
    throw new Error(
      `stdout is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`,
    );
  }
}

/** Creates a temporary folder under the system temp folder and returns it with its remover. */
export function makeCliFolder(): { folder: string; remove: () => void } {
  const folder = mkdtempSync(join(tmpdir(), 'stagecraft-cli-'));

  return { folder, remove: () => rmSync(folder, { recursive: true, force: true }) };
}

/** Returns the SHA-256 of a file's bytes, or `missing` when the file does not exist. */
export function hashFile(path: string): string {
  if (!existsSync(path)) {
    return 'missing';
  }

  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/**
 * Parses blueprint YAML with the `yaml` package alone, independent of Stagecraft's reader, into
 * plain values. A tagged node becomes `{$tag, value}` with the tag name without `!`, as in
 * `{$tag: 'KeyOf', value: 'flow'}`. Scalars are typed as YAML 1.1, as PyYAML types them.
 */
export function parseBlueprintText(text: string): Record<string, unknown> {
  const doc = parseDocument(text, { version: '1.1' });
  if (doc.errors.length > 0) {
    throw new Error(`not valid YAML: ${doc.errors.map(String).join('; ')}`);
  }

  visit(doc, {
    Node(_, node) {
      const tag = isNode(node) ? node.tag : undefined;
      if (tag === undefined || !tag.startsWith('!') || tag.startsWith('!!')) {
        return undefined;
      }

      return new Scalar({ $tag: tag.slice(1), value: node.toJSON() as unknown });
    },
  });

  return doc.toJS() as Record<string, unknown>;
}
