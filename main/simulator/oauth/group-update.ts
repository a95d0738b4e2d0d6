/**
 * GroupUpdateStage (authentik/core/sources/flow_manager.py), the stage authentik appends after
 * a source login's flow: each group in the context key `source_groups` is created, linked or
 * updated according to the source's `group_matching_mode`, and the pending user's groups from
 * the source become exactly these. A group the matcher denies fails the stage with "Failed to
 * update groups. Please try again later.".
 *
 * Group source connections come from the project's connection objects (e.g.
 * `authentik_sources_oauth.groupoauthsourceconnection`) and from the groups this run created.
 * In mode `identifier` a group without a connection is created. Group.objects.create then fails
 * on a group of the same name, because `Group.name` is unique (authentik/core/models.py, since
 * groups have several parents), and the stage raises.
 */
import { PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { readContextUser, userValue } from '../context.js';
import { recordMembership } from '../effects.js';
import type { ExecutorResponse } from '../executor.js';
import { asText, isJsonMap } from '../json.js';
import { mergeEntryData } from '../../../shared/model/view.js';
import { refUid } from '../project-index.js';
import type { RunState } from '../types.js';
import { StageView } from '../stages/base.js';
import type { GroupConnection } from './matcher.js';
import { matchGroup } from './matcher.js';

/** The failure text of GroupUpdateStage. */
export const GROUP_UPDATE_FAILED = 'Failed to update groups. Please try again later.';

export class GroupUpdateStageView extends StageView {
  get(): Promise<ExecutorResponse> {
    const state = this.state;
    const context = this.context;
    const raw = context[PLAN_CONTEXT.sourceGroups];
    const groups: JsonMap = isJsonMap(raw) ? raw : {};
    const mode = asText(this.stageData.group_matching_mode, 'identifier');
    const user = readContextUser(context[PLAN_CONTEXT.pendingUser], state.directory);
    const stored = state.directory.userByPk(user?.pk ?? null);

    const sourceSlug = asText(this.stageData.source);
    const connections = groupConnections(state, sourceSlug);
    const resolved: string[] = [];
    for (const [identifier, value] of Object.entries(groups)) {
      const properties = isJsonMap(value) ? value : {};
      const name = asText(properties.name, identifier);
      const match = matchGroup(state, { mode, identifier, properties, connections });
      if (match.action === 'deny') {
        state.recorder.note(`Group ${identifier}: ${match.why}.`);
        return this.executor.stageInvalid(GROUP_UPDATE_FAILED);
      }

      if (match.action === 'enroll' && state.directory.groupByName(name) !== undefined) {
        state.recorder.note(
          `Group ${identifier}: no group connection of source ${sourceSlug} has this identifier, so authentik creates the group ${name}; a group of that name exists and the create fails.`,
        );
        // NOTE: the text imitates PostgreSQL's IntegrityError without the constraint's real name.
        throw new Error(
          `IntegrityError: duplicate key value violates the unique group name "${name}"`,
        );
      }

      const pk =
        match.action === 'enroll'
          ? state.directory.createGroup(
              name,
              isJsonMap(properties.attributes) ? properties.attributes : {},
            ).pk
          : (match.group as string);
      if (match.action !== 'auth') {
        connections.push({ identifier, group: pk });
      }
      state.recorder.note(`Group ${identifier} (${name}): ${match.action}, ${match.why}.`);
      resolved.push(pk);
    }

    if (stored === undefined) {
      if (resolved.length > 0) {
        state.recorder.note('The pending user is not saved, so no groups can be set.');
      }
      return Promise.resolve(this.executor.stageOk());
    }

    // The user's groups from this source are replaced by the ones the source sent now.
    const before = [...stored.groups];
    const fromSource = new Set(connections.map((connection) => connection.group));
    stored.groups = stored.groups.filter((pk) => !fromSource.has(pk) || resolved.includes(pk));
    for (const pk of resolved) {
      if (!stored.groups.includes(pk)) {
        stored.groups.push(pk);
      }
    }
    state.directory.saveUser(stored);
    recordMembership(
      state,
      stored,
      before,
      `GroupUpdateStage of source ${asText(this.stageData.source)}`,
    );
    context[PLAN_CONTEXT.pendingUser] = { ...(user?.map ?? {}), ...userValue(stored) };

    return Promise.resolve(this.executor.stageOk());
  }
}

// Group connection models end like the source model, e.g. `groupoauthsourceconnection`.
function isGroupConnectionModel(model: string): boolean {
  return /\.group[a-z]*sourceconnection$/.test(model);
}

/** Returns the project's group connections of the source with this slug. */
export function groupConnections(state: RunState, sourceSlug: string): GroupConnection[] {
  const source = state.directory.sources.find((candidate) => candidate.slug === sourceSlug);
  if (source === undefined) {
    return [];
  }

  const connections: GroupConnection[] = [];
  for (const object of state.index.objects) {
    if (!isGroupConnectionModel(object.model)) {
      continue;
    }

    const data = mergeEntryData(object);
    const group = refUid(data.group);
    const identifier = data.identifier;
    if (
      refUid(data.source) !== source.pk ||
      group === undefined ||
      typeof identifier !== 'string'
    ) {
      continue;
    }
    if (state.directory.group(group) !== undefined) {
      connections.push({ identifier, group });
    }
  }

  return connections;
}
