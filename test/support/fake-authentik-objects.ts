/**
 * The fake server's object endpoints outside flows: typed list endpoints of single models,
 * `/sources/all/`, `/propertymappings/all/<pk>/` and the task list. The shapes follow
 * goauthentik/authentik. Every serializer returns `pk` and its fields, with references as
 * primary keys, and leaves write-only fields out (`consumer_secret` in
 * `authentik/sources/oauth/api/source.py`). `/sources/all/` lists `pk`, `slug` and
 * `meta_model_name` and filters only by slug, name and managed (`authentik/core/api/sources.py`).
 * Tasks are listed newest first with their `logs` (`authentik/tasks/api/tasks.py`).
 */
import { json, NOT_FOUND, paginate } from './fake-authentik-http.js';
import type { Answer } from './fake-authentik-http.js';
import type { FakeStore, StoredObject } from './fake-authentik-store.js';

/** The typed list endpoints the fake serves, with their model and the fields they filter by. */
const LIST_ENDPOINTS: Record<string, { model: string; filters: string[] }> = {
  '/core/groups/': { model: 'authentik_core.group', filters: ['name'] },
  '/core/users/': { model: 'authentik_core.user', filters: ['username'] },
  '/sources/oauth/': { model: 'authentik_sources_oauth.oauthsource', filters: ['name', 'slug'] },
  '/propertymappings/source/oauth/': {
    model: 'authentik_sources_oauth.oauthsourcepropertymapping',
    filters: ['name'],
  },
  '/policies/expression/': {
    model: 'authentik_policies_expression.expressionpolicy',
    filters: ['name'],
  },
  '/stages/identification/': {
    model: 'authentik_stages_identification.identificationstage',
    filters: ['name'],
  },
  '/stages/password/': { model: 'authentik_stages_password.passwordstage', filters: ['name'] },
  '/stages/deny/': { model: 'authentik_stages_deny.denystage', filters: ['name'] },
  '/stages/authenticator/validate/': {
    model: 'authentik_stages_authenticator_validate.authenticatorvalidatestage',
    filters: ['name'],
  },
  '/stages/authenticator/totp/': {
    model: 'authentik_stages_authenticator_totp.authenticatortotpstage',
    filters: ['name'],
  },
  '/stages/prompt/stages/': { model: 'authentik_stages_prompt.promptstage', filters: ['name'] },
};

/** Fields the API never returns, by model. */
const WRITE_ONLY: Record<string, string[]> = {
  'authentik_sources_oauth.oauthsource': ['consumer_secret'],
  'authentik_core.user': ['password'],
};

const SOURCE_PREFIX = 'authentik_sources_';
const MAPPING_MODELS = /propertymapping$/;

function serialize(object: StoredObject): Record<string, unknown> {
  const hidden = new Set(WRITE_ONLY[object.model] ?? []);
  const fields = Object.fromEntries(
    Object.entries(object.fields).filter(([field]) => !hidden.has(field)),
  );

  return {
    pk: object.pk,
    ...fields,
    component: `ak-${object.model.slice(object.model.indexOf('.') + 1)}-form`,
    meta_model_name: object.model,
  };
}

function filtered(
  objects: StoredObject[],
  filters: string[],
  query: Record<string, string>,
): StoredObject[] {
  return objects.filter((object) =>
    filters.every(
      (field) => query[field] === undefined || String(object.fields[field]) === query[field],
    ),
  );
}

function listTasks(store: FakeStore, query: Record<string, string>): Answer {
  const filters = [
    ['rel_obj_content_type__app_label', 'rel_obj_app_label'],
    ['rel_obj_content_type__model', 'rel_obj_model'],
    ['rel_obj_id', 'rel_obj_id'],
  ] as const;
  const tasks = store.tasks
    .filter((task) =>
      filters.every(
        ([parameter, field]) => query[parameter] === undefined || task[field] === query[parameter],
      ),
    )
    .reverse();

  return paginate(tasks, query);
}

/** Responds to the object and task endpoints, or returns undefined for other routes. */
export function routeObjects(
  store: FakeStore,
  method: string,
  route: string,
  query: Record<string, string>,
): Answer | undefined {
  if (method !== 'GET') {
    return undefined;
  }

  const endpoint = LIST_ENDPOINTS[route];
  if (endpoint !== undefined) {
    const objects = filtered(store.ofModel(endpoint.model), endpoint.filters, query);
    return paginate(objects.map(serialize), query);
  }

  if (route === '/sources/all/') {
    const sources = store.objects.filter((object) => object.model.startsWith(SOURCE_PREFIX));
    return paginate(filtered(sources, ['slug', 'name'], query).map(serialize), query);
  }

  const mapping = /^\/propertymappings\/all\/([^/]+)\/$/.exec(route);
  if (mapping !== null) {
    const found = store.objects.find(
      (object) => MAPPING_MODELS.test(object.model) && object.pk === mapping[1],
    );
    return found === undefined ? NOT_FOUND : json(200, serialize(found));
  }

  if (route === '/tasks/tasks/') {
    return listTasks(store, query);
  }

  return undefined;
}
