/**
 * The undo history of a project, stored in the `history` table so that it survives closing and
 * reopening. Each row is one undo step: the changes one apply() made, or several merged ones.
 * Steps that are undone stay in the table as the redo branch until a new step replaces them.
 */
import type Database from 'better-sqlite3';

import { findChangeShapeError } from '../../shared/model/change-shape.js';
import { mergeChanges, type Change } from '../../shared/model/changes.js';
import { corruptRowError } from './errors.js';

/** One undo step as the UI lists it. */
export interface HistoryEntry {
  id: number;
  label: string;
  createdAt: string;
  /** True when the step was undone and can be redone. */
  undone: boolean;
}

/** One undo step with its changes. */
export interface HistoryStep extends HistoryEntry {
  changes: Change[];
}

/** The number of undo steps a project keeps unless the store is opened with another limit. */
export const DEFAULT_HISTORY_LIMIT = 1000;

// The JSON stored in `history.changes`. `version` lets a later schema change the change format
// and still tell old rows apart.
interface StoredChanges {
  version: 1;
  changes: Change[];
}

interface HistoryRow {
  id: number;
  label: string;
  merge_key: string | null;
  created_at: string;
  undone: number;
  changes: string;
}

/** Reads and writes the undo steps of one open project file. */
export class UndoHistory {
  // The step that the next apply() with the same merge key folds into. It lives in memory only,
  // because merging is meant for consecutive edits of one session such as a node drag.
  private mergeTarget: { id: number; mergeKey: string } | undefined;

  private readonly selectAll;
  private readonly selectLatestDone;
  private readonly selectEarliestUndone;
  private readonly selectLatest;
  private readonly insertStep;
  private readonly updateStepChanges;
  private readonly deleteStep;
  private readonly deleteUndone;
  private readonly deleteOldest;
  private readonly setUndoneFlag;

  constructor(
    db: Database.Database,
    private readonly path: string,
    private readonly limit: number,
  ) {
    const columns = 'id, label, merge_key, created_at, undone, changes';
    this.selectAll = db.prepare<[], HistoryRow>(`SELECT ${columns} FROM history ORDER BY id`);
    this.selectLatestDone = db.prepare<[], HistoryRow>(
      `SELECT ${columns} FROM history WHERE undone = 0 ORDER BY id DESC LIMIT 1`,
    );
    this.selectEarliestUndone = db.prepare<[], HistoryRow>(
      `SELECT ${columns} FROM history WHERE undone = 1 ORDER BY id LIMIT 1`,
    );
    this.selectLatest = db.prepare<[], HistoryRow>(
      `SELECT ${columns} FROM history ORDER BY id DESC LIMIT 1`,
    );
    this.insertStep = db.prepare<[string, string | null, string, string]>(
      'INSERT INTO history (label, merge_key, created_at, changes) VALUES (?, ?, ?, ?)',
    );
    this.updateStepChanges = db.prepare<[string, number]>(
      'UPDATE history SET changes = ? WHERE id = ?',
    );
    this.deleteStep = db.prepare<[number]>('DELETE FROM history WHERE id = ?');
    this.deleteUndone = db.prepare('DELETE FROM history WHERE undone = 1');
    this.deleteOldest = db.prepare<[number]>(
      'DELETE FROM history WHERE id <= ' +
        '(SELECT id FROM history ORDER BY id DESC LIMIT 1 OFFSET ?)',
    );
    this.setUndoneFlag = db.prepare<[number, number]>('UPDATE history SET undone = ? WHERE id = ?');
  }

  /**
   * Records applied changes as a new undo step, dropping the redo branch, or folds them into the
   * latest step when `mergeKey` matches the previous record() of this session. The caller runs
   * this in the transaction that applied the changes.
   */
  record(changes: readonly Change[], label: string, mergeKey?: string): void {
    if (mergeKey !== undefined && this.mergeInto(changes, mergeKey)) {
      return;
    }

    this.deleteUndone.run();
    const result = this.insertStep.run(
      label,
      mergeKey ?? null,
      new Date().toISOString(),
      serialize(changes),
    );
    this.deleteOldest.run(this.limit);

    this.mergeTarget =
      mergeKey === undefined ? undefined : { id: Number(result.lastInsertRowid), mergeKey };
  }

  private mergeInto(changes: readonly Change[], mergeKey: string): boolean {
    const target = this.mergeTarget;
    if (target === undefined || target.mergeKey !== mergeKey) {
      return false;
    }

    // Another store on the same file may have added steps since, or undone this one.
    const latest = this.selectLatest.get();
    if (latest === undefined || latest.id !== target.id || latest.undone !== 0) {
      return false;
    }

    const merged = mergeChanges(this.parse(latest).changes, changes);
    if (merged.length === 0) {
      this.deleteStep.run(latest.id);
      this.mergeTarget = undefined;
      return true;
    }

    this.updateStepChanges.run(serialize(merged), latest.id);

    return true;
  }

  /** Ends merging, so that the next apply() starts a new step whatever its merge key. */
  endMerge(): void {
    this.mergeTarget = undefined;
  }

  /** Returns the step that undo() reverts: the latest one not undone. */
  nextUndo(): HistoryStep | undefined {
    const row = this.selectLatestDone.get();

    return row === undefined ? undefined : this.parse(row);
  }

  /** Returns the step that redo() applies again: the earliest undone one. */
  nextRedo(): HistoryStep | undefined {
    const row = this.selectEarliestUndone.get();

    return row === undefined ? undefined : this.parse(row);
  }

  /** Marks a step as undone or redone. */
  markUndone(id: number, undone: boolean): void {
    this.setUndoneFlag.run(undone ? 1 : 0, id);
  }

  /** Returns all steps, oldest first, without their changes. */
  list(): HistoryEntry[] {
    return this.selectAll.all().map((row) => ({
      id: row.id,
      label: row.label,
      createdAt: row.created_at,
      undone: row.undone === 1,
    }));
  }

  /** Reads every step and throws `project-corrupt` at the first one that fails validation. */
  validateAll(): void {
    for (const row of this.selectAll.iterate()) {
      this.parse(row);
    }
  }

  private parse(row: HistoryRow): HistoryStep {
    let stored: unknown;
    try {
      stored = JSON.parse(row.changes);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw corruptRowError(this.path, 'history', row.id, `changes are not valid JSON (${detail})`);
    }

    const shapeError = findStoredChangesError(stored);
    if (shapeError !== undefined) {
      throw corruptRowError(this.path, 'history', row.id, shapeError);
    }

    return {
      id: row.id,
      label: row.label,
      createdAt: row.created_at,
      undone: row.undone === 1,
      changes: (stored as StoredChanges).changes,
    };
  }
}

function serialize(changes: readonly Change[]): string {
  const stored: StoredChanges = { version: 1, changes: [...changes] };

  return JSON.stringify(stored);
}

function findStoredChangesError(stored: unknown): string | undefined {
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    return 'changes are not a map';
  }

  const { version, changes } = stored as { version?: unknown; changes?: unknown };
  if (version !== 1) {
    return `changes have format version ${JSON.stringify(version)}, expected 1`;
  }
  if (!Array.isArray(changes)) {
    return 'changes are not a list';
  }

  for (const [index, change] of changes.entries()) {
    const error = findChangeShapeError(change, `change ${index}`);
    if (error !== undefined) {
      return error;
    }
  }

  return undefined;
}
