/**
 * The user write stage (authentik/stages/user_write/stage.py, 2025.12): writes `prompt_data` to
 * the pending user, creating one when there is none or when `user_creation_mode` is
 * `always_create`. Keys become `set_<key>` calls (`password`), `attributes` merges,
 * `attributes.a.b` / `attributes_a_b` nested attributes and model fields; `groups` is dropped.
 * The top-level context key `groups` adds groups. The write goes to the run's directory.
 */
import { readUserWriteStage } from '../../../shared/model/stages.js';
import { BACKEND_INBUILT, PLAN_CONTEXT } from '../../../shared/simulator/context-keys.js';
import type { JsonValue } from '../../../shared/simulator/evaluation.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import type { ContextUser } from '../context.js';
import { readContextUser, unsavedUserValue, userValue } from '../context.js';
import type { DirectoryUser } from '../directory.js';
import { recordEvent, recordMembership, recordUserCreated, recordUserUpdated } from '../effects.js';
import type { ExecutorResponse } from '../executor.js';
import { hashPassword } from '../passwords.js';
import { plainValue, refUid } from '../project-index.js';
import { sessionUser } from '../request.js';
import { StageView } from './base.js';
import { asText } from '../json.js';

const USER_TYPES = ['internal', 'external', 'service_account', 'internal_service_account'];

// Model fields of User that `setattr` reaches; other keys are discarded with a log line.
const USER_MODEL_FIELDS = new Set([
  'username',
  'name',
  'email',
  'is_active',
  'type',
  'path',
  'first_name',
  'last_name',
  'last_login',
  'date_joined',
  'password_change_date',
  'uuid',
]);

function isMap(value: JsonValue | undefined): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

// authentik's set_path_in_dict: walks dots, creating maps as needed.
function setPath(target: JsonMap, path: string, value: JsonValue): void {
  const parts = path.split('.');
  let current = target;
  for (const part of parts.slice(0, -1)) {
    if (!isMap(current[part])) {
      current[part] = {};
    }
    current = current[part];
  }
  current[parts.at(-1) as string] = value;
}

export class UserWriteStageView extends StageView {
  async get(): Promise<ExecutorResponse> {
    const prompt = this.context[PLAN_CONTEXT.prompt];
    if (!isMap(prompt)) {
      return this.executor.stageInvalid('No Pending data.');
    }

    const ensured = this.ensureUser();
    if (ensured === undefined) {
      return this.executor.stageInvalid("No user found and can't create new user.");
    }

    const { user, created } = ensured;
    const written = this.updateUser(user, prompt);
    if (written.username === '') {
      this.state.recorder.note('The user has an empty username, so the stage refuses to save it.');
      return this.executor.stageInvalid();
    }

    return this.save(written, created);
  }

  private ensureUser(): { user: ContextUser; created: boolean } | undefined {
    const settings = readUserWriteStage(this.stageObject!);
    const context = this.context;
    let path =
      typeof context[PLAN_CONTEXT.userPath] === 'string'
        ? (context[PLAN_CONTEXT.userPath] as string)
        : plainValue(settings.user_path_template, '');
    if (path === '') {
      path = 'users';
    }

    const requested = context[PLAN_CONTEXT.userType] ?? plainValue(settings.user_type, 'external');
    let type =
      typeof requested === 'string' && USER_TYPES.includes(requested)
        ? requested
        : plainValue(settings.user_type, 'external');
    if (type === 'internal_service_account') {
      type = 'service_account';
    }

    const requestUser = sessionUser(this.state);
    if (requestUser !== null && context[PLAN_CONTEXT.pendingUser] === undefined) {
      context[PLAN_CONTEXT.pendingUser] = requestUser.map;
    }

    const mode = plainValue(settings.user_creation_mode, 'create_when_required');
    if (context[PLAN_CONTEXT.pendingUser] === undefined || mode === 'always_create') {
      if (mode === 'never_create') {
        return undefined;
      }

      context[PLAN_CONTEXT.pendingUser] = unsavedUserValue({
        is_active: !plainValue(settings.create_users_as_inactive, false),
        path,
        type,
      });
      context[PLAN_CONTEXT.authenticationBackend] = BACKEND_INBUILT;
      this.state.recorder.note(`A new user is created (user_creation_mode ${mode}).`);
      return {
        user: readContextUser(context[PLAN_CONTEXT.pendingUser], this.state.directory)!,
        created: true,
      };
    }

    const user = readContextUser(context[PLAN_CONTEXT.pendingUser], this.state.directory);
    return user === undefined ? undefined : { user, created: false };
  }

  private updateUser(user: ContextUser, prompt: JsonMap): ContextUser & { password?: string } {
    const written: ContextUser & { password?: string } = {
      ...user,
      attributes: structuredClone(user.attributes),
      map: { ...user.map },
    };
    const fields = written as unknown as Record<string, JsonValue>;

    for (const [key, value] of Object.entries(prompt)) {
      if (key === 'component') {
        continue;
      }
      if (key === 'password') {
        written.password = asText(value);
      } else if (key === 'groups') {
        this.state.recorder.note(
          'prompt_data.groups is discarded; the context key groups adds groups.',
        );
      } else if (key === 'attributes' && isMap(value)) {
        Object.assign(written.attributes, structuredClone(value));
      } else if (key.startsWith('attributes.') || key.startsWith('attributes_')) {
        // write_attribute replaces every underscore with a dot before splitting.
        const parts = key.replaceAll('_', '.').split('.').slice(1);
        setPath(written.attributes, parts.join('.'), structuredClone(value));
      } else if (USER_MODEL_FIELDS.has(key)) {
        fields[key] = structuredClone(value);
      } else {
        this.state.recorder.note(`prompt_data.${key} is not a user field and is discarded.`);
      }
    }

    const connection = this.context[PLAN_CONTEXT.sourcesConnection];
    if (isMap(connection)) {
      const source = isMap(connection.source) ? connection.source : {};
      const name = typeof source.name === 'string' ? source.name : asText(source.slug);
      const list = Array.isArray(written.attributes['goauthentik.io/user/sources'])
        ? written.attributes['goauthentik.io/user/sources']
        : [];
      if (!list.includes(name)) {
        list.push(name);
      }
      written.attributes['goauthentik.io/user/sources'] = list;
    }

    return written;
  }

  private save(
    written: ContextUser & { password?: string },
    created: boolean,
  ): ExecutorResponse | Promise<ExecutorResponse> {
    const directory = this.state.directory;
    const settings = readUserWriteStage(this.stageObject!);
    const clash = directory
      .listUsers()
      .find((other) => other.username === written.username && other.pk !== written.pk);
    if (clash !== undefined) {
      // IntegrityError on the unique username.
      this.state.recorder.note(
        `Saving fails: the username "${written.username}" belongs to another user.`,
      );
      return this.executor.stageInvalid('Failed to update user. Please try again later.');
    }

    const before = directory.userByPk(written.pk);
    const fields = {
      username: written.username,
      name: written.name,
      email: written.email,
      is_active: written.is_active,
      type: written.type,
      path: written.path,
      attributes: written.attributes,
      groups: before?.groups ?? [],
      devices: before?.devices ?? [],
      ...(written.password === undefined ? {} : { passwordHash: hashPassword(written.password) }),
    };

    let stored: DirectoryUser;
    const by = `user_write stage ${this.binding.ref.name}`;
    if (before === undefined) {
      stored = directory.createUser(fields);
      recordUserCreated(this.state, stored, by);
    } else {
      stored = { ...before, ...fields, passwordHash: fields.passwordHash ?? before.passwordHash };
      directory.saveUser(stored);
      recordUserUpdated(this.state, before, stored, by);
    }

    const groupsBefore = [...stored.groups];
    const group = refUid(settings.create_users_group);
    const extra = Array.isArray(this.context[PLAN_CONTEXT.groups])
      ? (this.context[PLAN_CONTEXT.groups] as JsonValue[])
      : [];
    for (const pk of [group, ...extra.map(groupPkOf)]) {
      if (pk !== undefined && !stored.groups.includes(pk)) {
        stored.groups.push(pk);
      }
    }
    directory.saveUser(stored);
    recordMembership(this.state, stored, groupsBefore, by);

    this.context[PLAN_CONTEXT.pendingUser] = {
      ...written.map,
      ...userValue(stored),
      ...(written.backend === undefined ? {} : { backend: written.backend }),
    };
    recordEvent(this.state, {
      action: created ? 'model_created' : 'model_updated',
      app: 'authentik.stages.user_write',
      context: {
        model: { app: 'authentik_core', model_name: 'user', name: stored.username, pk: stored.pk },
      },
      user: stored.username,
    });

    return this.executor.stageOk();
  }
}

function groupPkOf(value: JsonValue): string | undefined {
  if (typeof value === 'string') {
    return value;
  }

  return isMap(value) && value.pk !== undefined && value.pk !== null ? asText(value.pk) : undefined;
}
