/**
 * The data Stagecraft exchanges with an authentik server: saved connections, the server's
 * report about itself, and the reports of pull, diff and push. The types are shared by the CLI, the app
 * services and the renderer, so every field is plain JSON.
 */
import type { Problem } from '../blueprint/problems.js';

/** The environment variable the API token is read from when a profile names none. */
export const DEFAULT_TOKEN_VARIABLE = 'STAGECRAFT_TOKEN';

/**
 * A saved connection to an authentik server. It contains no secret: the API token comes from the
 * secret store (desktop app), from an environment variable or from a prompt.
 */
export interface ServerProfile {
  /** Letters, digits, `.`, `_` and `-`; used on the command line as `--server NAME`. */
  name: string;
  /** The server's base address without `/api/v3`, e.g. `https://auth.example.com`. */
  url: string;
  /** A PEM file of CA certificates trusted in addition to Node's built-in ones. */
  caFile?: string;
  /** The environment variable holding the token; `STAGECRAFT_TOKEN` when absent. */
  tokenVariable?: string;
}

/** The place a profile's token comes from right now. */
export type TokenSource = 'secret-store' | 'environment' | 'none';

/** A profile with the source of its token, as the app lists it. */
export interface ServerProfileStatus extends ServerProfile {
  tokenSource: TokenSource;
}

/** The result of "test connection": the server's release and the token's user. */
export interface ServerIdentity {
  url: string;
  /**
   * authentik's release from `/api/v3/admin/version/`, e.g. `2025.12.1`, or null when the
   * server has no such endpoint.
   */
  version: string | null;
  user: { username: string; name: string; isSuperuser: boolean };
}

/** A flow as the server lists it. */
export interface ServerFlow {
  /** The flow's primary key (`flow_uuid`). */
  pk: string;
  /** The primary key policy bindings use as their `target` (`pbm_uuid`). */
  pbmUuid: string;
  slug: string;
  name: string;
  title: string;
  designation: string;
}

/** A blueprint instance as the server lists it. */
export interface ServerInstance {
  pk: string;
  name: string;
  /** The file in the server's blueprints folder, or `""` for inline content. */
  path: string;
  enabled: boolean;
  /** `successful`, `warning`, `error`, `orphaned` or `unknown`. */
  status: string;
  /** ISO time of the last successful apply. */
  lastApplied: string;
  /** True when the blueprint is stored in the instance itself (`content`). */
  inline: boolean;
}

/** One event of the server's import or validation log. */
export interface ServerLogEvent {
  /** authentik logs failures and notes alike at `warning`, so only `success` gives the outcome. */
  level: string;
  event: string;
  logger?: string;
  attributes?: Record<string, unknown>;
}

/** The report of one pulled flow. */
export interface PullReport {
  slug: string;
  /** Entries of the server's export. */
  entries: number;
  /**
   * Primary keys of objects outside the export, written as `!Find` by their name or slug so the
   * project does not depend on the server's primary keys.
   */
  lookups: { model: string; field: string; find: string }[];
  /** Primary keys that no lookup resolved; they stay as written and validation reports them. */
  unresolved: { model: string; field: string; value: string }[];
  problems: Problem[];
}

/** The result of one pull: the flows read, and what the import did to the project. */
export interface PullResult {
  server: string;
  flows: PullReport[];
  /** Objects added to the project. */
  created: number;
  /** Objects of the project updated with the server's fields. */
  updated: number;
}

/** The outcome of comparing one object of the project with the server. */
export type DiffStatus =
  /** The server has no such object: the push creates it. */
  | 'create'
  /** The server's object differs in at least one field the project sets. */
  | 'change'
  /** Every field the project sets has the server's value. */
  | 'same'
  /** `state: created` and the object exists: authentik leaves it as it is. */
  | 'kept'
  /** `state: absent` and the object exists: authentik deletes it, with everything below it. */
  | 'delete'
  /** The server has the object, but the project no longer mentions it: authentik keeps it. */
  | 'server-only';

/** One field whose value the push changes. */
export interface FieldDifference {
  /** `attrs/name` style path; identifiers and attrs are merged as authentik merges them. */
  field: string;
  /** The server's value as text, or null when the server's export does not contain the field. */
  server: string | null;
  local: string;
}

/** One object of the comparison. */
export interface ObjectDifference {
  status: DiffStatus;
  model: string;
  /** The object's natural key (slug, name, ...) or a description of a binding. */
  name: string;
  /** The project object's uid; absent for server-only objects. */
  uid?: string;
  fields: FieldDifference[];
  /** Fields whose value only the server can compute (`!Env`, `!Context`, `!Format`, ...). */
  unresolved: string[];
  /**
   * Credential fields the project sets, which are never compared as values: the API does not
   * return most of them, and a value must not appear in a diff.
   */
  secrets?: string[];
}

/** The comparison of a project selection with a server. */
export interface DiffReport {
  server: string;
  /** The flows compared, and whether the server has each. */
  flows: { slug: string; onServer: boolean }[];
  objects: ObjectDifference[];
  counts: Record<DiffStatus, number>;
  /**
   * Objects of the selection outside every compared flow's export (groups, sources, unbound
   * stages), whose fields are not compared. `onServer` is whether the server has an object
   * of that name (the push then updates it), or is null where Stagecraft cannot ask.
   */
  notCompared: {
    model: string;
    name: string;
    uid: string;
    onServer: boolean | null;
    /** The reason the fields were not compared, e.g. that Stagecraft has no API endpoint for the model. */
    reason?: string;
  }[];
}

/** A variable that the pushed blueprint reads with `!Env` on the server. */
export interface EnvRequirement {
  name: string;
  /** True when the tag gives a default (`!Env [NAME, default]`). */
  hasDefault: boolean;
  /** The places that read it, e.g. `authentik_sources_oauth.oauthsource discord: attrs/consumer_secret`. */
  uses: string[];
}

/**
 * The source of one `!Env` variable in a push. `server` keeps the tag: authentik reads the variable
 * from its own process environment. `value` sends a value typed at push time: a one-shot import
 * writes it into the pushed file, a managed instance keeps it in the instance's `context`.
 */
export interface EnvChoice {
  name: string;
  source: 'server' | 'value';
  value?: string;
}

/** The way a blueprint is sent: one import, or a managed blueprint instance that re-applies. */
export type PushMode = 'import' | 'managed';

/** The result of a push. */
export interface PushReport {
  server: string;
  mode: PushMode;
  dryRun: boolean;
  /** True when the server applied the blueprint (or, for a dry run, nothing blocks it). */
  success: boolean;
  /** The API path that took the blueprint, e.g. `/api/v3/managed/blueprints/import/`. */
  endpoint: string | null;
  logs: ServerLogEvent[];
  /** The managed instance after the apply. */
  instance?: ServerInstance;
  /**
   * The reason the log of a failed managed apply could not be read, such as a missing permission
   * or endpoint. It is absent when the log was read or not needed.
   */
  logUnavailable?: string;
  /** Variables left to the server's environment, and those given a value at push time. */
  env: { fromServer: string[]; provided: string[] };
  entries: number;
  problems: Problem[];
}

/** The preview of a push, shown before it runs. */
export interface PushPlan {
  server: string;
  diff: DiffReport;
  /** The `!Env` variables of the blueprint, to be filled at push time or by the server. */
  env: EnvRequirement[];
  /** Local validation problems; any error blocks the push. */
  problems: Problem[];
  entries: number;
}
