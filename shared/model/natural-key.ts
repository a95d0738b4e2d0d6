/**
 * Natural keys: the human-readable field that identifies an object across authentik instances,
 * used for `!Find` lookups, generated entry ids and environment variable names.
 */
import type { ModelObject } from './object.js';
import type { Value } from './values.js';

/** A field and its value that identify an object, e.g. `slug: default-authentication-flow`. */
export interface NaturalKey {
  field: string;
  value: string | number;
}

/**
 * Candidate fields, most specific first. Flows, sources and applications have a unique `slug`,
 * users a unique `username`, brands and tenant domains a `domain`, and tokens an `identifier`.
 * Stages, policies, prompts, groups, roles, providers and mappings have a unique `name`.
 * Prompts are looked up by `name` too, not by `field_key`, which several prompts may share.
 */
const NATURAL_KEY_FIELDS = ['slug', 'username', 'domain', 'identifier', 'name'] as const;

/**
 * Returns the natural key of an object: the first candidate field with a plain text or number
 * value, looked up in the identifiers before the attrs (authentik writes identifiers over attrs).
 */
export function naturalKeyOf(object: ModelObject): NaturalKey | undefined {
  for (const field of NATURAL_KEY_FIELDS) {
    const value = plainKeyValue(object.identifiers[field] ?? object.attrs[field]);
    if (value !== undefined) {
      return { field, value };
    }
  }

  return undefined;
}

function plainKeyValue(value: Value | undefined): string | number | undefined {
  if (typeof value === 'string' && value !== '') {
    return value;
  }

  return typeof value === 'number' ? value : undefined;
}

/** Returns the model part of `app_label.modelname`, e.g. `flow` for `authentik_flows.flow`. */
export function modelNameOf(model: string): string {
  const dot = model.lastIndexOf('.');
  return dot < 0 ? model : model.slice(dot + 1);
}
