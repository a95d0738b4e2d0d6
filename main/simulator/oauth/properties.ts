/**
 * The user and group properties of a source login (authentik/core/sources/mapper.py and
 * authentik/lib/sync/mapper.py): the type's base properties, `path` defaulted to the source's
 * user path, then the source's property mappings ordered by name, each run in Python with the
 * variables `source`, `properties` (the properties so far), `info`, `client` and `token`. A dict
 * a mapping returns is deep-merged (maps merge, lists gain new items, other values replace); any
 * other return value is skipped. Top-level None values are removed at the end. A mapping that
 * raises stops the login: the callback fails with HTTP 500.
 */
import type { ModelObject } from '../../../shared/model/object.js';
import { mergeEntryData } from '../../../shared/model/view.js';
import type { EvaluationError, JsonValue } from '../../../shared/simulator/evaluation.js';
import { maskMap } from '../../../shared/simulator/mask.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { recordEvent } from '../effects.js';
import { asText, isJsonMap } from '../json.js';
import type { ProviderCall, ProviderType } from './providers.js';
import { userPathOf } from './source-config.js';

/** The model of OAuth source property mappings; other mapping models are ignored. */
export const OAUTH_MAPPING_MODEL = 'authentik_sources_oauth.oauthsourcepropertymapping';

/** A property mapping that raised, so the server responds to the callback with HTTP 500. */
export interface MappingFailure {
  mapping: string;
  error: EvaluationError;
}

/** The properties of a login, or the mapping that failed. */
export type PropertiesOutcome =
  | { kind: 'properties'; user: JsonMap; groups: Record<string, JsonMap> }
  | { kind: 'mapping-failed'; failure: MappingFailure };

/** Merges `update` into `base` as authentik's MERGE_LIST_UNIQUE does, changing `base`. */
export function mergeListUnique(base: JsonMap, update: JsonMap): JsonMap {
  for (const [key, value] of Object.entries(update)) {
    const current = base[key];
    if (isJsonMap(current) && isJsonMap(value)) {
      mergeListUnique(current, value);
    } else if (Array.isArray(current) && Array.isArray(value)) {
      for (const item of value) {
        if (!current.some((existing) => JSON.stringify(existing) === JSON.stringify(item))) {
          current.push(structuredClone(item));
        }
      }
    } else {
      base[key] = structuredClone(value);
    }
  }

  return base;
}

/** Returns a copy without the top-level keys whose value is None (delete_none_values). */
export function deleteNoneValues(properties: JsonMap): JsonMap {
  const copy: JsonMap = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value !== null) {
      copy[key] = value;
    }
  }

  return copy;
}

/** Returns a source's OAuth property mappings ordered by name, as `qs.order_by("name")` does. */
export function mappingsByName(call: ProviderCall, uids: readonly string[]): ModelObject[] {
  const mappings = uids
    .map((uid) => call.state.index.get(uid))
    .filter((object): object is ModelObject => object?.model === OAUTH_MAPPING_MODEL);

  return mappings.sort((a, b) => {
    const left = asText(mergeEntryData(a).name);
    const right = asText(mergeEntryData(b).name);
    // Django orders by the database's collation; the simulation uses code-point order instead.
    if (left === right) {
      return 0;
    }

    return left < right ? -1 : 1;
  });
}

function sourceValue(call: ProviderCall): JsonMap {
  const config = call.config;
  return {
    $model: config.object.model,
    pk: config.object.uid,
    name: config.name,
    slug: config.slug,
    provider_type: config.providerType,
  };
}

// `client` is an OAuth2Client object on the server; the sandbox gets a plain stand-in.
function clientValue(call: ProviderCall, type: ProviderType): JsonMap {
  return { source: call.config.slug, provider_type: type.name };
}

async function runMappings(
  call: ProviderCall,
  type: ProviderType,
  mappings: ModelObject[],
  properties: JsonMap,
  extra: JsonMap,
  what: string,
): Promise<MappingFailure | undefined> {
  for (const mapping of mappings) {
    const data = mergeEntryData(mapping);
    const name = asText(data.name, mapping.uid);
    const result = await call.state.evaluator.evaluate({
      kind: 'property_mapping',
      name,
      expression: asText(data.expression),
      context: {
        source: sourceValue(call),
        properties: structuredClone(properties),
        info: call.info,
        client: clientValue(call, type),
        token: call.token,
        ...extra,
      },
      user: null,
      directory: call.state.directory.toSimDirectory(),
      httpRequest: call.state.http,
    });
    call.state.recorder.effects.events.push(...result.events);

    if (result.error !== undefined) {
      return { mapping: name, error: result.error };
    }
    if (result.skipped === true) {
      call.state.recorder.note(`Property mapping ${name} raised SkipObject for ${what}.`);
      continue;
    }

    const value: JsonValue | undefined = result.rawResult?.json;
    if (!isJsonMap(value)) {
      const shown = result.rawResult?.repr ?? 'a value';
      call.state.recorder.note(
        `Property mapping ${name} returned ${shown} for ${what}, which is not a dict, so it is skipped.`,
      );
      continue;
    }

    mergeListUnique(properties, value);
    call.state.recorder.note(`Property mapping ${name} merged ${JSON.stringify(maskMap(value))}.`);
  }

  return undefined;
}

/**
 * Builds the user properties and the properties of each group the user properties list under
 * `groups`, as SourceFlowManager's constructor does.
 */
export async function buildProperties(
  call: ProviderCall,
  type: ProviderType,
): Promise<PropertiesOutcome> {
  const user = await type.baseUserProperties(call);
  if (!('path' in user)) {
    user.path = userPathOf(call.config);
  }
  if (!('attributes' in user)) {
    user.attributes = {};
  }

  const mappings = mappingsByName(call, call.config.userPropertyMappings);
  const failed = await runMappings(call, type, mappings, user, {}, 'the user');
  if (failed !== undefined) {
    recordMappingFailure(call, failed);
    return { kind: 'mapping-failed', failure: failed };
  }

  const properties = deleteNoneValues(user);
  const ids = Array.isArray(properties.groups) ? properties.groups : [];
  delete properties.groups;

  const groups: Record<string, JsonMap> = {};
  const groupMappings = mappingsByName(call, call.config.groupPropertyMappings);
  for (const id of ids) {
    // Group ids key a dict on the server; ids that cannot be keys (lists, maps) are skipped.
    if (typeof id === 'object' && id !== null) {
      call.state.recorder.note(`The group id ${JSON.stringify(id)} cannot be used and is skipped.`);
      continue;
    }

    const groupId = String(id);
    const group = type.baseGroupProperties(groupId, call);
    if (!('attributes' in group)) {
      group.attributes = {};
    }
    const failure = await runMappings(
      call,
      type,
      groupMappings,
      group,
      { group_id: groupId },
      `group ${groupId}`,
    );
    if (failure !== undefined) {
      recordMappingFailure(call, failure);
      return { kind: 'mapping-failed', failure };
    }
    groups[groupId] = deleteNoneValues(group);
  }

  return { kind: 'properties', user: properties, groups };
}

function recordMappingFailure(call: ProviderCall, failure: MappingFailure): void {
  recordEvent(call.state, {
    action: 'configuration_error',
    app: 'authentik.core.sources.mapper',
    context: { message: `Failed to evaluate property mapping: '${failure.mapping}'` },
  });
}
