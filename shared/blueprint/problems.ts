/**
 * Validation problems of blueprints and projects. Each code is stable; messages name the value
 * and the fix; locations are file:line:column where the problem came from a file.
 */

/** How serious a problem is: `error` fails authentik's import, `warning` imports but is likely wrong. */
export type Severity = 'error' | 'warning' | 'info';

/** Every problem code with its severity and a one-line summary for documentation. */
export const PROBLEM_CODES = {
  'version-missing': {
    severity: 'warning',
    summary: 'No `version`; authentik assumes 1 but the schema requires it.',
  },
  'version-unsupported': { severity: 'error', summary: '`version` is not 1.' },
  'metadata-name-missing': { severity: 'error', summary: '`metadata` has no `name`.' },
  'label-not-string': { severity: 'error', summary: 'A metadata label value is not a string.' },
  'top-level-key-unknown': {
    severity: 'warning',
    summary: 'A top-level key that authentik ignores.',
  },
  'entries-missing': { severity: 'error', summary: 'The file has no `entries`.' },
  'entries-shape': {
    severity: 'error',
    summary: '`entries` is neither a list nor a map of lists.',
  },
  'entry-shape': { severity: 'error', summary: 'An entry is not a map.' },
  'entry-key-unknown': {
    severity: 'warning',
    summary: 'An entry key that authentik silently ignores.',
  },
  'model-missing': { severity: 'error', summary: 'An entry has no `model`.' },
  'model-unknown': {
    severity: 'error',
    summary: 'The model does not exist in the target authentik version.',
  },
  'model-not-allowed': { severity: 'error', summary: 'The model cannot be used in blueprints.' },
  'model-case': { severity: 'warning', summary: 'The model name is not lower case.' },
  'state-invalid': {
    severity: 'error',
    summary: '`state` is not one of present, created, must_created, absent.',
  },
  'identifiers-missing': {
    severity: 'error',
    summary: 'An entry of a non-meta model has no identifiers.',
  },
  'field-unknown': {
    severity: 'warning',
    summary: 'A field the model does not have; authentik ignores it.',
  },
  'field-type': { severity: 'error', summary: 'A field value has the wrong type.' },
  'field-choice': {
    severity: 'error',
    summary: 'A field value is not one of the allowed choices.',
  },
  'field-range': {
    severity: 'error',
    summary: 'A field value is too long, too short, too small or too large.',
  },
  'field-required': {
    severity: 'error',
    summary: 'A field required to create the object is missing.',
  },
  'field-null': { severity: 'error', summary: 'A field that may not be null is null.' },
  'identifier-belongs-in-attrs': {
    severity: 'warning',
    summary: 'An identifier that should be an attribute.',
  },
  'id-duplicate': {
    severity: 'warning',
    summary: 'Two entries share an `id`; the first one wins.',
  },
  'keyof-unknown': { severity: 'error', summary: '`!KeyOf` names an id no entry has.' },
  'keyof-forward': { severity: 'error', summary: '`!KeyOf` names an entry further down the file.' },
  'keyof-absent': { severity: 'error', summary: '`!KeyOf` names an entry with `state: absent`.' },
  'keyof-conditional': {
    severity: 'warning',
    summary: '`!KeyOf` names an entry that has conditions and may be skipped.',
  },
  'tag-argument': { severity: 'error', summary: 'A tag has arguments of the wrong shape.' },
  'tag-context': { severity: 'error', summary: 'A tag is used where authentik cannot resolve it.' },
  'env-scalar-comma': {
    severity: 'warning',
    summary: '`!Env NAME, default` is read as one variable name.',
  },
  'env-default-null': {
    severity: 'warning',
    summary:
      '`!Env [NAME, null]` on a field that may not be null fails when the variable is unset.',
  },
  'tag-default-unresolved': {
    severity: 'warning',
    summary: 'A tag used as the default of `!Env`, `!File` or `!AtIndex` is not resolved.',
  },
  'find-no-match': {
    severity: 'warning',
    summary: '`!Find` matches no object of the file; offline it cannot be resolved.',
  },
  'pk-dangling': {
    severity: 'error',
    summary: 'A hard-coded primary key matches no object of the file.',
  },
  'secret-plaintext': { severity: 'warning', summary: 'A secret is written as a plain value.' },
  'secret-missing': {
    severity: 'warning',
    summary: 'A required secret is absent; a fresh server rejects the entry.',
  },
  'absent-reapply': {
    severity: 'info',
    summary: 'An absent entry may fail when re-applied on some authentik versions.',
  },
  schema: {
    severity: 'error',
    summary: "The value does not match authentik's blueprint JSON schema.",
  },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

/** A stable problem code. */
export type ProblemCode = keyof typeof PROBLEM_CODES;

/** One validation problem. */
export interface Problem {
  code: ProblemCode;
  severity: Severity;
  /** What is wrong, naming the value, and what to do about it. */
  message: string;
  file?: string;
  line?: number;
  column?: number;
  /** Index of the entry in its file, counting across sections. */
  entry?: number;
  /** The project object the problem concerns, when validating a project. */
  uid?: string;
  model?: string;
  /** Slash-separated path inside the entry, e.g. `attrs/designation`. */
  path?: string;
}

/** Formats a problem as `file:line:column: severity code: message`. */
export function formatProblem(problem: Problem): string {
  const where = [problem.file, problem.line, problem.column].filter((part) => part !== undefined);
  const prefix = where.length > 0 ? `${where.join(':')}: ` : '';

  return `${prefix}${problem.severity} ${problem.code}: ${problem.message}`;
}
