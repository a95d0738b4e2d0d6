/**
 * Runs every benchmark module of bench/ that exports `run()`, each in its own section: first
 * those in BENCHMARK_ORDER, then any others by file name. `npm run bench` calls this file.
 *
 * Exits 0 when targets are missed, because the numbers are for reading, not a gate. A benchmark
 * that throws is reported and sets exit code 1, and the next one still runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const BENCH_FOLDER = dirname(fileURLToPath(import.meta.url));

/** Benchmarks in the order their sections print. */
const BENCHMARK_ORDER = ['blueprint', 'python', 'simulator'];

// Some benchmark files run themselves when imported, so a module is imported only when its
// source declares an exported `run`. NOTE: this is a text check, so a `run` exported some other
// way (such as `export default`) is not found.
const EXPORTS_RUN =
  /export\s+(async\s+)?function\s+run\s*\(|export\s+const\s+run\b|export\s*\{[^}]*\brun\b/;

interface BenchmarkModule {
  run: () => Promise<void> | void;
}

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function listModules(): string[] {
  const names = readdirSync(BENCH_FOLDER)
    .filter((file) => file.endsWith('.ts') && file !== 'run.ts')
    .map((file) => file.slice(0, -'.ts'.length));
  const ordered = BENCHMARK_ORDER.filter((name) => names.includes(name));
  const others = names.filter((name) => !BENCHMARK_ORDER.includes(name)).sort();

  return [...ordered, ...others];
}

async function runModule(name: string): Promise<void> {
  const path = join(BENCH_FOLDER, `${name}.ts`);
  const module = (await import(pathToFileURL(path).href)) as Partial<BenchmarkModule>;
  if (typeof module.run !== 'function') {
    throw new Error(`bench/${name}.ts has no run() function`);
  }

  await module.run();
}

async function main(): Promise<void> {
  const skipped: string[] = [];
  let failed = false;

  for (const name of listModules()) {
    const source = readFileSync(join(BENCH_FOLDER, `${name}.ts`), 'utf8');
    if (!EXPORTS_RUN.test(source)) {
      skipped.push(`${name}.ts`);
      continue;
    }

    print(`== ${name} ==`);
    const started = performance.now();
    try {
      await runModule(name);
    } catch (error) {
      failed = true;
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      print(`bench/${name}.ts failed: ${message}`);
    }
    print(`(${name} took ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    print();
  }

  if (skipped.length > 0) {
    print(`Not run, no run() export: ${skipped.join(', ')}.`);
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
