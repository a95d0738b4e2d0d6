/**
 * GroupUpdateStage (authentik/core/sources/flow_manager.py), the stage authentik appends after
 * a source login's flow: each group in the context key `source_groups` is created, linked or
 * updated according to the source's `group_matching_mode`, and the pending user's groups from
 * the source become exactly these. A group the matcher denies fails the stage with "Failed to
 * update groups. Please try again later.".
 * NOTE: the project contains no group source connections, so a group whose name already exists is
 * taken to be connected to the source by an earlier login; on the server a group an
 * administrator created under that name makes the create fail instead. Groups that an earlier
 * login added and that the source no longer sends are not removed.
 */
import { PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { readContextUser, userValue } from '../context.js';
import { recordMembership } from '../effects.js';
import type { ExecutorResponse } from '../executor.js';
import { asText, isJsonMap } from '../json.js';
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

    const connections: GroupConnection[] = [];
    const resolved: string[] = [];
    for (const [identifier, value] of Object.entries(groups)) {
      const properties = isJsonMap(value) ? value : {};
      const name = asText(properties.name, identifier);
      const existing = state.directory.groupByName(name);
      if (existing !== undefined && mode === 'identifier') {
        connections.push({ identifier, group: existing.pk });
      }

      const match = matchGroup(state, { mode, identifier, properties, connections });
      if (match.action === 'deny') {
        state.recorder.note(`Group ${identifier}: ${match.why}.`);
        return this.executor.stageInvalid(GROUP_UPDATE_FAILED);
      }

      const pk =
        match.action === 'enroll'
          ? state.directory.createGroup(
              name,
              isJsonMap(properties.attributes) ? properties.attributes : {},
            ).pk
          : (match.group as string);
      state.recorder.note(`Group ${identifier} (${name}): ${match.action}, ${match.why}.`);
      resolved.push(pk);
    }

    if (stored === undefined) {
      if (resolved.length > 0) {
        state.recorder.note('The pending user is not saved, so no groups can be set.');
      }
      return Promise.resolve(this.executor.stageOk());
    }

    const before = [...stored.groups];
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
