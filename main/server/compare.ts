/**
 * Comparing project objects with the objects of a server, the way authentik's importer would
 * meet them. An entry finds the server's object by `pk` or by all its other identifiers. A
 * present entry writes only the fields it lists (identifiers merged over attrs), so a field the
 * project leaves out is no difference, and a server object the project does not mention stays.
 *
 * Values are compared as canonical text. A reference on either side becomes the target's model
 * and natural key (`slug`, `name`, ...), or for bindings the fields that identify them, so a
 * reference in the project equals the server's primary key of the same object. A `!Find` by one
 * natural key compares like a reference; other tags only the server can resolve.
 */
import { modelNameOf, naturalKeyOf } from '../../shared/model/natural-key.js';
import type { ModelObject } from '../../shared/model/object.js';
import { isRef, isTag } from '../../shared/model/values.js';
import type { Value } from '../../shared/model/values.js';
import type { FieldDifference, ObjectDifference } from '../../shared/server/types.js';

const STAGE_BINDING_MODEL = 'authentik_flows.flowstagebinding';
const POLICY_BINDING_MODEL = 'authentik_policies.policybinding';

/** The maximum depth of references followed through objects without natural key (binding → binding). */
const MAX_REFERENCE_DEPTH = 3;

/** Finds an object of the same side by uid. */
export type ObjectLookup = (uid: string) => ModelObject | undefined;

/** The fields identifying objects that have no natural key, as authentik's exporter writes them. */
const IDENTITY_FIELDS: Record<string, string[]> = {
  [STAGE_BINDING_MODEL]: ['target', 'stage', 'order'],
  [POLICY_BINDING_MODEL]: ['target', 'policy', 'group', 'user', 'order'],
};

/** Returns the fields authentik writes for an entry: attrs, then identifiers over them, without `pk`. */
export function writtenFields(object: ModelObject): Record<string, Value> {
  const { pk: _pk, ...fields } = { ...object.attrs, ...object.identifiers };

  return fields;
}

function identityText(object: ModelObject, lookup: ObjectLookup, depth: number): string {
  const key = naturalKeyOf(object);
  if (key !== undefined) {
    return `${key.field}=${JSON.stringify(key.value)}`;
  }

  const fields = writtenFields(object);
  const names =
    IDENTITY_FIELDS[object.model] ??
    Object.keys(object.identifiers).filter((name) => name !== 'pk');
  const parts = names
    .filter((name) => fields[name] !== undefined && fields[name] !== null)
    .sort()
    .map((name) => `${name}=${canonicalValue(fields[name]!, lookup, depth + 1) ?? '?'}`);

  return parts.join(',');
}

/** A `!Find` by one natural key: `!Find [model, [field, key]]`. */
interface SimpleFind {
  model: string;
  field: string;
  key: string | number;
}

/** Reads a `!Find [model, [field, key]]`; returns undefined for other values and lookups. */
function simpleFind(value: Value): SimpleFind | undefined {
  if (!isTag(value) || value.$tag !== 'Find' || !Array.isArray(value.value)) {
    return undefined;
  }

  const [model, pair, ...rest] = value.value;
  if (typeof model !== 'string' || rest.length > 0 || !Array.isArray(pair) || pair.length !== 2) {
    return undefined;
  }
  const [field, key] = pair;
  if (typeof field !== 'string' || (typeof key !== 'string' && typeof key !== 'number')) {
    return undefined;
  }

  return { model: model.toLowerCase(), field, key };
}

/** Returns the canonical text of a `!Find` by one natural key, or undefined for other values. */
function findText(value: Value): string | undefined {
  const find = simpleFind(value);

  return find === undefined
    ? undefined
    : `→${find.model}{${find.field}=${JSON.stringify(find.key)}}`;
}

/**
 * Returns the canonical text of a value, or undefined when it contains a tag that only the
 * server resolves. Lists of references are sorted, because authentik stores them as sets.
 */
export function canonicalValue(value: Value, lookup: ObjectLookup, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object') {
    return JSON.stringify(value);
  }

  if (isRef(value)) {
    const target = lookup(value.$ref);
    if (target === undefined || depth > MAX_REFERENCE_DEPTH) {
      return `→?${value.$ref}`;
    }
    return `→${target.model}{${identityText(target, lookup, depth)}}`;
  }

  if (isTag(value)) {
    return findText(value);
  }

  if (Array.isArray(value)) {
    const items = value.map((item) => canonicalValue(item, lookup, depth));
    if (items.some((item) => item === undefined)) {
      return undefined;
    }
    const texts = items as string[];
    const references = texts.length > 0 && texts.every((item) => item.startsWith('→'));
    return `[${(references ? [...texts].sort() : texts).join(',')}]`;
  }

  const entries: string[] = [];
  for (const key of Object.keys(value).sort()) {
    const item = canonicalValue((value as Record<string, Value>)[key]!, lookup, depth);
    if (item === undefined) {
      return undefined;
    }
    entries.push(`${JSON.stringify(key)}:${item}`);
  }
  return `{${entries.join(',')}}`;
}

/** Formats a value for people: references as `stage "name"`, tags as YAML-like text. */
export function displayValue(value: Value, lookup: ObjectLookup): string {
  if (value === null || typeof value !== 'object') {
    return typeof value === 'string' ? value : JSON.stringify(value);
  }

  if (isRef(value)) {
    const target = lookup(value.$ref);
    return target === undefined ? `→ (unknown object)` : `→ ${objectLabel(target, lookup)}`;
  }

  if (isTag(value)) {
    const argument = Array.isArray(value.value)
      ? `[${value.value.map((item) => displayValue(item, lookup)).join(', ')}]`
      : displayValue(value.value, lookup);
    return `!${value.$tag} ${argument}`;
  }

  if (Array.isArray(value)) {
    return `[${value.map((item) => displayValue(item, lookup)).join(', ')}]`;
  }

  const entries = Object.entries(value).map(
    ([key, item]) => `${key}: ${displayValue(item, lookup)}`,
  );
  return `{${entries.join(', ')}}`;
}

/** Names an object for people: `stage "name"`, or a binding by what it binds. */
export function objectLabel(object: ModelObject, lookup: ObjectLookup): string {
  const modelName = modelNameOf(object.model);
  const key = naturalKeyOf(object);
  if (key !== undefined) {
    return `${modelName} "${key.value}"`;
  }

  return `${modelName} ${bindingName(object, lookup)}`.trim();
}

/** Returns the name an object has in a diff: the natural key, or what a binding binds to what. */
export function objectName(object: ModelObject, lookup: ObjectLookup): string {
  const key = naturalKeyOf(object);

  return key === undefined ? bindingName(object, lookup) : String(key.value);
}

function bindingName(object: ModelObject, lookup: ObjectLookup): string {
  const fields = writtenFields(object);
  const nameOf = (value: Value | undefined): string => {
    const find = value === undefined ? undefined : simpleFind(value);
    if (find !== undefined) {
      return String(find.key);
    }
    if (isRef(value)) {
      const target = lookup(value.$ref);
      const key = target === undefined ? undefined : naturalKeyOf(target);
      return key === undefined ? '?' : String(key.value);
    }
    return value === undefined || value === null ? '?' : displayValue(value, lookup);
  };

  if (object.model === STAGE_BINDING_MODEL) {
    return `${nameOf(fields.stage)} in ${nameOf(fields.target)} (order ${nameOf(fields.order)})`;
  }
  if (object.model === POLICY_BINDING_MODEL) {
    const subject = fields.policy ?? fields.group ?? fields.user;
    const target = lookup(isRef(fields.target) ? fields.target.$ref : '');
    const targetName = target === undefined ? nameOf(fields.target) : objectName(target, lookup);
    return `${nameOf(subject)} on ${targetName}, order ${nameOf(fields.order)}`;
  }

  return Object.entries(fields)
    .slice(0, 3)
    .map(([field, value]) => `${field}=${displayValue(value, lookup)}`)
    .join(', ');
}

/** The two sides of a comparison, each with its own lookup. */
export interface CompareSides {
  local: ModelObject[];
  localLookup: ObjectLookup;
  remote: ModelObject[];
  remoteLookup: ObjectLookup;
}

/** Finds the server object an entry would update: by `pk`, or by all other identifiers. */
export function findRemoteMatch(object: ModelObject, sides: CompareSides): ModelObject | undefined {
  const candidates = sides.remote.filter((remote) => remote.model === object.model);
  const pk = object.identifiers.pk;
  if (typeof pk === 'string' || typeof pk === 'number') {
    const byPk = candidates.find((remote) => remote.identifiers.pk === pk);
    if (byPk !== undefined) {
      return byPk;
    }
  }

  const identifiers = Object.entries(object.identifiers).filter(([field]) => field !== 'pk');
  if (identifiers.length === 0) {
    return undefined;
  }

  const wanted: [string, string][] = [];
  for (const [field, value] of identifiers) {
    const text = canonicalValue(value, sides.localLookup);
    if (text === undefined) {
      return undefined;
    }
    wanted.push([field, text]);
  }

  return candidates.find((remote) => {
    const fields = writtenFields(remote);
    return wanted.every(([field, text]) => {
      const value = fields[field];
      return value !== undefined && canonicalValue(value, sides.remoteLookup) === text;
    });
  });
}

/** Compares one project object with the server object it matches. */
export function compareFields(
  object: ModelObject,
  remote: ModelObject,
  sides: CompareSides,
): { fields: FieldDifference[]; unresolved: string[] } {
  const remoteFields = writtenFields(remote);
  const fields: FieldDifference[] = [];
  const unresolved: string[] = [];

  for (const [field, value] of Object.entries(writtenFields(object))) {
    const local = canonicalValue(value, sides.localLookup);
    if (local === undefined) {
      unresolved.push(field);
      continue;
    }

    const serverValue = remoteFields[field];
    if (serverValue === undefined) {
      fields.push({ field, server: null, local: displayValue(value, sides.localLookup) });
      continue;
    }
    if (canonicalValue(serverValue, sides.remoteLookup) !== local) {
      fields.push({
        field,
        server: displayValue(serverValue, sides.remoteLookup),
        local: displayValue(value, sides.localLookup),
      });
    }
  }

  return { fields, unresolved };
}

/**
 * Compares a matched pair by the entry's state: `absent` deletes, `created` keeps the server's
 * object as it is, and `present` (or a state only the server resolves) updates listed fields.
 */
export function compareMatched(
  object: ModelObject,
  remote: ModelObject,
  sides: CompareSides,
): ObjectDifference {
  const base = {
    model: object.model,
    name: objectName(object, sides.localLookup),
    uid: object.uid,
  };

  if (object.state === 'absent') {
    return { ...base, status: 'delete', fields: [], unresolved: [] };
  }
  if (object.state === 'created') {
    return { ...base, status: 'kept', fields: [], unresolved: [] };
  }

  const { fields, unresolved } = compareFields(object, remote, sides);
  return { ...base, status: fields.length > 0 ? 'change' : 'same', fields, unresolved };
}

/** Lists an unmatched project object as created (or, for `absent`, as nothing to do). */
export function describeUnmatched(object: ModelObject, sides: CompareSides): ObjectDifference {
  const unresolved = Object.entries(writtenFields(object))
    .filter(([, value]) => canonicalValue(value, sides.localLookup) === undefined)
    .map(([field]) => field);

  return {
    status: object.state === 'absent' ? 'same' : 'create',
    model: object.model,
    name: objectName(object, sides.localLookup),
    uid: object.uid,
    fields: [],
    unresolved,
  };
}
