/**
 * Core models (`authentik/core/models.py`, `authentik/brands/models.py`): facts for groups,
 * users, brands and applications, and typed views of groups and users.
 */
import type { ModelFacts } from './fields.js';
import type { ModelObject } from './object.js';
import { USER_TYPES } from './stages.js';
import type { UserType } from './stages.js';
import type { Field, Reference } from './view.js';
import { readView } from './view.js';

export { USER_TYPES };
export type { UserType };

/** `authentik_core.group` */
export interface Group {
  name?: Field<string>;
  is_superuser: Field<boolean>;
  /** The 2025.12 schema has a list of parents; older servers had one `parent`. */
  parents: Field<Reference[]>;
  /** Integer primary keys of users. */
  users: Field<Reference[]>;
  roles: Field<Reference[]>;
  attributes: Field<Record<string, unknown>>;
}

/** `authentik_core.user` */
export interface User {
  username?: Field<string>;
  name?: Field<string>;
  email: Field<string>;
  is_active: Field<boolean>;
  type: Field<UserType>;
  /** Folder-like path the user is listed under. */
  path: Field<string>;
  attributes: Field<Record<string, unknown>>;
  groups: Field<Reference[]>;
  roles: Field<Reference[]>;
  /** Accepted in blueprint context only; hashed on save. */
  password?: Field<string> | null;
}

const GROUP: ModelFacts = {
  naturalKey: ['name'],
  defaults: { is_superuser: false, parents: [], users: [], roles: [], attributes: {} },
  requiredOnCreate: ['name'],
  references: {
    parents: { target: ['authentik_core.group'], many: true },
    users: { target: ['authentik_core.user'], many: true },
    roles: { target: ['authentik_rbac.role'], many: true },
  },
};

const USER: ModelFacts = {
  naturalKey: ['username'],
  defaults: {
    email: '',
    is_active: true,
    type: 'internal',
    path: 'users',
    attributes: {},
    groups: [],
    roles: [],
  },
  requiredOnCreate: ['username', 'name'],
  references: {
    groups: { target: ['authentik_core.group'], many: true },
    roles: { target: ['authentik_rbac.role'], many: true },
  },
  writeOnly: ['password'],
};

const BRAND: ModelFacts = {
  naturalKey: ['domain'],
  defaults: { default: false, attributes: {} },
  requiredOnCreate: ['domain'],
  references: {
    flow_authentication: { target: ['authentik_flows.flow'], nullable: true },
    flow_invalidation: { target: ['authentik_flows.flow'], nullable: true },
    flow_recovery: { target: ['authentik_flows.flow'], nullable: true },
    flow_unenrollment: { target: ['authentik_flows.flow'], nullable: true },
    flow_user_settings: { target: ['authentik_flows.flow'], nullable: true },
    flow_device_code: { target: ['authentik_flows.flow'], nullable: true },
    default_application: { target: ['authentik_core.application'], nullable: true },
    web_certificate: { target: ['authentik_crypto.certificatekeypair'], nullable: true },
    client_certificates: { target: ['authentik_crypto.certificatekeypair'], many: true },
  },
};

const APPLICATION: ModelFacts = {
  naturalKey: ['slug'],
  defaults: {
    provider: null,
    backchannel_providers: [],
    open_in_new_tab: false,
    meta_launch_url: '',
    meta_description: '',
    meta_publisher: '',
    policy_engine_mode: 'any',
    group: '',
  },
  requiredOnCreate: ['name', 'slug'],
  references: {
    // Providers have integer primary keys.
    provider: { target: 'provider', nullable: true },
    backchannel_providers: { target: 'provider', many: true },
  },
};

/** Facts of the core models, keyed by model. */
export const CORE_FACTS: Readonly<Record<string, ModelFacts>> = {
  'authentik_core.group': GROUP,
  'authentik_core.user': USER,
  'authentik_brands.brand': BRAND,
  'authentik_core.application': APPLICATION,
};

/** Reads a group with its defaults. */
export function readGroup(object: ModelObject): Group {
  return readView<Group>(object, 'authentik_core.group', GROUP);
}

/** Reads a user with its defaults. */
export function readUser(object: ModelObject): User {
  return readView<User>(object, 'authentik_core.user', USER);
}
