/** Small readers of the simulated request and of flow objects. */
import { readFlow } from '../../shared/model/flows.js';
import type { ModelObject } from '../../shared/model/object.js';
import { PLAN_CONTEXT } from '../../shared/simulator/context-keys.js';
import type { JsonMap } from '../../shared/simulator/trace.js';
import type { ContextUser } from './context.js';
import { readContextUser, userValue } from './context.js';
import { plainValue } from './project-index.js';
import type { RunState } from './types.js';

/** Returns a flow's slug, or its uid when the slug is a tag. */
export function flowSlugOf(flow: ModelObject): string {
  return plainValue(readFlow(flow).slug, flow.uid);
}

/** Returns `request.user`: the session's logged-in user, or null for AnonymousUser. */
export function sessionUser(state: RunState): ContextUser | null {
  const user = state.directory.userByPk(state.session.userPk);

  return user === undefined ? null : (readContextUser(userValue(user), state.directory) ?? null);
}

/**
 * Returns the user a stage works on, as StageView.get_pending_user() does: the plan's
 * `pending_user`, else `request.user` (null for AnonymousUser).
 */
export function pendingUserOf(state: RunState, context: JsonMap): ContextUser | null {
  return readContextUser(context[PLAN_CONTEXT.pendingUser], state.directory) ?? sessionUser(state);
}
