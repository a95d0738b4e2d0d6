/**
 * Benchmarks the Python evaluator: Pyodide start-up with and without a snapshot file in the
 * cache folder, warm evaluation latency against native CPython running the same wrapped
 * expression, and the resident memory of a two-worker pool.
 *
 * Run with `npx tsx bench/python.ts`; `npm run bench` runs it as the `python` section. Needs `python3` on PATH for the native comparison. Prints
 * measured numbers only; nothing is asserted. Under tsx the workers load their TypeScript
 * through tsx's loader, which a compiled build does not need. Snapshot files go to a temporary
 * folder that is removed at the end, never to the user's cache folder.
 */

import { execFileSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { createPythonPool, type PythonPool } from '../main/python/pool.js';
import type { EvaluationRequest } from '../shared/simulator/evaluation.js';

const PYTHON_ROOT = fileURLToPath(new URL('../main/python/py/', import.meta.url));
const EXPRESSION =
  'username = request.context.get("prompt_data", {}).get("username", "")\n' +
  'return username not in ("admin", "root") and len(username) > 2';
const STARTUP_RUNS = 3;
const WARM_RUNS = 1000;
const THROUGHPUT_RUNS = 2000;
const NATIVE_RUNS = 20000;

const REQUEST: EvaluationRequest = {
  kind: 'policy',
  name: 'bench-policy',
  expression: EXPRESSION,
  context: { prompt_data: { username: 'quietheron' } },
  user: null,
  directory: { users: [], groups: [], sources: [], connections: [] },
};

// The native side wraps the expression with the sandbox's own wrap_expression, so both run
// the same source. `compile+exec` is what authentik does per evaluation, and `-B` keeps Python
// from writing bytecode caches into the repository.
const NATIVE_SCRIPT = `
import json, sys, timeit
sys.path.insert(0, sys.argv[1])
from stagecraft_sim.evaluator import wrap_expression
keys = ["ak_message", "ak_user_has_authenticator", "ak_is_sso_flow", "request", "context"]
source = wrap_expression(sys.argv[2], keys)
runs = int(sys.argv[3])

class Request:
    def __init__(self):
        self.context = {"prompt_data": {"username": "quietheron"}}

def local_values():
    request = Request()
    return {"ak_message": print, "ak_user_has_authenticator": None, "ak_is_sso_flow": False,
            "request": request, "context": request.context}

code = compile(source, "bench-policy", "exec")
compile_exec = timeit.timeit(lambda: exec(compile(source, "bench-policy", "exec"), {}, local_values()), number=runs)
exec_only = timeit.timeit(lambda: exec(code, {}, local_values()), number=runs)
print(json.dumps({"version": sys.version.split()[0], "compileExecUs": compile_exec / runs * 1e6,
                  "execUs": exec_only / runs * 1e6}))
`;

interface NativeTimes {
  version: string;
  compileExecUs: number;
  execUs: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

function measureNative(): NativeTimes {
  const output = execFileSync(
    'python3',
    ['-B', '-c', NATIVE_SCRIPT, PYTHON_ROOT, EXPRESSION, String(NATIVE_RUNS)],
    { encoding: 'utf8' },
  );
  return JSON.parse(output) as NativeTimes;
}

interface StartupTimes {
  wall: number[];
  inWorker: number[];
  /** Runs whose worker restored the snapshot file. */
  fromFile: number;
}

/**
 * Starts one-worker pools one after the other and measures each until ready. With `cacheDir`
 * null the pools load Pyodide. With a folder that contains a snapshot file they restore it.
 */
async function measureStartup(cacheDir: string | null): Promise<StartupTimes> {
  const times: StartupTimes = { wall: [], inWorker: [], fromFile: 0 };
  for (let run = 0; run < STARTUP_RUNS; run += 1) {
    const started = performance.now();
    const pool = createPythonPool({ size: 1, cacheDir });
    await pool.ready;
    times.wall.push(performance.now() - started);
    const load = pool.stats().loads[0];
    times.inWorker.push(load?.loadMs ?? Number.NaN);
    times.fromFile += load?.fromFile === true ? 1 : 0;
    await pool.close();
  }

  return times;
}

function formatStartup(label: string, times: StartupTimes): string {
  const list = (values: number[]) => values.map((ms) => ms.toFixed(0)).join(', ');
  return (
    `${label} (${STARTUP_RUNS} runs): to ready ${list(times.wall)} ms (median ` +
    `${median(times.wall).toFixed(0)} ms, target < 2500 ms); inside the worker ` +
    `${list(times.inWorker)} ms`
  );
}

async function measureWarm(pool: PythonPool): Promise<{ endToEnd: number[]; inWorker: number[] }> {
  for (let run = 0; run < 50; run += 1) {
    await pool.evaluate(REQUEST);
  }

  const endToEnd: number[] = [];
  const inWorker: number[] = [];
  for (let run = 0; run < WARM_RUNS; run += 1) {
    const started = performance.now();
    const result = await pool.evaluate(REQUEST);
    endToEnd.push(performance.now() - started);
    inWorker.push(result.durationMs);
  }

  return { endToEnd, inWorker };
}

async function measureThroughput(pool: PythonPool): Promise<number> {
  const started = performance.now();
  await Promise.all(Array.from({ length: THROUGHPUT_RUNS }, () => pool.evaluate(REQUEST)));
  return THROUGHPUT_RUNS / ((performance.now() - started) / 1000);
}

/** Runs the benchmark and prints the numbers. */
export async function run(): Promise<void> {
  console.log(
    `Python evaluator benchmark: Node ${process.version}, ${cpus().length} CPUs ` +
      `(${cpus()[0]?.model ?? 'unknown'}), load average ${loadavg()[0]?.toFixed(2)} at start`,
  );

  const native = measureNative();
  console.log(
    `native python3 ${native.version}, ${NATIVE_RUNS} runs: compile+exec ${native.compileExecUs.toFixed(1)} µs, ` +
      `exec only ${native.execUs.toFixed(1)} µs`,
  );

  const rssBefore = process.memoryUsage().rss;
  const started = performance.now();
  const pool = createPythonPool({ size: 2, cacheDir: null });
  await pool.ready;
  const poolReadyMs = performance.now() - started;
  const rssAfter = process.memoryUsage().rss;
  const [cold, restored] = pool.stats().loads;
  console.log(
    `pool of two workers: ready after ${poolReadyMs.toFixed(0)} ms; first worker loads Pyodide in ` +
      `${cold?.loadMs.toFixed(0)} ms, the second restores its snapshot in ${restored?.loadMs.toFixed(0)} ms`,
  );
  console.log(
    `pool of two workers after load: process RSS ${mib(rssAfter)} (${mib(rssAfter - rssBefore)} more than ` +
      `before the pool; target < 400 MiB)`,
  );

  const warm = await measureWarm(pool);
  const endToEndUs = median(warm.endToEnd) * 1000;
  const inWorkerUs = median(warm.inWorker) * 1000;
  console.log(
    `warm evaluation, ${WARM_RUNS} sequential runs: median ${endToEndUs.toFixed(0)} µs end to end ` +
      `(request to result through the worker), ${inWorkerUs.toFixed(0)} µs inside the worker`,
  );
  console.log(
    `ratio to native compile+exec: end to end ${(endToEndUs / native.compileExecUs).toFixed(1)}x, ` +
      `inside the worker ${(inWorkerUs / native.compileExecUs).toFixed(1)}x (target within 3x)`,
  );

  const perSecond = await measureThroughput(pool);
  console.log(
    `throughput with two workers, ${THROUGHPUT_RUNS} concurrent requests: ${perSecond.toFixed(0)} evaluations/s`,
  );
  await pool.close();

  // Cold starts last, so that their garbage does not count in the pool's memory above.
  const withoutFile = await measureStartup(null);
  console.log(
    formatStartup('cold start of a one-worker pool without a snapshot file', withoutFile),
  );

  const cacheDir = await mkdtemp(join(tmpdir(), 'stagecraft-bench-cache-'));
  try {
    // This pool saves the snapshot file that the measured pools restore.
    const priming = createPythonPool({ size: 1, cacheDir });
    await priming.ready;
    await priming.close();

    const restored = await measureStartup(cacheDir);
    console.log(
      formatStartup('cold start of a one-worker pool from the snapshot file', restored) +
        ` (${restored.fromFile} of ${STARTUP_RUNS} restored the file)`,
    );
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}

// Run directly with `npx tsx bench/python.ts`; bench/run.ts imports the module instead.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run();
}
