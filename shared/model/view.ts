/**
 * Builds typed views of model objects: the data authentik would write for an entry (attrs
 * deep-merged with identifiers, identifiers winning) completed with the model defaults.
 */
import { StagecraftError } from '../errors.js';
import { getModelSpec } from './catalog.js';
import { checkValue, convertValue } from './field-check.js';
import type { ModelFacts } from './fields.js';
import type { ModelObject } from './object.js';
import type { RefValue, TagValue, Value } from './values.js';
import { isMap } from './values.js';

/** A field value, or a tag that the server resolves when it applies the blueprint. */
export type Field<T> = T | TagValue;

/**
 * A reference field: a reference to an object of the project, a tag (`!Find` of an object
 * outside the project, `!Env`, ...), a hard-coded primary key, or null when cleared.
 */
export type Reference = RefValue | TagValue | string | number | null;

function cloneValue(value: Value): Value {
  if (Array.isArray(value)) {
    return value.map(cloneValue);
  }

  if (typeof value === 'object' && value !== null) {
    const copy: Record<string, Value> = {};
    for (const [key, inner] of Object.entries(value as Record<string, Value>)) {
      copy[key] = cloneValue(inner);
    }
    return copy;
  }

  return value;
}

/**
 * Deep-merges `source` into `target` the way authentik's importer merges identifiers into attrs
 * (deepmerge's `always_merger`): maps merge key by key, lists concatenate, anything else is
 * replaced by the source value.
 */
export function deepMerge(target: Record<string, Value>, source: Record<string, Value>): void {
  for (const [key, value] of Object.entries(source)) {
    const current = target[key];

    if (isMap(current) && isMap(value)) {
      deepMerge(current, value);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      target[key] = [...current, ...value.map(cloneValue)];
    } else {
      target[key] = cloneValue(value);
    }
  }
}

/**
 * Returns the data authentik passes to the serializer for an object: its attrs deep-merged with
 * its identifiers, identifiers winning. `pk` stays out because it selects the row.
 */
export function mergeEntryData(object: ModelObject): Record<string, Value> {
  const data: Record<string, Value> = {};
  deepMerge(data, object.attrs);

  const identifiers = { ...object.identifiers };
  delete identifiers.pk;
  deepMerge(data, identifiers);

  return data;
}

/**
 * Reads the fields of a catalogue model from an object: the merged entry value when it fits
 * the field (tags and references always fit), converted the way authentik's serializer converts
 * it (`"yes"` becomes true), otherwise the model default, otherwise nothing. A value authentik
 * would reject is replaced by the default, because the validator reports it and a view must keep
 * its declared types. Fields outside the catalogue are left out.
 */
export function readView<T>(object: ModelObject, model: string, facts: ModelFacts): T {
  if (object.model !== model) {
    throw new StagecraftError(
      'model-mismatch',
      `Object ${object.uid} is a ${object.model}, not a ${model}; read it with the view of its own model.`,
      { uid: object.uid, model: object.model, expected: model },
    );
  }

  const spec = getModelSpec(model);
  const data = mergeEntryData(object);
  const view: Record<string, Value> = {};

  for (const [field, fieldSpec] of Object.entries(spec?.fields ?? {})) {
    const value = data[field];
    const nullable =
      facts.nullable?.includes(field) === true || facts.references[field]?.nullable === true;

    if (value !== undefined && checkValue(value, fieldSpec, { nullable }).length === 0) {
      view[field] = value;
      continue;
    }

    // Take what authentik's serializer makes of a convertible value (`"yes"` for a boolean).
    const converted = value === undefined ? undefined : convertValue(value, fieldSpec);
    if (converted !== undefined && checkValue(converted, fieldSpec, { nullable }).length === 0) {
      view[field] = converted;
      continue;
    }

    const fallback = facts.defaults[field];
    if (fallback !== undefined) {
      view[field] = cloneValue(fallback);
    }
  }

  // The view interfaces declare the catalogue fields with their defaults, and the loop above
  // keeps only values that fit those fields, so the cast holds.
  return view as unknown as T;
}
