import type { NodeComments } from '../blueprint/tree.js';
import type { TagValue, Value } from './values.js';

/** The `state` of a blueprint entry. */
export type EntryState = 'present' | 'created' | 'must_created' | 'absent';

/** Where an object came from, for problem locations and for writing entries back in order. */
export interface ObjectOrigin {
  file: string;
  line: number;
  column: number;
  /** Index of the entry in its file, counting across sections. */
  index: number;
  section?: string;
}

/**
 * Comments of an imported entry, keyed by a slash-separated path inside the entry (`""` for the
 * entry itself, `attrs/expression`, `identifiers/slug`, `attrs/fields/0`).
 */
export type EntryComments = Record<string, NodeComments>;

/**
 * One authentik object of a project: one blueprint entry with its fields resolved into values.
 * Identifiers and attrs stay apart as in the file, because authentik uses identifiers to look the
 * object up and merges them into the written data (identifiers win over attrs).
 */
export interface ModelObject {
  /** Stable local identity inside the project; references point at it. */
  uid: string;
  /** `app_label.modelname` in lower case, e.g. `authentik_flows.flow`. */
  model: string;
  /**
   * The entry's `model` when it is written as a tag (`!Context`, `!Format`, ...), which only the
   * server can resolve; `model` is then empty.
   */
  modelTag?: TagValue;
  /** The entry's `id`, used by `!KeyOf`. */
  id?: string;
  state: EntryState | TagValue;
  conditions: Value[];
  identifiers: Record<string, Value>;
  attrs: Record<string, Value>;
  permissions: Value[];
  /** Entry keys authentik ignores (typos such as `attr:`), kept so that nothing is lost. */
  extraKeys?: Record<string, Value>;
  comments?: EntryComments;
  origin?: ObjectOrigin;
}
