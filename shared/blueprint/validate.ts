/**
 * Offline validation of blueprint files and project objects against what authentik's importer
 * accepts: the model catalogue (authentik's blueprint JSON schema), the importer's semantics
 * (entry order, `!KeyOf`, `!Find`, pk remapping, states) and the tag rules.
 *
 * A tagged value counts as a wildcard for schema checks, because the server resolves it.
 */
import { StagecraftError } from '../errors.js';
import { CATALOG_AUTHENTIK_VERSION } from '../model/catalog.js';
import type { ModelObject } from '../model/object.js';
import { isVersion } from '../model/versions.js';
import type { Problem } from './problems.js';
import type { BlueprintDocument } from './tree.js';
import { ProblemCollector } from './validate-context.js';
import type { EntryInput, Location, ResolvedOptions } from './validate-context.js';
import { checkEntry, entryReporter } from './validate-entry.js';
import { checkReferences } from './validate-refs.js';
import type { PreparedEntry } from './validate-refs.js';
import { checkTags } from './validate-tags.js';
import { checkDocumentShape, contextFromTree, entryFromTree } from './validate-tree.js';

/** Options of a validation run. */
export interface ValidateOptions {
  /**
   * The authentik release to validate for, e.g. `2025.12` (the default, the release of the
   * model catalogue) or `2026.2`. It decides which models outside the catalogue exist and which
   * version-dependent rules apply. Field checks always use the 2025.12 catalogue.
   */
  authentikVersion?: string;
}

function resolveOptions(options: ValidateOptions): ResolvedOptions {
  const authentikVersion = options.authentikVersion ?? CATALOG_AUTHENTIK_VERSION;
  if (!isVersion(authentikVersion)) {
    throw new StagecraftError(
      'usage',
      `authentikVersion "${authentikVersion}" is not an authentik version; write it as YEAR.MONTH, e.g. 2025.12.`,
      { authentikVersion },
    );
  }

  return { authentikVersion };
}

const TAG_SECTIONS = [
  'model',
  'state',
  'conditions',
  'identifiers',
  'attrs',
  'permissions',
] as const;

function checkEntryTags(
  entry: EntryInput,
  options: ResolvedOptions,
  problems: ProblemCollector,
): void {
  const report = entryReporter(entry, problems);

  for (const section of TAG_SECTIONS) {
    const value = entry[section];
    if (value !== undefined) {
      checkTags(value, section, options, (code, message, path) => report(code, message, path));
    }
  }
}

function runEntryChecks(
  entries: EntryInput[],
  options: ResolvedOptions,
  problems: ProblemCollector,
): void {
  const prepared: PreparedEntry[] = entries.map((entry, order) => ({
    entry,
    order,
    resolution: checkEntry(entry, options, problems),
  }));

  for (const entry of entries) {
    checkEntryTags(entry, options, problems);
  }

  checkReferences(prepared, problems);
}

/** Orders problems by position in the file; problems without a position keep their order. */
function sortProblems(problems: Problem[]): Problem[] {
  return problems
    .map((problem, index) => ({ problem, index }))
    .sort((a, b) => {
      const lineA = a.problem.line ?? Number.MAX_SAFE_INTEGER;
      const lineB = b.problem.line ?? Number.MAX_SAFE_INTEGER;
      if (lineA !== lineB) {
        return lineA - lineB;
      }
      const columnA = a.problem.column ?? 0;
      const columnB = b.problem.column ?? 0;
      return columnA !== columnB ? columnA - columnB : a.index - b.index;
    })
    .map(({ problem }) => problem);
}

/**
 * Validates a blueprint file read into its syntax tree and returns its problems ordered by
 * position. An empty list means nothing was found, not that the server will accept the file:
 * objects on the server, `!Find` results and serializer rules beyond the schema stay unknown.
 */
export function validateDocument(doc: BlueprintDocument, options: ValidateOptions = {}): Problem[] {
  const resolved = resolveOptions(options);
  const problems = new ProblemCollector(doc.file);

  checkDocumentShape(doc, resolved, problems);

  const context = contextFromTree(doc);
  if (context !== undefined) {
    checkTags(context.value, 'context', resolved, (code, message, path) =>
      problems.add(code, message, context.locate(path), { path }),
    );
  }

  runEntryChecks(
    doc.entries.map((entry) => entryFromTree(doc.file, entry)),
    resolved,
    problems,
  );

  return sortProblems(problems.problems);
}

function objectLocation(object: ModelObject): Location {
  const origin = object.origin;
  if (origin === undefined) {
    return {};
  }

  return { file: origin.file, line: origin.line, column: origin.column };
}

function entryFromObject(object: ModelObject, position: number): EntryInput {
  const location = objectLocation(object);
  const entry: EntryInput = {
    index: object.origin?.index ?? position,
    uid: object.uid,
    model: object.model,
    state: object.state,
    identifiers: object.identifiers,
    attrs: object.attrs,
    locate: () => location,
  };

  if (object.id !== undefined) {
    entry.id = object.id;
  }
  if (object.origin !== undefined) {
    entry.idScope = object.origin.file;
  }
  if (object.conditions.length > 0) {
    entry.conditions = object.conditions;
  }
  if (object.permissions.length > 0) {
    entry.permissions = object.permissions;
  }

  return entry;
}

/**
 * Validates project objects with the entry-level and reference checks of `validateDocument`,
 * in the order given (the order they would be written). Locations come from each object's
 * `origin`; every problem carries the object's `uid`.
 */
export function validateObjects(objects: ModelObject[], options: ValidateOptions = {}): Problem[] {
  const resolved = resolveOptions(options);
  const problems = new ProblemCollector(undefined);

  runEntryChecks(
    objects.map((object, position) => entryFromObject(object, position)),
    resolved,
    problems,
  );

  return problems.problems;
}
