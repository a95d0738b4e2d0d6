/**
 * Converts the node tree of the `yaml` package into the blueprint syntax tree: PyYAML scalar
 * typing, authentik tags, positions, comments, aliases, merge keys and duplicate-key checks.
 */
import { isAlias, isMap, isScalar, isSeq } from 'yaml';
import type { Alias, LineCounter, Node as YamlNode, Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import { StagecraftError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import { resolveCoreTaggedScalar, resolvePlainScalar } from './scalars.js';
import { BLUEPRINT_TAGS } from './tree.js';
import { blueprintTagOf, coreScalarTagOf, isCoreCollectionTag } from './tags.js';
import type {
  MapItem,
  MapNode,
  NodeComments,
  ScalarNode,
  SeqNode,
  SourcePosition,
  TagNode,
  TreeNode,
} from './tree.js';

/**
 * The largest number of nodes that aliases may add to a document. Each alias counts the size of
 * the node it repeats, so nested aliases (the "billion laughs" attack) hit the limit after a few
 * levels instead of expanding. Hand-written blueprints rarely use aliases at all.
 */
export const MAX_ALIAS_EXPANSION = 100_000;

interface Built {
  tree: TreeNode;
  /** Number of tree nodes, counting every repetition through aliases. */
  size: number;
}

/** Where a collection sits, which decides where the comment above its first item belongs. */
type Placement = 'value' | 'item';

/** Builds the blueprint syntax tree of one parsed YAML document. */
export class TreeBuilder {
  private readonly anchors = new Map<string, YamlNode>();
  private readonly built = new Map<YamlNode, Built>();
  private readonly inProgress = new Set<YamlNode>();
  private aliasExpansion = 0;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly lineCounter: LineCounter,
  ) {}

  /** Converts the document's root node. */
  buildRoot(node: YamlNode): TreeNode {
    return this.convert(node, 'value').tree;
  }

  /** Turns a character offset into a 1-based line and column. */
  position(offset: number): SourcePosition {
    const { line, col } = this.lineCounter.linePos(offset);
    return { line, column: col, offset };
  }

  /** Creates a coded error located at `offset`, with the place in front of the message. */
  errorAt(
    code: ErrorCode,
    offset: number,
    message: string,
    data: Record<string, unknown> = {},
  ): StagecraftError {
    const pos = this.position(offset);
    const where = `${this.file}:${pos.line}:${pos.column}`;

    return new StagecraftError(code, `${where}: ${message}`, {
      file: this.file,
      line: pos.line,
      column: pos.column,
      ...data,
    });
  }

  private convert(node: YamlNode, placement: Placement): Built {
    if (isAlias(node)) {
      return this.convertAlias(node, placement);
    }

    if (!node.anchor) {
      return this.convertTagged(node, placement);
    }

    // Only anchored nodes can be repeated or contain themselves, so only they are remembered.
    const cached = this.built.get(node);
    if (cached) {
      return cached;
    }

    this.anchors.set(node.anchor, node);
    this.inProgress.add(node);
    const result = this.convertTagged(node, placement);
    this.inProgress.delete(node);
    this.built.set(node, result);

    return result;
  }

  private convertAlias(alias: Alias, placement: Placement): Built {
    const start = alias.range?.[0] ?? 0;
    const target = this.anchors.get(alias.source);

    if (!target) {
      throw this.errorAt(
        'yaml-syntax',
        start,
        `the alias *${alias.source} refers to no anchor defined before it. Define &${alias.source} earlier in the file or remove the alias.`,
      );
    }

    if (this.inProgress.has(target)) {
      throw this.errorAt(
        'yaml-alias-limit',
        start,
        `the alias *${alias.source} repeats a node that contains the alias itself, which would expand without end. Remove the alias.`,
      );
    }

    const result = this.convert(target, placement);
    this.aliasExpansion += result.size;

    if (this.aliasExpansion > MAX_ALIAS_EXPANSION) {
      throw this.errorAt(
        'yaml-alias-limit',
        start,
        `YAML aliases expand to more than ${MAX_ALIAS_EXPANSION} nodes, a pattern used to exhaust memory ("billion laughs"). Write the repeated values out or use fewer nested aliases.`,
        { limit: MAX_ALIAS_EXPANSION },
      );
    }

    return result;
  }

  private convertTagged(node: YamlNode, placement: Placement): Built {
    const tagName = node.tag;
    if (!tagName || tagName === '!' || isCoreCollectionTag(tagName)) {
      return this.convertPlain(node, placement);
    }

    const blueprintTag = blueprintTagOf(tagName);
    if (blueprintTag) {
      return this.convertBlueprintTag(node, blueprintTag);
    }

    const coreTag = coreScalarTagOf(tagName);
    if (coreTag && isScalar(node)) {
      return this.convertCoreTaggedScalar(node, coreTag);
    }

    const tagStart = this.tagOffset(node);
    const written = this.text.slice(tagStart).match(/^!\S*/)?.[0] ?? tagName;
    throw this.errorAt(
      'yaml-unknown-tag',
      tagStart,
      `unknown YAML tag ${written}. authentik's blueprint loader knows ${BLUEPRINT_TAGS.map((name) => `!${name}`).join(', ')} and the standard !!str, !!int, !!float, !!bool and !!null; check the spelling or remove the tag.`,
      { tag: written },
    );
  }

  private convertPlain(node: YamlNode, placement: Placement): Built {
    if (isMap(node)) {
      return this.convertMap(node, placement);
    }

    if (isSeq(node)) {
      return this.convertSeqItems(node, placement);
    }

    if (isScalar(node)) {
      const text = String(node.value);
      const value = node.type === 'PLAIN' && !node.tag ? resolvePlainScalar(text) : text;
      return { tree: this.scalarNode(node, value), size: 1 };
    }

    throw this.errorAt(
      'yaml-syntax',
      node.range?.[0] ?? 0,
      'unsupported YAML node; a blueprint contains only maps, lists and scalars. Remove it.',
    );
  }

  private convertCoreTaggedScalar(
    node: Scalar,
    coreTag: 'str' | 'int' | 'float' | 'bool' | 'null',
  ): Built {
    const text = String(node.value);
    const value = resolveCoreTaggedScalar(coreTag, text);

    if (value === undefined) {
      throw this.errorAt(
        'yaml-syntax',
        this.tagOffset(node),
        `"${text}" is not a valid !!${coreTag} value. Remove the tag or fix the value.`,
      );
    }

    return { tree: this.scalarNode(node, value), size: 1 };
  }

  private convertBlueprintTag(node: YamlNode, tag: TagNode['tag']): Built {
    const pos = this.position(this.tagOffset(node));

    if (isMap(node)) {
      throw this.errorAt(
        'yaml-tag-argument',
        pos.offset,
        `!${tag} is written with a map argument; authentik's loader takes a scalar or a list for its tags. Write the argument as !${tag} value or !${tag} [value, ...].`,
        { tag },
      );
    }

    let argument: ScalarNode | SeqNode;
    let size = 2;
    if (isSeq(node)) {
      const seq = this.convertSeqItems(node, 'item');
      // The tag node carries the comments; the argument list is the same YAML node.
      delete seq.tree.comments;
      argument = seq.tree;
      size = 1 + seq.size;
    } else if (isScalar(node)) {
      // authentik reads a tag's scalar argument as raw text, so it is never typed.
      argument = { kind: 'scalar', pos: this.nodePosition(node), value: String(node.value) };
    } else {
      throw this.errorAt('yaml-syntax', pos.offset, `!${tag} has no argument.`);
    }

    const tree: TagNode = { kind: 'tag', tag, argument, pos };
    setComments(tree, node.commentBefore, node.comment);

    return { tree, size };
  }

  private convertSeqItems(node: YAMLSeq, placement: Placement): { tree: SeqNode; size: number } {
    const items: TreeNode[] = [];
    let size = 1;

    for (const item of node.items) {
      const built = this.convert(item as YamlNode, 'item');
      items.push(built.tree);
      size += built.size;
    }

    const tree: SeqNode = { kind: 'seq', pos: this.nodePosition(node), items };
    const before = moveCommentToFirstItem(node, placement, items[0]);
    setComments(tree, before, node.comment);

    return { tree, size };
  }

  private convertMap(node: YAMLMap, placement: Placement): Built {
    const own: MapItem[] = [];
    const seen = new Map<string, MapItem>();
    const merged: MapItem[] = [];
    let size = 1;

    for (const pair of node.items) {
      if (isMergeKey(pair)) {
        const sources = this.convertMergeValue(pair);
        size += sources.size;
        merged.push(...sources.items);
        continue;
      }

      const item = this.convertPair(pair, node);
      size += item.size;

      const previous = seen.get(item.item.key);
      if (previous) {
        throw this.duplicateKeyError(item.item, previous);
      }

      seen.set(item.item.key, item.item);
      own.push(item.item);
    }

    const items = [...mergedItemsFirstWins(merged, seen), ...own];
    const tree: MapNode = { kind: 'map', pos: this.nodePosition(node), items };
    const before = moveCommentToFirstItem(node, placement, items[0]);
    setComments(tree, before, node.comment);

    return { tree, size };
  }

  private convertPair(pair: Pair, parent: YAMLMap): { item: MapItem; size: number } {
    const keyNode = pair.key as YamlNode | null;
    const key = this.keyText(keyNode, parent);
    const keyOffset = keyNode?.range?.[0] ?? parent.range?.[0] ?? 0;

    let value: Built;
    const valueNode = pair.value as YamlNode | null;
    if (valueNode) {
      value = this.convert(valueNode, 'value');
    } else {
      const end = keyNode?.range?.[1] ?? keyOffset;
      value = { tree: { kind: 'scalar', value: null, pos: this.position(end) }, size: 1 };
    }

    const item: MapItem = { key, keyPos: this.position(keyOffset), value: value.tree };
    const after = isInlineValue(valueNode) ? valueNode?.comment : undefined;
    setComments(item, (keyNode as Scalar | null)?.commentBefore, after ?? keyNode?.comment);

    if (after && value.tree.comments?.after === after) {
      // The inline comment is kept on the map item only, so it is written back once.
      delete value.tree.comments.after;
      if (!value.tree.comments.before) {
        delete value.tree.comments;
      }
    }

    return { item, size: value.size };
  }

  private keyText(keyNode: YamlNode | null, parent: YAMLMap): string {
    if (keyNode === null) {
      return '';
    }

    const node = isAlias(keyNode) ? this.anchors.get(keyNode.source) : keyNode;
    if (node && isScalar(node) && (!node.tag || coreScalarTagOf(node.tag))) {
      return String(node.value);
    }

    const offset = keyNode.range?.[0] ?? parent.range?.[0] ?? 0;
    throw this.errorAt(
      'blueprint-shape',
      offset,
      'a map key is a list, a map or a tagged value; blueprint map keys must be plain text. Write the key as text.',
    );
  }

  private convertMergeValue(pair: Pair): { items: MapItem[]; size: number } {
    const built = this.convert(pair.value as YamlNode, 'value');
    const sources = built.tree.kind === 'seq' ? built.tree.items : [built.tree];
    const items: MapItem[] = [];

    for (const source of sources) {
      if (source.kind !== 'map') {
        throw this.errorAt(
          'yaml-syntax',
          source.pos.offset,
          'a merge key (<<) must be followed by a map or a list of maps. Fix the merged value.',
        );
      }
      items.push(...source.items.filter((item) => !items.some((known) => known.key === item.key)));
    }

    return { items, size: built.size };
  }

  private duplicateKeyError(item: MapItem, previous: MapItem): StagecraftError {
    return this.errorAt(
      'yaml-duplicate-key',
      item.keyPos.offset,
      `the key "${item.key}" appears twice in one map, at lines ${previous.keyPos.line} and ${item.keyPos.line}. authentik's YAML loader keeps only the last value and drops the first without a warning. Remove one of them or merge their contents.`,
      { key: item.key, firstLine: previous.keyPos.line, firstColumn: previous.keyPos.column },
    );
  }

  private scalarNode(node: Scalar, value: ScalarNode['value']): ScalarNode {
    const tree: ScalarNode = { kind: 'scalar', pos: this.nodePosition(node), value };
    setComments(tree, node.commentBefore, node.comment);
    return tree;
  }

  private nodePosition(node: YamlNode): SourcePosition {
    return this.position(node.range?.[0] ?? 0);
  }

  /**
   * Finds the offset of a node's tag. The `yaml` package's node range starts at the value, after
   * the tag and any anchor, so the tag is the last `!` before it.
   */
  private tagOffset(node: YamlNode): number {
    const valueStart = node.range?.[0] ?? 0;
    let offset = this.text.lastIndexOf('!', Math.max(0, valueStart - 1));

    if (offset < 0) {
      return valueStart;
    }

    while (offset > 0 && this.text[offset - 1] === '!') {
      offset -= 1;
    }

    return offset;
  }
}

function isMergeKey(pair: Pair): boolean {
  const key = pair.key as YamlNode | null;
  if (!key || !isScalar(key)) {
    return false;
  }

  const plainMerge = key.type === 'PLAIN' && !key.tag && key.value === '<<';
  return plainMerge || key.tag === 'tag:yaml.org,2002:merge';
}

/**
 * Orders merged items as PyYAML does: the map's own keys override merged ones, and among merged
 * maps the first one listed wins.
 */
function mergedItemsFirstWins(merged: MapItem[], own: Map<string, MapItem>): MapItem[] {
  const result: MapItem[] = [];
  const keys = new Set<string>();

  for (const item of merged) {
    if (own.has(item.key) || keys.has(item.key)) {
      continue;
    }
    keys.add(item.key);
    result.push(item);
  }

  return result;
}

/** Tells whether a map value is written on the key's line, so its trailing comment is inline. */
function isInlineValue(node: YamlNode | null): boolean {
  if (!node) {
    return false;
  }

  if (isMap(node) || isSeq(node)) {
    return node.flow === true;
  }

  return isScalar(node) && node.type !== 'BLOCK_LITERAL' && node.type !== 'BLOCK_FOLDED';
}

/**
 * Moves a comment between `key:` and the first item of a block collection to that item, which it
 * describes, and returns the comment left on the collection. A comment above a list item
 * (`placement: 'item'`) stays on the item itself.
 */
function moveCommentToFirstItem(
  node: YAMLMap | YAMLSeq,
  placement: Placement,
  first: MapItem | TreeNode | undefined,
): string | undefined {
  const comment = node.commentBefore ?? undefined;
  if (!comment || placement === 'item' || !first || node.flow) {
    return comment;
  }

  const previous = first.comments?.before;
  first.comments = {
    ...first.comments,
    before: previous ? `${comment}\n${previous}` : comment,
  };

  return undefined;
}

function setComments(
  target: { comments?: NodeComments },
  before: string | null | undefined,
  after: string | null | undefined,
): void {
  if (!before && !after) {
    return;
  }

  target.comments = {};
  if (before) {
    target.comments.before = before;
  }
  if (after) {
    target.comments.after = after;
  }
}
