/**
 * Reads blueprint text (YAML or JSON) into the blueprint syntax tree.
 *
 * Decisions where authentik's loader is lenient or unclear:
 * - Duplicate map keys are an error (`yaml-duplicate-key`, naming both lines). PyYAML keeps the
 *   last value and drops the first silently, so a repeated `attrs:` loses half an entry without
 *   any message. Deleting a line is easy once it is reported, while vanished data goes unseen.
 * - A file with several YAML documents is an error: authentik loads exactly one (`yaml.load`
 *   fails with "expected a single document in the stream").
 * - Scalars are typed as PyYAML's SafeLoader types them (YAML 1.1), see `scalars.ts`.
 */
import { LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { StagecraftError } from '../errors.js';
import { READ_TAGS } from './tags.js';
import { TreeBuilder } from './tree-builder.js';
import { ENTRY_KEYS } from './tree.js';
import type {
  BlueprintDocument,
  EntryNode,
  MapItem,
  MapNode,
  SourcePosition,
  TreeNode,
  UnknownKey,
} from './tree.js';

/** Options of {@link readBlueprint}. */
export interface ReadOptions {
  /** The file name used in error messages and problem locations. */
  file: string;
}

const TOP_LEVEL_KEYS = new Set(['version', 'metadata', 'context', 'entries']);
const ENTRY_KEY_SET = new Set<string>(ENTRY_KEYS);
const DOCUMENT_START: SourcePosition = { line: 1, column: 1, offset: 0 };

/**
 * Parses blueprint text into its syntax tree, keeping tags, positions and comments.
 *
 * Throws a StagecraftError with data `{file, line, column}`: `yaml-syntax`, `yaml-unknown-tag`,
 * `yaml-tag-argument`, `yaml-alias-limit`, `yaml-duplicate-key`, `file-empty` (nothing but
 * comments and whitespace) or `blueprint-shape` (the top level is not a map, or a map key is not
 * text). A wrongly shaped `entries` or entry is left to validation.
 */
export function readBlueprint(text: string, options: ReadOptions): BlueprintDocument {
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const lineCounter = new LineCounter();
  const doc = parseDocument(source, {
    version: '1.1',
    schema: 'failsafe',
    customTags: READ_TAGS,
    merge: false,
    uniqueKeys: false,
    prettyErrors: false,
    lineCounter,
  });
  const builder = new TreeBuilder(options.file, source, lineCounter);

  throwFirstParseError(doc, builder, text);

  const contents = doc.contents as YamlNode | null;
  if (isEmptyDocument(contents)) {
    throw new StagecraftError(
      'file-empty',
      `${options.file} contains no YAML content, only comments or whitespace. A blueprint needs at least version and entries.`,
      { file: options.file, line: 1, column: 1 },
    );
  }

  const root = builder.buildRoot(contents);
  if (root.kind !== 'map') {
    throw builder.errorAt(
      'blueprint-shape',
      root.pos.offset,
      `the top level of the file is ${describeNode(root)}, not a map. A blueprint is a map with the keys version, metadata, context and entries.`,
    );
  }

  return assembleDocument(options.file, root, takeHeaderComment(doc, root));
}

/**
 * Returns the comment block at the top of the file. The `yaml` package attaches it to the
 * document only when a blank line follows it, and otherwise to the first key, where it is moved
 * from: a comment above everything describes the file.
 */
function takeHeaderComment(doc: Document, root: MapNode): string | undefined {
  if (doc.commentBefore) {
    return doc.commentBefore;
  }

  const first = root.items[0];
  const comment = first?.comments?.before;
  if (!first?.comments || comment === undefined) {
    return undefined;
  }

  delete first.comments.before;
  if (first.comments.after === undefined) {
    delete first.comments;
  }

  return comment;
}

function throwFirstParseError(doc: Document, builder: TreeBuilder, text: string): void {
  const error = doc.errors[0];
  if (!error) {
    return;
  }

  const offset = error.pos[0];
  if (error.code === 'MULTIPLE_DOCS') {
    throw builder.errorAt(
      'yaml-syntax',
      offset,
      'the file contains more than one YAML document (a second "---" or "..."). authentik reads exactly one document per blueprint; remove the extra document or split the file.',
    );
  }

  // An error at the very end of the text (an unclosed quote or bracket, a key without a value)
  // usually means the file was cut off while copying or downloading, not mistyped.
  const atEnd = text.slice(offset).trim() === '';
  const fix = atEnd
    ? 'The file ends here, so it may be cut off: compare it with the original or download it again.'
    : 'Fix the syntax at this place.';

  throw builder.errorAt('yaml-syntax', offset, `invalid YAML: ${error.message}. ${fix}`, {
    yamlCode: error.code,
    ...(atEnd ? { endOfFile: true } : {}),
  });
}

function isEmptyDocument(contents: YamlNode | null): contents is null {
  if (contents === null) {
    return true;
  }

  // `---` alone gives an empty plain scalar, which PyYAML loads as None like an empty file.
  const scalar = contents as { value?: unknown; type?: string; tag?: string };
  return scalar.value === '' && scalar.type === 'PLAIN' && !scalar.tag;
}

function assembleDocument(
  file: string,
  root: MapNode,
  headerComment: string | undefined,
): BlueprintDocument {
  const doc: BlueprintDocument = {
    file,
    root,
    entriesForm: 'list',
    entriesPos: DOCUMENT_START,
    entries: [],
    unknownTopLevelKeys: [],
  };

  for (const item of root.items) {
    switch (item.key) {
      case 'version':
        doc.version = item.value;
        break;
      case 'metadata':
        doc.metadata = item.value;
        break;
      case 'context':
        doc.context = item.value;
        break;
      case 'entries':
        doc.entriesPos = item.keyPos;
        collectEntries(doc, item);
        break;
      default:
        if (!TOP_LEVEL_KEYS.has(item.key)) {
          doc.unknownTopLevelKeys.push({ key: item.key, pos: item.keyPos });
        }
    }
  }

  if (headerComment) {
    doc.headerComment = headerComment;
  }

  return doc;
}

/**
 * Splits `entries` into entry nodes. Indexes count every list item in file order across
 * sections, including items that are not maps, so an index names the same item authentik processes.
 */
function collectEntries(doc: BlueprintDocument, item: MapItem): void {
  const value = item.value;
  let index = 0;

  if (value.kind === 'seq') {
    for (const node of value.items) {
      pushEntry(doc, node, index, undefined);
      index += 1;
    }
    return;
  }

  if (value.kind !== 'map') {
    return;
  }

  doc.entriesForm = 'sections';
  for (const section of value.items) {
    if (section.value.kind !== 'seq') {
      continue;
    }
    for (const node of section.value.items) {
      pushEntry(doc, node, index, section.key);
      index += 1;
    }
  }
}

function pushEntry(
  doc: BlueprintDocument,
  node: TreeNode,
  index: number,
  section: string | undefined,
): void {
  if (node.kind !== 'map') {
    return;
  }

  const entry: EntryNode = { index, node, unknownKeys: [] };
  if (section !== undefined) {
    entry.section = section;
  }

  for (const item of node.items) {
    if (ENTRY_KEY_SET.has(item.key)) {
      entry[item.key as (typeof ENTRY_KEYS)[number]] = item.value;
    } else {
      const unknown: UnknownKey = { key: item.key, pos: item.keyPos };
      entry.unknownKeys.push(unknown);
    }
  }

  doc.entries.push(entry);
}

function describeNode(node: TreeNode): string {
  switch (node.kind) {
    case 'scalar':
      return node.value === null
        ? 'null'
        : `the ${typeof node.value} ${JSON.stringify(node.value)}`;
    case 'seq':
      return 'a list';
    case 'tag':
      return `a !${node.tag} tag`;
    case 'map':
      return 'a map';
  }
}
