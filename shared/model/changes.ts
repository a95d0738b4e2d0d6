/**
 * Typed changes to a project, consumed alike by the canvas, undo/redo, autosave and the project
 * store. Every edit is a list of changes, and each change carries the state before and after.
 * So any list can be inverted for undo and checked against the current state for conflicts.
 */
import { StagecraftError } from '../errors.js';
import { valuesEqual } from './equal.js';
import type { ModelObject } from './object.js';
import type { Value } from './values.js';

/** A node position on a canvas, in canvas units. */
export interface Point {
  x: number;
  y: number;
}

/** The project-wide settings that `project.set` changes. */
export interface ProjectSettings {
  name: string;
  /** The authentik release the project targets, e.g. `2025.12`. */
  authentikVersion: string;
  description: string;
}

/** The name of a project setting. */
export type ProjectSettingKey = keyof ProjectSettings;

/** The section of a model object that a `field.set` change edits. */
export type FieldSection = 'identifiers' | 'attrs';

/** Adds an object. Its inverse is `object.delete` with the same object. */
export interface ObjectCreateChange {
  kind: 'object.create';
  object: ModelObject;
}

/**
 * Removes an object. It carries the full object so that its inverse can recreate it. Positions
 * of the object stay until `position.set` changes in the same list remove them.
 */
export interface ObjectDeleteChange {
  kind: 'object.delete';
  object: ModelObject;
}

/** Replaces a whole object, e.g. after editing its entry as YAML. `uid` never changes. */
export interface ObjectReplaceChange {
  kind: 'object.replace';
  uid: string;
  before: ModelObject;
  after: ModelObject;
}

/** Sets or removes one identifier or attribute. `undefined` means the key is absent. */
export interface FieldSetChange {
  kind: 'field.set';
  uid: string;
  section: FieldSection;
  field: string;
  before?: Value;
  after?: Value;
}

/**
 * Places, moves or removes a node on a canvas. `view` is the uid of the flow whose canvas shows
 * the node, so a stage bound to two flows has one position per flow. `null` means no position.
 */
export interface PositionSetChange {
  kind: 'position.set';
  view: string;
  uid: string;
  before: Point | null;
  after: Point | null;
}

/** Changes one project setting. */
export type ProjectSetChange = {
  [K in ProjectSettingKey]: {
    kind: 'project.set';
    key: K;
    before: ProjectSettings[K];
    after: ProjectSettings[K];
  };
}[ProjectSettingKey];

/** One edit of a project. */
export type Change =
  | ObjectCreateChange
  | ObjectDeleteChange
  | ObjectReplaceChange
  | FieldSetChange
  | PositionSetChange
  | ProjectSetChange;

/** The `kind` of a change. */
export type ChangeKind = Change['kind'];

/** Positions of canvas nodes: view uid, then node uid, then position. */
export type PositionMap = ReadonlyMap<string, ReadonlyMap<string, Point>>;

/** Returns the change that undoes `change`. */
export function invertChange(change: Change): Change {
  switch (change.kind) {
    case 'object.create':
      return { kind: 'object.delete', object: change.object };
    case 'object.delete':
      return { kind: 'object.create', object: change.object };
    case 'object.replace':
      return { ...change, before: change.after, after: change.before };
    case 'field.set':
      return invertFieldSet(change);
    case 'position.set':
      return { ...change, before: change.after, after: change.before };
    case 'project.set':
      return { ...change, before: change.after, after: change.before };
  }
}

function invertFieldSet(change: FieldSetChange): FieldSetChange {
  const inverse: FieldSetChange = {
    kind: 'field.set',
    uid: change.uid,
    section: change.section,
    field: change.field,
  };

  // Keep absent values absent rather than `undefined`, so the inverse survives a JSON round trip
  // unchanged.
  if (change.after !== undefined) {
    inverse.before = change.after;
  }
  if (change.before !== undefined) {
    inverse.after = change.before;
  }

  return inverse;
}

/** Returns the changes that undo `changes`: each one inverted, in reverse order. */
export function invertChanges(changes: readonly Change[]): Change[] {
  return changes.map(invertChange).reverse();
}

/** Returns the uid of the object a change concerns, or undefined for project settings. */
export function changeTarget(change: Change): string | undefined {
  switch (change.kind) {
    case 'object.create':
    case 'object.delete':
      return change.object.uid;
    case 'object.replace':
    case 'field.set':
    case 'position.set':
      return change.uid;
    case 'project.set':
      return undefined;
  }
}

/**
 * Applies the object changes of a list to a map of objects keyed by uid and returns the new map.
 * Position and project changes are skipped. The input map and its objects are never modified,
 * and a new object is inserted at the end of the map, as the project store lists it.
 * Throws `project-conflict` when a change's `before` does not match the map. The caller's map is
 * then unchanged, so a failed list leaves no half-applied state behind.
 */
export function applyChangesToObjects(
  objects: ReadonlyMap<string, ModelObject>,
  changes: readonly Change[],
): Map<string, ModelObject> {
  const next = new Map(objects);

  for (const change of changes) {
    applyObjectChange(next, change);
  }

  return next;
}

function applyObjectChange(objects: Map<string, ModelObject>, change: Change): void {
  switch (change.kind) {
    case 'object.create': {
      const existing = objects.get(change.object.uid);
      if (existing !== undefined) {
        throw conflict(
          `Cannot create ${describeObject(change.object)}: the project already has an object ` +
            `with uid "${change.object.uid}" (${existing.model}).`,
          { uid: change.object.uid },
        );
      }
      objects.set(change.object.uid, change.object);
      return;
    }
    case 'object.delete': {
      expectObject(objects, change.object, 'delete');
      objects.delete(change.object.uid);
      return;
    }
    case 'object.replace': {
      expectObject(objects, change.before, 'replace');
      objects.set(change.uid, change.after);
      return;
    }
    case 'field.set': {
      objects.set(change.uid, setField(objects, change));
      return;
    }
    case 'position.set':
    case 'project.set':
      return;
  }
}

function expectObject(
  objects: ReadonlyMap<string, ModelObject>,
  expected: ModelObject,
  action: 'delete' | 'replace',
): void {
  const current = objects.get(expected.uid);
  if (current === undefined) {
    throw conflict(
      `Cannot ${action} ${describeObject(expected)}: the project has no object with that uid.`,
      { uid: expected.uid },
    );
  }

  if (!valuesEqual(current, expected)) {
    throw conflict(
      `Cannot ${action} ${describeObject(expected)}: the object was changed since the edit ` +
        `began.`,
      { uid: expected.uid },
    );
  }
}

function setField(objects: ReadonlyMap<string, ModelObject>, change: FieldSetChange): ModelObject {
  const path = `${change.section}.${change.field}`;
  const current = objects.get(change.uid);
  if (current === undefined) {
    throw conflict(
      `Cannot set ${path} of object "${change.uid}": the project has no such object.`,
      {
        uid: change.uid,
        field: path,
      },
    );
  }

  const fields = current[change.section];
  const actual = Object.hasOwn(fields, change.field) ? fields[change.field] : undefined;
  if (!valuesEqual(actual, change.before)) {
    throw conflict(
      `Cannot set ${path} of ${describeObject(current)}: it is ${formatValue(actual)} but the ` +
        `edit expected ${formatValue(change.before)}.`,
      { uid: change.uid, field: path, actual, expected: change.before },
    );
  }

  const nextFields: Record<string, Value> = { ...fields };
  if (change.after === undefined) {
    delete nextFields[change.field];
  } else {
    nextFields[change.field] = change.after;
  }

  return { ...current, [change.section]: nextFields };
}

/**
 * Applies the `position.set` changes of a list and returns the new positions. The input is never
 * modified. Throws `project-conflict` when a change's `before` does not match.
 */
export function applyChangesToPositions(
  positions: PositionMap,
  changes: readonly Change[],
): Map<string, ReadonlyMap<string, Point>> {
  const next = new Map(positions);

  for (const change of changes) {
    if (change.kind !== 'position.set') {
      continue;
    }

    const view = new Map(next.get(change.view));
    const actual = view.get(change.uid) ?? null;
    if (!valuesEqual(actual, change.before)) {
      throw conflict(
        `Cannot move node "${change.uid}" on the canvas of flow "${change.view}": it is at ` +
          `${formatPoint(actual)} but the edit expected ${formatPoint(change.before)}.`,
        { uid: change.uid, view: change.view, actual, expected: change.before },
      );
    }

    if (change.after === null) {
      view.delete(change.uid);
    } else {
      view.set(change.uid, { x: change.after.x, y: change.after.y });
    }

    if (view.size === 0) {
      next.delete(change.view);
    } else {
      next.set(change.view, view);
    }
  }

  return next;
}

/**
 * Applies the `project.set` changes of a list and returns the new settings. The input is never
 * modified. Throws `project-conflict` when a change's `before` does not match.
 */
export function applyChangesToSettings(
  settings: Readonly<ProjectSettings>,
  changes: readonly Change[],
): ProjectSettings {
  const next: ProjectSettings = { ...settings };

  for (const change of changes) {
    if (change.kind !== 'project.set') {
      continue;
    }

    const actual = next[change.key];
    if (actual !== change.before) {
      throw conflict(
        `Cannot set the project ${change.key}: it is ${formatValue(actual)} but the edit ` +
          `expected ${formatValue(change.before)}.`,
        { key: change.key, actual, expected: change.before },
      );
    }

    next[change.key] = change.after;
  }

  return next;
}

/**
 * Appends `later` to `earlier` as one undo step. A `field.set`, `position.set` or `project.set`
 * that edits the same value as an earlier change of the step is folded into it (the first
 * `before` with the last `after`), so that a node drag of a hundred moves stays one change.
 * A folded change that ends where it began is dropped.
 */
export function mergeChanges(earlier: readonly Change[], later: readonly Change[]): Change[] {
  const merged: Change[] = [...earlier];

  for (const change of later) {
    const index = findFoldTarget(merged, change);
    if (index === -1) {
      merged.push(change);
      continue;
    }

    const folded = foldChange(merged[index]!, change);
    if (isNoOp(folded)) {
      merged.splice(index, 1);
    } else {
      merged[index] = folded;
    }
  }

  return merged;
}

// Searches backwards for a change that edits the same value as `change`. Changes to other values
// commute with `change` and may be skipped, but a change to the whole object (create, delete,
// replace) does not, so the search stops there.
function findFoldTarget(changes: readonly Change[], change: Change): number {
  const wholeObjectKinds: ChangeKind[] = ['object.create', 'object.delete', 'object.replace'];
  if (wholeObjectKinds.includes(change.kind)) {
    return -1;
  }

  for (let index = changes.length - 1; index >= 0; index--) {
    const candidate = changes[index]!;
    if (sameValue(candidate, change)) {
      return index;
    }

    const wholeObject = wholeObjectKinds.includes(candidate.kind);
    if (change.kind === 'field.set' && wholeObject && changeTarget(candidate) === change.uid) {
      return -1;
    }
  }

  return -1;
}

function sameValue(a: Change, b: Change): boolean {
  if (a.kind === 'field.set' && b.kind === 'field.set') {
    return a.uid === b.uid && a.section === b.section && a.field === b.field;
  }
  if (a.kind === 'position.set' && b.kind === 'position.set') {
    return a.view === b.view && a.uid === b.uid;
  }
  if (a.kind === 'project.set' && b.kind === 'project.set') {
    return a.key === b.key;
  }

  return false;
}

function foldChange(first: Change, last: Change): Change {
  if (first.kind === 'field.set' && last.kind === 'field.set') {
    const folded: FieldSetChange = { ...first };
    delete folded.after;
    if (last.after !== undefined) {
      folded.after = last.after;
    }
    return folded;
  }

  if (first.kind === 'position.set' && last.kind === 'position.set') {
    return { ...first, after: last.after };
  }

  if (first.kind === 'project.set' && last.kind === 'project.set') {
    return { ...first, after: last.after };
  }

  return last;
}

function isNoOp(change: Change): boolean {
  switch (change.kind) {
    case 'field.set':
    case 'position.set':
    case 'project.set':
      return valuesEqual(change.before, change.after);
    case 'object.create':
    case 'object.delete':
    case 'object.replace':
      return false;
  }
}

/** Returns a short label for an undo step, such as `Set attrs.name` or `Move 3 nodes`. */
export function summarizeChanges(changes: readonly Change[]): string {
  const kinds = new Set(changes.map((change) => change.kind));
  const first = changes[0];
  if (first === undefined) {
    return 'No change';
  }

  if (kinds.size > 1) {
    return `Edit ${changes.length} items`;
  }

  const count = changes.length;
  switch (first.kind) {
    case 'object.create':
      return count === 1 ? `Create ${modelName(first.object)}` : `Create ${count} objects`;
    case 'object.delete':
      return count === 1 ? `Delete ${modelName(first.object)}` : `Delete ${count} objects`;
    case 'object.replace':
      return count === 1 ? `Edit ${modelName(first.after)}` : `Edit ${count} objects`;
    case 'field.set':
      return count === 1 ? `Set ${first.section}.${first.field}` : `Set ${count} fields`;
    case 'position.set':
      return count === 1 ? 'Move node' : `Move ${count} nodes`;
    case 'project.set':
      return count === 1 ? `Set project ${first.key}` : `Set ${count} project settings`;
  }
}

function conflict(message: string, data: Record<string, unknown>): StagecraftError {
  return new StagecraftError(
    'project-conflict',
    `${message} Reload the project and make the edit again.`,
    data,
  );
}

// An entry whose model is written as a tag has an empty `model`.
function modelName(object: ModelObject): string {
  return object.model === '' ? 'object' : object.model;
}

function describeObject(object: ModelObject): string {
  return `${modelName(object)} "${object.uid}"`;
}

function formatValue(value: unknown): string {
  if (value === undefined) {
    return 'absent';
  }

  const text = JSON.stringify(value);

  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function formatPoint(point: Point | null): string {
  return point === null ? 'no position' : `(${point.x}, ${point.y})`;
}
