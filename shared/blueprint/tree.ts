/**
 * The syntax tree of a blueprint file as read from YAML. It keeps every authentik tag, the
 * position of every node and the comments around it, so that validation can point at a line and
 * the writer can give comments back.
 */

/** A place in a source file. `line` and `column` count from 1, `offset` from 0 in characters. */
export interface SourcePosition {
  line: number;
  column: number;
  offset: number;
}

/** Comments attached to a node: the lines above it and the comment after it on its line. */
export interface NodeComments {
  before?: string;
  after?: string;
}

/** The custom YAML tags that authentik's blueprint loader understands (2025.12). */
export const BLUEPRINT_TAGS = [
  'KeyOf',
  'Env',
  'Find',
  'FindObject',
  'Context',
  'Format',
  'If',
  'Condition',
  'Enumerate',
  'Index',
  'Value',
  'AtIndex',
  'ParseJSON',
  'File',
] as const;

/** One of authentik's blueprint tags, without the leading `!`. */
export type BlueprintTag = (typeof BLUEPRINT_TAGS)[number];

interface NodeBase {
  pos: SourcePosition;
  comments?: NodeComments;
}

/** A plain scalar: string, number, boolean or null. */
export interface ScalarNode extends NodeBase {
  kind: 'scalar';
  value: string | number | boolean | null;
}

/** One key of a map with the position of the key itself. */
export interface MapItem {
  key: string;
  keyPos: SourcePosition;
  value: TreeNode;
  comments?: NodeComments;
}

/** A YAML mapping. Keys are kept in file order. */
export interface MapNode extends NodeBase {
  kind: 'map';
  items: MapItem[];
}

/** A YAML sequence. */
export interface SeqNode extends NodeBase {
  kind: 'seq';
  items: TreeNode[];
}

/**
 * A tagged node such as `!KeyOf flow` or `!Find [model, [field, value]]`. `argument` is the
 * scalar or sequence the tag was written with.
 */
export interface TagNode extends NodeBase {
  kind: 'tag';
  tag: BlueprintTag;
  argument: ScalarNode | SeqNode;
}

/** Any node of the blueprint syntax tree. */
export type TreeNode = ScalarNode | MapNode | SeqNode | TagNode;

/** An entry key that authentik ignores, kept with its position so validation can report it. */
export interface UnknownKey {
  key: string;
  pos: SourcePosition;
}

/** The keys an entry may have, as authentik's blueprint dataclass defines them. */
export const ENTRY_KEYS = [
  'model',
  'state',
  'conditions',
  'identifiers',
  'attrs',
  'id',
  'permissions',
] as const;

/** One blueprint entry with its known keys split out. */
export interface EntryNode {
  /** Index in file order, counting across sections. */
  index: number;
  /** Section name when `entries` is a map of sections. */
  section?: string;
  node: MapNode;
  model?: TreeNode;
  id?: TreeNode;
  state?: TreeNode;
  conditions?: TreeNode;
  identifiers?: TreeNode;
  attrs?: TreeNode;
  permissions?: TreeNode;
  unknownKeys: UnknownKey[];
}

/** A blueprint file read into its syntax tree. */
export interface BlueprintDocument {
  /** The file name as given to the reader, used in problem locations. */
  file: string;
  root: MapNode;
  version?: TreeNode;
  metadata?: TreeNode;
  context?: TreeNode;
  /** Whether `entries` was written as a list or as a map of named sections. */
  entriesForm: 'list' | 'sections';
  /** Position of the `entries` key, or of the document start when it is missing. */
  entriesPos: SourcePosition;
  entries: EntryNode[];
  unknownTopLevelKeys: UnknownKey[];
  /** The comment block at the top of the file. */
  headerComment?: string;
}
