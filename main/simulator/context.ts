/**
 * Values of the flow-plan context. authentik keeps Python objects there, such as a User or a
 * Source. The simulator keeps their JSON form from the evaluation contract
 * (`{"$model": ..., "pk": ...}`), so the context goes to the Python sandbox and back unchanged.
 */
import { USER_LABEL } from '../../shared/simulator/context-keys.js';
import type { JsonValue, SimUser } from '../../shared/simulator/evaluation.js';
import type { JsonMap } from '../../shared/simulator/trace.js';
import type { DirectoryUser, SimulatedDirectory } from './directory.js';

/** A user as a context value or `request.user`: saved (pk set) or not (pk null). */
export interface ContextUser {
  pk: number | null;
  username: string;
  email: string;
  name: string;
  is_active: boolean;
  type: string;
  path: string;
  attributes: Record<string, JsonValue>;
  /** The authentication backend that checked the user's password, when one did. */
  backend?: string;
  /** The full `$model` map, including fields the simulator does not model. */
  map: JsonMap;
}

function isMap(value: JsonValue | undefined): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the context value of a directory user, optionally with an authentication backend. */
export function userValue(user: DirectoryUser, backend?: string): JsonMap {
  const value: JsonMap = {
    $model: USER_LABEL,
    pk: user.pk,
    username: user.username,
    name: user.name,
    email: user.email,
    is_active: user.is_active,
    type: user.type,
    path: user.path,
    attributes: structuredClone(user.attributes),
  };
  if (backend !== undefined) {
    value.backend = backend;
  }

  return value;
}

/** Returns the context value of a user that is not saved, as `User(username=..., ...)`. */
export function unsavedUserValue(fields: Partial<Omit<ContextUser, 'map' | 'pk'>>): JsonMap {
  return {
    $model: USER_LABEL,
    pk: null,
    username: fields.username ?? '',
    name: fields.name ?? '',
    email: fields.email ?? '',
    is_active: fields.is_active ?? true,
    type: fields.type ?? 'internal',
    path: fields.path ?? 'users',
    attributes: structuredClone(fields.attributes ?? {}),
  };
}

/**
 * Reads a user from a context value. Fields missing from the map are read from the directory
 * user with the same primary key, as the sandbox does. Returns undefined for other values.
 */
export function readContextUser(
  value: JsonValue | undefined,
  directory: SimulatedDirectory,
): ContextUser | undefined {
  if (!isMap(value) || value.$model !== USER_LABEL) {
    return undefined;
  }

  const pk = typeof value.pk === 'number' ? value.pk : null;
  const stored = directory.userByPk(pk);
  const text = (key: string, fallback: string): string =>
    typeof value[key] === 'string' ? value[key] : fallback;

  return {
    pk,
    username: text('username', stored?.username ?? ''),
    email: text('email', stored?.email ?? ''),
    name: text('name', stored?.name ?? ''),
    is_active: typeof value.is_active === 'boolean' ? value.is_active : (stored?.is_active ?? true),
    type: text('type', stored?.type ?? 'internal'),
    path: text('path', stored?.path ?? 'users'),
    attributes: isMap(value.attributes) ? value.attributes : (stored?.attributes ?? {}),
    ...(typeof value.backend === 'string' ? { backend: value.backend } : {}),
    map: value,
  };
}

/** Returns `request.user` for the sandbox: a saved or unsaved user, or null (AnonymousUser). */
export function requestUserOf(
  user: ContextUser | null,
  directory: SimulatedDirectory,
): SimUser | null {
  if (user === null) {
    return null;
  }

  const stored = directory.userByPk(user.pk);
  const { $model: _model, ...fields } = user.map;

  return {
    ...fields,
    pk: user.pk,
    username: user.username,
    groups: stored?.groups ?? [],
    devices: stored?.devices ?? [],
  };
}

/** Returns a user's name for traces: the username, or `AnonymousUser`. */
export function userLabel(user: ContextUser | null): string {
  if (user === null) {
    return 'AnonymousUser';
  }

  return user.pk === null ? `${user.username} (not saved)` : user.username;
}

/**
 * Merges a context returned by the sandbox into the previous one. A `$model` map that comes back
 * for the same object keeps the keys the sandbox does not return, such as a user's `backend`,
 * because authentik keeps the same Python object in the plan.
 */
export function mergeReturnedContext(previous: JsonMap, returned: JsonMap): JsonMap {
  const merged: JsonMap = {};

  for (const [key, value] of Object.entries(returned)) {
    const before = previous[key];
    if (
      isMap(before) &&
      isMap(value) &&
      before.$model !== undefined &&
      before.$model === value.$model
    ) {
      merged[key] = before.pk === value.pk ? { ...before, ...value } : value;
    } else {
      merged[key] = value;
    }
  }

  return merged;
}
