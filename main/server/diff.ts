/**
 * The difference between a project selection and a server: which objects a push would create,
 * change field by field, leave as they are or delete, and which server objects the file no
 * longer mentions (authentik keeps those). The server's side is the export of every flow of the
 * selection; objects that no export contains are read one by one through their model's API
 * endpoint (api-objects.ts) and compared by the same rules.
 */
import { isStagecraftError } from '../../shared/errors.js';
import type { ModelObject } from '../../shared/model/object.js';
import { isSecretField } from '../../shared/model/secrets.js';
import type { Value } from '../../shared/model/values.js';
import type { DiffReport, DiffStatus, ObjectDifference } from '../../shared/server/types.js';
import { refField, textField } from '../blueprints/references.js';
import type { AuthentikApi } from './api.js';
import { fetchServerObject } from './api-objects.js';
import type { CompareSides } from './compare.js';
import { compareMatched, describeUnmatched, findRemoteMatch, objectName } from './compare.js';
import { fetchRemoteFlow, KeyLookup, mergeRemoteObjects } from './remote.js';
import type { RemoteFlow } from './remote.js';

const FLOW_MODEL = 'authentik_flows.flow';
const BINDING_MODELS = new Set([
  'authentik_flows.flowstagebinding',
  'authentik_policies.policybinding',
]);

/** The project objects to compare: the selection, and the whole project for references. */
export interface DiffInput {
  selected: ModelObject[];
  all: ModelObject[];
}

function lookupOf(objects: ModelObject[]): (uid: string) => ModelObject | undefined {
  const byUid = new Map(objects.map((object) => [object.uid, object]));
  return (uid) => byUid.get(uid);
}

/** Returns the slug of the flow a binding belongs to, following binding → binding → flow. */
function bindingFlowSlug(
  object: ModelObject,
  lookup: (uid: string) => ModelObject | undefined,
): string | undefined {
  let current: ModelObject | undefined = object;
  for (let depth = 0; depth < 3 && current !== undefined; depth += 1) {
    if (current.model === FLOW_MODEL) {
      return textField(current, 'slug');
    }
    const target = refField(current, 'target');
    current = target === undefined ? undefined : lookup(target);
  }

  return undefined;
}

async function fetchFlows(
  api: AuthentikApi,
  slugs: string[],
  lookup: KeyLookup,
): Promise<{ remote: RemoteFlow[]; flows: DiffReport['flows'] }> {
  const remote: RemoteFlow[] = [];
  const flows: DiffReport['flows'] = [];

  for (const slug of slugs) {
    try {
      remote.push(await fetchRemoteFlow(api, slug, lookup));
      flows.push({ slug, onServer: true });
    } catch (error) {
      if (!isStagecraftError(error) || error.code !== 'server-flow-not-found') {
        throw error;
      }
      flows.push({ slug, onServer: false });
    }
  }

  return { remote, flows };
}

/** Compares a selection of the project with the server. Nothing is written anywhere. */
export async function diffWithServer(api: AuthentikApi, input: DiffInput): Promise<DiffReport> {
  const slugs = input.selected
    .filter((object) => object.model === FLOW_MODEL)
    .map((object) => textField(object, 'slug'))
    .filter((slug) => slug !== '');
  const keys = new KeyLookup(api);
  const { remote, flows } = await fetchFlows(api, [...new Set(slugs)], keys);

  const remoteObjects = mergeRemoteObjects(remote);
  const sides: CompareSides = {
    local: input.selected,
    localLookup: lookupOf(input.all),
    remote: remoteObjects,
    remoteLookup: lookupOf(remoteObjects),
  };
  const comparedSlugs = new Set(flows.map((flow) => flow.slug));

  const objects: ObjectDifference[] = [];
  const notCompared: DiffReport['notCompared'] = [];
  const matched = new Set<string>();

  for (const object of input.selected) {
    const match = findRemoteMatch(object, sides);
    if (match !== undefined) {
      matched.add(match.uid);
      objects.push(compareMatched(object, match, sides));
      continue;
    }

    const name = objectName(object, sides.localLookup);
    if (object.model === FLOW_MODEL) {
      objects.push(describeUnmatched(object, sides));
      continue;
    }

    if (BINDING_MODELS.has(object.model)) {
      const slug = bindingFlowSlug(object, sides.localLookup);
      if (slug !== undefined && comparedSlugs.has(slug)) {
        objects.push(describeUnmatched(object, sides));
      } else {
        notCompared.push({
          model: object.model,
          name,
          uid: object.uid,
          onServer: null,
          reason: 'a binding outside the compared flows is not looked up',
        });
      }
      continue;
    }

    const outside = await compareOutside(api, object, sides, keys);
    if ('difference' in outside) {
      objects.push(outside.difference);
    } else {
      const exists = name === '' ? undefined : await api.existsByName(object.model, name);
      notCompared.push({
        model: object.model,
        name,
        uid: object.uid,
        onServer: exists ?? null,
        reason: outside.reason,
      });
    }
  }

  for (const object of remoteObjects) {
    if (!matched.has(object.uid)) {
      objects.push({
        status: 'server-only',
        model: object.model,
        name: objectName(object, sides.remoteLookup),
        fields: [],
        unresolved: [],
      });
    }
  }

  return { server: api.server, flows, objects, counts: countStatuses(objects), notCompared };
}

/** Removes credential fields from an object, so that their values are never compared. */
function withoutSecrets(object: ModelObject): { object: ModelObject; secrets: string[] } {
  const secrets: string[] = [];
  const strip = (fields: Record<string, Value>): Record<string, Value> => {
    const kept: Record<string, Value> = {};
    for (const [field, value] of Object.entries(fields)) {
      if (isSecretField(object.model, field)) {
        secrets.push(field);
      } else {
        kept[field] = value;
      }
    }
    return kept;
  };

  const stripped = {
    ...object,
    identifiers: strip(object.identifiers),
    attrs: strip(object.attrs),
  };
  return { object: stripped, secrets };
}

/**
 * Compares an object outside every compared export with the server's object of the same
 * identifiers, read through its API endpoint. Returns the reason instead when it cannot.
 */
async function compareOutside(
  api: AuthentikApi,
  object: ModelObject,
  sides: CompareSides,
  keys: KeyLookup,
): Promise<{ difference: ObjectDifference } | { reason: string }> {
  const found = await fetchServerObject(api, object, keys);
  if (found.status === 'not-compared') {
    return { reason: found.reason };
  }
  if (found.status === 'missing') {
    return { difference: describeUnmatched(object, sides) };
  }

  const { object: local, secrets } = withoutSecrets(object);
  const difference = compareMatched(local, found.object, sides);
  if (secrets.length > 0) {
    difference.secrets = secrets;
  }
  return { difference };
}

function countStatuses(objects: ObjectDifference[]): Record<DiffStatus, number> {
  const counts: Record<DiffStatus, number> = {
    create: 0,
    change: 0,
    same: 0,
    kept: 0,
    delete: 0,
    'server-only': 0,
  };
  for (const object of objects) {
    counts[object.status] += 1;
  }

  return counts;
}
