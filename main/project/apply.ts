/**
 * Applies changes to the rows of a project file. Each change goes through the same functions
 * the renderer uses on its own state, so conflicts are detected the same way in both places.
 */
import { findChangeShapeError } from '../../shared/model/change-shape.js';
import {
  applyChangesToObjects,
  applyChangesToPositions,
  applyChangesToSettings,
  type Change,
} from '../../shared/model/changes.js';
import { StagecraftError } from '../../shared/errors.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { ProjectRows } from './rows.js';

/**
 * Throws `project-value-invalid` naming the first change of the list that is malformed, so that
 * nothing malformed reaches the file, where it would later read back as damage.
 */
export function validateChanges(changes: readonly unknown[]): asserts changes is Change[] {
  for (const [index, change] of changes.entries()) {
    const error = findChangeShapeError(change, `change ${index}`);
    if (error !== undefined) {
      throw new StagecraftError(
        'project-value-invalid',
        `Cannot apply the changes: ${error}; nothing was written.`,
        { index },
      );
    }
  }
}

/**
 * Writes each change to the rows in order. The caller runs this inside a transaction, because a
 * conflict in a later change throws after earlier changes were written.
 */
export function applyChangesToRows(rows: ProjectRows, changes: readonly Change[]): void {
  for (const change of changes) {
    applyChangeToRows(rows, change);
  }
}

function applyChangeToRows(rows: ProjectRows, change: Change): void {
  switch (change.kind) {
    case 'object.create':
    case 'object.delete':
      applyObjectChange(rows, change.object.uid, change);
      return;
    case 'object.replace':
    case 'field.set':
      applyObjectChange(rows, change.uid, change);
      return;
    case 'position.set': {
      const current = rows.getPosition(change.view, change.uid);
      const before = new Map([
        [change.view, new Map(current === null ? [] : [[change.uid, current]])],
      ]);
      const after = applyChangesToPositions(before, [change]);
      rows.writePosition(change.view, change.uid, after.get(change.view)?.get(change.uid) ?? null);
      return;
    }
    case 'project.set': {
      const { createdAt: _created, updatedAt: _updated, ...settings } = rows.readMeta();
      const next = applyChangesToSettings(settings, [change]);
      rows.writeMeta(change.key, next[change.key]);
      return;
    }
  }
}

function applyObjectChange(rows: ProjectRows, uid: string, change: Change): void {
  const current = rows.getObject(uid);
  const before = new Map<string, ModelObject>(current === undefined ? [] : [[uid, current]]);
  const after = applyChangesToObjects(before, [change]);

  rows.writeObject(uid, current, after.get(uid));
}
