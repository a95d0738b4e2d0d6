/**
 * Writes project objects as an authentik blueprint (YAML) that authentik can apply top to bottom.
 */
import { Document, Pair, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { ModelObject } from '../model/object.js';
import { modelNameOf, naturalKeyOf } from '../model/natural-key.js';
import { envVariableName, secretFieldsOf } from '../model/secrets.js';
import { isRef, isTag, tag } from '../model/values.js';
import type { Value } from '../model/values.js';
import { orderObjects } from './entry-order.js';
import { collectEnvNames, envNameOf } from './resolve.js';
import { WRITE_TAGS } from './tags.js';
import {
  attachComments,
  attachPairComments,
  keyNode,
  scalarNode,
  ValueEmitter,
} from './yaml-emit.js';
import type { EmitContext, WriteWarning } from './yaml-emit.js';

export type { WriteWarning } from './yaml-emit.js';

/** Options of {@link writeBlueprint}. */
export interface WriteOptions {
  /** `metadata.name` of the blueprint. */
  name: string;
  /** `metadata.labels`. */
  labels?: Record<string, string>;
  /** Written as the label `blueprints.goauthentik.io/description`, which authentik's UI shows. */
  description?: string;
  /** Finds referenced objects that are not in `objects`, so they can be written as `!Find`. */
  lookup?: (uid: string) => ModelObject | undefined;
}

/** An environment variable the written file reads with `!Env`. */
export interface EnvVariable {
  name: string;
  uid: string;
  model: string;
  field: string;
  /** The natural key of the object (slug, name, ...), or an empty string when it has none. */
  object: string;
}

/** The written blueprint. */
export interface WriteResult {
  text: string;
  /** Variables the file needs for its secrets, in file order. */
  env: EnvVariable[];
  /** Cycles broken with `!Find`, references that cannot be written, and similar. */
  warnings: WriteWarning[];
}

const SCHEMA_MODELINE =
  ' yaml-language-server: $schema=https://goauthentik.io/blueprints/schema.json';
const DESCRIPTION_LABEL = 'blueprints.goauthentik.io/description';

/**
 * Writes objects as a blueprint: `version: 1`, `metadata` and `entries` as a list in an order
 * authentik can apply (see `orderObjects`). The same input gives the same bytes.
 *
 * - A reference to an object in `objects` becomes `!KeyOf <id>`. A target without id gets a
 *   readable one (`flow-default-source-enrollment`). A reference to another object becomes
 *   `!Find [model, [field, value]]` by its natural key.
 * - A reference that closes a cycle is written as `!Find` and reported in `warnings`. On the
 *   first apply to a fresh server that `!Find` yields null until the next apply. A second entry
 *   updating the first object later would avoid that, but it would read back as two objects.
 *   The `!Find` reads back as the same reference, so files keep one entry per object.
 * - A literal in a secret field of identifiers or attrs is never written. It becomes
 *   `!Env [NAME]` and is listed in `env`, as are existing `!Env` tags in secret fields and secrets
 *   that creating the object requires but that are missing (written as `!Env [NAME]` too).
 * - `identifiers.pk` is dropped when other identifiers remain: a hard-coded primary key ties the
 *   file to the instance it came from, while natural keys carry over to another instance.
 */
export function writeBlueprint(objects: ModelObject[], options: WriteOptions): WriteResult {
  const { ordered, broken } = orderObjects(objects);
  const byUid = new Map(objects.map((object) => [object.uid, object]));
  const warnings: WriteWarning[] = [];

  for (const reference of broken) {
    const from = byUid.get(reference.from) as ModelObject;
    const to = byUid.get(reference.to) as ModelObject;
    warnings.push({
      code: 'reference-cycle',
      uid: from.uid,
      model: from.model,
      path: reference.path,
      message: `${describe(from)} and ${describe(to)} refer to each other, so one must come first. The reference at ${reference.path} is written as !Find, which finds nothing on the first apply to a fresh server (the field stays empty until the next apply).`,
    });
  }

  const context: EmitContext = {
    ids: assignIds(ordered, broken, byUid),
    brokenReferences: new Set(broken.map((reference) => `${reference.from} ${reference.path}`)),
    lookup: (uid) => byUid.get(uid) ?? options.lookup?.(uid),
    warnings,
  };
  const emitter = new ValueEmitter(context);
  const secrets = new SecretWriter(objects);

  const entries = new YAMLSeq();
  for (const object of ordered) {
    entries.items.push(entryNode(object, secrets.prepare(object), context, emitter));
  }

  const root = new YAMLMap();
  root.items.push(new Pair(keyNode('version'), scalarNode(1)));
  root.items.push(new Pair(keyNode('metadata'), metadataNode(options)));
  root.items.push(new Pair(keyNode('entries'), entries));

  const doc = new Document(null, { customTags: WRITE_TAGS });
  doc.contents = root;
  doc.commentBefore = SCHEMA_MODELINE;

  const text = doc.toString({ lineWidth: 0, flowCollectionPadding: false });
  return { text, env: secrets.env, warnings };
}

function metadataNode(options: WriteOptions): YAMLMap {
  const metadata = new YAMLMap();
  metadata.items.push(new Pair(keyNode('name'), scalarNode(options.name)));

  const labels: Record<string, string> = { ...options.labels };
  if (options.description !== undefined) {
    labels[DESCRIPTION_LABEL] = options.description;
  }

  if (Object.keys(labels).length > 0) {
    const labelMap = new YAMLMap();
    for (const [key, value] of Object.entries(labels)) {
      labelMap.items.push(new Pair(keyNode(key), scalarNode(value)));
    }
    metadata.items.push(new Pair(keyNode('labels'), labelMap));
  }

  return metadata;
}

/** The fields of an object as they are written, after secrets were replaced. */
interface PreparedFields {
  identifiers: Record<string, Value>;
  attrs: Record<string, Value>;
}

function entryNode(
  object: ModelObject,
  fields: PreparedFields,
  context: EmitContext,
  emitter: ValueEmitter,
): YAMLMap {
  const entry = new YAMLMap();
  const add = (key: string, value: YamlNode): void => {
    const pair = new Pair(keyNode(key), value);
    attachPairComments(pair, object.comments, key);
    entry.items.push(pair);
  };

  if (object.modelTag) {
    add('model', emitter.emit(object.modelTag, object, 'model'));
  } else if (object.model !== '') {
    add('model', scalarNode(object.model));
  }

  if (object.state !== 'present') {
    add('state', emitter.emit(object.state, object, 'state'));
  }

  const id = context.ids.get(object.uid);
  if (id !== undefined) {
    add('id', scalarNode(id));
  }

  if (object.conditions.length > 0) {
    add('conditions', emitter.emit(object.conditions, object, 'conditions'));
  }

  const identifiers = withoutInstancePk(fields.identifiers);
  if (Object.keys(identifiers).length > 0) {
    add('identifiers', emitter.emitRecord(identifiers, object, 'identifiers'));
  }

  if (Object.keys(fields.attrs).length > 0) {
    add('attrs', emitter.emitRecord(fields.attrs, object, 'attrs'));
  }

  if (object.permissions.length > 0) {
    add('permissions', emitter.emit(object.permissions, object, 'permissions'));
  }

  const written = new Set(
    entry.items.map((pair) => String((pair.key as { value: unknown }).value)),
  );
  for (const [key, value] of Object.entries(object.extraKeys ?? {})) {
    if (!written.has(key)) {
      add(key, emitter.emit(value, object, key));
    }
  }

  attachComments(entry, object.comments, '');
  return entry;
}

/** Drops `pk` from identifiers that have a natural identifier besides it. */
function withoutInstancePk(identifiers: Record<string, Value>): Record<string, Value> {
  if (!('pk' in identifiers) || Object.keys(identifiers).length === 1) {
    return identifiers;
  }

  const { pk: _pk, ...rest } = identifiers;
  return rest;
}

/**
 * Chooses the entry id of each object. An object keeps its own id unless it is referenced and an
 * object written earlier has the same id, because authentik's `!KeyOf` takes the first entry with
 * an id. Such objects and referenced objects without id get a generated id.
 */
function assignIds(
  ordered: ModelObject[],
  broken: Array<{ from: string; path: string; to: string }>,
  byUid: Map<string, ModelObject>,
): Map<string, string> {
  const referenced = new Set<string>();
  const brokenKeys = new Set(broken.map((reference) => `${reference.from} ${reference.to}`));
  const inFile = new Set(ordered.map((object) => object.uid));

  for (const object of ordered) {
    forEachReference(object, (target) => {
      if (inFile.has(target) && !brokenKeys.has(`${object.uid} ${target}`)) {
        referenced.add(target);
      }
    });
  }

  const used = new Set<string>();
  const ids = new Map<string, string>();
  const owners = new Map<string, string>();

  for (const object of ordered) {
    if (object.id === undefined) {
      continue;
    }
    // A repeated id is kept as written (validation reports it) unless the object needs it.
    ids.set(object.uid, object.id);
    used.add(object.id);
    if (!owners.has(object.id)) {
      owners.set(object.id, object.uid);
    }
  }

  for (const object of ordered) {
    const id = ids.get(object.uid);
    if (!referenced.has(object.uid) || (id !== undefined && owners.get(id) === object.uid)) {
      continue;
    }

    const generated = uniqueId(readableId(object, byUid), used);
    used.add(generated);
    owners.set(generated, object.uid);
    ids.set(object.uid, generated);
  }

  return ids;
}

function forEachReference(object: ModelObject, visit: (target: string) => void): void {
  const walk = (value: Value | undefined): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (isRef(value)) {
      visit(value.$ref);
    } else if (isTag(value)) {
      walk(value.value);
    } else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach(walk);
    }
  };

  walk(object.modelTag);
  walk(typeof object.state === 'string' ? undefined : object.state);
  walk(object.conditions);
  walk(object.identifiers);
  walk(object.attrs);
  walk(object.permissions);
  walk(object.extraKeys);
}

/**
 * Builds an id from the model name and the natural key (`flow-default-source-enrollment`), or for
 * objects without one from their identifiers, with references replaced by the target's key
 * (`flowstagebinding-default-authentication-flow-default-authentication-password-20`).
 */
function readableId(object: ModelObject, byUid: Map<string, ModelObject>): string {
  const modelName = modelNameOf(object.model) || 'entry';
  const key = naturalKeyOf(object);
  const parts: string[] = [];

  if (key) {
    parts.push(String(key.value));
  } else {
    for (const [field, value] of Object.entries(object.identifiers)) {
      if (field === 'pk') {
        continue;
      }
      if (typeof value === 'string' || typeof value === 'number') {
        parts.push(String(value));
      } else if (isRef(value)) {
        const target = byUid.get(value.$ref);
        const targetKey = target ? naturalKeyOf(target) : undefined;
        if (targetKey) {
          parts.push(String(targetKey.value));
        }
      }
    }
  }

  const slug = [modelName, ...parts]
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');

  return slug.slice(0, 100).replace(/-+$/, '') || modelName;
}

function uniqueId(base: string, used: Set<string>): string {
  let id = base;
  for (let suffix = 2; used.has(id); suffix += 1) {
    id = `${base}-${suffix}`;
  }
  return id;
}

function describe(object: ModelObject): string {
  const key = naturalKeyOf(object);
  return key ? `${object.model} "${key.value}"` : object.model;
}

/** Replaces literal secrets with `!Env` tags and records the variables the file needs. */
class SecretWriter {
  readonly env: EnvVariable[] = [];
  private readonly taken = new Set<string>();

  constructor(objects: ModelObject[]) {
    for (const object of objects) {
      collectEnvNames(object.identifiers, this.taken);
      collectEnvNames(object.attrs, this.taken);
    }
  }

  /** Returns the object's identifiers and attrs as they are written. */
  prepare(object: ModelObject): PreparedFields {
    const fields: PreparedFields = {
      identifiers: { ...object.identifiers },
      attrs: { ...object.attrs },
    };

    for (const secret of secretFieldsOf(object.model)) {
      let present = false;

      for (const place of [fields.identifiers, fields.attrs]) {
        const value = place[secret.field];
        if (value === undefined) {
          continue;
        }

        present = true;
        if (isTag(value)) {
          const name = envNameOf(value);
          if (name !== undefined) {
            this.record(object, secret.field, name);
          }
        } else if (value !== null && value !== '' && !isRef(value)) {
          place[secret.field] = this.placeholder(object, secret.field);
        }
      }

      if (!present && secret.requiredOnCreate && object.state !== 'absent') {
        fields.attrs[secret.field] = this.placeholder(object, secret.field);
      }
    }

    return fields;
  }

  private placeholder(object: ModelObject, field: string): Value {
    const name = envVariableName(object, field, this.taken);
    this.record(object, field, name);
    return tag('Env', [name]);
  }

  private record(object: ModelObject, field: string, name: string): void {
    const key = naturalKeyOf(object);
    this.env.push({
      name,
      uid: object.uid,
      model: object.model,
      field,
      object: key ? String(key.value) : '',
    });
  }
}
