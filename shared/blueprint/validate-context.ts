/**
 * The shared shapes of the validator: one entry prepared for the checks (from a blueprint file
 * or from a project object), problem locations, and the collector the checks report to.
 */
import type { EntryState } from '../model/object.js';
import type { Value } from '../model/values.js';
import { isTag } from '../model/values.js';
import { PROBLEM_CODES } from './problems.js';
import type { Problem, ProblemCode, Severity } from './problems.js';

/** Location of a problem in a file. */
export interface Location {
  file?: string;
  line?: number;
  column?: number;
}

/** Part of a `key: value` pair that a location points at. */
export type LocationPart = 'key' | 'value';

/**
 * One entry prepared for validation. Values are plain model values: tags stay `TagValue`s and,
 * for project objects, references are `RefValue`s.
 */
export interface EntryInput {
  /** Index of the entry in its file, counting across sections. */
  index: number;
  /** Project object uid, when validating objects. */
  uid?: string;
  /** The `model` value as written, or undefined when the entry has none. */
  model?: Value;
  id?: Value;
  /**
   * The blueprint file a project object was imported from. authentik resolves `!KeyOf` within
   * one file, so ids only clash with ids of the same file. Undefined for a document's entries
   * and for objects created in Stagecraft.
   */
  idScope?: string;
  /** The `state` value as written; undefined means the default `present`. */
  state?: Value;
  /** Undefined when the entry has no `conditions`. */
  conditions?: Value;
  identifiers?: Value;
  attrs?: Value;
  permissions?: Value;
  /** Location of a slash-separated path inside the entry (`attrs/name`, `identifiers`). */
  locate(path: string, part?: LocationPart): Location;
}

/** Returns the effective state of an entry: a known state, `tag` when a tag decides, or `invalid`. */
export function entryState(entry: EntryInput): EntryState | 'tag' | 'invalid' {
  if (entry.state === undefined) {
    return 'present';
  }

  if (isTag(entry.state)) {
    return 'tag';
  }

  const states: readonly string[] = ['present', 'created', 'must_created', 'absent'];
  return typeof entry.state === 'string' && states.includes(entry.state)
    ? (entry.state as EntryState)
    : 'invalid';
}

/** Tells whether an entry has conditions that may make authentik skip it. */
export function hasConditions(entry: EntryInput): boolean {
  if (entry.conditions === undefined || entry.conditions === null) {
    return false;
  }

  return !Array.isArray(entry.conditions) || entry.conditions.length > 0;
}

/** Options the checks read, with defaults applied. */
export interface ResolvedOptions {
  authentikVersion: string;
}

/** Extra fields of a problem beyond code, message and location. */
export interface ProblemDetails {
  severity?: Severity;
  entry?: number;
  uid?: string;
  model?: string;
  path?: string;
}

/** Collects problems in the order the checks find them. */
export class ProblemCollector {
  readonly problems: Problem[] = [];

  constructor(readonly file: string | undefined) {}

  /** Records a problem with the severity of its code unless `details.severity` overrides it. */
  add(code: ProblemCode, message: string, location: Location, details: ProblemDetails = {}): void {
    const problem: Problem = {
      code,
      severity: details.severity ?? PROBLEM_CODES[code].severity,
      message,
    };

    const file = location.file ?? this.file;
    if (file !== undefined) {
      problem.file = file;
    }
    if (location.line !== undefined) {
      problem.line = location.line;
    }
    if (location.column !== undefined) {
      problem.column = location.column;
    }
    if (details.entry !== undefined) {
      problem.entry = details.entry;
    }
    if (details.uid !== undefined) {
      problem.uid = details.uid;
    }
    if (details.model !== undefined) {
      problem.model = details.model;
    }
    if (details.path !== undefined) {
      problem.path = details.path;
    }

    this.problems.push(problem);
  }

  /** Records a problem about one entry, at a path inside it. */
  addForEntry(
    code: ProblemCode,
    message: string,
    entry: EntryInput,
    path: string,
    options: { part?: LocationPart; severity?: Severity } = {},
  ): void {
    const details: ProblemDetails = { entry: entry.index, path };
    if (options.severity !== undefined) {
      details.severity = options.severity;
    }
    if (entry.uid !== undefined) {
      details.uid = entry.uid;
    }
    if (typeof entry.model === 'string') {
      details.model = entry.model.toLowerCase();
    }

    this.add(code, message, entry.locate(path, options.part), details);
  }
}

/** Names an entry in messages: `entry 3 (authentik_flows.flow)`. */
export function describeEntry(entry: EntryInput): string {
  const model = typeof entry.model === 'string' ? ` (${entry.model})` : '';

  return `entry ${entry.index}${model}`;
}
