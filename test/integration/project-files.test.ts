import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join, resolve } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isStagecraftError, type StagecraftError } from '../../shared/errors.js';
import type { Change } from '../../shared/model/changes.js';
import { ProjectStore, SCHEMA_VERSION } from '../../main/project/index.js';
import { flowObject, makeTempFolder } from '../support/project-fixtures.js';
import { isRoot, withoutPermissionOverrides } from '../support/unprivileged.js';

const childScript = resolve('test/support/project-child.ts');

let folder: string;
let removeFolder: () => void;
let path: string;

beforeEach(() => {
  ({ folder, remove: removeFolder } = makeTempFolder());
  path = join(folder, 'demo.stagecraft');
});

afterEach(() => {
  removeFolder();
});

function catchProjectError(run: () => unknown): StagecraftError {
  try {
    run();
  } catch (error) {
    if (isStagecraftError(error)) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the call to throw');
}

function openError(target = path): StagecraftError {
  return catchProjectError(() => ProjectStore.open(target).close());
}

function createProject(objectCount: number): void {
  const store = ProjectStore.create(path, { name: 'Demo' });
  const changes: Change[] = [];
  for (let index = 0; index < objectCount; index++) {
    const object = flowObject(`object-${index}`, `Flow ${index} ${'x'.repeat(200)}`);
    changes.push({ kind: 'object.create', object });
  }
  store.apply(changes);
  store.close();
}

function editRaw(sql: string): void {
  const db = new Database(path);
  db.exec(sql);
  db.close();
}

// Root passes every permission check, so under root permission tests run a child without root's
// permission overrides.
function runChildObeyingPermissions(args: string[]): {
  ok: boolean;
  code?: string;
  objects?: number;
} {
  const [command, commandArgs] = withoutPermissionOverrides(process.execPath, [
    '--import',
    'tsx',
    childScript,
    ...args,
  ]);
  const result = spawnSync(command, commandArgs, {
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (result.error !== undefined || result.status !== 0) {
    throw new Error(`child failed: ${String(result.error)} ${result.stderr}`);
  }

  return JSON.parse(result.stdout) as { ok: boolean; code?: string; objects?: number };
}

// Copies the project into a read-only folder, and returns
// the copy's path.
function lockedCopy(): string {
  chmodSync(folder, 0o755);
  const locked = join(folder, 'locked');
  mkdirSync(locked);
  copyFileSync(path, join(locked, 'demo.stagecraft'));
  // The file itself stays writable, so that only the folder blocks writing.
  chmodSync(join(locked, 'demo.stagecraft'), 0o666);
  chmodSync(locked, 0o555);

  return join(locked, 'demo.stagecraft');
}

describe('opening damaged files', () => {
  it('rejects a missing file', () => {
    expect(openError().code).toBe('project-not-found');
  });

  it('rejects a folder', () => {
    mkdirSync(path);

    expect(openError().code).toBe('project-not-stagecraft');
  });

  it('rejects an empty file', () => {
    writeFileSync(path, '');

    expect(openError().code).toBe('project-corrupt');
  });

  it('rejects garbage bytes as foreign', () => {
    writeFileSync(path, Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 7) % 256)));
    const error = openError();

    expect(error.code).toBe('project-not-stagecraft');
    expect(error.message).toContain('does not start with the SQLite header');
  });

  it('rejects a blueprint with the import hint', () => {
    writeFileSync(path, 'version: 1\nentries: []\n');
    const error = openError();

    expect(error.code).toBe('project-not-stagecraft');
    expect(error.message).toContain(`${path} is not a Stagecraft project`);
    expect(error.message).toContain('looks like a blueprint YAML file');
    expect(error.message).toContain(`stagecraft import ${path} --project P`);
  });

  it('rejects a text file as foreign', () => {
    writeFileSync(path, '# Notes\n\nSome text.\n'.repeat(20));
    const error = openError();

    expect(error.code).toBe('project-not-stagecraft');
    expect(error.message).toContain('it is a text file');
  });

  it('names the fix for a damaged file', () => {
    createProject(3);
    truncateSync(path, 50);

    expect(openError().message).toContain('restore it from a backup or re-import your blueprints');
  });

  it('rejects a truncated file', () => {
    createProject(400);
    const copy = join(folder, 'copy.stagecraft');
    copyFileSync(path, copy);
    truncateSync(copy, Math.floor(statSync(copy).size / 2));

    expect(openError(copy).code).toBe('project-corrupt');
  });

  it('rejects a damaged index page', () => {
    createProject(50);
    const db = new Database(path, { readonly: true });
    const index = db
      .prepare<[], { rootpage: number }>(
        "SELECT rootpage FROM sqlite_schema WHERE name = 'sqlite_autoindex_objects_1'",
      )
      .get()!;
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    // Reading the rows never touches this index, so only the integrity check can notice.
    const descriptor = openSync(path, 'r+');
    writeSync(descriptor, Buffer.alloc(4, 0xff), 0, 4, (index.rootpage - 1) * pageSize);
    closeSync(descriptor);
    const error = openError();

    expect(error.code).toBe('project-corrupt');
    expect(error.message).toContain('integrity check failed');
  });

  it('rejects another SQLite file unchanged', () => {
    editRaw('CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES (1)');
    const bytes = readFileSync(path);

    expect(openError().code).toBe('project-not-stagecraft');
    expect(readFileSync(path).equals(bytes)).toBe(true);
  });

  it('rejects a newer schema unchanged', () => {
    createProject(3);
    editRaw(`PRAGMA user_version = ${SCHEMA_VERSION + 1}`);
    const bytes = readFileSync(path);
    const error = openError();

    expect(error.code).toBe('project-newer-schema');
    expect(error.message).toContain(`schema version ${SCHEMA_VERSION + 1}`);
    expect(error.message).toContain(`up to ${SCHEMA_VERSION}`);
    expect(error.message).toContain('Update Stagecraft');
    expect(readFileSync(path).equals(bytes)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('rejects an object row with invalid JSON', () => {
    createProject(3);
    editRaw("UPDATE objects SET data = '{\"uid\":' WHERE uid = 'object-1'");
    const error = openError();

    expect(error.code).toBe('project-corrupt');
    expect(error.message).toContain('table objects, row object-1');
  });

  it('rejects an object row of the wrong shape', () => {
    createProject(3);
    editRaw(`UPDATE objects SET data = '{"uid":"object-2","model":"x"}' WHERE uid = 'object-2'`);

    expect(openError().message).toContain('table objects, row object-2');
  });

  it('rejects a history row of the wrong shape', () => {
    createProject(3);
    editRaw(`UPDATE history SET changes = '{"version":1,"changes":[{"kind":"bad"}]}'`);
    const error = openError();

    expect(error.code).toBe('project-corrupt');
    expect(error.message).toContain('table history, row 1');
  });

  it('rejects a missing meta value', () => {
    createProject(1);
    editRaw("DELETE FROM meta WHERE key = 'name'");

    expect(openError().message).toContain('table meta, row name');
  });

  it('rejects a missing table', () => {
    createProject(1);
    editRaw('DROP TABLE positions');

    expect(openError().message).toContain('positions');
  });
});

describe('opening read-only files', () => {
  it('rejects a read-only folder for writing', () => {
    createProject(2);

    if (isRoot) {
      // Root ignores permission bits, so the check runs in a child without root's overrides.
      const locked = lockedCopy();
      expect(runChildObeyingPermissions(['open', locked])).toEqual({
        ok: false,
        code: 'project-read-only',
      });
      return;
    }

    chmodSync(folder, 0o555);
    try {
      expect(openError().code).toBe('project-read-only');
    } finally {
      chmodSync(folder, 0o755);
    }
  });

  it('opens from a read-only folder when asked read-only', () => {
    createProject(2);

    if (isRoot) {
      const locked = lockedCopy();
      expect(runChildObeyingPermissions(['open', locked, 'read-only'])).toEqual({
        ok: true,
        objects: 2,
      });
      return;
    }

    chmodSync(folder, 0o555);
    try {
      const store = ProjectStore.open(path, { readOnly: true });
      expect(store.listObjects()).toHaveLength(2);
      store.close();
    } finally {
      chmodSync(folder, 0o755);
    }
  });

  it('rejects a read-only file for writing', () => {
    createProject(1);
    chmodSync(path, 0o444);

    if (isRoot) {
      chmodSync(folder, 0o755);
      expect(runChildObeyingPermissions(['open', path])).toEqual({
        ok: false,
        code: 'project-read-only',
      });
      return;
    }

    expect(openError().code).toBe('project-read-only');
  });
});

describe('locking', () => {
  it('reports another writer as busy', () => {
    createProject(1);
    const store = ProjectStore.open(path, { busyTimeoutMs: 50 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const create: Change = { kind: 'object.create', object: flowObject('late') };

    try {
      const error = catchProjectError(() => store.apply([create]));
      expect(error.code).toBe('project-busy');
      expect(store.listObjects()).toHaveLength(1);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }

    store.apply([create]);
    expect(store.getObject('late')).toBeDefined();
    store.close();
  });
});
