/**
 * Helpers for the model and validation tests: paths into the reference folder next to the
 * repository, reading blueprint files, and problem summaries that make failures readable.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Problem, ProblemCode } from '../../shared/blueprint/problems.js';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import type { BlueprintDocument } from '../../shared/blueprint/tree.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Resolves a path under ../shared and fails with a plain message when it is missing. */
export function sharedPath(path: string): string {
  const full = resolve(repoRoot, '../shared', path);
  if (!existsSync(full)) {
    throw new Error(
      `Reference file missing: ${full}. These tests read authentik's blueprints and the failure ` +
        'cases from the ../shared folder next to the repository; restore it to run them.',
    );
  }

  return full;
}

/** Returns the folder of authentik's own blueprint files. */
export function corpusRoot(): string {
  return sharedPath('corpus/authentik/blueprints');
}

/** Lists every blueprint file of the corpus (`.yaml` and `.akflow`) relative to its root. */
export function listCorpusFiles(): string[] {
  const root = corpusRoot();
  const found: string[] = [];

  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        walk(path);
      } else if (name.endsWith('.yaml') || name.endsWith('.akflow')) {
        found.push(relative(root, path));
      }
    }
  };
  walk(root);

  return found;
}

/** Reads a blueprint file into its syntax tree, named by its path relative to `../shared`. */
export function readSharedBlueprint(path: string): BlueprintDocument {
  return readBlueprint(readFileSync(sharedPath(path), 'utf8'), { file: path });
}

/** Reads blueprint text given inline. */
export function readText(text: string, file = 'test.yaml'): BlueprintDocument {
  return readBlueprint(text, { file });
}

/** Returns the sorted distinct codes of the problems with a given severity. */
export function codesOf(problems: Problem[], severity: Problem['severity']): ProblemCode[] {
  return [...new Set(problems.filter((p) => p.severity === severity).map((p) => p.code))].sort();
}

/** Returns the problems with a given code. */
export function withCode(problems: Problem[], code: ProblemCode): Problem[] {
  return problems.filter((problem) => problem.code === code);
}
