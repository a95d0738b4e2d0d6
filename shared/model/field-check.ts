/**
 * Checks a field value against its catalogue constraints, the way authentik's blueprint JSON
 * schema would. Two differences make it usable on blueprint files. A tag counts as a wildcard,
 * because the server resolves it. A reference to another object of the project is accepted
 * wherever the schema expects a primary key.
 */
import type { FieldSpec, JsonType } from './catalog.js';
import type { Value } from './values.js';
import { isMap, isRef, isTag } from './values.js';

/** Kinds of constraint a value can break. */
export type ValueIssueKind = 'type' | 'choice' | 'range' | 'null' | 'format' | 'required';

/** One broken constraint, at a path relative to the checked value (`''` for the value itself). */
export interface ValueIssue {
  kind: ValueIssueKind;
  path: string;
  message: string;
  /**
   * authentik's REST serializer accepts the value and converts it (Django REST framework turns
   * the number 30 into the text "30" for a text field), although the schema rejects it.
   */
  converted?: boolean;
}

/** Options of a value check. */
export interface CheckValueOptions {
  /**
   * Accept null although the schema does not list it. authentik's schema types nullable foreign
   * keys as plain UUID strings, but their serializers accept null.
   */
  nullable?: boolean;
}

const UUID_PATTERN = /^[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const EMAIL_PATTERN =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/i;
const DATE_TIME_PATTERN =
  /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:?\d{2})$/;

/** The maximum number of choices a message lists before it shortens the list. */
const MAX_LISTED_CHOICES = 12;

/** Tells whether a string is a UUID in the form authentik writes primary keys. */
export function isUuid(text: string): boolean {
  return UUID_PATTERN.test(text);
}

/** Names the JSON type of a plain value. */
export function jsonTypeOf(value: Value): JsonType {
  if (value === null) {
    return 'null';
  }

  if (Array.isArray(value)) {
    return 'array';
  }

  if (typeof value === 'string') {
    return 'string';
  }

  if (typeof value === 'boolean') {
    return 'boolean';
  }

  if (typeof value === 'number') {
    return Number.isInteger(value) ? 'integer' : 'number';
  }

  return 'object';
}

/** Formats a value for a message: short, in YAML-like notation. */
export function describeValue(value: Value): string {
  if (isTag(value)) {
    return `!${value.$tag}`;
  }

  if (isRef(value)) {
    return `a reference to ${value.$ref}`;
  }

  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** Lists the allowed choices of an enum for a message. */
export function describeChoices(choices: readonly unknown[]): string {
  const listed = choices.slice(0, MAX_LISTED_CHOICES).map((choice) => JSON.stringify(choice));
  const rest = choices.length - listed.length;

  return rest > 0 ? `${listed.join(', ')} and ${rest} more` : listed.join(', ');
}

/** Django REST framework's accepted spellings of booleans (`BooleanField.TRUE_VALUES`). */
const TRUE_TEXTS = [
  't',
  'T',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
  '1',
];
const FALSE_TEXTS = [
  'f',
  'F',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
  '0',
];

/** Python's `str()` of a scalar, which Django REST framework applies before matching choices. */
function pythonText(value: string | number | boolean): string {
  if (typeof value === 'boolean') {
    return value ? 'True' : 'False';
  }

  return String(value);
}

/**
 * Converts a value of the wrong JSON type the way Django REST framework does, or returns
 * undefined when the serializer rejects it too. Numbers become text in text fields and match
 * text choices after Python's `str()`. Numeric or boolean-like text becomes a number or a
 * boolean.
 */
export function convertValue(value: Value, spec: FieldSpec): Value | undefined {
  if ((typeof value === 'number' || typeof value === 'boolean') && spec.type.includes('string')) {
    const text = pythonText(value);
    if (spec.enum !== undefined) {
      return spec.enum.includes(text) ? text : undefined;
    }
    return typeof value === 'number' && spec.format === undefined ? text : undefined;
  }

  if (typeof value !== 'string') {
    return undefined;
  }

  if (spec.type.includes('boolean')) {
    if (TRUE_TEXTS.includes(value)) {
      return true;
    }
    return FALSE_TEXTS.includes(value) ? false : undefined;
  }

  if (spec.type.includes('integer') && /^\s*-?\d+(\.0*)?\s*$/.test(value)) {
    return Number.parseInt(value, 10);
  }

  if (spec.type.includes('number') && value.trim() !== '' && !Number.isNaN(Number(value))) {
    return Number(value);
  }

  return undefined;
}

function typeMatches(actual: JsonType, allowed: JsonType[]): boolean {
  if (allowed.length === 0 || allowed.includes(actual)) {
    return true;
  }

  return actual === 'integer' && allowed.includes('number');
}

/** Tells whether a field holds primary keys of other objects, as the schema types references. */
export function isKeySpec(spec: FieldSpec): boolean {
  return spec.format === 'uuid' || spec.type.includes('integer');
}

function checkString(text: string, spec: FieldSpec, path: string): ValueIssue[] {
  const issues: ValueIssue[] = [];
  const length = [...text].length;

  if (spec.minLength !== undefined && length < spec.minLength) {
    const message =
      spec.minLength === 1
        ? 'must not be empty'
        : `is ${length} characters long, shorter than the minimum of ${spec.minLength}`;
    issues.push({ kind: 'range', path, message });
  }

  if (spec.maxLength !== undefined && length > spec.maxLength) {
    issues.push({
      kind: 'range',
      path,
      message: `is ${length} characters long, longer than the maximum of ${spec.maxLength}`,
    });
  }

  if (spec.pattern !== undefined && !new RegExp(spec.pattern, 'u').test(text)) {
    issues.push({ kind: 'format', path, message: `does not match the pattern ${spec.pattern}` });
  }

  // Without a minimum length the serializer allows blank text, which no format applies to.
  const blankAllowed = text === '' && spec.minLength === undefined;
  const formatMessage = blankAllowed ? undefined : checkFormat(text, spec.format);
  if (formatMessage !== undefined) {
    issues.push({ kind: 'format', path, message: formatMessage });
  }

  return issues;
}

function checkFormat(text: string, format: string | undefined): string | undefined {
  switch (format ?? '') {
    case 'uuid':
      return isUuid(text) ? undefined : `${JSON.stringify(text)} is not a UUID`;
    case 'email':
      return EMAIL_PATTERN.test(text)
        ? undefined
        : `${JSON.stringify(text)} is not an email address`;
    case 'date-time':
      return DATE_TIME_PATTERN.test(text)
        ? undefined
        : `${JSON.stringify(text)} is not an ISO 8601 date and time`;
    default:
      return undefined;
  }
}

function checkNumber(value: number, spec: FieldSpec, path: string): ValueIssue[] {
  if (spec.minimum !== undefined && value < spec.minimum) {
    return [{ kind: 'range', path, message: `${value} is below the minimum of ${spec.minimum}` }];
  }

  if (spec.maximum !== undefined && value > spec.maximum) {
    return [{ kind: 'range', path, message: `${value} is above the maximum of ${spec.maximum}` }];
  }

  return [];
}

function joinPath(base: string, segment: string | number): string {
  return base === '' ? String(segment) : `${base}/${segment}`;
}

/**
 * Checks a value against a field's constraints and returns every broken one; an empty list
 * means the value fits. Tags always fit; references fit fields that hold primary keys.
 */
export function checkValue(
  value: Value,
  spec: FieldSpec,
  options: CheckValueOptions = {},
  path = '',
): ValueIssue[] {
  if (isTag(value)) {
    return [];
  }

  if (isRef(value)) {
    return isKeySpec(spec) || spec.type.length === 0
      ? []
      : [{ kind: 'type', path, message: `expects ${spec.type.join(' or ')}, not a reference` }];
  }

  if (value === null) {
    const nullable = spec.type.length === 0 || spec.type.includes('null') || options.nullable;
    return nullable || spec.enum?.includes(null) === true
      ? []
      : [{ kind: 'null', path, message: 'may not be null' }];
  }

  const actual = jsonTypeOf(value);
  if (!typeMatches(actual, spec.type)) {
    const converted = convertValue(value, spec);
    const issue: ValueIssue = {
      kind: 'type',
      path,
      message: `expects ${spec.type.join(' or ')}, found ${actual} ${describeValue(value)}`,
    };
    if (converted !== undefined) {
      issue.message += `; authentik converts it to ${describeValue(converted)}`;
      issue.converted = true;
    }
    return [issue];
  }

  if (spec.enum !== undefined && !spec.enum.includes(value as string | number | boolean)) {
    return [
      {
        kind: 'choice',
        path,
        message: `${describeValue(value)} is not one of ${describeChoices(spec.enum)}`,
      },
    ];
  }

  if (typeof value === 'string') {
    return checkString(value, spec, path);
  }

  if (typeof value === 'number') {
    return checkNumber(value, spec, path);
  }

  if (Array.isArray(value)) {
    return checkArray(value, spec, path);
  }

  if (isMap(value)) {
    return checkObject(value, spec, path);
  }

  return [];
}

// Nested values get no `nullable` override: it covers the field itself, never its items.
function checkArray(items: Value[], spec: FieldSpec, path: string): ValueIssue[] {
  const issues: ValueIssue[] = [];

  if (spec.minItems !== undefined && items.length < spec.minItems) {
    issues.push({
      kind: 'range',
      path,
      message: `has ${items.length} items, fewer than the minimum of ${spec.minItems}`,
    });
  }

  if (spec.maxItems !== undefined && items.length > spec.maxItems) {
    issues.push({
      kind: 'range',
      path,
      message: `has ${items.length} items, more than the maximum of ${spec.maxItems}`,
    });
  }

  const itemSpec = spec.items;
  if (itemSpec !== undefined) {
    items.forEach((item, index) => {
      issues.push(...checkValue(item, itemSpec, {}, joinPath(path, index)));
    });
  }

  return issues;
}

function checkObject(map: Record<string, Value>, spec: FieldSpec, path: string): ValueIssue[] {
  const issues: ValueIssue[] = [];

  for (const name of spec.required ?? []) {
    if (!Object.hasOwn(map, name)) {
      issues.push({ kind: 'required', path, message: `is missing the key \`${name}\`` });
    }
  }

  const properties = spec.properties ?? {};
  for (const [key, inner] of Object.entries(map)) {
    const innerSpec = properties[key];
    if (innerSpec !== undefined && inner !== undefined) {
      issues.push(...checkValue(inner, innerSpec, {}, joinPath(path, key)));
    }
  }

  return issues;
}
