/**
 * Converts syntax-tree nodes into project values and collects their comments by path.
 */
import type { EntryComments } from '../model/object.js';
import { ref, tag } from '../model/values.js';
import type { MapValue, Value } from '../model/values.js';
import type { MapNode, NodeComments, TreeNode } from './tree.js';

/**
 * Converts a tree node into a value. `!KeyOf` becomes a reference when `keyOf` returns a uid for
 * its id, and stays a tag otherwise. Every other tag stays a tag with its argument converted.
 */
export function treeToValue(node: TreeNode, keyOf: (id: string) => string | undefined): Value {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'seq':
      return node.items.map((item) => treeToValue(item, keyOf));
    case 'map':
      return mapToRecord(node, keyOf);
    case 'tag': {
      if (node.tag === 'KeyOf' && node.argument.kind === 'scalar') {
        const target = keyOf(String(node.argument.value));
        if (target !== undefined) {
          return ref(target);
        }
      }
      return tag(node.tag, treeToValue(node.argument, keyOf));
    }
  }
}

/**
 * Converts a map node into a record, keeping key order.
 *
 * NOTE: a map written in a file as exactly `{$ref: text}` or `{$tag: ..., value: ...}` reads as
 * a reference or a tag value, because project values reserve those keys.
 */
export function mapToRecord(node: MapNode, keyOf: (id: string) => string | undefined): MapValue {
  const record: MapValue = {};

  for (const item of node.items) {
    setOwnValue(record, item.key, treeToValue(item.value, keyOf));
  }

  return record;
}

/**
 * Sets a key on a plain object. A `__proto__` key from a file must become an own property
 * instead of replacing the object's prototype.
 */
export function setOwnValue(record: Record<string, Value>, key: string, value: Value): void {
  if (key === '__proto__') {
    Object.defineProperty(record, key, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    return;
  }

  record[key] = value;
}

/**
 * Collects the comments of an entry and everything inside it, keyed by slash-separated path: `""`
 * for the entry, `attrs/expression` for a field, `attrs/fields/0` for a list item. A map item's
 * comments and the comments of its value share the item's path.
 */
export function collectComments(entry: MapNode): EntryComments {
  const comments: EntryComments = {};

  addComments(comments, '', entry.comments);
  for (const item of entry.items) {
    collectItemComments(comments, item.key, item.comments, item.value);
  }

  return comments;
}

function collectItemComments(
  comments: EntryComments,
  path: string,
  itemComments: NodeComments | undefined,
  value: TreeNode,
): void {
  addComments(comments, path, itemComments);
  addComments(comments, path, value.comments);

  if (value.kind === 'map') {
    for (const item of value.items) {
      collectItemComments(comments, `${path}/${item.key}`, item.comments, item.value);
    }
  }

  if (value.kind === 'seq') {
    value.items.forEach((item, index) => {
      collectItemComments(comments, `${path}/${index}`, undefined, item);
    });
  }
}

function addComments(comments: EntryComments, path: string, found: NodeComments | undefined): void {
  if (!found || (!found.before && !found.after)) {
    return;
  }

  const existing = comments[path] ?? {};
  const merged: NodeComments = { ...existing };

  if (found.before) {
    merged.before = existing.before ? `${existing.before}\n${found.before}` : found.before;
  }
  if (found.after) {
    merged.after = existing.after ? `${existing.after}\n${found.after}` : found.after;
  }

  comments[path] = merged;
}
