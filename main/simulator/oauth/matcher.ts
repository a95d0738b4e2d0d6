/**
 * authentik's source matcher (authentik/core/sources/matcher.py) and the authenticated-request
 * rule of SourceFlowManager.get_action (authentik/core/sources/flow_manager.py):
 * - a logged-in browser links the identity to its user, or authenticates through an existing
 *   connection of the identity, even one that belongs to another user;
 * - otherwise an existing connection (source, identifier) authenticates its user;
 * - `identifier` mode enrolls.
 * - `*_link` and `*_deny` modes deny when the property is missing or empty. Otherwise they look
 *   the property up exactly (case-sensitive) and enroll when nothing matches; a match is linked
 *   (`*_link`) or denied (`*_deny`).
 * Groups follow the same rules with `identifier`, `name_link` and `name_deny`.
 */
import type { JsonMap } from '../../../shared/simulator/trace.js';
import type { DirectoryUser } from '../directory.js';
import { asText } from '../json.js';
import type { RunState } from '../types.js';

/** A decision of the matcher. */
export type MatchAction = 'auth' | 'link' | 'enroll' | 'deny';

/** A user connection of the simulated directory. */
export interface UserConnection {
  /** Null for a connection that is not saved yet. */
  pk: string | null;
  user: DirectoryUser | undefined;
  identifier: string;
}

/** The matcher's decision for a user, with the connection it acts on. */
export interface UserMatch {
  action: MatchAction;
  connection: UserConnection | undefined;
  /** One line saying why, for the trace. */
  why: string;
}

/** Decides what a login with `identifier` and `properties` does for the user. */
export function matchUser(
  state: RunState,
  options: {
    mode: string;
    identifier: string;
    properties: JsonMap;
    connections: readonly UserConnection[];
    loggedIn: DirectoryUser | undefined;
  },
): UserMatch {
  const { identifier, properties, mode } = options;
  const existing = options.connections.find((connection) => connection.identifier === identifier);

  if (options.loggedIn !== undefined) {
    if (existing !== undefined) {
      return {
        action: 'auth',
        connection: existing,
        why: `the browser is logged in and ${identifier} is already connected to ${existing.user?.username ?? 'a user'}`,
      };
    }

    return {
      action: 'link',
      connection: { pk: null, user: options.loggedIn, identifier },
      why: `the browser is logged in as ${options.loggedIn.username}, so the identity is linked to that user`,
    };
  }

  if (existing !== undefined) {
    return {
      action: 'auth',
      connection: existing,
      why: `${identifier} is already connected to ${existing.user?.username ?? 'a user'}`,
    };
  }

  const fresh: UserConnection = { pk: null, user: undefined, identifier };
  if (mode === 'identifier') {
    return {
      action: 'enroll',
      connection: fresh,
      why: 'no connection yet and user_matching_mode identifier',
    };
  }

  const field = mode.startsWith('email') ? 'email' : 'username';
  const value = properties[field];
  if (value === undefined || value === null || value === '' || value === false || value === 0) {
    return {
      action: 'deny',
      connection: undefined,
      why: `user_matching_mode ${mode} needs the ${field}, which the source did not return`,
    };
  }

  const match = state.directory.listUsers().find((user) => user[field] === value);
  if (match === undefined) {
    return {
      action: 'enroll',
      connection: fresh,
      why: `user_matching_mode ${mode}: no user has the ${field} ${asText(value)}`,
    };
  }
  if (mode.endsWith('_link')) {
    return {
      action: 'link',
      connection: { ...fresh, user: match },
      why: `user_matching_mode ${mode}: the ${field} matches ${match.username}, who is logged in through the link`,
    };
  }

  return {
    action: 'deny',
    connection: undefined,
    why: `user_matching_mode ${mode}: ${match.username} already has the ${field} ${asText(value)}`,
  };
}

/** A group connection of the simulated directory. */
export interface GroupConnection {
  identifier: string;
  /** Primary key of the group. */
  group: string;
}

/** The matcher's decision for a group. */
export interface GroupMatch {
  action: MatchAction;
  /** Primary key of the group to update (auth, link). */
  group?: string;
  why: string;
}

/** Decides what GroupUpdateStage does with one group of the source. */
export function matchGroup(
  state: RunState,
  options: {
    mode: string;
    identifier: string;
    properties: JsonMap;
    connections: readonly GroupConnection[];
  },
): GroupMatch {
  const existing = options.connections.find((item) => item.identifier === options.identifier);
  if (existing !== undefined) {
    return { action: 'auth', group: existing.group, why: 'the group is already connected' };
  }
  if (options.mode === 'identifier') {
    return { action: 'enroll', why: 'group_matching_mode identifier creates the group' };
  }

  const name = options.properties.name;
  if (typeof name !== 'string' || name === '') {
    return { action: 'deny', why: `group_matching_mode ${options.mode} needs a name` };
  }

  const match = state.directory.groupByName(name);
  if (match === undefined) {
    return { action: 'enroll', why: `no group is named ${name}` };
  }
  if (options.mode === 'name_link') {
    return { action: 'link', group: match.pk, why: `the group ${name} exists and is linked` };
  }

  return { action: 'deny', why: `group_matching_mode name_deny: the group ${name} exists` };
}
