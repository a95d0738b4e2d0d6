/**
 * Turns a blueprint syntax tree into project objects: one ModelObject per entry, references
 * resolved within the file, and literal secrets replaced by `!Env` tags.
 */
import type { EntryState, ModelObject, ObjectOrigin } from '../model/object.js';
import { envVariableName, secretFieldsOf } from '../model/secrets.js';
import { isTag, tag } from '../model/values.js';
import type { TagValue, Value } from '../model/values.js';
import { remapPrimaryKeys, resolveFinds } from './references.js';
import type { PrimaryKeyTable } from './references.js';
import { collectComments, mapToRecord, setOwnValue, treeToValue } from './tree-values.js';
import type { BlueprintDocument, EntryNode, TreeNode } from './tree.js';

/** A literal secret the resolver removed, so the caller can warn and ask for the variable. */
export interface RemovedSecret {
  uid: string;
  model: string;
  field: string;
  /** The environment variable the value now comes from, e.g. `DISCORD_CLIENT_SECRET`. */
  variable: string;
}

/** The objects of one blueprint document. */
export interface ResolveResult {
  /** One object per entry, in file order. */
  objects: ModelObject[];
  removedSecrets: RemovedSecret[];
}

/** Options of {@link resolveDocument}. */
export interface ResolveOptions {
  /** Creates the uid of each new object. */
  uid: () => string;
}

const ENTRY_STATES = new Set<string>(['present', 'created', 'must_created', 'absent']);

/**
 * Resolves every entry of a document into a ModelObject, in file order.
 *
 * - `!KeyOf id` becomes a reference to the first entry with that id, wherever it is in the file,
 *   because authentik takes the first match. An unknown id stays a tag. Validation reports
 *   forward references and references to absent entries.
 * - A hard-coded primary key (an entry's `identifiers.pk`) becomes a reference where a later
 *   entry uses the same value, at the places authentik's importer remaps it.
 * - `!Find` becomes a reference when its conditions match exactly one entry of the file.
 * - The model is kept in lower case (authentik looks it up case-insensitively).
 * - A literal in a secret field becomes `!Env [NAME]` and is listed in `removedSecrets`.
 * - Values that cannot be an object's field (a `state` that is no state, `attrs` that are not a
 *   map, a non-text `id`) are kept in `extraKeys` so the writer gives them back unchanged.
 */
export function resolveDocument(doc: BlueprintDocument, options: ResolveOptions): ResolveResult {
  const uids = doc.entries.map(() => options.uid());
  const firstById = new Map<string, string>();

  doc.entries.forEach((entry, position) => {
    const id = textOf(entry.id);
    if (id !== undefined && !firstById.has(id)) {
      firstById.set(id, uids[position] as string);
    }
  });

  const keyOf = (id: string): string | undefined => firstById.get(id);
  const primaryKeys: PrimaryKeyTable = new Map();
  const objects: ModelObject[] = [];

  doc.entries.forEach((entry, position) => {
    const object = buildObject(doc.file, entry, uids[position] as string, keyOf);
    remapPrimaryKeys(object, primaryKeys);
    recordPrimaryKey(object, primaryKeys);
    objects.push(object);
  });

  resolveFinds(objects);
  const removedSecrets = replaceSecrets(objects);

  return { objects, removedSecrets };
}

function buildObject(
  file: string,
  entry: EntryNode,
  uid: string,
  keyOf: (id: string) => string | undefined,
): ModelObject {
  const object: ModelObject = {
    uid,
    model: '',
    state: 'present',
    conditions: [],
    identifiers: {},
    attrs: {},
    permissions: [],
  };
  const extraKeys: Record<string, Value> = {};
  const keepExtra = (key: string, node: TreeNode): void => {
    setOwnValue(extraKeys, key, treeToValue(node, keyOf));
  };

  applyModel(object, entry.model, keyOf, keepExtra);
  applyId(object, entry.id, keepExtra);
  applyState(object, entry.state, keyOf, keepExtra);

  for (const key of ['identifiers', 'attrs'] as const) {
    const node = entry[key];
    if (node?.kind === 'map') {
      object[key] = mapToRecord(node, keyOf);
    } else if (node && !(node.kind === 'scalar' && node.value === null)) {
      keepExtra(key, node);
    }
  }

  for (const key of ['conditions', 'permissions'] as const) {
    const node = entry[key];
    if (node?.kind === 'seq') {
      object[key] = node.items.map((item) => treeToValue(item, keyOf));
    } else if (node) {
      keepExtra(key, node);
    }
  }

  for (const unknown of entry.unknownKeys) {
    const item = entry.node.items.find((candidate) => candidate.keyPos === unknown.pos);
    if (item) {
      keepExtra(unknown.key, item.value);
    }
  }

  if (Object.keys(extraKeys).length > 0) {
    object.extraKeys = extraKeys;
  }

  const comments = collectComments(entry.node);
  if (Object.keys(comments).length > 0) {
    object.comments = comments;
  }

  object.origin = originOf(file, entry);
  return object;
}

function applyModel(
  object: ModelObject,
  node: TreeNode | undefined,
  keyOf: (id: string) => string | undefined,
  keepExtra: (key: string, node: TreeNode) => void,
): void {
  if (!node) {
    return;
  }

  if (node.kind === 'scalar' && typeof node.value === 'string') {
    object.model = node.value.toLowerCase();
    return;
  }

  const value = treeToValue(node, keyOf);
  if (isTag(value)) {
    object.modelTag = value;
    return;
  }

  keepExtra('model', node);
}

function applyId(
  object: ModelObject,
  node: TreeNode | undefined,
  keepExtra: (key: string, node: TreeNode) => void,
): void {
  if (!node) {
    return;
  }

  const id = textOf(node);
  if (id !== undefined) {
    object.id = id;
    return;
  }

  // authentik compares ids with `==`, so `id: 5` never matches `!KeyOf 5` (text "5").
  keepExtra('id', node);
}

function applyState(
  object: ModelObject,
  node: TreeNode | undefined,
  keyOf: (id: string) => string | undefined,
  keepExtra: (key: string, node: TreeNode) => void,
): void {
  if (!node) {
    return;
  }

  if (node.kind === 'scalar' && typeof node.value === 'string' && ENTRY_STATES.has(node.value)) {
    object.state = node.value as EntryState;
    return;
  }

  const value = treeToValue(node, keyOf);
  if (isTag(value)) {
    object.state = value;
    return;
  }

  keepExtra('state', node);
}

function textOf(node: TreeNode | undefined): string | undefined {
  return node?.kind === 'scalar' && typeof node.value === 'string' ? node.value : undefined;
}

function recordPrimaryKey(object: ModelObject, primaryKeys: PrimaryKeyTable): void {
  const pk = object.identifiers.pk;
  if (object.state === 'absent' || (typeof pk !== 'string' && typeof pk !== 'number')) {
    return;
  }

  // authentik records the pk after saving the entry, so a later entry with the same pk wins.
  primaryKeys.set(pk, object.uid);
}

function originOf(file: string, entry: EntryNode): ObjectOrigin {
  const origin: ObjectOrigin = {
    file,
    line: entry.node.pos.line,
    column: entry.node.pos.column,
    index: entry.index,
  };

  if (entry.section !== undefined) {
    origin.section = entry.section;
  }

  return origin;
}

/** Replaces literal secrets with `!Env [NAME]`, naming variables that no `!Env` uses yet. */
function replaceSecrets(objects: ModelObject[]): RemovedSecret[] {
  const taken = new Set<string>();
  for (const object of objects) {
    collectEnvNames(object.attrs, taken);
    collectEnvNames(object.identifiers, taken);
  }

  const removed: RemovedSecret[] = [];
  for (const object of objects) {
    for (const secret of secretFieldsOf(object.model)) {
      for (const fields of [object.identifiers, object.attrs]) {
        if (!isLiteralSecret(fields[secret.field])) {
          continue;
        }

        const variable = envVariableName(object, secret.field, taken);
        fields[secret.field] = tag('Env', [variable]);
        removed.push({ uid: object.uid, model: object.model, field: secret.field, variable });
      }
    }
  }

  return removed;
}

/** Tells whether a secret field contains a value worth hiding: not a tag, not empty. */
function isLiteralSecret(value: Value | undefined): boolean {
  if (value === undefined || value === null || value === '') {
    return false;
  }

  return !isTag(value) && !(typeof value === 'object' && '$ref' in value);
}

/** Adds the variable names of every `!Env` tag inside a value to `names`. */
export function collectEnvNames(value: Value | Record<string, Value>, names: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((item) => collectEnvNames(item, names));
    return;
  }

  if (typeof value !== 'object' || value === null) {
    return;
  }

  if (isTag(value)) {
    const name = envNameOf(value);
    if (name !== undefined) {
      names.add(name);
    }
    collectEnvNames(value.value, names);
    return;
  }

  for (const inner of Object.values(value)) {
    collectEnvNames(inner as Value, names);
  }
}

/** Returns the variable name of an `!Env` tag (`!Env NAME` or `!Env [NAME, default]`). */
export function envNameOf(value: TagValue): string | undefined {
  if (value.$tag !== 'Env') {
    return undefined;
  }

  const name = Array.isArray(value.value) ? value.value[0] : value.value;
  return typeof name === 'string' ? name : undefined;
}
