/**
 * Importing blueprint files into a project. Objects that the project already contains (same model,
 * same identifiers, as authentik's importer looks them up) are updated in place; the others are
 * created. Everything lands in one transaction and one undo step.
 */
import { randomUUID } from 'node:crypto';
import { basename } from 'node:path';

import { resolveDocument } from '../../shared/blueprint/resolve.js';
import type { Change } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { isMap, isRef, isTag } from '../../shared/model/values.js';
import type { ProjectStore } from '../project/index.js';
import type { LoadedBlueprint } from './load.js';
import { findMatches } from './references.js';

/** A secret that was dropped on import because it was written as a plain value. */
export interface DroppedSecret {
  file: string;
  model: string;
  field: string;
  variable: string;
}

/** The counts and dropped secrets of one import. */
export interface ImportReport {
  files: { path: string; entries: number }[];
  created: number;
  updated: number;
  droppedSecrets: DroppedSecret[];
}

function stableJson(value: Value | undefined): string {
  if (value === undefined) {
    return 'undefined';
  }

  if (Array.isArray(value)) {
    return `[${value.map((item) => stableJson(item)).join(',')}]`;
  }

  if (value !== null && typeof value === 'object') {
    const keys = Object.keys(value).sort();
    const record = value as Record<string, Value>;
    return `{${keys.map((key) => `${JSON.stringify(key)}:${stableJson(record[key])}`).join(',')}}`;
  }

  return JSON.stringify(value);
}

/**
 * Returns the key an imported object is matched by: the identifiers authentik looks it up by,
 * without `pk` (which differs per server), or its attrs when it has no identifiers at all.
 */
function lookupKey(object: ModelObject): string | undefined {
  // Entries without identifiers (meta models such as metaapplyblueprint) have nothing to be
  // looked up by, so an object with the same attrs counts as the same one. Without that,
  // importing a file again would add a second copy of each.
  if (Object.keys(object.identifiers).length === 0) {
    return `${object.model}|attrs|${stableJson(object.attrs)}`;
  }

  const identifiers = Object.entries(object.identifiers).filter(([key]) => key !== 'pk');
  if (identifiers.length === 0) {
    return undefined;
  }

  const sorted = Object.fromEntries(identifiers.sort(([a], [b]) => a.localeCompare(b)));
  return `${object.model}|${stableJson(sorted)}`;
}

function remapRefs(value: Value, uids: Map<string, string>): Value {
  if (isRef(value)) {
    return { $ref: uids.get(value.$ref) ?? value.$ref };
  }

  if (isTag(value)) {
    return { $tag: value.$tag, value: remapRefs(value.value, uids) };
  }

  if (Array.isArray(value)) {
    return value.map((item) => remapRefs(item, uids));
  }

  if (isMap(value)) {
    const mapped: Record<string, Value> = {};
    for (const [key, item] of Object.entries(value)) {
      mapped[key] = remapRefs(item, uids);
    }
    return mapped;
  }

  return value;
}

function remapObject(object: ModelObject, uids: Map<string, string>): ModelObject {
  const mapRecord = (record: Record<string, Value>): Record<string, Value> =>
    Object.fromEntries(Object.entries(record).map(([key, value]) => [key, remapRefs(value, uids)]));

  return {
    ...object,
    uid: uids.get(object.uid) ?? object.uid,
    identifiers: mapRecord(object.identifiers),
    attrs: mapRecord(object.attrs),
    conditions: object.conditions.map((value) => remapRefs(value, uids)),
  };
}

/**
 * Maps the uid of each imported object that the project already contains to the project's uid.
 * Identifiers often reference other entries (a binding's `target` and `stage`), and those
 * references carry the fresh uids of this import, so an object is looked up only after the uids
 * inside its identifiers are mapped. The passes repeat until nothing new matches, because a
 * reference may point at an entry further down the file. `!Find` tags are linked first, as the
 * project stores them linked.
 */
function matchExistingObjects(
  objects: ModelObject[],
  byLookup: Map<string, ModelObject>,
  projectObjects: ModelObject[],
): Map<string, string> {
  const uids = new Map<string, string>();

  let matched = true;
  while (matched) {
    matched = false;
    for (const object of objects) {
      if (uids.has(object.uid)) {
        continue;
      }

      const key = lookupKey(linkObjectFinds(remapObject(object, uids), projectObjects));
      const existing = key === undefined ? undefined : byLookup.get(key);
      if (existing !== undefined) {
        uids.set(object.uid, existing.uid);
        matched = true;
      }
    }
  }

  return uids;
}

/**
 * Merges an imported object into the one the project holds, as authentik's `present` state does:
 * the listed fields are written and fields the file leaves out keep their values.
 */
function mergeObjects(existing: ModelObject, imported: ModelObject): ModelObject {
  return {
    ...imported,
    uid: existing.uid,
    id: imported.id ?? existing.id,
    attrs: { ...existing.attrs, ...imported.attrs },
    comments: { ...existing.comments, ...imported.comments },
  };
}

/**
 * Turns `!Find` tags that match exactly one object of the project into references, so that
 * files imported one after the other link up as they would on a server.
 */
function linkFinds(value: Value, objects: ModelObject[]): Value {
  if (isTag(value)) {
    if (value.$tag === 'Find') {
      const matches = findMatches(value, objects);
      if (matches.length === 1 && matches[0] !== undefined) {
        return { $ref: matches[0].uid };
      }
    }
    return value;
  }

  if (Array.isArray(value)) {
    return value.map((item) => linkFinds(item, objects));
  }

  if (isMap(value)) {
    const mapped: Record<string, Value> = {};
    for (const [key, item] of Object.entries(value)) {
      mapped[key] = linkFinds(item, objects);
    }
    return mapped;
  }

  return value;
}

function linkObjectFinds(object: ModelObject, objects: ModelObject[]): ModelObject {
  const mapRecord = (record: Record<string, Value>): Record<string, Value> =>
    Object.fromEntries(
      Object.entries(record).map(([key, value]) => [key, linkFinds(value, objects)]),
    );

  return { ...object, identifiers: mapRecord(object.identifiers), attrs: mapRecord(object.attrs) };
}

/**
 * Imports loaded blueprint files into the project in one transaction. The files must already have
 * passed `loadBlueprints`; nothing is written when any step fails.
 */
export function importBlueprints(store: ProjectStore, files: LoadedBlueprint[]): ImportReport {
  const current = new Map<string, ModelObject>();
  const byLookup = new Map<string, ModelObject>();
  for (const object of store.listObjects()) {
    current.set(object.uid, object);
    const key = lookupKey(object);
    if (key !== undefined && !byLookup.has(key)) {
      byLookup.set(key, object);
    }
  }

  const report: ImportReport = { files: [], created: 0, updated: 0, droppedSecrets: [] };
  const finalObjects = new Map(current);
  const touched = new Map<string, { before?: ModelObject; after: ModelObject }>();

  for (const file of files) {
    const resolved = resolveDocument(file.document, { uid: () => randomUUID() });
    const uids = matchExistingObjects(resolved.objects, byLookup, [...finalObjects.values()]);

    for (const imported of resolved.objects) {
      const object = remapObject(imported, uids);
      const key = lookupKey(object);
      const existing = finalObjects.get(object.uid);
      const next = existing === undefined ? object : mergeObjects(existing, object);

      const previous = touched.get(next.uid);
      touched.set(next.uid, { before: previous?.before ?? current.get(next.uid), after: next });
      finalObjects.set(next.uid, next);
      if (key !== undefined && !byLookup.has(key)) {
        byLookup.set(key, next);
      }
    }

    for (const secret of resolved.removedSecrets) {
      report.droppedSecrets.push({
        file: file.path,
        model: secret.model,
        field: secret.field,
        variable: secret.variable,
      });
    }
    report.files.push({ path: file.path, entries: resolved.objects.length });
  }

  const everything = [...finalObjects.values()];
  const changes: Change[] = [];
  for (const { before, after } of touched.values()) {
    const linked = linkObjectFinds(after, everything);
    if (before === undefined) {
      changes.push({ kind: 'object.create', object: linked });
      report.created += 1;
    } else {
      changes.push({ kind: 'object.replace', uid: linked.uid, before, after: linked });
      report.updated += 1;
    }
  }

  const names = files.map((file) => basename(file.path));
  const label = names.length === 1 ? `Import ${names[0]}` : `Import ${names.length} files`;
  store.transaction(() => {
    store.apply(changes, { label });
    for (const [index, file] of files.entries()) {
      store.imports.record(file.path, file.sha256, report.files[index]?.entries ?? 0);
    }
  });

  return report;
}
