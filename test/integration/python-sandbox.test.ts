// The Python pool's limits: timeouts (interrupt and termination), the memory cap, blocked escapes
// to the host, queueing and closing.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPythonPool, type PythonPool } from '../../main/python/pool.js';
import { isStagecraftError } from '../../shared/errors.js';
import { policy } from './python-support.js';

let pool: PythonPool;

beforeAll(async () => {
  // A small Python heap so that the memory test reaches the cap quickly; recycling above
  // 200 MiB replaces the worker after that test.
  pool = createPythonPool({
    size: 1,
    cacheDir: null,
    memoryLimitMb: 256,
    recycleAboveMb: 200,
    graceMs: 500,
  });
  await pool.ready;
});

afterAll(async () => {
  await pool.close();
});

describe('timeouts', () => {
  it('busy loop is interrupted', async () => {
    const result = await pool.evaluate(policy('while True:\n    pass', { timeoutMs: 300 }));

    expect(result.timedOut).toBe(true);
    expect(result.passing).toBe(false);
    expect(result.error?.type).toBe('Timeout');
    expect(result.error?.message).toBe('The expression ran longer than 0.3 s and was stopped.');
  });

  it('worker is usable after an interrupt', async () => {
    const replacedBefore = pool.stats().replaced;
    const result = await pool.evaluate(policy('return 42'));

    expect(result.rawResult?.json).toBe(42);
    expect(pool.stats().replaced).toBe(replacedBefore);
  });

  it('sleep is stopped by termination', async () => {
    const replacedBefore = pool.stats().replaced;
    const started = performance.now();
    const result = await pool.evaluate(policy('import time\ntime.sleep(100)', { timeoutMs: 300 }));

    expect(result.timedOut).toBe(true);
    expect(result.error?.message).toContain('did not stop when interrupted');
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(pool.stats().replaced).toBe(replacedBefore + 1);
  });

  it('pool works after a termination', async () => {
    const result = await pool.evaluate(policy('return "back"'));

    expect(result.rawResult?.json).toBe('back');
  });

  it('swallowed interrupt still ends the run', async () => {
    const result = await pool.evaluate(
      policy(
        'while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass',
        {
          timeoutMs: 300,
        },
      ),
    );

    expect(result.timedOut).toBe(true);
  });
});

describe('memory', () => {
  it('allocation past the cap is a MemoryError', async () => {
    const result = await pool.evaluate(
      policy('chunks = []\nwhile True:\n    chunks.append(bytearray(4 * 1024 * 1024))'),
    );

    expect(result.passing).toBe(false);
    expect(result.error?.type).toBe('MemoryError');
  });

  it('pool works after a MemoryError', async () => {
    const result = await pool.evaluate(policy('return sum(range(10))'));

    expect(result.rawResult?.json).toBe(45);
  });
});

describe('host access', () => {
  it('import js fails', async () => {
    const result = await pool.evaluate(policy('import js\nreturn True'));

    expect(result.error?.type).toBe('ModuleNotFoundError');
  });

  it('pyodide modules cannot be imported', async () => {
    const result = await pool.evaluate(
      policy(
        'out = []\nfor name in ("pyodide_js", "pyodide", "pyodide.ffi", "_pyodide_core", "micropip"):\n' +
          '    try:\n        __import__(name)\n        out.append(name)\n    except ImportError:\n        pass\n' +
          'return out',
      ),
    );

    expect(result.rawResult?.json).toEqual([]);
  });

  it('host files cannot be read', async () => {
    const result = await pool.evaluate(policy("return open('/etc/passwd').read()"));
    const hostText = existsSync('/etc/passwd') ? readFileSync('/etc/passwd', 'utf8') : null;

    expect(result.passing).toBe(false);
    expect(result.error?.type).toBe('FileNotFoundError');
    expect(result.rawResult?.json).not.toBe(hostText);
  });

  it('host environment is not visible', async () => {
    const result = await pool.evaluate(policy('import os\nreturn sorted(os.environ)'));

    expect(result.rawResult?.json).toEqual(['HOME', 'LANG', 'LOGNAME', 'PATH', 'PWD', 'USER']);
  });

  it('sockets do not reach the network', async () => {
    const result = await pool.evaluate(
      policy('import urllib.request\nreturn urllib.request.urlopen("http://127.0.0.1:9/").read()', {
        timeoutMs: 5_000,
      }),
    );

    expect(result.passing).toBe(false);
    expect(result.error).toBeDefined();
  });
});

describe('pool', () => {
  it('requests queue until a worker is free', async () => {
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((index) => pool.evaluate(policy(`return ${index}`))),
    );

    expect(results.map((result) => result.rawResult?.json)).toEqual([1, 2, 3, 4, 5]);
  });

  it('closed pool rejects evaluations', async () => {
    const closing = createPythonPool({ size: 1, cacheDir: null });
    await closing.close();

    const error: unknown = await closing
      .evaluate(policy('return True'))
      .catch((caught: unknown) => caught);

    expect(isStagecraftError(error)).toBe(true);
    expect((error as { code: string }).code).toBe('python-pool-closed');
  });
});

describe('pool start-up errors', () => {
  it('missing sources folder throws', () => {
    const missing = join(tmpdir(), 'stagecraft-no-such-python-root');

    expect(() => createPythonPool({ size: 1, cacheDir: null, pythonRoot: missing })).toThrow(
      /sources are missing/,
    );
  });

  it('folder without sources makes the pool unavailable', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'stagecraft-python-'));
    try {
      const broken = createPythonPool({ size: 1, cacheDir: null, pythonRoot: empty });
      const error: unknown = await broken.ready.catch((caught: unknown) => caught);
      const rejected: unknown = await broken
        .evaluate(policy('return True'))
        .catch((caught: unknown) => caught);
      await broken.close();

      expect((error as { code?: string }).code).toBe('python-unavailable');
      expect((rejected as { code?: string }).code).toBe('python-unavailable');
      expect((error as Error).message).toContain('no stagecraft_sim/runner.py');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
