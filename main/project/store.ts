/**
 * The project store: one SQLite file (`.stagecraft`) holding the model objects, canvas positions,
 * undo history, personas, recordings, saved scenarios and the log of imported files.
 */
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

import Database from 'better-sqlite3';

import { StagecraftError } from '../../shared/errors.js';
import {
  invertChanges,
  summarizeChanges,
  type Change,
  type ProjectSettings,
} from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import { applyChangesToRows, validateChanges } from './apply.js';
import { readOnlyError, toProjectError } from './errors.js';
import { DEFAULT_HISTORY_LIMIT, UndoHistory, type HistoryEntry } from './history.js';
import { fileSystemError, openProjectDatabase } from './open.js';
import { ImportLog, RecordTable } from './records.js';
import { ProjectRows, type PositionRow } from './rows.js';
import { APPLICATION_ID, migrate, readSchemaVersion } from './schema.js';

/** The authentik release a new project targets when `authentikVersion` is not given. */
export const DEFAULT_AUTHENTIK_VERSION = '2025.12';

/** Settings of a new project. */
export interface CreateProjectInit {
  name: string;
  authentikVersion?: string;
  description?: string;
}

/** Options for opening a project. */
export interface OpenProjectOptions {
  /**
   * Open without writing: apply(), undo(), redo() and record writes are rejected.
   * NOTE: in a folder where SQLite cannot create the `-shm` file, the store reads an in-memory
   * copy taken at open and does not see later writes by other processes.
   */
  readOnly?: boolean;
  /** How long a write waits for another process's write lock before `project-busy`. */
  busyTimeoutMs?: number;
  /** How many undo steps to keep; older ones are dropped at the next apply(). */
  historyLimit?: number;
}

/** Options of one apply() call. */
export interface ApplyOptions {
  /** The undo step's label; by default a summary such as `Set attrs.name`. */
  label?: string;
  /**
   * Consecutive apply() calls with the same key form one undo step, e.g. all moves of a node
   * drag. An undo, a redo or an apply() with another key or none ends the merge.
   */
  mergeKey?: string;
}

/** Project settings with the schema version, object count and timestamps. */
export interface ProjectInfo extends ProjectSettings {
  schemaVersion: number;
  objectCount: number;
  createdAt: string;
  updatedAt: string;
}

const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/** An open project file. Close it when done, so SQLite folds its `-wal` file back into it. */
export class ProjectStore {
  /** Personas for the simulator. */
  readonly personas: RecordTable;
  /** Recorded HTTP exchanges. */
  readonly recordings: RecordTable;
  /** Saved simulator scenarios. */
  readonly scenarios: RecordTable;
  /** Log of imported blueprint files with their hashes and import times. */
  readonly imports: ImportLog;

  private readonly rows: ProjectRows;
  private readonly undoHistory: UndoHistory;

  private constructor(
    readonly path: string,
    private readonly db: Database.Database,
    /** True when opened read-only; every write is then rejected. */
    readonly readOnly: boolean,
    historyLimit: number,
  ) {
    const runWrite = <T>(write: () => T): T => this.write(write);

    this.rows = new ProjectRows(db, path);
    this.undoHistory = new UndoHistory(db, path, historyLimit);
    this.personas = new RecordTable(db, path, 'personas', runWrite);
    this.recordings = new RecordTable(db, path, 'recordings', runWrite);
    this.scenarios = new RecordTable(db, path, 'scenarios', runWrite);
    this.imports = new ImportLog(db, runWrite);
  }

  /**
   * Creates a project file at `path` and opens it. Throws `project-exists` when a file is
   * already there. The file is built under a temporary name and then moved into place, so a
   * crash never leaves a half-created project at `path`.
   */
  static create(
    path: string,
    init: CreateProjectInit,
    options: OpenProjectOptions = {},
  ): ProjectStore {
    const settings: ProjectSettings = {
      name: init.name,
      authentikVersion: init.authentikVersion ?? DEFAULT_AUTHENTIK_VERSION,
      description: init.description ?? '',
    };
    validateSettings(settings);

    if (existsSync(path)) {
      throw existsError(path);
    }

    const folder = dirname(path);
    if (!existsSync(folder)) {
      throw new StagecraftError(
        'write-failed',
        `Cannot create project ${path}: the folder ${folder} does not exist. Create it first.`,
        { path },
      );
    }

    try {
      accessSync(folder, constants.W_OK);
    } catch {
      throw readOnlyError(path, `its folder ${folder} is read-only`);
    }

    const temporary = join(folder, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      writeNewProject(temporary, settings, path);
      moveIntoPlace(temporary, path);
    } finally {
      rmSync(temporary, { force: true });
      rmSync(`${temporary}-journal`, { force: true });
    }

    return ProjectStore.open(path, options);
  }

  /**
   * Opens an existing project file. Throws `project-not-found`, `project-corrupt`,
   * `project-not-stagecraft`, `project-newer-schema`, `project-read-only` or `project-busy`.
   * Every row is validated here, so a damaged file fails now rather than halfway through a
   * session.
   */
  static open(path: string, options: OpenProjectOptions = {}): ProjectStore {
    const readOnly = options.readOnly ?? false;
    const historyLimit = options.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    if (!Number.isInteger(historyLimit) || historyLimit < 1) {
      throw new StagecraftError(
        'project-value-invalid',
        `historyLimit ${historyLimit} is invalid; give a positive whole number of undo steps.`,
        { historyLimit },
      );
    }

    const { db } = openProjectDatabase(path, {
      readOnly,
      busyTimeoutMs: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    });

    try {
      const store = new ProjectStore(path, db, readOnly, historyLimit);
      store.validate();
      return store;
    } catch (error) {
      db.close();
      throw toProjectError(error, path);
    }
  }

  /** Closes the file. Later calls fail. */
  close(): void {
    if (this.db.open) {
      this.db.close();
    }
  }

  /** Returns the project settings, the schema version, the object count and timestamps. */
  info(): ProjectInfo {
    return this.read(() => ({
      ...this.rows.readMeta(),
      schemaVersion: readSchemaVersion(this.db),
      objectCount: this.rows.countObjects(),
    }));
  }

  /** Returns all objects in insertion order. A recreated object counts as inserted anew. */
  listObjects(): ModelObject[] {
    return this.read(() => this.rows.listObjects());
  }

  /** Returns the object with this uid, or undefined. */
  getObject(uid: string): ModelObject | undefined {
    return this.read(() => this.rows.getObject(uid));
  }

  /** Returns the node positions of one flow's canvas, or of all canvases. */
  positions(view?: string): PositionRow[] {
    return this.read(() => this.rows.listPositions(view));
  }

  /**
   * Applies changes in one transaction and records them as one undo step. Throws
   * `project-value-invalid` for a malformed change and `project-conflict` when a change's
   * `before` does not match the file; either way nothing is written. An empty list does nothing.
   */
  apply(changes: readonly Change[], options: ApplyOptions = {}): void {
    this.requireWritable();
    validateChanges(changes);
    if (changes.length === 0) {
      return;
    }

    this.write(() => {
      applyChangesToRows(this.rows, changes);
      this.undoHistory.record(
        changes,
        options.label ?? summarizeChanges(changes),
        options.mergeKey,
      );
    });
  }

  /**
   * Reverts the latest undo step and returns the changes it applied to do so. Throws
   * `nothing-to-undo` when there is none, and `project-conflict` when another process changed
   * the file in a way that step cannot revert.
   */
  undo(): Change[] {
    this.requireWritable();
    this.undoHistory.endMerge();

    return this.write(() => {
      const step = this.undoHistory.nextUndo();
      if (step === undefined) {
        throw new StagecraftError('nothing-to-undo', `Project ${this.path} has no change to undo.`);
      }

      const inverse = invertChanges(step.changes);
      applyChangesToRows(this.rows, inverse);
      this.undoHistory.markUndone(step.id, true);
      return inverse;
    });
  }

  /** Applies the earliest undone step again and returns its changes. */
  redo(): Change[] {
    this.requireWritable();
    this.undoHistory.endMerge();

    return this.write(() => {
      const step = this.undoHistory.nextRedo();
      if (step === undefined) {
        throw new StagecraftError('nothing-to-redo', `Project ${this.path} has no change to redo.`);
      }

      applyChangesToRows(this.rows, step.changes);
      this.undoHistory.markUndone(step.id, false);
      return step.changes;
    });
  }

  /** Tells whether undo() has a step to revert. */
  canUndo(): boolean {
    return this.read(() => this.undoHistory.nextUndo() !== undefined);
  }

  /** Tells whether redo() has a step to apply. */
  canRedo(): boolean {
    return this.read(() => this.undoHistory.nextRedo() !== undefined);
  }

  /** Returns the undo steps, oldest first; undone ones are the redo branch. */
  history(): HistoryEntry[] {
    return this.read(() => this.undoHistory.list());
  }

  /**
   * Runs `work` in one transaction, so that several writes (e.g. apply() and imports.record()
   * for one import) commit together or not at all. Returns what `work` returns.
   */
  transaction<T>(work: () => T): T {
    this.requireWritable();

    return this.write(work);
  }

  private requireOpen(): void {
    if (!this.db.open) {
      throw new StagecraftError(
        'internal',
        `Project ${this.path} was closed; open it again before reading or writing.`,
        { path: this.path },
      );
    }
  }

  private requireWritable(): void {
    this.requireOpen();
    if (this.readOnly) {
      throw readOnlyError(this.path, 'the project was opened read-only');
    }
  }

  // Runs a write in an IMMEDIATE transaction, which takes the write lock at the start, so a
  // second writer waits for the busy timeout up front instead of failing halfway through.
  private write<T>(work: () => T): T {
    this.requireWritable();

    try {
      return this.db
        .transaction(() => {
          const result = work();
          this.rows.touch();
          return result;
        })
        .immediate();
    } catch (error) {
      throw toProjectError(error, this.path);
    }
  }

  private read<T>(work: () => T): T {
    this.requireOpen();

    try {
      return work();
    } catch (error) {
      throw toProjectError(error, this.path);
    }
  }

  private validate(): void {
    this.rows.readMeta();
    this.rows.listObjects();
    this.rows.listPositions();
    this.undoHistory.validateAll();
    this.personas.validateAll();
    this.recordings.validateAll();
    this.scenarios.validateAll();
  }
}

function validateSettings(settings: ProjectSettings): void {
  for (const key of ['name', 'authentikVersion'] as const) {
    const value = settings[key] as unknown;
    if (typeof value !== 'string' || value.trim() === '') {
      throw new StagecraftError(
        'project-value-invalid',
        `Cannot create a project with an empty ${key}; give it a value.`,
        { key },
      );
    }
  }
}

// Errors name `projectPath`, the path the caller asked for, not the temporary file.
function writeNewProject(temporary: string, settings: ProjectSettings, projectPath: string): void {
  let db: Database.Database;
  try {
    db = new Database(temporary);
  } catch (error) {
    throw toProjectError(error, projectPath);
  }

  try {
    db.pragma(`application_id = ${APPLICATION_ID}`);
    migrate(db);

    const now = new Date().toISOString();
    const insert = db.prepare<[string, string]>('INSERT INTO meta (key, value) VALUES (?, ?)');
    db.transaction(() => {
      insert.run('name', settings.name);
      insert.run('authentikVersion', settings.authentikVersion);
      insert.run('description', settings.description);
      insert.run('createdAt', now);
      insert.run('updatedAt', now);
    })();
  } catch (error) {
    throw toProjectError(error, projectPath);
  } finally {
    db.close();
  }
}

// A hard link fails when the target exists, so two processes creating the same project cannot
// overwrite each other. File systems without hard links (FAT, exFAT) fall back to a rename
// after an existence check.
function moveIntoPlace(temporary: string, path: string): void {
  try {
    linkSync(temporary, path);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      throw existsError(path);
    }
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EOPNOTSUPP') {
      throw fileSystemError(error, path);
    }
  }

  if (existsSync(path)) {
    throw existsError(path);
  }
  renameSync(temporary, path);
}

function existsError(path: string): StagecraftError {
  const kind = statSync(path, { throwIfNoEntry: false })?.isDirectory() ? 'A folder' : 'A file';

  return new StagecraftError(
    'project-exists',
    `Cannot create project ${path}: ${kind} with that name already exists. Choose another ` +
      `name, or open the existing project.`,
    { path },
  );
}
