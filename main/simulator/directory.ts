/**
 * The simulated directory: the users, groups and sources a simulated server holds. It is built
 * from the project's `authentik_core.user`, `authentik_core.group` and source objects plus the
 * personas, and each run works on its own copy, so nothing a run does reaches the project.
 */
import { readGroup, readUser } from '../../shared/model/core.js';
import type { ModelObject } from '../../shared/model/object.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type {
  JsonValue,
  SimDevice,
  SimDirectory,
  SimGroup,
  SimSource,
  SimUser,
} from '../../shared/simulator/evaluation.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { ProjectIndex } from './project-index.js';
import { GROUP_MODEL, USER_MODEL, plainValue, refUids } from './project-index.js';

/** A user of the simulated directory, with the fields only the simulator uses (hash, persona). */
export interface DirectoryUser extends SimUser {
  pk: number;
  username: string;
  name: string;
  email: string;
  is_active: boolean;
  type: string;
  path: string;
  attributes: Record<string, JsonValue>;
  groups: string[];
  devices: SimDevice[];
  /** The project object the user came from, if any. */
  objectUid?: string;
  /** The persona that describes this user, if any. */
  persona?: string;
  /** Salted hash of the password, from a persona or `--password`. */
  passwordHash?: string;
  acceptAnyPassword?: boolean;
}

const SOURCE_MODEL = /^authentik_sources_[a-z0-9_]+\.[a-z0-9_]*source$/;

// Fields that stay in the simulator and never go to the Python sandbox.
const PRIVATE_USER_FIELDS = ['objectUid', 'persona', 'passwordHash', 'acceptAnyPassword'];

function jsonRecord(value: unknown): Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? structuredClone(value as Record<string, JsonValue>)
    : {};
}

/** The users, groups and sources of a simulated server. */
export class SimulatedDirectory {
  private constructor(
    private readonly users: Map<number, DirectoryUser>,
    private readonly groups: Map<string, SimGroup>,
    readonly sources: SimSource[],
    private nextPk: number,
  ) {}

  /** Builds the directory of a project: its users and groups, then the personas over them. */
  static fromProject(index: ProjectIndex, personas: readonly Persona[] = []): SimulatedDirectory {
    const groups = new Map<string, SimGroup>();
    for (const object of index.ofModel(GROUP_MODEL)) {
      groups.set(object.uid, groupFromObject(object));
    }

    const users = new Map<number, DirectoryUser>();
    let nextPk = 1;
    for (const object of index.ofModel(USER_MODEL)) {
      const user = userFromObject(object, nextPk);
      users.set(user.pk, user);
      nextPk += 1;
    }

    // Group objects may list their members instead of the users listing their groups.
    for (const object of index.ofModel(GROUP_MODEL)) {
      for (const userUid of refUids(readGroup(object).users)) {
        const member = [...users.values()].find((user) => user.objectUid === userUid);
        if (member !== undefined && !member.groups.includes(object.uid)) {
          member.groups.push(object.uid);
        }
      }
    }

    const sources = index.objects
      .filter((object) => SOURCE_MODEL.test(object.model) && object.state !== 'absent')
      .map(sourceFromObject);

    const directory = new SimulatedDirectory(users, groups, sources, nextPk);
    for (const persona of personas.filter((candidate) => candidate.inDirectory !== false)) {
      directory.addPersona(persona);
    }

    return directory;
  }

  /** Returns an independent copy for one run. */
  clone(): SimulatedDirectory {
    const users = new Map([...this.users].map(([pk, user]) => [pk, structuredClone(user)]));
    const groups = new Map([...this.groups].map(([pk, group]) => [pk, structuredClone(group)]));

    return new SimulatedDirectory(users, groups, structuredClone(this.sources), this.nextPk);
  }

  /** Adds a persona's user, or overlays it on the directory user with the same username. */
  addPersona(persona: Persona): DirectoryUser {
    const spec = persona.user;
    const existing = this.userByUsername(spec.username);
    const user: DirectoryUser = existing ?? {
      pk: this.nextPk++,
      username: spec.username,
      name: '',
      email: '',
      is_active: true,
      type: 'internal',
      path: 'users',
      attributes: {},
      groups: [],
      devices: [],
    };

    user.persona = persona.name;
    user.name = spec.name ?? user.name;
    user.email = spec.email ?? user.email;
    user.is_active = spec.isActive ?? user.is_active;
    user.type = spec.type ?? user.type;
    user.path = spec.path ?? user.path;
    user.attributes = { ...user.attributes, ...jsonRecord(spec.attributes) };
    if (spec.lastLogin !== undefined) {
      user.last_login = spec.lastLogin;
    }
    if (spec.passwordChangeDate !== undefined) {
      user.password_change_date = spec.passwordChangeDate;
    }
    for (const groupName of spec.groups ?? []) {
      const group = this.groupByName(groupName) ?? this.addGroup(groupName);
      if (!user.groups.includes(group.pk)) {
        user.groups.push(group.pk);
      }
    }
    user.devices = structuredClone(persona.devices ?? user.devices);
    user.passwordHash = persona.passwordHash ?? user.passwordHash;
    user.acceptAnyPassword = persona.acceptAnyPassword ?? user.acceptAnyPassword;

    this.users.set(user.pk, user);
    return user;
  }

  /** Returns the user with this primary key. */
  userByPk(pk: number | null | undefined): DirectoryUser | undefined {
    return pk === null || pk === undefined ? undefined : this.users.get(pk);
  }

  /** Returns the user with exactly this username. */
  userByUsername(username: string): DirectoryUser | undefined {
    return [...this.users.values()].find((user) => user.username === username);
  }

  /** Returns every user, in primary key order. */
  listUsers(): DirectoryUser[] {
    return [...this.users.values()];
  }

  /** Returns the group with this primary key. */
  group(pk: string): SimGroup | undefined {
    return this.groups.get(pk);
  }

  /** Returns the group with this name. */
  groupByName(name: string): SimGroup | undefined {
    return [...this.groups.values()].find((group) => group.name === name);
  }

  /** Returns the group names of primary keys, unknown keys as they are. */
  groupNames(pks: readonly string[]): string[] {
    return pks.map((pk) => this.groups.get(pk)?.name ?? pk);
  }

  /**
   * Returns the primary keys of a user's groups and all their ancestors, as authentik's
   * `User.all_groups()` does.
   */
  allGroups(user: DirectoryUser): Set<string> {
    const found = new Set<string>();
    const pending = [...user.groups];

    while (pending.length > 0) {
      const pk = pending.pop() as string;
      if (found.has(pk)) {
        continue;
      }

      found.add(pk);
      pending.push(...(this.groups.get(pk)?.parents ?? []));
    }

    return found;
  }

  /** Tells whether a user is a superuser: a member (also through parents) of a superuser group. */
  isSuperuser(user: DirectoryUser): boolean {
    return [...this.allGroups(user)].some((pk) => this.groups.get(pk)?.is_superuser === true);
  }

  /** Adds a new user and returns it with its new primary key. */
  createUser(fields: Omit<DirectoryUser, 'pk'>): DirectoryUser {
    const user = { ...structuredClone(fields), pk: this.nextPk++ } as DirectoryUser;
    this.users.set(user.pk, user);

    return user;
  }

  /** Adds a group, as a source's group synchronisation creates one, and returns it. */
  createGroup(name: string, attributes: Record<string, JsonValue> = {}): SimGroup {
    const group = this.addGroup(name);
    group.attributes = structuredClone(attributes);

    return group;
  }

  /** Replaces a stored user with a changed copy. */
  saveUser(user: DirectoryUser): void {
    this.users.set(user.pk, structuredClone(user));
  }

  /** Returns the directory as the Python sandbox receives it, without password hashes. */
  toSimDirectory(): SimDirectory {
    const users = [...this.users.values()].map((user) => {
      const copy: Record<string, unknown> = { ...user };
      for (const field of PRIVATE_USER_FIELDS) {
        delete copy[field];
      }
      return copy as SimUser;
    });

    return { users, groups: [...this.groups.values()], sources: this.sources, connections: [] };
  }

  private addGroup(name: string): SimGroup {
    const group: SimGroup = { pk: `persona-group:${name}`, name, is_superuser: false, parents: [] };
    this.groups.set(group.pk, group);

    return group;
  }
}

function groupFromObject(object: ModelObject): SimGroup {
  const group = readGroup(object);

  return {
    pk: object.uid,
    name: plainValue(group.name, object.uid),
    is_superuser: plainValue(group.is_superuser, false),
    parents: refUids(group.parents),
    attributes: jsonRecord(plainValue(group.attributes, {})),
  };
}

function userFromObject(object: ModelObject, pk: number): DirectoryUser {
  const user = readUser(object);

  return {
    pk,
    objectUid: object.uid,
    username: plainValue(user.username, object.uid),
    name: plainValue(user.name, ''),
    email: plainValue(user.email, ''),
    is_active: plainValue(user.is_active, true),
    type: plainValue(user.type, 'internal'),
    path: plainValue(user.path, 'users'),
    attributes: jsonRecord(plainValue(user.attributes, {})),
    groups: refUids(user.groups),
    devices: [],
  };
}

function sourceFromObject(object: ModelObject): SimSource {
  const data = mergeEntryData(object);
  const text = (key: string): string | undefined =>
    typeof data[key] === 'string' ? data[key] : undefined;

  return {
    pk: object.uid,
    name: text('name') ?? object.uid,
    slug: text('slug') ?? object.uid,
    model: object.model,
    enabled: data.enabled !== false,
    ...(text('provider_type') === undefined ? {} : { provider_type: text('provider_type') }),
  };
}
