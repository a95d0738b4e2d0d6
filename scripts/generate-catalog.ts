/**
 * Generates shared/model/catalog.generated.ts from authentik's blueprint JSON schema.
 *
 * Usage: npx tsx scripts/generate-catalog.ts [path/to/schema.json] [path/to/output.ts]
 *
 * The schema has one `oneOf` branch per model allowed in blueprints under
 * `$defs.blueprint_entry`. Each branch names the model in a `model` const, points `attrs` and
 * `identifiers` at one shared field definition and `permissions` at a list of permission
 * codenames. Meta models have no `identifiers`. The generator keeps every constraint the
 * validator checks and the field titles and help texts the inspector shows, and rejects schema
 * keywords it does not know, so that a newer schema cannot lose a constraint silently.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const defaultInput = resolve(repoRoot, '../shared/corpus/authentik/blueprints/schema.json');
const defaultOutput = resolve(repoRoot, 'shared/model/catalog.generated.ts');

/** Schema keywords of a field that the catalogue keeps, in output order. */
const FIELD_KEYWORDS = [
  'type',
  'enum',
  'format',
  'pattern',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'items',
  'properties',
  'required',
  'additionalProperties',
  'title',
  'description',
] as const;

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function fail(message: string): never {
  throw new Error(`generate-catalog: ${message}`);
}

function readSchema(path: string): JsonObject {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(`cannot read the schema at ${path} (${String(error)}); pass the path as first argument`);
  }

  const parsed = JSON.parse(text) as Json;
  if (!isObject(parsed)) {
    fail(`${path} is not a JSON object`);
  }

  return parsed;
}

/** Follows a local `#/$defs/name` reference. */
function resolveRef(schema: JsonObject, ref: Json | undefined, where: string): JsonObject {
  if (typeof ref !== 'string' || !ref.startsWith('#/$defs/')) {
    fail(`${where}: expected a "#/$defs/..." reference, found ${JSON.stringify(ref)}`);
  }

  const defs = schema.$defs;
  const target = isObject(defs) ? defs[ref.slice('#/$defs/'.length)] : undefined;
  if (!isObject(target)) {
    fail(`${where}: reference ${ref} points at nothing`);
  }

  return target;
}

/** Copies the known keywords of a field definition into the catalogue's field shape. */
function convertField(spec: JsonObject, where: string): JsonObject {
  const unknown = Object.keys(spec).filter(
    (key) => !(FIELD_KEYWORDS as readonly string[]).includes(key),
  );
  if (unknown.length > 0) {
    fail(`${where}: unsupported schema keywords ${unknown.join(', ')}; extend FIELD_KEYWORDS`);
  }

  const field: JsonObject = {};
  for (const keyword of FIELD_KEYWORDS) {
    const value = spec[keyword];
    if (value === undefined) {
      continue;
    }

    if (keyword === 'type') {
      field.type = Array.isArray(value) ? value : [value];
    } else if (keyword === 'items') {
      if (!isObject(value)) {
        fail(`${where}: items is not an object`);
      }
      field.items = convertField(value, `${where}.items`);
    } else if (keyword === 'properties') {
      if (!isObject(value)) {
        fail(`${where}: properties is not an object`);
      }
      const properties: JsonObject = {};
      for (const [name, inner] of Object.entries(value)) {
        if (!isObject(inner)) {
          fail(`${where}.${name}: field definition is not an object`);
        }
        properties[name] = convertField(inner, `${where}.${name}`);
      }
      field.properties = properties;
    } else if (keyword === 'additionalProperties' && typeof value !== 'boolean') {
      fail(`${where}: additionalProperties with a schema is not supported`);
    } else {
      field[keyword] = value;
    }
  }

  if (field.type === undefined) {
    field.type = [];
  }

  return field;
}

/** Reads the permission codenames a model's `permissions` definition allows. */
function readPermissions(definition: JsonObject, where: string): Json[] {
  const items = definition.items;
  const properties = isObject(items) ? items.properties : undefined;
  const permission = isObject(properties) ? properties.permission : undefined;
  const codenames = isObject(permission) ? permission.enum : undefined;
  if (!Array.isArray(codenames)) {
    fail(`${where}: no permission enum found`);
  }

  return codenames;
}

interface GeneratedModel {
  model: string;
  identifiersRequired: boolean;
  permissions: Json[];
  fields: [string, JsonObject][];
}

function readModels(schema: JsonObject): GeneratedModel[] {
  const defs = schema.$defs;
  const entry = isObject(defs) ? defs.blueprint_entry : undefined;
  const branches = isObject(entry) ? entry.oneOf : undefined;
  if (!Array.isArray(branches)) {
    fail('$defs.blueprint_entry.oneOf is missing');
  }

  return branches.map((branch, index) => {
    const where = `blueprint_entry.oneOf[${index}]`;
    if (!isObject(branch) || !isObject(branch.properties)) {
      fail(`${where}: not an object with properties`);
    }

    const properties = branch.properties;
    const modelConst = isObject(properties.model) ? properties.model.const : undefined;
    if (typeof modelConst !== 'string') {
      fail(`${where}: no model const`);
    }

    const required = Array.isArray(branch.required) ? branch.required : [];
    const attrsRef = isObject(properties.attrs) ? properties.attrs.$ref : undefined;
    const attrs = resolveRef(schema, attrsRef, `${modelConst}.attrs`);

    // The catalogue keeps one field list per model, which is only right while identifiers and
    // attrs share their definition.
    if (isObject(properties.identifiers) && properties.identifiers.$ref !== attrsRef) {
      fail(`${modelConst}: identifiers and attrs use different definitions`);
    }

    const fieldDefs = attrs.properties;
    if (!isObject(fieldDefs)) {
      fail(`${modelConst}: field definition has no properties`);
    }

    const fields: [string, JsonObject][] = Object.entries(fieldDefs).map(([name, spec]) => {
      if (!isObject(spec)) {
        fail(`${modelConst}.${name}: field definition is not an object`);
      }
      return [name, convertField(spec, `${modelConst}.${name}`)];
    });

    const permissionsDef = resolveRef(
      schema,
      isObject(properties.permissions) ? properties.permissions.$ref : undefined,
      `${modelConst}.permissions`,
    );

    return {
      model: modelConst,
      identifiersRequired: required.includes('identifiers'),
      permissions: readPermissions(permissionsDef, `${modelConst}.permissions`),
      fields,
    };
  });
}

function render(title: string, models: GeneratedModel[]): string {
  const version = /authentik (\S+) Blueprint schema/.exec(title)?.[1];
  if (version === undefined) {
    fail(`cannot read the authentik version from the schema title ${JSON.stringify(title)}`);
  }

  const lines = [
    "// Generated by scripts/generate-catalog.ts from authentik's blueprint JSON schema.",
    '// Do not edit by hand: run `npm run catalog` to regenerate it.',
    "import type { ModelSpec } from './catalog.js';",
    '',
    `export const SCHEMA_TITLE = ${JSON.stringify(title)};`,
    `export const SCHEMA_VERSION = ${JSON.stringify(version)};`,
    '',
    'export const MODEL_SPECS: readonly ModelSpec[] = [',
  ];

  for (const model of models) {
    lines.push('  {');
    lines.push(`    model: ${JSON.stringify(model.model)},`);
    lines.push(`    identifiersRequired: ${String(model.identifiersRequired)},`);
    lines.push(`    permissions: ${JSON.stringify(model.permissions)},`);
    lines.push('    fields: {');
    for (const [name, field] of model.fields) {
      lines.push(`      ${JSON.stringify(name)}: ${JSON.stringify(field)},`);
    }
    lines.push('    },');
    lines.push('  },');
  }

  lines.push('];', '');
  return lines.join('\n');
}

/** Reads a schema file and returns the text of the generated catalogue module. */
export function generateCatalog(schemaPath: string): { text: string; models: number } {
  const schema = readSchema(schemaPath);
  if (typeof schema.title !== 'string') {
    fail(`${schemaPath} has no title`);
  }

  const models = readModels(schema);
  return { text: render(schema.title, models), models: models.length };
}

function main(): void {
  const input = resolve(process.argv[2] ?? defaultInput);
  const output = resolve(process.argv[3] ?? defaultOutput);
  const { text, models } = generateCatalog(input);

  writeFileSync(output, text);
  console.log(`Wrote ${models} models from ${input} to ${output}`);
}

// Run only when executed as a script, so that tests can import generateCatalog.
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main();
}
