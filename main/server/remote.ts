/**
 * A server's flows as project objects. authentik's flow export writes every reference as a
 * primary key of that server. Keys of objects inside the export become references when the file
 * is resolved (authentik remaps them the same way). This module also turns the keys that the
 * resolver cannot map into something that carries over to another server or project:
 *
 * - a policy binding's `target` contains the flow's or stage binding's `pbm_uuid`, which differs
 *   from the primary key the export identifies them by, so it is mapped through the flow and
 *   binding lists of the API;
 * - keys of objects outside the export (a stage of another flow, a group) become
 *   `!Find [model, [name, …]]` after asking the server for the object's name, and keys of
 *   sources become `!Find [model, [slug, …]]`;
 * - entries identified only by `pk` (prompts, policies) get their unique `name` as identifier.
 */
import { randomUUID } from 'node:crypto';

import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import { StagecraftError, isStagecraftError } from '../../shared/errors.js';
import { getFieldSpec } from '../../shared/model/catalog.js';
import type { ModelObject } from '../../shared/model/object.js';
import { isMap, isRef, ref, tag } from '../../shared/model/values.js';
import type { Value } from '../../shared/model/values.js';
import type { PullReport, ServerFlow } from '../../shared/server/types.js';
import type { AuthentikApi, ServerNamedObject } from './api.js';

const POLICY_BINDING_MODEL = 'authentik_policies.policybinding';
const FLOW_MODEL = 'authentik_flows.flow';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The kinds of object a primary key outside the export is looked up as. */
type LookupKind = 'stage' | 'policy' | 'flow' | 'group' | 'user' | 'source' | 'propertymapping';

/** The field a `!Find` uses for each kind: the natural key authentik keeps unique. */
const FIND_FIELD: Record<LookupKind, string> = {
  stage: 'name',
  policy: 'name',
  flow: 'slug',
  group: 'name',
  user: 'username',
  source: 'slug',
  propertymapping: 'name',
};

/** A flow of the server read into project objects. */
export interface RemoteFlow {
  flow: ServerFlow;
  /** The export as the server sent it. */
  text: string;
  objects: ModelObject[];
  lookups: PullReport['lookups'];
  unresolved: PullReport['unresolved'];
}

/** Looks up primary keys outside an export once per run, however many flows use them. */
export class KeyLookup {
  private readonly cache = new Map<
    string,
    Promise<{ kind: LookupKind; found: ServerNamedObject } | undefined>
  >();

  constructor(private readonly api: AuthentikApi) {}

  /** Finds what a primary key in `field` points at; tries the kinds the field name suggests. */
  find(
    field: string,
    key: string,
  ): Promise<{ kind: LookupKind; found: ServerNamedObject } | undefined> {
    const kinds = lookupKinds(field, key);
    const cacheKey = `${kinds.join(',')} ${key}`;
    let pending = this.cache.get(cacheKey);
    if (pending === undefined) {
      pending = this.lookup(kinds, key);
      this.cache.set(cacheKey, pending);
    }

    return pending;
  }

  private async lookup(
    kinds: LookupKind[],
    key: string,
  ): Promise<{ kind: LookupKind; found: ServerNamedObject } | undefined> {
    for (const kind of kinds) {
      const found = await this.lookupKind(kind, key);
      if (found !== undefined) {
        return { kind, found };
      }
    }

    return undefined;
  }

  private async lookupKind(kind: LookupKind, key: string): Promise<ServerNamedObject | undefined> {
    switch (kind) {
      case 'stage':
        return this.api.findStage(key);
      case 'policy':
        return this.api.findPolicy(key);
      case 'group':
        return this.api.findGroup(key);
      case 'user':
        return this.api.findUser(key);
      case 'source':
        return this.api.findSource(key);
      case 'propertymapping':
        return this.api.findPropertyMapping(key);
      case 'flow': {
        const flow = await this.api.findFlowByPk(key);
        return flow === undefined ? undefined : { pk: key, model: FLOW_MODEL, name: flow.slug };
      }
    }
  }
}

/** Returns the kinds a key in a field may be, from the field's name, most likely first. */
function lookupKinds(field: string, key: string): LookupKind[] {
  if (!UUID_PATTERN.test(key)) {
    return field === 'user' || field === 'users' ? ['user'] : [];
  }
  if (field === 'stage' || /_stages?$/.test(field)) {
    return ['stage'];
  }
  if (field === 'flow' || field.endsWith('_flow')) {
    return ['flow'];
  }
  if (field === 'policy' || /polic(y|ies)$/.test(field)) {
    return ['policy'];
  }
  if (field === 'group' || field === 'groups' || field.endsWith('_group')) {
    return ['group'];
  }
  if (field === 'source' || field === 'sources' || /_sources?$/.test(field)) {
    return ['source'];
  }
  if (/(^|_)property_mappings(_|$)/.test(field)) {
    return ['propertymapping'];
  }

  return ['stage', 'policy', 'flow', 'group'];
}

/** Tells whether a field of a model contains primary keys (a reference or a list of them). */
function holdsKeys(model: string, field: string): boolean {
  if (model === POLICY_BINDING_MODEL && field === 'user') {
    return true;
  }

  const spec = getFieldSpec(model, field);
  return spec?.format === 'uuid' || spec?.items?.format === 'uuid';
}

/**
 * Downloads a flow's export and reads it into objects with the references described in the
 * module comment. Throws `server-flow-not-found` when the server has no such flow.
 */
export async function fetchRemoteFlow(
  api: AuthentikApi,
  slug: string,
  lookup: KeyLookup,
): Promise<RemoteFlow> {
  const flow = await api.findFlow(slug);
  if (flow === undefined) {
    throw new StagecraftError(
      'server-flow-not-found',
      `${api.server} has no flow with slug "${slug}" that this token may see. List the flows ` +
        'with `stagecraft pull --server … --list`.',
      { url: api.server, slug },
    );
  }

  const text = await api.exportFlow(slug);
  const objects = readExport(api.server, slug, text);
  const bindings = await api.listStageBindings(flow.pk);

  const primaryKeyByPbm = new Map<string, string>([[flow.pbmUuid, flow.pk]]);
  for (const binding of bindings) {
    primaryKeyByPbm.set(binding.pbmUuid, binding.pk);
  }
  mapPolicyTargets(objects, primaryKeyByPbm);
  identifyByName(objects);

  const lookups: RemoteFlow['lookups'] = [];
  const unresolved: RemoteFlow['unresolved'] = [];
  await replaceOutsideKeys(objects, lookup, lookups, unresolved);

  return { flow, text, objects, lookups, unresolved };
}

function readExport(server: string, slug: string, text: string): ModelObject[] {
  try {
    const document = readBlueprint(text, { file: `${slug}.yaml` });
    const { objects } = resolveDocument(document, { uid: () => randomUUID() });

    // Older exporters write `id: null` for every entry (the current one leaves it out), and
    // it means no id.
    for (const object of objects) {
      if (object.extraKeys?.id === null) {
        delete object.extraKeys.id;
        if (Object.keys(object.extraKeys).length === 0) {
          delete object.extraKeys;
        }
      }
    }
    return objects;
  } catch (error) {
    if (!isStagecraftError(error)) {
      throw error;
    }
    throw new StagecraftError(
      'server-response-invalid',
      `The export of flow "${slug}" from ${server} cannot be read: ${error.message}`,
      { url: server, slug, cause: error.code },
    );
  }
}

/** Points policy bindings whose `target` is a `pbm_uuid` at the flow or binding of the file. */
function mapPolicyTargets(objects: ModelObject[], primaryKeyByPbm: Map<string, string>): void {
  const uidByPk = new Map<string, string>();
  for (const object of objects) {
    const pk = object.identifiers.pk;
    if (typeof pk === 'string') {
      uidByPk.set(pk, object.uid);
    }
  }

  for (const object of objects) {
    if (object.model !== POLICY_BINDING_MODEL) {
      continue;
    }

    for (const fields of [object.identifiers, object.attrs]) {
      const target = fields.target;
      if (typeof target !== 'string') {
        continue;
      }
      const pk = primaryKeyByPbm.get(target);
      const uid = pk === undefined ? undefined : uidByPk.get(pk);
      if (uid !== undefined) {
        fields.target = ref(uid);
      }
    }
  }
}

/**
 * Gives entries identified only by `pk` their `name` as identifier. Prompts and policies have
 * unique names in authentik, so the name finds the same object on the server, and another pull
 * finds the object in the project instead of adding a copy.
 */
function identifyByName(objects: ModelObject[]): void {
  for (const object of objects) {
    const keys = Object.keys(object.identifiers);
    const name = object.attrs.name;
    if (keys.length !== 1 || keys[0] !== 'pk' || typeof name !== 'string' || name === '') {
      continue;
    }

    object.identifiers.name = name;
    delete object.attrs.name;
  }
}

/**
 * Replaces primary keys of objects outside the export with `!Find` tags, at the places the
 * importer remaps keys: top-level values and items of list values. Keys no lookup resolves are
 * kept and added to `unresolved`.
 */
export async function replaceOutsideKeys(
  objects: ModelObject[],
  lookup: KeyLookup,
  lookups: RemoteFlow['lookups'],
  unresolved: RemoteFlow['unresolved'],
): Promise<void> {
  const replace = async (object: ModelObject, field: string, value: Value): Promise<Value> => {
    if (typeof value !== 'string' && typeof value !== 'number') {
      return value;
    }

    const key = String(value);
    const result = await lookup.find(field, key);
    if (result === undefined) {
      unresolved.push({ model: object.model, field, value: key });
      return value;
    }

    const findField = FIND_FIELD[result.kind];
    const find = tag('Find', [result.found.model, [findField, result.found.name]]);
    lookups.push({
      model: object.model,
      field,
      find: `!Find [${result.found.model}, [${findField}, ${result.found.name}]]`,
    });
    return find;
  };

  for (const object of objects) {
    for (const fields of [object.identifiers, object.attrs]) {
      for (const [field, value] of Object.entries(fields)) {
        if (field === 'pk' || !holdsKeys(object.model, field) || value === null || isRef(value)) {
          continue;
        }

        if (Array.isArray(value)) {
          const items: Value[] = [];
          for (const item of value) {
            items.push(isRef(item) || isMap(item) ? item : await replace(object, field, item));
          }
          fields[field] = items;
        } else if (!isMap(value)) {
          fields[field] = await replace(object, field, value);
        }
      }
    }
  }
}

/**
 * Merges the objects of several flows' exports, which repeat shared stages and policies, into
 * one list: an object seen before (same model and server primary key) is dropped and references
 * to it point at the first copy.
 */
export function mergeRemoteObjects(flows: RemoteFlow[]): ModelObject[] {
  const firstByKey = new Map<string, string>();
  const replaced = new Map<string, string>();
  const merged: ModelObject[] = [];

  for (const remote of flows) {
    for (const object of remote.objects) {
      const pk = object.identifiers.pk;
      const key =
        typeof pk === 'string' || typeof pk === 'number' ? `${object.model} ${pk}` : undefined;
      const first = key === undefined ? undefined : firstByKey.get(key);
      if (first !== undefined) {
        replaced.set(object.uid, first);
        continue;
      }
      if (key !== undefined) {
        firstByKey.set(key, object.uid);
      }
      merged.push(object);
    }
  }

  if (replaced.size === 0) {
    return merged;
  }

  const remap = (value: Value): Value => {
    if (isRef(value)) {
      return ref(replaced.get(value.$ref) ?? value.$ref);
    }
    if (Array.isArray(value)) {
      return value.map(remap);
    }
    if (isMap(value)) {
      return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, remap(item)]));
    }
    return value;
  };

  return merged.map((object) => ({
    ...object,
    identifiers: remap(object.identifiers) as Record<string, Value>,
    attrs: remap(object.attrs) as Record<string, Value>,
  }));
}
