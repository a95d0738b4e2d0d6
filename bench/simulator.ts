/**
 * Benchmarks the flow simulator: a full run of authentik's default authentication flow
 * (identification, password with its re-evaluated expression policy, MFA validation, login) for
 * a user with a password, with the Python pool warm. Prints the median and spread of many runs
 * and the part spent in Python; nothing is asserted.
 *
 * Run with `npx tsx bench/simulator.ts`; `npm run bench` runs it as the `simulator` section.
 * Reads the default flow from the `../shared` folder next to the repository.
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readBlueprint } from '../shared/blueprint/reader.js';
import { resolveDocument } from '../shared/blueprint/resolve.js';
import type { EvaluationRequest, EvaluationResult } from '../shared/simulator/evaluation.js';
import { createPythonPool } from '../main/python/pool.js';
import { hashPassword } from '../main/simulator/passwords.js';
import { simulateFlow } from '../main/simulator/simulate.js';
import type { EvaluateOptions, ExpressionEvaluator } from '../main/simulator/types.js';

const FLOW_FILE = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../shared/corpus/authentik/blueprints/default/flow-default-authentication-flow.yaml',
);
const USERS = `version: 1
entries:
  - model: authentik_core.user
    identifiers: {username: akadmin}
    attrs: {name: Admin, email: admin@example.org}
`;
const WARMUP_RUNS = 20;
const MEASURED_RUNS = 300;
const TARGET_MS = 10;

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))] ?? Number.NaN;
}

// Counts the time spent waiting for Python, to separate it from the simulator's own work.
class TimedEvaluator implements ExpressionEvaluator {
  spentMs = 0;
  calls = 0;

  constructor(private readonly inner: ExpressionEvaluator) {}

  get bridgesHttp(): boolean | undefined {
    return this.inner.bridgesHttp;
  }

  async evaluate(request: EvaluationRequest, options?: EvaluateOptions): Promise<EvaluationResult> {
    const started = performance.now();
    const result = await this.inner.evaluate(request, options);
    this.spentMs += performance.now() - started;
    this.calls += 1;
    return result;
  }
}

/** Runs the benchmark and prints the numbers. */
export async function run(): Promise<void> {
  if (!existsSync(FLOW_FILE)) {
    print(
      `Skipped: ${FLOW_FILE} is missing; the benchmark needs the shared folder next to the repository.`,
    );
    return;
  }

  let counter = 0;
  const uid = (): string => `bench-${counter++}`;
  const objects = [FLOW_FILE, 'users'].flatMap((source) => {
    const text = source === 'users' ? USERS : readFileSync(source, 'utf8');
    return resolveDocument(readBlueprint(text, { file: source }), { uid }).objects;
  });
  const personas = [
    {
      name: 'akadmin',
      user: { username: 'akadmin' },
      passwordHash: hashPassword('bench-password'),
    },
  ];

  const pool = createPythonPool({ size: 1 });
  await pool.ready;
  const evaluator = new TimedEvaluator(pool);
  const once = () =>
    simulateFlow({
      objects,
      flow: 'default-authentication-flow',
      evaluator,
      personas,
      actor: 'akadmin',
      inputs: { password: ['bench-password'] },
    });

  try {
    for (let index = 0; index < WARMUP_RUNS; index += 1) {
      await once();
    }

    evaluator.spentMs = 0;
    evaluator.calls = 0;
    const times: number[] = [];
    for (let index = 0; index < MEASURED_RUNS; index += 1) {
      const started = performance.now();
      const trace = await once();
      times.push(performance.now() - started);
      if (trace.outcome.kind !== 'completed') {
        throw new Error(`The benchmark run did not complete: ${trace.outcome.kind}`);
      }
    }

    const median = percentile(times, 0.5);
    print(
      `Node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), load average ` +
        `${loadavg()[0]?.toFixed(2) ?? '?'}; ${MEASURED_RUNS} runs after ${WARMUP_RUNS} warm-up runs.`,
    );
    print(
      `default authentication flow, full run: median ${median.toFixed(2)} ms, p10 ${percentile(times, 0.1).toFixed(2)} ms, ` +
        `p90 ${percentile(times, 0.9).toFixed(2)} ms (target < ${TARGET_MS} ms: ${median < TARGET_MS ? 'PASS' : 'MISS'})`,
    );
    print(
      `waiting for Python: mean ${(evaluator.spentMs / MEASURED_RUNS).toFixed(2)} ms per run ` +
        `(${(evaluator.calls / MEASURED_RUNS).toFixed(0)} evaluations per run)`,
    );
  } finally {
    await pool.close();
  }
}

// Run directly with `npx tsx bench/simulator.ts`; bench/run.ts imports the module instead.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run();
}
