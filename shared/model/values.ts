import type { BlueprintTag } from '../blueprint/tree.js';

/**
 * A reference from one object of the project to another, resolved from `!KeyOf`, from a `!Find`
 * that matches an object of the same file, or from a hard-coded primary key of an exported file.
 * The writer turns it back into `!KeyOf` (target in the file) or `!Find` (target outside it).
 */
export interface RefValue {
  $ref: string;
}

/**
 * A tag kept as written because it needs the server to resolve (`!Env`, `!Context`, `!File`, a
 * `!Find` of an object outside the file) or because it computes a value (`!Format`, `!If`, ...).
 * `value` is the tag's argument: a scalar or a list, itself made of values.
 */
export interface TagValue {
  $tag: BlueprintTag;
  value: Value;
}

/** A plain map of values. The keys `$ref` and `$tag` are reserved for references and tags. */
export interface MapValue {
  [key: string]: Value;
}

/** A field value of a model object. */
export type Value = null | boolean | number | string | Value[] | MapValue | RefValue | TagValue;

/** Tells whether a value is a reference to another object of the project. */
export function isRef(value: Value | undefined): value is RefValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { $ref?: unknown }).$ref === 'string' &&
    Object.keys(value).length === 1
  );
}

/** Tells whether a value is a kept blueprint tag. */
export function isTag(value: Value | undefined): value is TagValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    typeof (value as { $tag?: unknown }).$tag === 'string' &&
    'value' in value &&
    Object.keys(value).length === 2
  );
}

/** Tells whether a value is a plain map (not a reference and not a tag). */
export function isMap(value: Value | undefined): value is MapValue {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !isRef(value) &&
    !isTag(value)
  );
}

/** Creates a reference value. */
export function ref(uid: string): RefValue {
  return { $ref: uid };
}

/** Creates a tag value. */
export function tag(name: BlueprintTag, value: Value): TagValue {
  return { $tag: name, value };
}
