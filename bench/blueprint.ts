/**
 * Benchmarks the blueprint reader, validator and writer on authentik's own blueprints and on a
 * generated 5,000-entry blueprint, and times PyYAML's pure-Python SafeLoader on the same corpus
 * texts for comparison. Run through `npm run bench` (bench/run.ts) or `npx tsx bench/blueprint.ts`.
 *
 * Every number is the median of several runs after warm-up runs, measured in this process with
 * performance.now(). The PyYAML number comes from bench/pyyaml_load.py, which times its own loop.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { readBlueprint } from '../shared/blueprint/reader.js';
import { resolveDocument } from '../shared/blueprint/resolve.js';
import type { BlueprintDocument } from '../shared/blueprint/tree.js';
import { validateDocument } from '../shared/blueprint/validate.js';
import { writeBlueprint } from '../shared/blueprint/writer.js';
import type { ModelObject } from '../shared/model/object.js';
import { generateBlueprint } from './generate.js';

const BENCH_FOLDER = dirname(fileURLToPath(import.meta.url));
const CORPUS_FOLDER = resolve(BENCH_FOLDER, '../../shared/corpus/authentik/blueprints');
const PYYAML_SCRIPT = join(BENCH_FOLDER, 'pyyaml_load.py');

const WARMUP_RUNS = 3;
const MEASURED_RUNS = 9;
// PyYAML is slow enough that fewer runs give a stable median.
const PYYAML_INVOCATIONS = 5;
const PYYAML_REPEATS = 2;

/** Flows of the generated blueprint. generateBlueprint writes 10 entries per flow. */
const GENERATED_FLOWS = 500;

/** Targets: our corpus read at least this many times faster than PyYAML, and the 5,000 total. */
const MIN_SPEEDUP = 3;
const MAX_GENERATED_TOTAL_MS = 2000;

interface SourceText {
  /** Path relative to the corpus folder, used as the file name in problems. */
  name: string;
  path: string;
  text: string;
}

interface Row {
  label: string;
  value: string;
  target: string;
  verdict: string;
}

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Runs `work` WARMUP_RUNS times untimed, then MEASURED_RUNS times, and returns the median ms. */
function measure(work: () => unknown): number {
  for (let run = 0; run < WARMUP_RUNS; run++) {
    work();
  }

  const times: number[] = [];
  for (let run = 0; run < MEASURED_RUNS; run++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }

  return median(times);
}

function listCorpus(): SourceText[] {
  if (!existsSync(CORPUS_FOLDER)) {
    throw new Error(
      `The blueprint corpus is missing: ${CORPUS_FOLDER}. The benchmark reads authentik's ` +
        'blueprint files from the shared folder next to the repository; restore it to run.',
    );
  }

  const found: SourceText[] = [];
  const walk = (folder: string): void => {
    for (const name of readdirSync(folder).sort()) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) {
        walk(path);
        continue;
      }

      const relativeName = relative(CORPUS_FOLDER, path);
      // test.yaml is a draft "version 2" format, not a blueprint authentik applies.
      const isBlueprint = name.endsWith('.yaml') || name.endsWith('.akflow');
      if (isBlueprint && relativeName !== 'test.yaml') {
        found.push({ name: relativeName, path, text: readFileSync(path, 'utf8') });
      }
    }
  };
  walk(CORPUS_FOLDER);

  return found;
}

function readAll(sources: SourceText[]): BlueprintDocument[] {
  return sources.map((source) => readBlueprint(source.text, { file: source.name }));
}

function toObjects(documents: BlueprintDocument[]): ModelObject[][] {
  return documents.map((document) => resolveDocument(document, { uid: randomUUID }).objects);
}

function writeAll(objectSets: ModelObject[][]): void {
  for (const objects of objectSets) {
    writeBlueprint(objects, { name: 'benchmark' });
  }
}

function ms(value: number): string {
  return `${value.toFixed(1)} ms`;
}

function pass(ok: boolean): string {
  return ok ? 'PASS' : 'MISS';
}

/**
 * Times PyYAML on the corpus files, or returns the reason it cannot run. Each invocation prints
 * the mean of its repeats; the median of the invocations is returned.
 */
function measurePyYaml(sources: SourceText[]): { ms: number; version: string } | string {
  const probe = spawnSync('python3', ['-c', 'import yaml; print(yaml.__version__)'], {
    encoding: 'utf8',
  });
  if (probe.error !== undefined) {
    return 'python3 was not found on PATH';
  }
  if (probe.status !== 0) {
    return 'PyYAML is not installed for python3 (pip install pyyaml)';
  }

  const paths = sources.map((source) => source.path);
  const times: number[] = [];
  for (let invocation = 0; invocation < PYYAML_INVOCATIONS; invocation++) {
    const result = spawnSync('python3', [PYYAML_SCRIPT, String(PYYAML_REPEATS), ...paths], {
      encoding: 'utf8',
    });
    if (result.status !== 0) {
      return `bench/pyyaml_load.py failed: ${result.stderr.trim()}`;
    }
    times.push((JSON.parse(result.stdout) as { ms: number }).ms);
  }

  return { ms: median(times), version: probe.stdout.trim() };
}

function printTable(rows: Row[]): void {
  const header: Row = { label: 'measurement', value: 'median', target: 'target', verdict: '' };
  const all = [header, ...rows];
  const width = (pick: (row: Row) => string): number =>
    Math.max(...all.map((row) => pick(row).length));
  const labelWidth = width((row) => row.label);
  const valueWidth = width((row) => row.value);
  const targetWidth = width((row) => row.target);

  for (const row of all) {
    print(
      `${row.label.padEnd(labelWidth)}  ${row.value.padStart(valueWidth)}  ` +
        `${row.target.padEnd(targetWidth)}  ${row.verdict}`.trimEnd(),
    );
  }
}

/** Runs the benchmark and prints its table. A missed target shows as MISS and raises nothing. */
export function run(): Promise<void> {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  print(`Node ${process.version}, ${cpus().length} CPUs (${cpu})`);

  const corpus = listCorpus();
  const corpusBytes = corpus.reduce((sum, source) => sum + Buffer.byteLength(source.text), 0);
  const corpusDocuments = readAll(corpus);
  const corpusObjects = toObjects(corpusDocuments);

  const corpusRead = measure(() => readAll(corpus));
  const corpusValidate = measure(() => corpusDocuments.map((doc) => validateDocument(doc)));
  const corpusWrite = measure(() => writeAll(corpusObjects));

  const generatedText = generateBlueprint(GENERATED_FLOWS);
  const generated: SourceText = { name: 'generated.yaml', path: '', text: generatedText };
  const [generatedDocument] = readAll([generated]);
  if (generatedDocument === undefined) {
    throw new Error('the generated blueprint could not be read');
  }
  const entryCount = generatedDocument.entries.length.toLocaleString('en-US');
  const [generatedObjects = []] = toObjects([generatedDocument]);

  const generatedRead = measure(() => readAll([generated]));
  const generatedValidate = measure(() => validateDocument(generatedDocument));
  const generatedWrite = measure(() => writeAll([generatedObjects]));
  const generatedTotal = generatedRead + generatedValidate + generatedWrite;

  const pyyaml = measurePyYaml(corpus);

  const corpusLabel = `${corpus.length} files, ${(corpusBytes / 1024).toFixed(0)} KiB`;
  const rows: Row[] = [
    { label: `corpus read (${corpusLabel})`, value: ms(corpusRead), target: '', verdict: '' },
    { label: 'corpus validate', value: ms(corpusValidate), target: '', verdict: '' },
    { label: 'corpus write', value: ms(corpusWrite), target: '', verdict: '' },
  ];

  if (typeof pyyaml === 'string') {
    rows.push({ label: 'PyYAML SafeLoader read', value: 'skipped', target: '', verdict: '' });
  } else {
    const speedup = pyyaml.ms / corpusRead;
    rows.push(
      {
        label: `PyYAML ${pyyaml.version} SafeLoader read (pure Python)`,
        value: ms(pyyaml.ms),
        target: '',
        verdict: '',
      },
      {
        label: 'ratio PyYAML / corpus read',
        value: `${speedup.toFixed(1)}x`,
        target: `>= ${MIN_SPEEDUP}x`,
        verdict: pass(speedup >= MIN_SPEEDUP),
      },
    );
  }

  const generatedKiB = (Buffer.byteLength(generatedText) / 1024).toFixed(0);
  rows.push(
    {
      label: `${entryCount}-entry read (${generatedKiB} KiB)`,
      value: ms(generatedRead),
      target: '',
      verdict: '',
    },
    {
      label: `${entryCount}-entry validate`,
      value: ms(generatedValidate),
      target: '',
      verdict: '',
    },
    { label: `${entryCount}-entry write`, value: ms(generatedWrite), target: '', verdict: '' },
    {
      label: `${entryCount}-entry total`,
      value: ms(generatedTotal),
      target: `< ${MAX_GENERATED_TOTAL_MS} ms`,
      verdict: pass(generatedTotal < MAX_GENERATED_TOTAL_MS),
    },
  );

  print(`Median of ${MEASURED_RUNS} runs after ${WARMUP_RUNS} warm-up runs.`);
  print();
  printTable(rows);
  if (typeof pyyaml === 'string') {
    print();
    print(`PyYAML comparison skipped: ${pyyaml}.`);
  }

  return Promise.resolve();
}

// Run directly with `npx tsx bench/blueprint.ts`; bench/run.ts imports the module instead.
if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run();
}
