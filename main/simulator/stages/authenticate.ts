/**
 * Password authentication against a stage's backends, as authentik's `authenticate()` does
 * (authentik/stages/password/stage.py): each backend in order, the first that returns a user
 * wins and is recorded as the user's `backend`.
 */
import { BACKEND_INBUILT, PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import type { DirectoryUser } from '../directory.js';
import { verifyPassword } from '../passwords.js';
import type { RunState } from '../types.js';

/** The outcome of an authentication attempt. */
export interface AuthenticationResult {
  user?: DirectoryUser;
  backend?: string;
  /** What each backend did, for the trace. */
  notes: string[];
}

// InbuiltBackend extends Django's ModelBackend: the username must match exactly, the password
// must match, and the user must be active (ModelBackend.user_can_authenticate).
function inbuilt(
  state: RunState,
  username: string,
  password: string,
  notes: string[],
): DirectoryUser | undefined {
  const user = state.directory.userByUsername(username);
  if (user === undefined) {
    notes.push(`${BACKEND_INBUILT}: no user "${username}".`);
    return undefined;
  }

  const matches =
    user.acceptAnyPassword === true ||
    (user.passwordHash !== undefined && verifyPassword(password, user.passwordHash));
  if (!matches) {
    const why =
      user.passwordHash === undefined && user.acceptAnyPassword !== true
        ? ' (the user has no password set; give the simulated user one for the run with ' +
          '`simulate --password`)'
        : '';
    notes.push(`${BACKEND_INBUILT}: wrong password for "${username}"${why}.`);
    return undefined;
  }

  if (!user.is_active) {
    notes.push(
      `${BACKEND_INBUILT}: "${username}" is inactive, so Django's ModelBackend refuses it.`,
    );
    return undefined;
  }

  notes.push(`${BACKEND_INBUILT}: password accepted for "${username}".`);
  return user;
}

/**
 * Tries the backends in order. Only the inbuilt backend is simulated: LDAP, Kerberos and app
 * password (token) backends find no user, and the trace says so.
 */
export function authenticate(
  state: RunState,
  context: JsonMap,
  backends: readonly string[],
  username: string,
  password: string,
): AuthenticationResult {
  const notes: string[] = [];

  for (const backend of backends) {
    if (backend !== BACKEND_INBUILT) {
      notes.push(`${backend}: not simulated, finds no user.`);
      continue;
    }

    const user = inbuilt(state, username, password, notes);
    if (user !== undefined) {
      // InbuiltBackend.set_method records how the user authenticated in the plan context.
      context[PLAN_CONTEXT.authMethod] = 'password';
      context[PLAN_CONTEXT.authMethodArgs] = {};
      return { user, backend, notes };
    }
  }

  return { notes };
}
