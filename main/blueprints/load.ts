/**
 * Reading blueprint files for import and validation: read, parse and validate every file before
 * anything is written, so that a bad file stops an import with the project untouched.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import type { Problem, ProblemCode } from '../../shared/blueprint/problems.js';
import type { BlueprintDocument } from '../../shared/blueprint/tree.js';
import { validateDocument } from '../../shared/blueprint/validate.js';
import { StagecraftError } from '../../shared/errors.js';
import { readBlueprintFile } from '../files/blueprint-file.js';

/** A blueprint file read and validated. */
export interface LoadedBlueprint {
  path: string;
  /** SHA-256 of the file's bytes, recorded in the project's import log. */
  sha256: string;
  document: BlueprintDocument;
  problems: Problem[];
}

/** Problems that leave nothing sensible to import, whatever the caller's options. */
const FATAL_CODES: ReadonlySet<ProblemCode> = new Set([
  'version-unsupported',
  'entries-missing',
  'entries-shape',
]);

/** Returns the problem that most explains why a file cannot be imported, in FATAL_CODES order. */
function mostFatalProblem(problems: Problem[]): Problem | undefined {
  for (const code of FATAL_CODES) {
    const problem = problems.find((candidate) => candidate.code === code);
    if (problem !== undefined) {
      return problem;
    }
  }

  return undefined;
}

/** Tells whether a problem makes the file impossible to import. */
export function isFatalProblem(problem: Problem): boolean {
  return FATAL_CODES.has(problem.code);
}

/** Reads and validates one blueprint file; read and parse failures throw coded errors. */
export async function loadBlueprint(path: string): Promise<LoadedBlueprint> {
  const document = await readBlueprintFile(path);
  const problems = validateDocument(document);
  const sha256 = createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

  return { path, sha256, document, problems };
}

/**
 * Reads and validates every file. With `rejectFatal`, a file whose problems make it impossible to
 * import raises `blueprint-invalid` naming the file and its first such problem.
 */
export async function loadBlueprints(
  paths: string[],
  options: { rejectFatal: boolean; rejectErrors?: boolean },
): Promise<LoadedBlueprint[]> {
  const loaded: LoadedBlueprint[] = [];

  for (const path of paths) {
    const file = await loadBlueprint(path);
    const fatal = options.rejectFatal ? mostFatalProblem(file.problems) : undefined;
    const blocking =
      fatal ??
      (options.rejectErrors === true
        ? file.problems.find((problem) => problem.severity === 'error')
        : undefined);
    if (blocking !== undefined) {
      const where = blocking.line === undefined ? '' : `:${blocking.line}:${blocking.column ?? 1}`;
      throw new StagecraftError(
        'blueprint-invalid',
        `${basename(path)}${where}: ${blocking.message.replace(/\.$/, '')}; nothing was imported`,
        { file: path, problems: file.problems },
      );
    }

    loaded.push(file);
  }

  return loaded;
}
