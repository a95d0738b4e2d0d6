/**
 * Walking references between project objects: which objects an object points at, and which
 * objects of the project a `!Find` tag would find.
 */
import type { ModelObject } from '../../shared/model/object.js';
import type { TagValue, Value } from '../../shared/model/values.js';
import { isMap, isRef, isTag } from '../../shared/model/values.js';

/** Collects the uids of every reference inside a value. */
export function collectRefs(value: Value, into: Set<string> = new Set()): Set<string> {
  if (isRef(value)) {
    into.add(value.$ref);
  } else if (isTag(value)) {
    collectRefs(value.value, into);
  } else if (Array.isArray(value)) {
    for (const item of value) {
      collectRefs(item, into);
    }
  } else if (isMap(value)) {
    for (const item of Object.values(value)) {
      collectRefs(item, into);
    }
  }

  return into;
}

/** Collects the uids an object references through its identifiers, attrs and conditions. */
export function objectRefs(object: ModelObject): Set<string> {
  const refs = new Set<string>();
  for (const value of Object.values(object.identifiers)) {
    collectRefs(value, refs);
  }
  for (const value of Object.values(object.attrs)) {
    collectRefs(value, refs);
  }
  for (const value of object.conditions) {
    collectRefs(value, refs);
  }

  return refs;
}

/** Returns a field's value as authentik would write it, where identifiers win over attrs. */
export function fieldValue(object: ModelObject, field: string): Value | undefined {
  return field in object.identifiers ? object.identifiers[field] : object.attrs[field];
}

/**
 * Returns the project objects a `!Find [model, [field, value], ...]` tag matches. A tag whose
 * arguments are themselves tags cannot be matched offline and matches nothing.
 */
export function findMatches(tagValue: TagValue, objects: ModelObject[]): ModelObject[] {
  const args = tagValue.value;
  if (!Array.isArray(args) || typeof args[0] !== 'string') {
    return [];
  }

  const model = args[0].toLowerCase();
  const pairs: [string, Value][] = [];
  for (const pair of args.slice(1)) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
      return [];
    }
    if (isTag(pair[1])) {
      return [];
    }
    pairs.push([pair[0], pair[1] as Value]);
  }

  return objects.filter(
    (object) =>
      object.model.toLowerCase() === model &&
      pairs.every(([field, expected]) => {
        const actual = fieldValue(object, field);
        return actual !== undefined && JSON.stringify(actual) === JSON.stringify(expected);
      }),
  );
}

/** Returns the uid a field refers to, when the field contains a reference. */
export function refField(object: ModelObject, field: string): string | undefined {
  const value = fieldValue(object, field);

  return isRef(value) ? value.$ref : undefined;
}

/** Returns the text of a field, or `""` when it is absent or not text. */
export function textField(object: ModelObject, field: string): string {
  const value = fieldValue(object, field);

  return typeof value === 'string' ? value : '';
}
