/**
 * Named JSON records (personas, recordings, saved scenarios) and the log of imported files.
 * These live in the project file beside the objects but are not part of the undo history.
 */
import { randomUUID } from 'node:crypto';

import type Database from 'better-sqlite3';

import { StagecraftError } from '../../shared/errors.js';
import { corruptRowError } from './errors.js';
import type { RecordTableName } from './schema.js';

/** A stored record without its data, as lists show it. */
export interface RecordSummary {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** A stored record with its data. */
export interface StoredRecord extends RecordSummary {
  data: unknown;
}

/** A record to store: without `id` it is new, with an `id` it replaces that record or adds it. */
export interface RecordInput {
  id?: string;
  name: string;
  /** Any JSON value: null, booleans, finite numbers, strings, arrays and plain objects. */
  data: unknown;
}

/** One imported blueprint file: which file, its content hash and how many entries it had. */
export interface ImportRecord {
  id: number;
  file: string;
  /** SHA-256 of the file content, 64 lower-case hex digits. */
  sha256: string;
  entryCount: number;
  importedAt: string;
}

/** Runs a function in a write transaction of the owning store and returns its result. */
export type WriteRunner = <T>(write: () => T) => T;

interface RecordRow {
  id: string;
  name: string;
  data: string;
  created_at: string;
  updated_at: string;
}

/** Create, read, update and delete for one table of named JSON records. */
export class RecordTable {
  private readonly selectAll;
  private readonly selectOne;
  private readonly upsert;
  private readonly deleteOne;

  constructor(
    db: Database.Database,
    private readonly path: string,
    private readonly table: RecordTableName,
    private readonly runWrite: WriteRunner,
  ) {
    const columns = 'id, name, data, created_at, updated_at';
    this.selectAll = db.prepare<[], RecordRow>(`SELECT ${columns} FROM ${table} ORDER BY seq`);
    this.selectOne = db.prepare<[string], RecordRow>(
      `SELECT ${columns} FROM ${table} WHERE id = ?`,
    );
    this.upsert = db.prepare<[string, string, string, string, string]>(
      `INSERT INTO ${table} (id, name, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?) ` +
        'ON CONFLICT (id) DO UPDATE SET ' +
        'name = excluded.name, data = excluded.data, updated_at = excluded.updated_at',
    );
    this.deleteOne = db.prepare<[string]>(`DELETE FROM ${table} WHERE id = ?`);
  }

  /** Returns all records without their data, oldest first. */
  list(): RecordSummary[] {
    return this.selectAll.all().map((row) => {
      const { data: _data, ...summary } = this.parse(row);
      return summary;
    });
  }

  /** Returns the record with this id, or undefined. */
  get(id: string): StoredRecord | undefined {
    const row = this.selectOne.get(id);

    return row === undefined ? undefined : this.parse(row);
  }

  /** Stores a record and returns it as stored. A new record gets a random UUID as its id. */
  put(input: RecordInput): StoredRecord {
    const data = this.serialize(input);
    const id = input.id ?? randomUUID();
    const now = new Date().toISOString();

    this.runWrite(() => this.upsert.run(id, input.name, data, now, now));

    return this.get(id)!;
  }

  /** Deletes the record with this id. Returns false when there was none. */
  remove(id: string): boolean {
    return this.runWrite(() => this.deleteOne.run(id).changes > 0);
  }

  /** Reads every record and throws `project-corrupt` at the first one that fails validation. */
  validateAll(): void {
    for (const row of this.selectAll.iterate()) {
      this.parse(row);
    }
  }

  private serialize(input: RecordInput): string {
    const invalid = (detail: string): StagecraftError =>
      new StagecraftError(
        'project-value-invalid',
        `Cannot store the record in ${this.table}: ${detail}.`,
        { table: this.table, id: input.id },
      );

    if (typeof input.name !== 'string' || input.name.trim() === '') {
      throw invalid('its name is empty; give it a name');
    }
    if (input.id !== undefined && (typeof input.id !== 'string' || input.id === '')) {
      throw invalid('its id is empty; leave id out to create a new record');
    }

    const jsonError = findJsonError(input.data, 'data');
    if (jsonError !== undefined) {
      throw invalid(jsonError);
    }

    return JSON.stringify(input.data);
  }

  private parse(row: RecordRow): StoredRecord {
    let data: unknown;
    try {
      data = JSON.parse(row.data);
    } catch (error) {
      const detail = error instanceof Error ? error.message : String(error);
      throw corruptRowError(this.path, this.table, row.id, `data is not valid JSON (${detail})`);
    }

    return {
      id: row.id,
      name: row.name,
      data,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    };
  }
}

/** The log of imported blueprint files, oldest first. */
export class ImportLog {
  private readonly selectAll;
  private readonly insert;

  constructor(
    db: Database.Database,
    private readonly runWrite: WriteRunner,
  ) {
    this.selectAll = db.prepare<[], ImportRecord>(
      'SELECT id, file, sha256, entry_count AS entryCount, imported_at AS importedAt ' +
        'FROM imports ORDER BY id',
    );
    this.insert = db.prepare<[string, string, number, string]>(
      'INSERT INTO imports (file, sha256, entry_count, imported_at) VALUES (?, ?, ?, ?)',
    );
  }

  /** Records that a file was imported now and returns the new log entry. */
  record(file: string, sha256: string, entryCount: number): ImportRecord {
    const invalid = (detail: string): StagecraftError =>
      new StagecraftError('project-value-invalid', `Cannot log the import of ${file}: ${detail}.`, {
        file,
      });

    if (typeof file !== 'string' || file === '') {
      throw invalid('the file name is empty');
    }
    if (!/^[0-9a-fA-F]{64}$/.test(sha256)) {
      throw invalid(`sha256 "${sha256}" is not 64 hex digits`);
    }
    if (!Number.isInteger(entryCount) || entryCount < 0) {
      throw invalid(`entryCount ${entryCount} is not a non-negative integer`);
    }

    const entry = {
      file,
      sha256: sha256.toLowerCase(),
      entryCount,
      importedAt: new Date().toISOString(),
    };
    const id = this.runWrite(() => {
      const result = this.insert.run(entry.file, entry.sha256, entry.entryCount, entry.importedAt);
      return result.lastInsertRowid;
    });

    return { id: Number(id), ...entry };
  }

  /** Returns every logged import, oldest first. */
  list(): ImportRecord[] {
    return this.selectAll.all();
  }
}

// Records contain arbitrary JSON, so unlike model values they have no reserved keys. A map key whose
// value is undefined is allowed because JSON.stringify drops it.
function findJsonError(
  value: unknown,
  path: string,
  ancestors: ReadonlySet<object> = new Set(),
): string | undefined {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    return undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : `${path} is ${value}, not a finite number`;
  }

  if (typeof value !== 'object') {
    return `${path} is ${typeof value}, not a JSON value`;
  }
  if (ancestors.has(value)) {
    return `${path} refers back to a containing value, so it has no JSON form`;
  }

  const inner = new Set(ancestors).add(value);
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const error = findJsonError(item, `${path}[${index}]`, inner);
      if (error !== undefined) {
        return error;
      }
    }
    return undefined;
  }

  if (Object.getPrototypeOf(value) !== Object.prototype) {
    return `${path} is a class instance, not a plain JSON object`;
  }

  for (const [key, item] of Object.entries(value)) {
    const error = item === undefined ? undefined : findJsonError(item, `${path}.${key}`, inner);
    if (error !== undefined) {
      return error;
    }
  }

  return undefined;
}
