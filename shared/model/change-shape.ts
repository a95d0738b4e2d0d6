/**
 * Shape checks for values, model objects and changes that arrive from outside the type system:
 * rows read back from a project file, or arguments that crossed a process boundary.
 */
import { BLUEPRINT_TAGS } from '../blueprint/tree.js';
import type { ChangeKind, ProjectSettingKey } from './changes.js';

const ENTRY_STATES: readonly string[] = ['present', 'created', 'must_created', 'absent'];
const CHANGE_KINDS: readonly ChangeKind[] = [
  'object.create',
  'object.delete',
  'object.replace',
  'field.set',
  'position.set',
  'project.set',
];
const SETTING_KEYS: readonly ProjectSettingKey[] = ['name', 'authentikVersion', 'description'];
const REQUIRED_SETTINGS: readonly ProjectSettingKey[] = ['name', 'authentikVersion'];
const TAG_NAMES: readonly string[] = BLUEPRINT_TAGS;
const OBJECT_KEYS: readonly string[] = [
  'uid',
  'model',
  'modelTag',
  'id',
  'state',
  'conditions',
  'identifiers',
  'attrs',
  'permissions',
  'extraKeys',
  'comments',
  'origin',
];

type Fields = Record<string, unknown>;

/**
 * Returns why a value is not a valid `Value`, or undefined when it is one. A valid value is made
 * of null, booleans, finite numbers, strings, arrays and plain maps, and a map that uses the
 * reserved key `$ref` or `$tag` must be a well-formed reference or tag.
 */
export function findValueError(value: unknown, path = 'value'): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return undefined;
  }

  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : `${path} is ${value}, not a finite number`;
  }

  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const error = findValueError(item, `${path}[${index}]`);
      if (error !== undefined) {
        return error;
      }
    }
    return undefined;
  }

  if (!isPlainMap(value)) {
    return `${path} is ${describeType(value)}, not a JSON value`;
  }

  return findMapValueError(value, path);
}

function findMapValueError(map: Fields, path: string): string | undefined {
  if (Object.hasOwn(map, '$ref')) {
    const keys = Object.keys(map);
    if (typeof map.$ref !== 'string' || keys.length !== 1) {
      return `${path} uses the reserved key $ref but is not a reference {"$ref": uid}`;
    }
    return undefined;
  }

  if (Object.hasOwn(map, '$tag')) {
    const keys = Object.keys(map);
    if (typeof map.$tag !== 'string' || !TAG_NAMES.includes(map.$tag)) {
      return `${path} names an unknown blueprint tag ${JSON.stringify(map.$tag)}`;
    }
    if (keys.length !== 2 || !Object.hasOwn(map, 'value')) {
      return `${path} uses the reserved key $tag but is not a tag {"$tag", "value"}`;
    }
    return findValueError(map.value, `${path}.value`);
  }

  for (const [key, item] of Object.entries(map)) {
    const error = findValueError(item, `${path}.${key}`);
    if (error !== undefined) {
      return error;
    }
  }

  return undefined;
}

/**
 * Returns why a value is not a valid `ModelObject`, or undefined when it is one. Keys that
 * `ModelObject` does not declare are allowed when they hold JSON values, so that objects written
 * by a newer Stagecraft with more fields still read.
 */
export function findObjectError(value: unknown, path = 'object'): string | undefined {
  if (!isPlainMap(value)) {
    return `${path} is ${describeType(value)}, not a map`;
  }

  const checks: (string | undefined)[] = [
    requireText(value, 'uid', path),
    findModelError(value, path),
    value.id === undefined ? undefined : requireString(value, 'id', path),
    findStateError(value.state, `${path}.state`),
    requireList(value, 'conditions', path),
    requireMap(value, 'identifiers', path),
    requireMap(value, 'attrs', path),
    requireList(value, 'permissions', path),
    value.extraKeys === undefined ? undefined : requireMap(value, 'extraKeys', path),
    findCommentsError(value.comments, `${path}.comments`),
    findOriginError(value.origin, `${path}.origin`),
  ];

  for (const [key, item] of Object.entries(value)) {
    if (!OBJECT_KEYS.includes(key) && item !== undefined) {
      checks.push(findValueError(item, `${path}.${key}`));
    }
  }

  return checks.find((error) => error !== undefined);
}

// `model` may be empty only when the entry wrote its model as a tag, kept in `modelTag`.
function findModelError(object: Fields, path: string): string | undefined {
  if (object.modelTag === undefined) {
    return requireText(object, 'model', path);
  }

  const tagError = findTagError(object.modelTag, `${path}.modelTag`);

  return tagError ?? requireString(object, 'model', path);
}

function findTagError(value: unknown, path: string): string | undefined {
  if (!isPlainMap(value) || !Object.hasOwn(value, '$tag')) {
    return `${path} is not a tag`;
  }

  return findValueError(value, path);
}

function findStateError(state: unknown, path: string): string | undefined {
  if (typeof state === 'string') {
    return ENTRY_STATES.includes(state) ? undefined : `${path} is not a blueprint entry state`;
  }

  return findTagError(state, path);
}

function findCommentsError(comments: unknown, path: string): string | undefined {
  if (comments === undefined) {
    return undefined;
  }
  if (!isPlainMap(comments)) {
    return `${path} is not a map`;
  }

  for (const [key, entry] of Object.entries(comments)) {
    const entryPath = `${path}.${key}`;
    if (!isPlainMap(entry)) {
      return `${entryPath} is not a map`;
    }
    const error =
      optionalString(entry, 'before', entryPath) ?? optionalString(entry, 'after', entryPath);
    if (error !== undefined) {
      return error;
    }
  }

  return undefined;
}

function findOriginError(origin: unknown, path: string): string | undefined {
  if (origin === undefined) {
    return undefined;
  }
  if (!isPlainMap(origin)) {
    return `${path} is not a map`;
  }

  const checks = [
    requireString(origin, 'file', path),
    requireInteger(origin, 'line', path),
    requireInteger(origin, 'column', path),
    requireInteger(origin, 'index', path),
    optionalString(origin, 'section', path),
  ];

  return checks.find((error) => error !== undefined);
}

/**
 * Returns why a value is not a valid `Change`, or undefined when it is one. Besides the shape it
 * checks that an `object.replace` keeps the uid and that required project settings stay
 * non-empty.
 */
export function findChangeShapeError(value: unknown, path = 'change'): string | undefined {
  if (!isPlainMap(value)) {
    return `${path} is ${describeType(value)}, not a map`;
  }

  const kind = value.kind;
  if (typeof kind !== 'string' || !(CHANGE_KINDS as readonly string[]).includes(kind)) {
    return `${path}.kind is ${JSON.stringify(kind)}, expected one of ${CHANGE_KINDS.join(', ')}`;
  }

  switch (kind as ChangeKind) {
    case 'object.create':
    case 'object.delete':
      return findObjectError(value.object, `${path}.object`);
    case 'object.replace':
      return findReplaceError(value, path);
    case 'field.set':
      return findFieldSetError(value, path);
    case 'position.set':
      return findPositionSetError(value, path);
    case 'project.set':
      return findProjectSetError(value, path);
  }
}

function findReplaceError(change: Fields, path: string): string | undefined {
  const error =
    requireText(change, 'uid', path) ??
    findObjectError(change.before, `${path}.before`) ??
    findObjectError(change.after, `${path}.after`);
  if (error !== undefined) {
    return error;
  }

  const before = change.before as Fields;
  const after = change.after as Fields;
  if (before.uid !== change.uid || after.uid !== change.uid) {
    return `${path} replaces object "${String(change.uid)}" with objects of another uid`;
  }

  return undefined;
}

function findFieldSetError(change: Fields, path: string): string | undefined {
  const error = requireText(change, 'uid', path) ?? requireText(change, 'field', path);
  if (error !== undefined) {
    return error;
  }

  if (change.section !== 'identifiers' && change.section !== 'attrs') {
    return `${path}.section is ${JSON.stringify(change.section)}, expected identifiers or attrs`;
  }

  for (const side of ['before', 'after']) {
    if (change[side] !== undefined) {
      const valueError = findValueError(change[side], `${path}.${side}`);
      if (valueError !== undefined) {
        return valueError;
      }
    }
  }

  return undefined;
}

function findPositionSetError(change: Fields, path: string): string | undefined {
  const error = requireText(change, 'view', path) ?? requireText(change, 'uid', path);
  if (error !== undefined) {
    return error;
  }

  for (const side of ['before', 'after']) {
    const point = change[side];
    if (point === null) {
      continue;
    }
    if (!isPlainMap(point) || !isFiniteNumber(point.x) || !isFiniteNumber(point.y)) {
      return `${path}.${side} is neither null nor a point {x, y} of finite numbers`;
    }
  }

  return undefined;
}

function findProjectSetError(change: Fields, path: string): string | undefined {
  const key = change.key;
  if (typeof key !== 'string' || !(SETTING_KEYS as readonly string[]).includes(key)) {
    return `${path}.key is ${JSON.stringify(key)}, expected one of ${SETTING_KEYS.join(', ')}`;
  }

  const required = (REQUIRED_SETTINGS as readonly string[]).includes(key);
  for (const side of ['before', 'after']) {
    const error = required ? requireText(change, side, path) : requireString(change, side, path);
    if (error !== undefined) {
      return error;
    }
  }

  return undefined;
}

function requireString(fields: Fields, key: string, path: string): string | undefined {
  return typeof fields[key] === 'string' ? undefined : `${path}.${key} is not a string`;
}

function requireText(fields: Fields, key: string, path: string): string | undefined {
  const value = fields[key];

  return typeof value === 'string' && value !== ''
    ? undefined
    : `${path}.${key} is not a non-empty string`;
}

function optionalString(fields: Fields, key: string, path: string): string | undefined {
  return fields[key] === undefined ? undefined : requireString(fields, key, path);
}

function requireInteger(fields: Fields, key: string, path: string): string | undefined {
  return Number.isInteger(fields[key]) ? undefined : `${path}.${key} is not an integer`;
}

function requireList(fields: Fields, key: string, path: string): string | undefined {
  const value = fields[key];
  if (!Array.isArray(value)) {
    return `${path}.${key} is not a list`;
  }

  return findValueError(value, `${path}.${key}`);
}

function requireMap(fields: Fields, key: string, path: string): string | undefined {
  const value = fields[key];
  if (!isPlainMap(value)) {
    return `${path}.${key} is not a map`;
  }

  return findValueError(value, `${path}.${key}`);
}

function isPlainMap(value: unknown): value is Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return false;
  }

  const prototype = Object.getPrototypeOf(value) as unknown;

  return prototype === Object.prototype || prototype === null;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function describeType(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'a list';
  }

  return typeof value === 'object' ? 'a class instance' : typeof value;
}
