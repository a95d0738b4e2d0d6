/**
 * The SQLite schema of a project file and its migrations. `PRAGMA user_version` stores the
 * schema version, and `PRAGMA application_id` marks the file as a Stagecraft project.
 */
import type Database from 'better-sqlite3';

/** `PRAGMA application_id` of a project file: the ASCII bytes "STGC" as a big-endian integer. */
export const APPLICATION_ID = 0x53544743;

/** The file extension of project files. */
export const PROJECT_EXTENSION = '.stagecraft';

/** The tables of the current schema; opening checks that each one exists. */
export const PROJECT_TABLES = [
  'meta',
  'objects',
  'positions',
  'history',
  'personas',
  'recordings',
  'scenarios',
  'imports',
] as const;

/** A table of named JSON records. */
export type RecordTableName = 'personas' | 'recordings' | 'scenarios';

/** One schema upgrade: turns a file of version N (its index in the list) into version N + 1. */
type Migration = (db: Database.Database) => void;

// STRICT tables make SQLite reject a value of the wrong type instead of storing it, so a row can
// only go wrong through damage to the file, which opening detects.
const MIGRATIONS: readonly Migration[] = [
  (db) => {
    db.exec(`
      CREATE TABLE meta (
        key TEXT PRIMARY KEY NOT NULL,
        value TEXT NOT NULL
      ) STRICT;

      CREATE TABLE objects (
        seq INTEGER PRIMARY KEY,
        uid TEXT NOT NULL UNIQUE,
        model TEXT NOT NULL,
        data TEXT NOT NULL
      ) STRICT;

      CREATE TABLE positions (
        view TEXT NOT NULL,
        uid TEXT NOT NULL,
        x REAL NOT NULL,
        y REAL NOT NULL,
        PRIMARY KEY (view, uid)
      ) STRICT;

      CREATE TABLE history (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        label TEXT NOT NULL,
        merge_key TEXT,
        created_at TEXT NOT NULL,
        undone INTEGER NOT NULL DEFAULT 0 CHECK (undone IN (0, 1)),
        changes TEXT NOT NULL
      ) STRICT;

      CREATE TABLE imports (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        entry_count INTEGER NOT NULL CHECK (entry_count >= 0),
        imported_at TEXT NOT NULL
      ) STRICT;
    `);

    for (const table of ['personas', 'recordings', 'scenarios']) {
      db.exec(`
        CREATE TABLE ${table} (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          name TEXT NOT NULL,
          data TEXT NOT NULL,
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;
      `);
    }
  },
];

/** The schema version this code writes, and the newest it reads. */
export const SCHEMA_VERSION = MIGRATIONS.length;

/** Reads `PRAGMA user_version`. */
export function readSchemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Reads `PRAGMA application_id`. */
export function readApplicationId(db: Database.Database): number {
  return db.pragma('application_id', { simple: true }) as number;
}

/**
 * Upgrades the schema to SCHEMA_VERSION in one transaction, so a failed migration leaves the
 * file at its old version. The caller has already rejected files newer than this code.
 */
export function migrate(db: Database.Database): void {
  // A file already at the current version is left alone: even a no-op write transaction bumps
  // SQLite's change counter in the header, so reading a project would change its bytes.
  if (readSchemaVersion(db) === SCHEMA_VERSION) {
    return;
  }

  const upgrade = db.transaction(() => {
    const from = readSchemaVersion(db);
    for (const migration of MIGRATIONS.slice(from)) {
      migration(db);
    }

    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  });

  upgrade.immediate();
}

/** Returns the tables of the current schema that the file lacks. */
export function findMissingTables(db: Database.Database): string[] {
  const rows = db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table'")
    .all();
  const present = new Set(rows.map((row) => row.name));

  return PROJECT_TABLES.filter((table) => !present.has(table));
}
