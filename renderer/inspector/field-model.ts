/**
 * The inspector's rules for one field: its control, the reading of typed text as a value, and
 * the problems of a value. The module is pure, so it is tested without a browser.
 */
import type { FieldSpec } from '../../shared/model/catalog.js';
import { checkValue } from '../../shared/model/field-check.js';
import type { ModelFacts, ReferenceSpec } from '../../shared/model/fields.js';
import type { Value } from '../../shared/model/values.js';
import { isRef, isTag } from '../../shared/model/values.js';
import { isScalarList } from './list-model.js';

/** The control a field is edited with. */
export type FieldControl =
  | 'tag'
  | 'reference'
  | 'references'
  | 'choice'
  | 'boolean'
  | 'number'
  | 'text'
  | 'long-text'
  | 'list'
  | 'json';

const LONG_TEXT_FIELDS = new Set(['expression', 'content', 'branding_custom_css', 'template']);

/** Picks the control for a field given its spec, its reference facts and its current value. */
export function controlFor(
  field: string,
  spec: FieldSpec,
  reference: ReferenceSpec | undefined,
  value: Value | undefined,
): FieldControl {
  if (isTag(value)) {
    return 'tag';
  }

  if (reference !== undefined) {
    return reference.many === true ? 'references' : 'reference';
  }

  if (spec.enum !== undefined) {
    return 'choice';
  }

  if (isScalarList(spec)) {
    return 'list';
  }

  const types = spec.type.filter((type) => type !== 'null');
  if (types.length === 1 && types[0] === 'boolean') {
    return 'boolean';
  }
  if (types.length === 1 && (types[0] === 'integer' || types[0] === 'number')) {
    return 'number';
  }
  if (types.length === 1 && types[0] === 'string') {
    return LONG_TEXT_FIELDS.has(field) ? 'long-text' : 'text';
  }

  return 'json';
}

/** Returns the text a control shows for a value. */
export function formatDraft(control: FieldControl, value: Value | undefined): string {
  if (value === undefined) {
    return '';
  }

  // A list field's text is its JSON editor, shown when the value does not fit the list editors.
  if (control === 'json' || control === 'tag' || control === 'list') {
    return JSON.stringify(value, null, 2);
  }

  if (isRef(value)) {
    return value.$ref;
  }

  if (typeof value === 'object') {
    return value === null ? '' : JSON.stringify(value);
  }

  return String(value);
}

/** A typed text read as a value: the value, or why it is not one. */
export type ParsedDraft = { ok: true; value: Value | undefined } | { ok: false; error: string };

/**
 * Reads what the user typed. An empty text removes the field, so the model default applies;
 * numbers must be numbers and JSON fields valid JSON.
 */
export function parseDraft(control: FieldControl, text: string): ParsedDraft {
  if (text.trim() === '' && control !== 'long-text' && control !== 'text') {
    return { ok: true, value: undefined };
  }

  switch (control) {
    case 'number': {
      const value = Number(text);
      return Number.isFinite(value)
        ? { ok: true, value }
        : { ok: false, error: `"${text}" is not a number.` };
    }
    case 'boolean':
      return { ok: true, value: text === 'true' };
    case 'json':
    case 'list':
    case 'tag':
      try {
        return { ok: true, value: JSON.parse(text) as Value };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { ok: false, error: `Invalid JSON: ${reason}` };
      }
    case 'text':
    case 'long-text':
      return { ok: true, value: text === '' ? undefined : text };
    case 'choice':
    case 'reference':
    case 'references':
      return { ok: true, value: text };
  }
}

/**
 * Lists the problems of a field value: broken schema constraints, and a missing value for a
 * field that creating the object requires.
 */
export function fieldProblems(
  field: string,
  spec: FieldSpec,
  facts: ModelFacts | undefined,
  value: Value | undefined,
): string[] {
  if (value === undefined) {
    const required = facts?.requiredOnCreate.includes(field) === true;
    const defaulted = facts?.defaults[field] !== undefined;
    return required && !defaulted
      ? ['Required: authentik cannot create the object without it.']
      : [];
  }

  const nullable =
    facts?.nullable?.includes(field) === true || facts?.references[field]?.nullable === true;

  return checkValue(value, spec, { nullable }).map((issue) =>
    issue.path === '' ? capitalize(issue.message) : `${issue.path}: ${issue.message}`,
  );
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Describes a default value for a placeholder, e.g. `default: any`. */
export function describeDefault(value: Value | undefined): string {
  if (value === undefined) {
    return '';
  }

  return `default: ${typeof value === 'string' ? value : JSON.stringify(value)}`;
}
