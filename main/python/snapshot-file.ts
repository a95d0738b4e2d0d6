/**
 * Pyodide memory snapshots as files, so that a new process restores a started interpreter
 * instead of loading Pyodide again.
 *
 * A file is named after its key and contains the 8 ASCII bytes `STGSNAP\n`, the length of a JSON
 * header as a little-endian uint32, the header `{format, key, size, sha256}`, zero bytes up to
 * the next multiple of 8, then the snapshot. Pyodide reads a snapshot through a Uint32Array, so
 * the snapshot must start at a multiple of 4 bytes.
 */

import { createHash, randomBytes, webcrypto } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * Version of the file layout. Raise it when the layout changes, or when the worker changes what
 * a snapshot contains in a way that neither the sources nor the start-up code show.
 */
const FORMAT = 1;

const MAGIC = 'STGSNAP\n';
const PREFIX_BYTES = MAGIC.length + 4;
const ALIGNMENT = 8;
const FILE_PREFIX = 'pyodide-';
const FILE_SUFFIX = '.snapshot';
const TEMP_SUFFIX = '.tmp';

// A temporary file this old belongs to a write that never finished (its process was killed).
// Younger ones may belong to another process that is writing right now.
const STALE_TEMP_MS = 10 * 60 * 1000;

/** Inputs of a snapshot key, besides the JavaScript runtime and the platform. */
export interface SnapshotKeyInput {
  /** Version of the `pyodide` package. */
  pyodideVersion: string;
  /** The sandbox's Python sources by their path in Pyodide's file system. */
  sources: ReadonlyMap<string, string>;
  /** The Python code that runs before the snapshot is taken. */
  startupCode: string;
}

/** Outcome of reading a snapshot file. */
export type SnapshotFileRead =
  | { status: 'found'; snapshot: Uint8Array }
  | { status: 'missing' }
  | { status: 'invalid'; reason: string };

interface SnapshotHeader {
  format: number;
  key: string;
  size: number;
  sha256: string;
}

/**
 * Builds the key of a snapshot, such as `pyodide-314.0.8-node20.20.2-linux-x64-<hash>`. It
 * changes with the Pyodide version, the Node (or Electron) version, the platform and
 * architecture, and a SHA-256 of the sources and the start-up code, so that a changed sandbox
 * or an upgrade never restores an old snapshot.
 */
export function snapshotKey(input: SnapshotKeyInput): string {
  const hash = createHash('sha256');
  hash.update(`format ${FORMAT}\0${input.startupCode}\0`);
  for (const path of [...input.sources.keys()].sort()) {
    hash.update(`${path}\0${input.sources.get(path) ?? ''}\0`);
  }

  const electron = process.versions.electron;
  const runtime = electron !== undefined ? `electron${electron}` : `node${process.versions.node}`;
  return [
    `${FILE_PREFIX}${input.pyodideVersion}`,
    runtime,
    process.platform,
    process.arch,
    hash.digest('hex').slice(0, 16),
  ].join('-');
}

/** Returns the name of the snapshot file with this key. */
export function snapshotFileName(key: string): string {
  return `${key}${FILE_SUFFIX}`;
}

async function sha256Hex(data: Uint8Array): Promise<string> {
  // WebCrypto hashes on libuv's thread pool, so a 30 MiB snapshot blocks the calling thread
  // only while its bytes are copied.
  const digest = await webcrypto.subtle.digest('SHA-256', data);
  return Buffer.from(digest).toString('hex');
}

function alignUp(offset: number): number {
  return Math.ceil(offset / ALIGNMENT) * ALIGNMENT;
}

function encodeHeader(header: SnapshotHeader): Uint8Array {
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const bytes = Buffer.alloc(alignUp(PREFIX_BYTES + json.length));
  bytes.write(MAGIC, 0, 'ascii');
  bytes.writeUInt32LE(json.length, MAGIC.length);
  json.copy(bytes, PREFIX_BYTES);
  return bytes;
}

function isHeader(value: unknown): value is SnapshotHeader {
  if (typeof value !== 'object' || value === null) {
    return false;
  }

  const header = value as Record<string, unknown>;
  return (
    typeof header.format === 'number' &&
    typeof header.key === 'string' &&
    typeof header.size === 'number' &&
    typeof header.sha256 === 'string'
  );
}

/** Returns the header and the offset of the snapshot, or why the header is invalid. */
function decodeHeader(data: Buffer): { header: SnapshotHeader; offset: number } | string {
  if (data.length < PREFIX_BYTES || data.toString('ascii', 0, MAGIC.length) !== MAGIC) {
    return 'the file does not start with the Stagecraft snapshot marker';
  }

  const end = PREFIX_BYTES + data.readUInt32LE(MAGIC.length);
  if (end > data.length) {
    return 'the file ends inside its header';
  }

  let header: unknown;
  try {
    header = JSON.parse(data.toString('utf8', PREFIX_BYTES, end));
  } catch {
    return 'the header is not valid JSON';
  }

  if (!isHeader(header)) {
    return 'the header lacks one of format, key, size and sha256';
  }

  return { header, offset: alignUp(end) };
}

/**
 * Reads a snapshot file and checks its header, its key, its size and the SHA-256 of the
 * snapshot, because Pyodide restores a damaged snapshot without noticing. Never throws.
 */
export async function readSnapshotFile(path: string, key: string): Promise<SnapshotFileRead> {
  let data: Buffer;
  try {
    data = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      return { status: 'missing' };
    }

    return { status: 'invalid', reason: `the file could not be read: ${String(error)}` };
  }

  const decoded = decodeHeader(data);
  if (typeof decoded === 'string') {
    return { status: 'invalid', reason: decoded };
  }

  const { header, offset } = decoded;
  if (header.format !== FORMAT) {
    return { status: 'invalid', reason: `format ${header.format} is not the expected ${FORMAT}` };
  }

  if (header.key !== key) {
    return { status: 'invalid', reason: `the key ${header.key} is not the expected ${key}` };
  }

  const snapshot = data.subarray(Math.min(offset, data.length));
  if (snapshot.length !== header.size) {
    return {
      status: 'invalid',
      reason: `the file contains ${snapshot.length} snapshot bytes instead of ${header.size}`,
    };
  }

  if ((await sha256Hex(snapshot)) !== header.sha256) {
    return { status: 'invalid', reason: 'the SHA-256 of the snapshot differs from its header' };
  }

  return { status: 'found', snapshot };
}

/**
 * Writes a snapshot file into `folder` (created when missing) and returns its path. The file is
 * written under a temporary name and renamed, so that readers never see half a file. It is not
 * synced to disk, because a file that a power loss damaged fails the checks of readSnapshotFile.
 */
export async function writeSnapshotFile(
  folder: string,
  key: string,
  snapshot: Uint8Array,
): Promise<string> {
  const header = encodeHeader({
    format: FORMAT,
    key,
    size: snapshot.length,
    sha256: await sha256Hex(snapshot),
  });
  const path = join(folder, snapshotFileName(key));
  const temporary = `${path}.${process.pid}-${randomBytes(4).toString('hex')}${TEMP_SUFFIX}`;
  await mkdir(folder, { recursive: true, mode: 0o700 });

  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      // writeFile on a handle writes every byte from the current position, unlike write().
      await handle.writeFile(header);
      await handle.writeFile(snapshot);
    } finally {
      await handle.close();
    }

    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }

  return path;
}

/** Removes the snapshot file with this key, if it exists. */
export async function removeSnapshotFile(folder: string, key: string): Promise<void> {
  await rm(join(folder, snapshotFileName(key)), { force: true });
}

/**
 * Removes the snapshot files of every other key, and temporary files of unfinished writes, so
 * that the folder keeps one snapshot. Returns the names of the removed files.
 * NOTE: two installations with different keys that share the folder remove each other's file,
 * so each of them loads Pyodide without a snapshot after the other one ran.
 */
export async function removeOtherSnapshots(folder: string, key: string): Promise<string[]> {
  const currentName = snapshotFileName(key);
  const removed: string[] = [];

  for (const name of await readdir(folder)) {
    if (!name.startsWith(FILE_PREFIX) || name === currentName) {
      continue;
    }

    const path = join(folder, name);
    if (name.endsWith(TEMP_SUFFIX) && name.includes(`${FILE_SUFFIX}.`)) {
      // A temporary file that another process renamed meanwhile has no age and is skipped.
      const modified = await stat(path).then(
        (stats) => stats.mtimeMs,
        () => Date.now(),
      );
      if (Date.now() - modified < STALE_TEMP_MS) {
        continue;
      }
    } else if (!name.endsWith(FILE_SUFFIX)) {
      continue;
    }

    await rm(path, { force: true });
    removed.push(name);
  }

  return removed;
}
