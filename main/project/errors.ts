/**
 * Errors of the project store, with messages that name the file and the fix, and the mapping
 * from SQLite result codes to them.
 */
import { basename } from 'node:path';

import Database from 'better-sqlite3';

import { StagecraftError } from '../../shared/errors.js';
import { SCHEMA_VERSION } from './schema.js';

/** Builds `project-corrupt` for a file that SQLite or the row checks found damaged. */
export function corruptError(path: string, detail: string): StagecraftError {
  return new StagecraftError(
    'project-corrupt',
    `Project file ${path} is damaged: ${detail}; restore it from a backup or re-import your ` +
      `blueprints.`,
    { path, detail },
  );
}

/** The kind of a file that is not an SQLite database, judged from its name and first bytes. */
export type ForeignFileKind = 'blueprint' | 'text' | 'binary';

/**
 * Builds `project-not-stagecraft` for a file that does not start with the SQLite header, so it
 * was never a project. The fix depends on what the file looks like.
 */
export function notSqliteError(path: string, kind: ForeignFileKind): StagecraftError {
  const looks = {
    blueprint: 'it looks like a blueprint YAML file',
    text: 'it is a text file',
    binary: 'it does not start with the SQLite header',
  }[kind];
  const fix =
    kind === 'blueprint'
      ? `Import it into a project with \`stagecraft import ${path} --project P\`, then use ` +
        `--project P.`
      : 'Give --project a .stagecraft file, or create one with `stagecraft import FILE ' +
        '--project P`.';

  return new StagecraftError(
    'project-not-stagecraft',
    `${path} is not a Stagecraft project: ${looks}, not an SQLite database. ${fix}`,
    { path, looksLike: kind },
  );
}

/** Builds `project-corrupt` for one row that fails validation. */
export function corruptRowError(
  path: string,
  table: string,
  row: string | number,
  detail: string,
): StagecraftError {
  const error = corruptError(path, `table ${table}, row ${row}: ${detail}`);
  Object.assign(error.data, { table, row });

  return error;
}

/** Builds `project-read-only` for a file that Stagecraft needs to write but cannot. */
export function readOnlyError(path: string, detail: string): StagecraftError {
  const name = basename(path);

  return new StagecraftError(
    'project-read-only',
    `Project file ${path} cannot be written: ${detail}. Stagecraft writes the file and creates ` +
      `${name}-wal and ${name}-shm next to it, so make the file and its folder writable, or ` +
      `open the project read-only.`,
    { path, detail },
  );
}

/** Builds `project-newer-schema` for a file written by a newer Stagecraft. */
export function newerSchemaError(path: string, version: number): StagecraftError {
  return new StagecraftError(
    'project-newer-schema',
    `Project file ${path} has schema version ${version}, but this Stagecraft reads versions up ` +
      `to ${SCHEMA_VERSION}. Update Stagecraft to open it; the file was left unchanged.`,
    { path, version, supported: SCHEMA_VERSION },
  );
}

/**
 * Converts an SQLite error into the matching project error. Other errors, including
 * StagecraftErrors, come back unchanged.
 */
export function toProjectError(error: unknown, path: string): unknown {
  if (!(error instanceof Database.SqliteError)) {
    return error;
  }

  const code = error.code;
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new StagecraftError(
      'project-busy',
      `Project file ${path} is locked by another process that is writing to it ` +
        `(${error.message}). Close the project in the other Stagecraft window or command, ` +
        `then try again.`,
      { path, sqliteCode: code },
    );
  }

  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN')) {
    return readOnlyError(path, error.message);
  }

  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return corruptError(path, error.message);
  }

  if (code === 'SQLITE_FULL' || code.startsWith('SQLITE_IOERR')) {
    return new StagecraftError(
      'write-failed',
      `Project file ${path} could not be read or written: ${error.message}. Check that the ` +
        `disk has free space and is still attached, then try again.`,
      { path, sqliteCode: code },
    );
  }

  return error;
}
