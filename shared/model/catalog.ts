/**
 * Typed access to the model catalogue: every model authentik's blueprint JSON schema allows, with
 * the JSON type, choices and limits of each field and the permission codenames of the model.
 * The data comes from `catalog.generated.ts`, written by `scripts/generate-catalog.ts`.
 */
import { MODEL_SPECS, SCHEMA_TITLE, SCHEMA_VERSION } from './catalog.generated.js';

/** A JSON type as the schema names it. */
export type JsonType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array' | 'null';

/** The constraints of one field (or of an array item, or of a nested object property). */
export interface FieldSpec {
  /** Allowed JSON types; empty means any type. `null` is listed when the field is nullable. */
  type: JsonType[];
  enum?: (string | number | boolean | null)[];
  /** `uuid`, `email` or `date-time` in the 2025.12 schema. */
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: FieldSpec;
  properties?: Record<string, FieldSpec>;
  required?: string[];
  additionalProperties?: boolean;
  /** Field label from authentik's serializer. */
  title?: string;
  /** authentik's help text for the field. */
  description?: string;
}

/** One model of the catalogue. */
export interface ModelSpec {
  /** `app_label.modelname` in lower case. */
  model: string;
  /** False for meta models, which take no identifiers. */
  identifiersRequired: boolean;
  /** Permission codenames an entry's `permissions` may grant on the object. */
  permissions: string[];
  /** Writable fields, shared by `identifiers` and `attrs`. */
  fields: Record<string, FieldSpec>;
}

/** The title of the schema the catalogue was generated from. */
export const CATALOG_SCHEMA_TITLE: string = SCHEMA_TITLE;

/** The exact authentik release of the schema, e.g. `2025.12.0-rc1`. */
export const CATALOG_SCHEMA_VERSION: string = SCHEMA_VERSION;

/** The authentik release line the catalogue describes, and the default validation target. */
export const CATALOG_AUTHENTIK_VERSION = '2025.12';

const specsByModel = new Map<string, ModelSpec>(MODEL_SPECS.map((spec) => [spec.model, spec]));

/** Returns the catalogue entry of a model named in lower case, or undefined when unknown. */
export function getModelSpec(model: string): ModelSpec | undefined {
  return specsByModel.get(model);
}

/** Lists every model of the catalogue in schema order. */
export function listModels(): string[] {
  return MODEL_SPECS.map((spec) => spec.model);
}

/** Returns the constraints of one field of a model, or undefined when either is unknown. */
export function getFieldSpec(model: string, field: string): FieldSpec | undefined {
  const spec = specsByModel.get(model);
  if (spec === undefined || !Object.hasOwn(spec.fields, field)) {
    return undefined;
  }

  return spec.fields[field];
}

/** Tells whether a model of the catalogue is a meta model (no table, no identifiers). */
export function isMetaModel(model: string): boolean {
  return specsByModel.get(model)?.identifiersRequired === false;
}
