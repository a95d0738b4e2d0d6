/**
 * Opens a project file with SQLite after checking that it is one: the file exists, starts with
 * the SQLite header, carries Stagecraft's application id, has a schema version this code reads
 * and passes SQLite's quick check. Every check that can run before a write does, so a file that
 * is rejected is left unchanged.
 */
import {
  accessSync,
  closeSync,
  constants,
  openSync,
  readFileSync,
  readSync,
  statSync,
} from 'node:fs';
import { dirname } from 'node:path';

import Database from 'better-sqlite3';

import { StagecraftError } from '../../shared/errors.js';
import type { ForeignFileKind } from './errors.js';
import {
  corruptError,
  newerSchemaError,
  notSqliteError,
  readOnlyError,
  toProjectError,
} from './errors.js';
import {
  APPLICATION_ID,
  findMissingTables,
  migrate,
  readApplicationId,
  readSchemaVersion,
  SCHEMA_VERSION,
} from './schema.js';

/** How to open a project file. */
export interface OpenDatabaseOptions {
  readOnly: boolean;
  /** How long a write waits for another process's write lock before `project-busy`. */
  busyTimeoutMs: number;
}

/** An open project database. */
export interface OpenedDatabase {
  db: Database.Database;
  /**
   * True when the file was read into memory because SQLite could not open it in place, which
   * happens for a read-only open of a WAL file in a folder where SQLite cannot create the
   * `-shm` file. The snapshot does not see later writes by other processes.
   */
  snapshot: boolean;
}

// The SQLite file header: 16 bytes of magic, user_version at byte 60 and application_id at
// byte 68, both big-endian (https://www.sqlite.org/fileformat.html).
const SQLITE_MAGIC = 'SQLite format 3\0';
const HEADER_SIZE = 100;
const USER_VERSION_OFFSET = 60;
const APPLICATION_ID_OFFSET = 68;
// Bytes 18 and 19 are the write and read format versions: 2 for WAL, 1 for a rollback journal.
const WRITE_VERSION_OFFSET = 18;
const READ_VERSION_OFFSET = 19;

/** Checks the file, opens it with SQLite, upgrades its schema when writable and returns it. */
export function openProjectDatabase(path: string, options: OpenDatabaseOptions): OpenedDatabase {
  checkHeader(path);
  if (!options.readOnly) {
    checkWritable(path);
  }

  const opened = connect(path, options);
  try {
    prepareConnection(opened.db, path, options.readOnly);
  } catch (error) {
    opened.db.close();
    throw toProjectError(error, path);
  }

  return opened;
}

function checkHeader(path: string): void {
  const header = readHeader(path);

  if (header.length === 0) {
    throw corruptError(path, 'the file is empty (0 bytes)');
  }
  // A project file always starts with the SQLite magic, so a file that starts otherwise was
  // never a project: usually a blueprint or another document given to --project by mistake.
  const magicLength = Math.min(header.length, SQLITE_MAGIC.length);
  if (header.toString('latin1', 0, magicLength) !== SQLITE_MAGIC.slice(0, magicLength)) {
    throw notSqliteError(path, guessFileKind(path, header));
  }
  if (header.length < HEADER_SIZE) {
    throw corruptError(path, `the file is ${header.length} bytes, too short for an SQLite header`);
  }

  checkApplicationId(path, header.readInt32BE(APPLICATION_ID_OFFSET));
  checkSchemaVersion(path, header.readUInt32BE(USER_VERSION_OFFSET));
}

// Blueprints are the files most often given to --project by mistake, so they get their own
// advice. The header (at most 100 bytes) is enough to see the usual first keys.
const BLUEPRINT_EXTENSION = /\.(ya?ml|akflow)$/i;
const BLUEPRINT_KEY = /^(version|metadata|entries|context):/m;

function guessFileKind(path: string, header: Buffer): ForeignFileKind {
  const text = header.toString('utf8');
  if (BLUEPRINT_EXTENSION.test(path) || BLUEPRINT_KEY.test(text)) {
    return 'blueprint';
  }

  // Text files have no NUL bytes and decode without replacement characters, except possibly
  // for a character cut off at the end of the header.
  const printable = !header.includes(0) && !text.slice(0, -4).includes('\uFFFD');

  return printable ? 'text' : 'binary';
}

function readHeader(path: string): Buffer {
  let descriptor: number;
  try {
    const stats = statSync(path);
    if (stats.isDirectory()) {
      throw new StagecraftError(
        'project-not-stagecraft',
        `${path} is a folder, not a project file. Choose the .stagecraft file inside it.`,
        { path },
      );
    }
    descriptor = openSync(path, 'r');
  } catch (error) {
    throw fileSystemError(error, path);
  }

  try {
    const header = Buffer.alloc(HEADER_SIZE);
    const length = readSync(descriptor, header, 0, HEADER_SIZE, 0);
    return header.subarray(0, length);
  } finally {
    closeSync(descriptor);
  }
}

function checkWritable(path: string): void {
  const checks: [string, number, string][] = [
    [path, constants.R_OK | constants.W_OK, 'the file is read-only'],
    [dirname(path), constants.W_OK, `its folder ${dirname(path)} is read-only`],
  ];

  for (const [target, mode, detail] of checks) {
    try {
      accessSync(target, mode);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
        throw readOnlyError(path, detail);
      }
      throw fileSystemError(error, path);
    }
  }
}

function connect(path: string, options: OpenDatabaseOptions): OpenedDatabase {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, {
      readonly: options.readOnly,
      fileMustExist: true,
      timeout: options.busyTimeoutMs,
    });
    // A read-only connection to a WAL file that cannot use the `-shm` file opens without error
    // and fails at its first read, so read once here.
    readApplicationId(db);
    return { db, snapshot: false };
  } catch (error) {
    db?.close();
    if (options.readOnly && isCannotOpenInPlace(error)) {
      return connectSnapshot(path);
    }
    throw toProjectError(error, path);
  }
}

function isCannotOpenInPlace(error: unknown): boolean {
  if (!(error instanceof Database.SqliteError)) {
    return false;
  }

  return error.code === 'SQLITE_READONLY_DIRECTORY' || error.code.startsWith('SQLITE_CANTOPEN');
}

// A read-only open of a WAL file fails with SQLITE_READONLY_DIRECTORY (SQLite 3.53 as bundled
// with better-sqlite3 12) when SQLite can neither use nor create the `-shm` file. A clean file,
// with no `-wal` left behind, contains every committed change, so an in-memory copy with the
// rollback-journal format bytes reads the same data.
function connectSnapshot(path: string): OpenedDatabase {
  const walSize = statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  if (walSize > 0) {
    throw readOnlyError(
      path,
      'its write-ahead log contains changes that are not in the file yet, and the folder is ' +
        'read-only so SQLite cannot read them',
    );
  }

  const content = readFileSync(path);
  content[WRITE_VERSION_OFFSET] = 1;
  content[READ_VERSION_OFFSET] = 1;

  try {
    return { db: new Database(content, { readonly: true }), snapshot: true };
  } catch (error) {
    throw toProjectError(error, path);
  }
}

function prepareConnection(db: Database.Database, path: string, readOnly: boolean): void {
  // The file may come from someone else, so stop its triggers and views from calling functions
  // that have side effects.
  db.pragma('trusted_schema = OFF');

  // The header read before opening may be stale while a `-wal` file contains newer pages.
  checkApplicationId(path, readApplicationId(db));
  checkSchemaVersion(path, readSchemaVersion(db));
  checkIntegrity(db, path);

  if (readOnly) {
    if (readSchemaVersion(db) < SCHEMA_VERSION) {
      throw readOnlyError(path, 'the file has an older schema that must be upgraded first');
    }
  } else {
    db.pragma('journal_mode = WAL');
    // In WAL mode NORMAL syncs at checkpoints, not at every commit. A committed transaction
    // survives a crash of Stagecraft because it is already in the -wal file, and SQLite
    // documents WAL with NORMAL as safe from corruption. A power loss or OS crash may roll back
    // the last commits. FULL would keep them at the cost of an fsync per commit, and a node drag
    // commits every move. See https://sqlite.org/pragma.html#pragma_synchronous.
    db.pragma('synchronous = NORMAL');
    migrate(db);
  }

  const missing = findMissingTables(db);
  if (missing.length > 0) {
    const detail =
      missing.length === 1
        ? `the table ${missing.join('')} is missing`
        : `the tables ${missing.join(', ')} are missing`;
    throw corruptError(path, detail);
  }
}

function checkApplicationId(path: string, applicationId: number): void {
  if (applicationId === APPLICATION_ID) {
    return;
  }

  throw new StagecraftError(
    'project-not-stagecraft',
    `${path} is an SQLite database but not a Stagecraft project (its application_id is ` +
      `${applicationId}). Open a .stagecraft file, or create a project and import your ` +
      `blueprints into it.`,
    { path, applicationId },
  );
}

function checkSchemaVersion(path: string, version: number): void {
  if (version > SCHEMA_VERSION) {
    throw newerSchemaError(path, version);
  }
}

function checkIntegrity(db: Database.Database, path: string): void {
  const rows = db.pragma('quick_check') as { quick_check: string }[];
  const messages = rows.map((row) => row.quick_check);
  if (messages.length === 1 && messages[0] === 'ok') {
    return;
  }

  // SQLite puts a `*** in database main ***` heading before the findings.
  const findings = messages.filter((message) => !message.startsWith('***')).slice(0, 3);

  throw corruptError(path, `the integrity check failed: ${findings.join('; ')}`);
}

/** Converts a file system error on the project path into a project error. */
export function fileSystemError(error: unknown, path: string): unknown {
  if (error instanceof StagecraftError) {
    return error;
  }

  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new StagecraftError(
      'project-not-found',
      `Project file ${path} does not exist. Check the path, or create a project with that name.`,
      { path },
    );
  }
  if (code === 'EACCES' || code === 'EPERM') {
    return new StagecraftError(
      'file-unreadable',
      `Project file ${path} cannot be read: permission denied. Make the file readable.`,
      { path },
    );
  }

  return error;
}
