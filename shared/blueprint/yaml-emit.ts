/**
 * Builds `yaml` package nodes from project values: references become `!KeyOf` or `!Find`, tags
 * keep their scalar or list form, strings are quoted where PyYAML would read them as another type
 * and multi-line strings become literal blocks.
 */
import { Pair, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node as YamlNode } from 'yaml';
import type { EntryComments, ModelObject } from '../model/object.js';
import { naturalKeyOf } from '../model/natural-key.js';
import { isMap, isRef, isTag } from '../model/values.js';
import type { RefValue, TagValue, Value } from '../model/values.js';
import { readsAsPlainString } from './scalars.js';

/** A problem the writer reports about the file it wrote. */
export interface WriteWarning {
  code: 'reference-cycle' | 'find-policy-target' | 'reference-missing';
  uid: string;
  model: string;
  /** Slash-separated path of the value inside the entry, e.g. `attrs/target`. */
  path: string;
  message: string;
}

/** The state of the file being written that the emitter reads. */
export interface EmitContext {
  /** Entry ids of the objects written to the file, by uid. */
  ids: Map<string, string>;
  /** References written as `!Find` because they close a cycle, as `fromUid path`. */
  brokenReferences: Set<string>;
  /** Finds objects by uid, in the file or outside it. */
  lookup: (uid: string) => ModelObject | undefined;
  warnings: WriteWarning[];
}

/** The object being written and the path of the value being emitted. */
interface Site {
  object: ModelObject;
  path: string;
}

/** Largest nesting of `!Find` conditions built from identifiers that are references themselves. */
const MAX_FIND_DEPTH = 4;

/**
 * Creates a scalar node for a string, number, boolean or null.
 *
 * NOTE: JavaScript numbers do not tell `1.0` from `1`, so a float without fraction is written as
 * an integer, which PyYAML reads as an int. authentik's float fields accept it.
 */
export function scalarNode(value: string | number | boolean | null): Scalar {
  const node = new Scalar(value);

  if (typeof value === 'string') {
    if (value.includes('\n')) {
      node.type = 'BLOCK_LITERAL';
    } else if (!readsAsPlainString(value)) {
      node.type = 'QUOTE_DOUBLE';
    }
  }

  return node;
}

/** Creates a map key node, quoted when PyYAML would read the plain key as another type. */
export function keyNode(key: string): Scalar {
  const node = new Scalar(key);
  if (!readsAsPlainString(key) || key.includes('\n')) {
    node.type = 'QUOTE_DOUBLE';
  }
  return node;
}

/** Converts project values into YAML nodes for one entry. */
export class ValueEmitter {
  constructor(private readonly context: EmitContext) {}

  /** Converts a value found at `path` inside `object`. */
  emit(value: Value, object: ModelObject, path: string): YamlNode {
    return this.node(value, { object, path }, 0);
  }

  /** Converts a record into a block map, attaching the entry's comments below `path`. */
  emitRecord(record: Record<string, Value>, object: ModelObject, path: string): YAMLMap {
    return this.mapNode(record, { object, path }, 0);
  }

  private node(value: Value, site: Site, depth: number): YamlNode {
    if (value === null || typeof value !== 'object') {
      return scalarNode(value);
    }

    if (Array.isArray(value)) {
      const seq = new YAMLSeq();
      value.forEach((item, index) => {
        const child = this.node(
          item,
          { object: site.object, path: `${site.path}/${index}` },
          depth,
        );
        attachComments(child, site.object.comments, `${site.path}/${index}`);
        seq.items.push(child);
      });
      seq.flow = value.length === 0;
      return seq;
    }

    if (isRef(value)) {
      return this.referenceNode(value, site, depth);
    }

    if (isTag(value)) {
      return this.tagNode(value, site, depth);
    }

    return this.mapNode(value, site, depth);
  }

  private mapNode(record: Record<string, Value>, site: Site, depth: number): YAMLMap {
    const map = new YAMLMap();

    for (const [key, inner] of Object.entries(record)) {
      const path = site.path === '' ? key : `${site.path}/${key}`;
      const pair = new Pair(keyNode(key), this.node(inner, { object: site.object, path }, depth));
      attachPairComments(pair, site.object.comments, path);
      map.items.push(pair);
    }

    map.flow = map.items.length === 0;
    return map;
  }

  private tagNode(value: TagValue, site: Site, depth: number): YamlNode {
    const argument = value.value;

    if (argument !== null && typeof argument === 'object' && !Array.isArray(argument)) {
      // Only hand-built values have a map argument; authentik rejects it when resolving.
      const node = this.node(argument, site, depth);
      node.tag = `!${value.$tag}`;
      return node;
    }

    if (!Array.isArray(argument)) {
      // authentik reads a tag's scalar argument as raw text, so only YAML syntax decides quoting.
      const node = new Scalar(argument ?? '');
      node.tag = `!${value.$tag}`;
      if (typeof argument === 'string' && argument.includes('\n')) {
        node.type = 'BLOCK_LITERAL';
      }
      return node;
    }

    const seq = new YAMLSeq();
    seq.tag = `!${value.$tag}`;
    argument.forEach((item) => {
      seq.items.push(this.node(item, site, depth));
    });
    seq.flow = argument.every(fitsFlowStyle);

    return seq;
  }

  private referenceNode(value: RefValue, site: Site, depth: number): YamlNode {
    const { ids, brokenReferences, lookup } = this.context;
    const id = ids.get(value.$ref);

    if (id !== undefined && !brokenReferences.has(`${site.object.uid} ${site.path}`)) {
      const node = new Scalar(id);
      node.tag = '!KeyOf';
      return node;
    }

    const target = lookup(value.$ref);
    if (!target || depth >= MAX_FIND_DEPTH) {
      this.warn(
        site,
        'reference-missing',
        `the reference to object ${value.$ref} cannot be written: the object is not in the file and not known to the project. The entry now fails with "KeyOf: failed to find entry"; add the object or remove the reference.`,
      );
      const node = new Scalar(value.$ref);
      node.tag = '!KeyOf';
      return node;
    }

    this.warnAboutPolicyTarget(site, target);
    return this.findNode(target, site, depth);
  }

  /**
   * Writes `!Find [model, [field, value], ...]` for an object outside the file: its natural key
   * when it has one, otherwise all of its identifiers.
   */
  private findNode(target: ModelObject, site: Site, depth: number): YAMLSeq {
    const seq = new YAMLSeq();
    seq.tag = '!Find';
    seq.flow = true;
    seq.items.push(scalarNode(target.model));

    const key = naturalKeyOf(target);
    const conditions: Array<[string, Value]> = key
      ? [[key.field, key.value]]
      : Object.entries(target.identifiers).filter(
          ([field]) => field !== 'pk' || !hasOtherKeys(target),
        );

    for (const [field, expected] of conditions) {
      const pair = new YAMLSeq();
      pair.flow = true;
      pair.items.push(scalarNode(field), this.node(expected, site, depth + 1));
      seq.items.push(pair);
    }

    return seq;
  }

  private warnAboutPolicyTarget(site: Site, target: ModelObject): void {
    const isTargetField = site.path === 'identifiers/target' || site.path === 'attrs/target';
    const pkDiffers =
      target.model === 'authentik_flows.flow' ||
      target.model === 'authentik_flows.flowstagebinding';

    if (site.object.model !== 'authentik_policies.policybinding' || !isTargetField || !pkDiffers) {
      return;
    }

    this.warn(
      site,
      'find-policy-target',
      `the policy binding's target is written as !Find, which returns the ${target.model} primary key, but a policy binding needs the target's pbm_uuid, which differs for flows and stage bindings. Write the target into the same file so that !KeyOf can be used.`,
    );
  }

  private warn(site: Site, code: WriteWarning['code'], message: string): void {
    this.context.warnings.push({
      code,
      uid: site.object.uid,
      model: site.object.model,
      path: site.path,
      message,
    });
  }
}

function hasOtherKeys(object: ModelObject): boolean {
  return Object.keys(object.identifiers).some((field) => field !== 'pk');
}

/** Tells whether a tag argument item can be written inside a flow list `[...]`. */
function fitsFlowStyle(value: Value): boolean {
  if (typeof value === 'string') {
    return !value.includes('\n');
  }

  if (Array.isArray(value)) {
    return value.every(fitsFlowStyle);
  }

  if (value === null || typeof value !== 'object' || isRef(value)) {
    return true;
  }

  if (isTag(value)) {
    return fitsFlowStyle(value.value);
  }

  return isMap(value) && Object.keys(value).length === 0;
}

/** Attaches the comments recorded for `path` to a map item: above the key and after the value. */
export function attachPairComments(
  pair: Pair,
  comments: EntryComments | undefined,
  path: string,
): void {
  const found = comments?.[path];
  if (!found) {
    return;
  }

  if (found.before) {
    (pair.key as Scalar).commentBefore = found.before;
  }
  if (found.after) {
    (pair.value as Scalar | YAMLMap | YAMLSeq).comment = found.after;
  }
}

/** Attaches the comments recorded for `path` to a node: above it and after it. */
export function attachComments(
  node: YamlNode,
  comments: EntryComments | undefined,
  path: string,
): void {
  const found = comments?.[path];
  if (!found) {
    return;
  }

  if (found.before) {
    node.commentBefore = found.before;
  }
  if (found.after) {
    node.comment = found.after;
  }
}
