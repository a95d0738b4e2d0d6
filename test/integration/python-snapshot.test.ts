// The interpreter snapshot kept in a cache folder, so that the first worker of a new pool (and of
// a new process) restores it instead of loading Pyodide. Every test uses its own temporary
// cache folder, seeded with a copy of the file that one cold pool saved.
import { randomBytes } from 'node:crypto';
import {
  appendFile,
  chmod,
  copyFile,
  cp,
  mkdtemp,
  readdir,
  readFile,
  rm,
  truncate,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { configureLogging } from '../../main/log.js';
import { createPythonPool, type PythonPoolStats } from '../../main/python/pool.js';
import { readSnapshotFile, writeSnapshotFile } from '../../main/python/snapshot-file.js';
import type { EvaluationRequest, EvaluationResult } from '../../shared/simulator/evaluation.js';
import { policy, sampleDirectory, userPolicy } from './python-support.js';

const PYTHON_ROOT = fileURLToPath(new URL('../../main/python/py/', import.meta.url));

// Values that must never reach a snapshot file: they travel in requests only.
const REQUEST_MARKER = `req-marker-${randomBytes(6).toString('hex')}`;
const DIRECTORY_MARKER = `dir-marker-${randomBytes(6).toString('hex')}`;
const ENVIRONMENT_MARKER = `env-marker-${randomBytes(6).toString('hex')}`;

function requests(): EvaluationRequest[] {
  const directory = sampleDirectory();
  directory.users[0]!.attributes = { api_token: DIRECTORY_MARKER };

  return [
    policy('return request.context["prompt_data"]["username"] == "quietheron"', {
      context: { prompt_data: { username: 'quietheron' } },
    }),
    userPolicy('return ak_is_group_member(request.user, name="staff")'),
    userPolicy(
      'from authentik.core.models import User\n' +
        'return [u.username for u in User.objects.filter(pk__gte=2)]',
    ),
    policy('return undefined_name'),
    policy('ak_message(request.context["token"])\nreturn request.user.attributes["api_token"]', {
      context: { token: REQUEST_MARKER },
      user: { pk: 1, username: 'quietheron' },
      directory,
    }),
  ];
}

/** Returns the result without durationMs, which differs from run to run. */
function comparable(result: EvaluationResult): Omit<EvaluationResult, 'durationMs'> {
  const { durationMs, ...rest } = result;
  void durationMs;
  return rest;
}

interface PoolRun {
  results: EvaluationResult[];
  loads: PythonPoolStats['loads'];
}

/**
 * Creates a one-worker pool, queues the requests before it is ready (so that nothing but the
 * order of start-up keeps them out of the snapshot), and closes it, which waits for the save.
 */
async function runPool(cacheDir: string, pythonRoot = PYTHON_ROOT): Promise<PoolRun> {
  const pool = createPythonPool({ size: 1, cacheDir, pythonRoot });
  try {
    const results = await Promise.all(requests().map((request) => pool.evaluate(request)));
    return { results, loads: pool.stats().loads };
  } finally {
    await pool.close();
  }
}

async function snapshotFiles(folder: string): Promise<string[]> {
  return (await readdir(folder)).filter((name) => name.endsWith('.snapshot'));
}

function keyOf(fileName: string): string {
  return fileName.slice(0, -'.snapshot'.length);
}

const logLines: string[] = [];
const temporaryFolders: string[] = [];
let seedFolder: string;
let seedName: string;
let seedBytes: Buffer;
let seedSnapshotBytes: number;
let coldRun: PoolRun;

async function temporaryFolder(prefix: string): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), prefix));
  temporaryFolders.push(folder);
  return folder;
}

/** Returns a new cache folder that contains a copy of the seed snapshot file. */
async function seededFolder(): Promise<string> {
  const folder = await temporaryFolder('stagecraft-snapshot-cache-');
  await copyFile(join(seedFolder, seedName), join(folder, seedName));
  return folder;
}

function warnings(pattern: RegExp): string[] {
  return logLines.filter((line) => line.startsWith('WARN') && pattern.test(line));
}

beforeAll(async () => {
  configureLogging({
    level: 'info',
    format: 'text',
    sink: { write: (line) => logLines.push(line) },
  });
  process.env.STAGECRAFT_SNAPSHOT_TEST_SECRET = ENVIRONMENT_MARKER;
  seedFolder = await temporaryFolder('stagecraft-snapshot-seed-');

  coldRun = await runPool(seedFolder);
  const files = await snapshotFiles(seedFolder);
  if (files.length !== 1) {
    throw new Error(`The cold pool saved ${files.length} snapshot files in ${seedFolder}, not 1.`);
  }

  seedName = files[0]!;
  seedBytes = await readFile(join(seedFolder, seedName));
  const seed = await readSnapshotFile(join(seedFolder, seedName), keyOf(seedName));
  seedSnapshotBytes = seed.status === 'found' ? seed.snapshot.length : 0;
}, 120_000);

afterAll(async () => {
  delete process.env.STAGECRAFT_SNAPSHOT_TEST_SECRET;
  configureLogging({ level: 'warn', sink: { write: (line) => process.stderr.write(line + '\n') } });
  for (const folder of temporaryFolders) {
    await chmod(folder, 0o700).catch(() => undefined);
    await rm(folder, { recursive: true, force: true });
  }
});

beforeEach(() => {
  logLines.length = 0;
});

describe('cold pool', () => {
  it('saves one snapshot file', () => {
    expect(seedName).toMatch(/^pyodide-[\w.-]+\.snapshot$/);
  });

  it('loads without a snapshot', () => {
    expect(coldRun.loads[0]?.fromSnapshot).toBe(false);
  });

  it('evaluates the requests', () => {
    expect(coldRun.results.map((result) => result.rawResult?.json)).toEqual([
      true,
      true,
      ['ashfinch', 'Moss'],
      undefined,
      DIRECTORY_MARKER,
    ]);
  });
});

describe('snapshot contents', () => {
  it('request data reached Python', () => {
    expect(coldRun.results[4]?.messages).toEqual([REQUEST_MARKER]);
  });

  it('request data is not in the file', () => {
    expect(seedBytes.includes(REQUEST_MARKER)).toBe(false);
  });

  it('directory data is not in the file', () => {
    expect(seedBytes.includes(DIRECTORY_MARKER)).toBe(false);
  });

  it('environment variables are not in the file', () => {
    expect(seedBytes.includes(ENVIRONMENT_MARKER)).toBe(false);
  });
});

describe('restore from the cache folder', () => {
  let restored: PoolRun;

  beforeAll(async () => {
    restored = await runPool(await seededFolder());
  }, 60_000);

  it('restores the snapshot file', () => {
    expect(restored.loads[0]?.fromFile).toBe(true);
  });

  it('gives identical results', () => {
    expect(restored.results.map(comparable)).toEqual(coldRun.results.map(comparable));
  });

  it('seeds random afresh in each process', async () => {
    const randomPolicy = policy('import random\nreturn random.random()');
    const values: unknown[] = [];
    for (let run = 0; run < 2; run += 1) {
      const pool = createPythonPool({ size: 1, cacheDir: await seededFolder() });
      try {
        values.push((await pool.evaluate(randomPolicy)).rawResult?.json);
        expect(pool.stats().loads[0]?.fromFile).toBe(true);
      } finally {
        await pool.close();
      }
    }

    expect(typeof values[0]).toBe('number');
    expect(values[0]).not.toBe(values[1]);
  });

  it('second worker restores the same snapshot', async () => {
    const pool = createPythonPool({ size: 2, cacheDir: await seededFolder() });
    try {
      await pool.ready;
      const loads = pool.stats().loads;

      expect(loads.map((load) => load.fromSnapshot)).toEqual([true, true]);
      expect(loads.map((load) => load.fromFile)).toEqual([true, false]);
    } finally {
      await pool.close();
    }
  });
});

describe('damaged snapshot files', () => {
  async function expectReplaced(folder: string): Promise<void> {
    const read = await readSnapshotFile(join(folder, seedName), keyOf(seedName));

    expect(read.status).toBe('found');
    expect(read.status === 'found' && read.snapshot.length).toBe(seedSnapshotBytes);
  }

  it('changed byte falls back and is replaced', async () => {
    const folder = await seededFolder();
    const damaged = Buffer.from(seedBytes);
    const middle = Math.floor(damaged.length / 2);
    damaged.writeUInt8(damaged.readUInt8(middle) ^ 0xff, middle);
    await writeFile(join(folder, seedName), damaged);

    const run = await runPool(folder);

    expect(run.loads[0]?.fromSnapshot).toBe(false);
    expect(run.results.map(comparable)).toEqual(coldRun.results.map(comparable));
    expect(warnings(/invalid.*SHA-256/)).toHaveLength(1);
    await expectReplaced(folder);
  });

  it('truncated file falls back and is replaced', async () => {
    const folder = await seededFolder();
    await truncate(join(folder, seedName), Math.floor(seedBytes.length / 2));

    const run = await runPool(folder);

    expect(run.loads[0]?.fromSnapshot).toBe(false);
    expect(run.results.map(comparable)).toEqual(coldRun.results.map(comparable));
    expect(warnings(/invalid.*snapshot bytes instead of/)).toHaveLength(1);
    await expectReplaced(folder);
  });

  it('file Pyodide cannot restore falls back and is replaced', async () => {
    const folder = await temporaryFolder('stagecraft-snapshot-cache-');
    await writeSnapshotFile(folder, keyOf(seedName), new Uint8Array(65_536));

    const run = await runPool(folder);

    expect(run.loads[0]?.fromSnapshot).toBe(false);
    expect(run.results.map(comparable)).toEqual(coldRun.results.map(comparable));
    expect(warnings(/failed to restore/)).toHaveLength(1);
    await expectReplaced(folder);
  });
});

describe('changed sources', () => {
  it('do not restore the old snapshot', async () => {
    const pythonRoot = await temporaryFolder('stagecraft-snapshot-sources-');
    await cp(PYTHON_ROOT, pythonRoot, {
      recursive: true,
      filter: (source) => !source.includes('__pycache__'),
    });
    const folder = await seededFolder();
    await appendFile(join(pythonRoot, 'stagecraft_sim', 'helpers.py'), '\n# changed\n');

    const run = await runPool(folder, pythonRoot);
    const files = await snapshotFiles(folder);

    expect(run.loads[0]?.fromSnapshot).toBe(false);
    expect(run.results.map(comparable)).toEqual(coldRun.results.map(comparable));
    expect(files).toHaveLength(1);
    expect(files[0]).not.toBe(seedName);
  });

  it('same sources elsewhere restore it', async () => {
    const pythonRoot = await temporaryFolder('stagecraft-snapshot-sources-');
    await cp(PYTHON_ROOT, pythonRoot, {
      recursive: true,
      filter: (source) => !source.includes('__pycache__'),
    });

    const run = await runPool(await seededFolder(), pythonRoot);

    expect(run.loads[0]?.fromFile).toBe(true);
  });
});

describe('unwritable cache folder', () => {
  afterEach(async () => {
    for (const folder of temporaryFolders) {
      await chmod(folder, 0o700).catch(() => undefined);
    }
  });

  it('read-only folder still restores', async () => {
    const folder = await seededFolder();
    await chmod(folder, 0o555);

    const run = await runPool(folder);

    expect(run.loads[0]?.fromFile).toBe(true);
    expect(run.results.map(comparable)).toEqual(coldRun.results.map(comparable));
  });

  it('read-only empty folder does not break evaluation', async () => {
    const folder = await temporaryFolder('stagecraft-snapshot-cache-');
    await chmod(folder, 0o555);

    const run = await runPool(folder);

    expect(run.results.map(comparable)).toEqual(coldRun.results.map(comparable));
    // NOTE: root may write into a read-only folder, so only other users see the save fail.
    if (process.getuid?.() !== 0) {
      expect(await snapshotFiles(folder)).toEqual([]);
      expect(warnings(/could not be saved/)).toHaveLength(1);
    }
  });

  it('folder that cannot be created does not break evaluation', async () => {
    const parent = await temporaryFolder('stagecraft-snapshot-cache-');
    const file = join(parent, 'a-file');
    await writeFile(file, '');

    const run = await runPool(join(file, 'cache'));

    expect(run.results.map(comparable)).toEqual(coldRun.results.map(comparable));
    expect(warnings(/could not be saved/)).toHaveLength(1);
  });
});
