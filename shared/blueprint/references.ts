/**
 * References that authentik resolves against the database but that can be resolved within one
 * file: hard-coded primary keys of exported blueprints and `!Find` lookups of entries.
 */
import type { ModelObject } from '../model/object.js';
import { isMap, isRef, isTag, ref } from '../model/values.js';
import type { TagValue, Value } from '../model/values.js';
import { setOwnValue } from './tree-values.js';

/** Primary keys written in `identifiers.pk` of earlier entries, mapped to their object's uid. */
export type PrimaryKeyTable = Map<string | number, string>;

/**
 * Replaces values equal to a recorded primary key with references, where authentik's importer
 * substitutes them (`Importer.__update_pks_for_attrs`): top-level values of identifiers and
 * attrs, items of a list value and values of a map value. Deeper values stay as written. The
 * entry's own `pk` identifier is left alone.
 */
export function remapPrimaryKeys(object: ModelObject, primaryKeys: PrimaryKeyTable): void {
  if (primaryKeys.size === 0) {
    return;
  }

  const remap = (value: Value): Value => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      return value;
    }
    const target = primaryKeys.get(value);
    return target === undefined ? value : ref(target);
  };

  for (const fields of [object.identifiers, object.attrs]) {
    for (const [key, value] of Object.entries(fields)) {
      if (fields === object.identifiers && key === 'pk') {
        continue;
      }

      if (Array.isArray(value)) {
        setOwnValue(fields, key, value.map(remap));
      } else if (isMap(value)) {
        for (const [innerKey, inner] of Object.entries(value)) {
          setOwnValue(value, innerKey, remap(inner));
        }
      } else {
        setOwnValue(fields, key, remap(value));
      }
    }
  }
}

/**
 * Replaces every `!Find [model, [field, value], ...]` whose conditions match exactly one object
 * of the file with a reference to it. A condition matches when the object has the field, in its
 * identifiers or else its attrs, with an equal value. Conditions with Django lookups
 * (`slug__iexact`), several matches and objects marked `absent` leave the tag for the server.
 */
export function resolveFinds(objects: ModelObject[]): void {
  const byModel = new Map<string, ModelObject[]>();
  for (const object of objects) {
    if (object.state === 'absent') {
      continue;
    }
    const list = byModel.get(object.model) ?? [];
    list.push(object);
    byModel.set(object.model, list);
  }

  const replace = (value: Value): Value => {
    if (Array.isArray(value)) {
      return value.map(replace);
    }

    if (isTag(value)) {
      const target = value.$tag === 'Find' ? findTarget(value, byModel) : undefined;
      return target === undefined ? { $tag: value.$tag, value: replace(value.value) } : ref(target);
    }

    if (isMap(value)) {
      for (const [key, inner] of Object.entries(value)) {
        setOwnValue(value, key, replace(inner));
      }
    }

    return value;
  };

  for (const object of objects) {
    for (const fields of [object.identifiers, object.attrs]) {
      for (const [key, value] of Object.entries(fields)) {
        setOwnValue(fields, key, replace(value));
      }
    }
    object.conditions = object.conditions.map(replace);
    object.permissions = object.permissions.map(replace);
  }
}

function findTarget(find: TagValue, byModel: Map<string, ModelObject[]>): string | undefined {
  const [model, ...pairs] = Array.isArray(find.value) ? find.value : [];
  if (typeof model !== 'string' || pairs.length === 0) {
    return undefined;
  }

  const conditions: Array<[string, Value]> = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
      return undefined;
    }
    const [field, expected] = pair as [string, Value];
    if (field.includes('__') || isTag(expected)) {
      return undefined;
    }
    conditions.push([field, expected]);
  }

  const candidates = byModel.get(model.toLowerCase()) ?? [];
  const matches = candidates.filter((object) =>
    conditions.every(([field, expected]) => {
      const actual = object.identifiers[field] ?? object.attrs[field];
      return actual !== undefined && valuesEqual(actual, expected);
    }),
  );

  return matches.length === 1 ? matches[0]?.uid : undefined;
}

/** Compares two values structurally; references are equal when they name the same object. */
export function valuesEqual(left: Value, right: Value): boolean {
  if (left === right) {
    return true;
  }

  if (typeof left !== 'object' || typeof right !== 'object' || left === null || right === null) {
    return Number.isNaN(left) && Number.isNaN(right);
  }

  if (Array.isArray(left) || Array.isArray(right)) {
    return (
      Array.isArray(left) &&
      Array.isArray(right) &&
      left.length === right.length &&
      left.every((item, index) => valuesEqual(item, right[index] as Value))
    );
  }

  if (isRef(left) || isRef(right)) {
    return isRef(left) && isRef(right) && left.$ref === right.$ref;
  }

  const leftKeys = Object.keys(left);
  const rightRecord = right as Record<string, Value>;
  return (
    leftKeys.length === Object.keys(right).length &&
    leftKeys.every(
      (key) =>
        Object.hasOwn(right, key) &&
        valuesEqual((left as Record<string, Value>)[key] as Value, rightRecord[key] as Value),
    )
  );
}
