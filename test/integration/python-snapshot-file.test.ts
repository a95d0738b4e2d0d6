// Snapshot files and the cache folder, without Pyodide: the key, the checks on reading, atomic
// writes and the removal of files of other keys.
import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  truncate,
  utimes,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { defaultCacheDir } from '../../main/python/cache-dir.js';
import {
  readSnapshotFile,
  removeOtherSnapshots,
  snapshotFileName,
  snapshotKey,
  writeSnapshotFile,
} from '../../main/python/snapshot-file.js';

const SOURCES = new Map([
  ['/lib/stagecraft/stagecraft_sim/runner.py', 'def evaluate(request):\n    return "{}"\n'],
  ['/lib/stagecraft/authentik/__init__.py', ''],
]);

function keyFor(sources: Map<string, string> = SOURCES, startupCode = 'import sys'): string {
  return snapshotKey({ pyodideVersion: '314.0.8', sources, startupCode });
}

// Pyodide's snapshots are whole WebAssembly pages; the contents do not matter for these tests.
function fakeSnapshot(size = 65_536): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let index = 0; index < size; index += 1) {
    bytes[index] = (index * 31) % 251;
  }

  return bytes;
}

describe('default cache folder', () => {
  it('STAGECRAFT_CACHE_DIR wins on every platform', () => {
    const env = { STAGECRAFT_CACHE_DIR: '/srv/cache', XDG_CACHE_HOME: '/xdg' };

    expect(defaultCacheDir(env, 'linux', '/home/ada')).toBe('/srv/cache');
    expect(defaultCacheDir(env, 'darwin', '/Users/ada')).toBe('/srv/cache');
  });

  it('linux uses XDG_CACHE_HOME', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux', '/home/ada')).toBe(
      '/xdg/stagecraft',
    );
  });

  it('linux ignores a relative XDG_CACHE_HOME', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: 'cache' }, 'linux', '/home/ada')).toBe(
      '/home/ada/.cache/stagecraft',
    );
  });

  it('linux falls back to ~/.cache', () => {
    expect(defaultCacheDir({}, 'linux', '/home/ada')).toBe('/home/ada/.cache/stagecraft');
  });

  it('macOS uses Library/Caches', () => {
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'darwin', '/Users/ada')).toBe(
      '/Users/ada/Library/Caches/Stagecraft',
    );
  });

  it('Windows uses LOCALAPPDATA', () => {
    expect(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32', '')).toBe(
      'C:\\Users\\ada\\AppData\\Local\\Stagecraft\\Cache',
    );
  });

  it('Windows without LOCALAPPDATA uses the profile', () => {
    expect(defaultCacheDir({}, 'win32', 'C:\\Users\\ada')).toBe(
      'C:\\Users\\ada\\AppData\\Local\\Stagecraft\\Cache',
    );
  });
});

describe('snapshot key', () => {
  it('names Pyodide, Node and the platform', () => {
    const key = keyFor();

    expect(key).toMatch(/^pyodide-314\.0\.8-node\d+\.\d+\.\d+-[a-z0-9]+-[a-z0-9]+-[0-9a-f]{16}$/);
    expect(key).toContain(`-${process.platform}-${process.arch}-`);
  });

  it('is stable for the same input', () => {
    expect(keyFor(new Map([...SOURCES].reverse()))).toBe(keyFor());
  });

  it('changes with a source file', () => {
    const changed = new Map(SOURCES);
    changed.set('/lib/stagecraft/authentik/__init__.py', '# changed\n');

    expect(keyFor(changed)).not.toBe(keyFor());
  });

  it('changes with a new source file', () => {
    const added = new Map(SOURCES);
    added.set('/lib/stagecraft/authentik/extra.py', '');

    expect(keyFor(added)).not.toBe(keyFor());
  });

  it('changes with the start-up code', () => {
    expect(keyFor(SOURCES, 'import sys\nimport json')).not.toBe(keyFor());
  });

  it('changes with the Pyodide version', () => {
    const other = snapshotKey({ pyodideVersion: '314.0.9', sources: SOURCES, startupCode: '' });

    expect(other).not.toBe(
      snapshotKey({ pyodideVersion: '314.0.8', sources: SOURCES, startupCode: '' }),
    );
  });
});

describe('snapshot files', () => {
  let folder: string;
  const key = keyFor();

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'stagecraft-snapshot-file-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('written file reads back', async () => {
    const snapshot = fakeSnapshot();
    await writeSnapshotFile(folder, key, snapshot);

    const read = await readSnapshotFile(join(folder, snapshotFileName(key)), key);

    expect(read.status).toBe('found');
    expect(read.status === 'found' && Buffer.from(read.snapshot).equals(snapshot)).toBe(true);
  });

  it('snapshot starts at a multiple of 8 bytes', async () => {
    await writeSnapshotFile(folder, key, fakeSnapshot());

    const read = await readSnapshotFile(join(folder, snapshotFileName(key)), key);

    expect(read.status === 'found' && read.snapshot.byteOffset % 8).toBe(0);
  });

  it('write creates the folder', async () => {
    const nested = join(folder, 'a', 'b');

    const path = await writeSnapshotFile(nested, key, fakeSnapshot());

    expect(path).toBe(join(nested, snapshotFileName(key)));
  });

  it('write leaves no temporary file', async () => {
    await writeSnapshotFile(folder, key, fakeSnapshot());

    expect(await readdir(folder)).toEqual([snapshotFileName(key)]);
  });

  it('write replaces an older file', async () => {
    await writeSnapshotFile(folder, key, fakeSnapshot(65_536));
    await writeSnapshotFile(folder, key, fakeSnapshot(131_072));

    const read = await readSnapshotFile(join(folder, snapshotFileName(key)), key);

    expect(read.status === 'found' && read.snapshot.length).toBe(131_072);
  });

  it('missing file reads as missing', async () => {
    const read = await readSnapshotFile(join(folder, snapshotFileName(key)), key);

    expect(read.status).toBe('missing');
  });

  it('truncated file is invalid', async () => {
    const path = await writeSnapshotFile(folder, key, fakeSnapshot());
    await truncate(path, 40_000);

    const read = await readSnapshotFile(path, key);

    expect(read.status).toBe('invalid');
    expect(read.status === 'invalid' && read.reason).toMatch(/snapshot bytes instead of 65536/);
  });

  it('file cut inside its header is invalid', async () => {
    const path = await writeSnapshotFile(folder, key, fakeSnapshot());
    await truncate(path, 20);

    const read = await readSnapshotFile(path, key);

    expect(read.status === 'invalid' && read.reason).toMatch(/ends inside its header/);
  });

  it('changed byte is invalid', async () => {
    const path = await writeSnapshotFile(folder, key, fakeSnapshot());
    const bytes = await readFile(path);
    const offset = bytes.length - 1000;
    bytes.writeUInt8(bytes.readUInt8(offset) ^ 0xff, offset);
    await writeFile(path, bytes);

    const read = await readSnapshotFile(path, key);

    expect(read.status === 'invalid' && read.reason).toMatch(/SHA-256/);
  });

  it('file of another key is invalid', async () => {
    const other = keyFor(SOURCES, 'import os');
    const written = await writeSnapshotFile(folder, other, fakeSnapshot());

    const read = await readSnapshotFile(written, key);

    expect(read.status === 'invalid' && read.reason).toMatch(/is not the expected/);
  });

  it('file of another program is invalid', async () => {
    const path = join(folder, snapshotFileName(key));
    await writeFile(path, 'not a snapshot at all');

    const read = await readSnapshotFile(path, key);

    expect(read.status === 'invalid' && read.reason).toMatch(/snapshot marker/);
  });

  it('folder in place of the file is invalid', async () => {
    const path = join(folder, snapshotFileName(key));
    await mkdir(path);

    const read = await readSnapshotFile(path, key);

    expect(read.status === 'invalid' && read.reason).toMatch(/could not be read/);
  });

  it('write into a path under a file fails', async () => {
    const file = join(folder, 'plain-file');
    await writeFile(file, '');

    await expect(writeSnapshotFile(join(file, 'cache'), key, fakeSnapshot())).rejects.toThrow();
  });
});

describe('removing other snapshots', () => {
  let folder: string;
  const key = keyFor();

  beforeEach(async () => {
    folder = await mkdtemp(join(tmpdir(), 'stagecraft-snapshot-prune-'));
  });

  afterEach(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('keeps one file per folder', async () => {
    const old = keyFor(SOURCES, 'import os');
    await writeSnapshotFile(folder, old, fakeSnapshot());
    await writeSnapshotFile(folder, key, fakeSnapshot());

    const removed = await removeOtherSnapshots(folder, key);

    expect(removed).toEqual([snapshotFileName(old)]);
    expect(await readdir(folder)).toEqual([snapshotFileName(key)]);
  });

  it('leaves files of other programs', async () => {
    await writeFile(join(folder, 'settings.json'), '{}');
    await writeFile(join(folder, 'pyodide-notes.txt'), '');

    await removeOtherSnapshots(folder, key);

    expect((await readdir(folder)).sort()).toEqual(['pyodide-notes.txt', 'settings.json']);
  });

  it('removes stale temporary files', async () => {
    const stale = join(folder, `${snapshotFileName(key)}.123-abcd.tmp`);
    await writeFile(stale, 'half a snapshot');
    const hourAgo = new Date(Date.now() - 60 * 60 * 1000);
    await utimes(stale, hourAgo, hourAgo);

    const removed = await removeOtherSnapshots(folder, key);

    expect(removed).toEqual([`${snapshotFileName(key)}.123-abcd.tmp`]);
  });

  it('keeps recent temporary files', async () => {
    const writing = `${snapshotFileName(keyFor(SOURCES, 'x'))}.456-ef01.tmp`;
    await writeFile(join(folder, writing), 'a write in progress');

    await removeOtherSnapshots(folder, key);

    expect(await readdir(folder)).toEqual([writing]);
  });
});
