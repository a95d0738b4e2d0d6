/**
 * Canvas benchmark in Debian's Chromium against web mode:
 * - open: a project whose flow has 1,000 stage bindings and 1,000 bound policies, from a reload
 *   of the page to an interactive canvas (target under 2 s);
 * - drag: the time per frame while a stage binding node is dragged (target under 16 ms), and its
 *   ratio at 1,000 bindings to a flow of 25 bindings and 25 policies, 51 nodes (target under 2);
 * - pan: the time per frame while the empty canvas is dragged, which moves the whole view. It
 *   has no target, and is shown because panning redraws every visible node;
 * - cold start: from starting web mode to an interactive canvas (target under 2 s), from the
 *   compiled build, as `npm start` runs it after `npm run build`, when `dist/main/start.js`
 *   exists, and from the sources through tsx, as it runs before a build.
 *
 * Frame time here is measured in the page, from the pointer event to the end of the rendering
 * work it caused. Chromium runs with its frame rate limit off, so the wait for the next display
 * refresh is not counted. Both flows open zoomed out to fit (the large one at the minimum zoom),
 * so the drag and pan rows compare the same kind of view. `npm run build:renderer` must have run
 * first.
 *
 *   npx tsx bench/canvas.ts [--runs N]
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';

import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { requireRendererBuild, startWebMode } from '../test/e2e/support/web-mode.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-frame-rate-limit',
  '--disable-gpu-vsync',
];

const VIEWPORT = { width: 1440, height: 900 };
const COMPILED_START = join('dist', 'main', 'start.js');
const START_TIMEOUT_MS = 30_000;
const POINTER_STEPS = 120;

/** Builds a blueprint of one flow with `stages` stage bindings, each with one bound policy. */
export function generateCanvasBlueprint(slug: string, stages: number): string {
  const lines = [
    'version: 1',
    'metadata:',
    `  name: Canvas benchmark ${stages}`,
    'entries:',
    '  - model: authentik_flows.flow',
    '    id: flow',
    '    identifiers:',
    `      slug: ${slug}`,
    '    attrs:',
    `      name: ${slug}`,
    '      title: Benchmark',
    '      designation: authentication',
  ];

  for (let index = 0; index < stages; index += 1) {
    lines.push(
      '  - model: authentik_stages_dummy.dummystage',
      `    id: stage-${index}`,
      '    identifiers:',
      `      name: ${slug}-stage-${index}`,
      '  - model: authentik_flows.flowstagebinding',
      `    id: binding-${index}`,
      '    identifiers:',
      '      target: !KeyOf flow',
      `      stage: !KeyOf stage-${index}`,
      `      order: ${(index + 1) * 10}`,
      '  - model: authentik_policies_expression.expressionpolicy',
      `    id: policy-${index}`,
      '    identifiers:',
      `      name: ${slug}-policy-${index}`,
      '    attrs:',
      '      expression: return True',
      '  - model: authentik_policies.policybinding',
      '    identifiers:',
      `      target: !KeyOf binding-${index}`,
      `      policy: !KeyOf policy-${index}`,
      '      order: 0',
    );
  }

  return `${lines.join('\n')}\n`;
}

async function waitForCanvas(page: Page): Promise<void> {
  await page.locator('.react-flow__node').first().waitFor({ state: 'visible', timeout: 60_000 });
  // Interactive: React Flow shows a node once it knows the node's size, measured or estimated,
  // and the draggable class means a drag can start. Text, not a function, because bench/
  // compiles without the DOM library.
  await page.waitForFunction(
    "document.querySelector('.react-flow__node')?.classList.contains('draggable') === true",
  );
}

async function importBlueprint(page: Page, name: string, text: string): Promise<void> {
  await page.getByTestId('import-input').setInputFiles({
    name,
    mimeType: 'application/yaml',
    buffer: Buffer.from(text),
  });
  await page
    .getByRole('status')
    .filter({ hasText: 'Imported 1 file' })
    .waitFor({ timeout: 300_000 });
  await waitForCanvas(page);
}

// Records, for each frame with pointer moves, the time from the first move to the end of the
// frame's work. The message posted from requestAnimationFrame runs after style, layout and paint.
// Installing it again only empties the list, so one page can take several measurements.
const FRAME_PROBE = `
  if (window.frameSamples === undefined) {
    let moveStart;
    window.addEventListener('pointermove', () => { moveStart ??= performance.now(); }, true);
    const onFrame = () => {
      if (moveStart !== undefined) {
        const began = moveStart;
        moveStart = undefined;
        const channel = new MessageChannel();
        channel.port1.onmessage = () => window.frameSamples.push(performance.now() - began);
        channel.port2.postMessage(null);
      }
      requestAnimationFrame(onFrame);
    };
    requestAnimationFrame(onFrame);
  }
  window.frameSamples = [];
`;

// Returns the centre of the stage binding node closest to the canvas centre.
// Text, not a function, because bench/ compiles without the DOM library.
const CENTRAL_BINDING = `(() => {
  const canvas = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
  const centreX = canvas.x + canvas.width / 2;
  const centreY = canvas.y + canvas.height / 2;
  let best = null;
  let bestDistance = Infinity;
  for (const node of document.querySelectorAll('.react-flow__node-binding')) {
    const box = node.getBoundingClientRect();
    const x = box.x + box.width / 2;
    const y = box.y + box.height / 2;
    const distance = Math.hypot(x - centreX, y - centreY);
    if (distance < bestDistance) {
      best = { x, y };
      bestDistance = distance;
    }
  }
  return best;
})()`;

// Returns a point of the empty canvas at least 200 px from its edges, or null.
const EMPTY_POINT = `(() => {
  const canvas = document.querySelector('[data-testid="canvas"]').getBoundingClientRect();
  for (let y = canvas.y + 200; y < canvas.bottom - 200; y += 20) {
    for (let x = canvas.x + 200; x < canvas.right - 200; x += 20) {
      if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) {
        return { x, y };
      }
    }
  }
  return null;
})()`;

/**
 * Presses the pointer at `start` and moves it in `steps` moves, then returns the frame time of
 * each move in ms. The pointer goes back and forth within 120 px of `start`, so it never comes near
 * the canvas edge, where React Flow pans the view along with a node drag.
 */
async function sweepPointer(
  page: Page,
  start: { x: number; y: number },
  steps: number,
): Promise<number[]> {
  await page.evaluate(FRAME_PROBE);

  await page.mouse.move(start.x, start.y);
  await page.mouse.down();
  for (let step = 1; step <= steps; step += 1) {
    const swing = 40 - Math.abs((step % 80) - 40);
    await page.mouse.move(start.x + swing * 3, start.y + (step % 20));
  }
  await page.mouse.up();
  await page.waitForTimeout(200);

  return page.evaluate<number[]>('window.frameSamples');
}

async function measureDrag(page: Page): Promise<number[]> {
  const start = await page.evaluate<{ x: number; y: number } | null>(CENTRAL_BINDING);
  if (start === null) {
    throw new Error('no stage binding node is visible to drag');
  }

  return sweepPointer(page, start, POINTER_STEPS);
}

async function measurePan(page: Page): Promise<number[]> {
  const start = await page.evaluate<{ x: number; y: number } | null>(EMPTY_POINT);
  if (start === null) {
    throw new Error('the canvas has no empty spot 200 px inside its edges to start a pan');
  }

  return sweepPointer(page, start, POINTER_STEPS);
}

function percentile(values: readonly number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

function median(values: readonly number[]): number {
  return percentile(values, 0.5);
}

function print(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(46)} ${value}\n`);
}

function frameSummary(samples: readonly number[]): string {
  const p50 = median(samples).toFixed(1);
  const p95 = percentile(samples, 0.95).toFixed(1);

  return `median ${p50} ms, p95 ${p95} ms, ${samples.length} frames`;
}

function loadAverage(): string {
  return loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
}

/** A web-mode server for the benchmark. */
interface BenchServer {
  url: string;
  stop(): Promise<void>;
}

/** Starts the compiled web mode (`node dist/main/start.js --web`) with the app data folder `home`. */
async function startCompiledWebMode(home: string): Promise<BenchServer> {
  const child = spawn(process.execPath, [COMPILED_START, '--web', '--no-open', '--port', '0'], {
    env: { ...process.env, STAGECRAFT_HOME: home, STAGECRAFT_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let output = '';

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`${COMPILED_START} timed out: no address within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    const read = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(output);
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(
        new Error(`${COMPILED_START} exited with code ${code} before it listened:\n${output}`),
      );
    });
  });

  return {
    url,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** The numbers of one flow size. */
interface ProjectResult {
  open: number;
  drag: number[];
  pan: number[];
}

async function benchProject(browser: Browser, stages: number): Promise<ProjectResult> {
  const server = await startWebMode();
  const page = await browser.newPage({ viewport: VIEWPORT });
  const nodes = stages * 2 + 1;
  try {
    await page.goto(server.url);
    await waitForCanvas(page);
    await importBlueprint(
      page,
      `bench-${stages}.yaml`,
      generateCanvasBlueprint(`bench-${stages}`, stages),
    );

    // Opening: a reload of the page with the flow open.
    const started = performance.now();
    await page.reload();
    await waitForCanvas(page);
    const open = performance.now() - started;
    const drawn = await page.locator('.react-flow__node').count();
    print(
      `open ${stages} stages + ${stages} policies`,
      `${open.toFixed(0)} ms (${drawn} nodes drawn)`,
    );

    const drag = await measureDrag(page);
    print(`drag frame time at ${nodes} nodes`, frameSummary(drag));
    const pan = await measurePan(page);
    print(`pan frame time at ${nodes} nodes`, frameSummary(pan));

    return { open, drag, pan };
  } finally {
    await page.close();
    await server.stop();
  }
}

/** Times a start of web mode on a new app data folder, to the sample project's canvas. */
async function benchColdStart(
  browser: Browser,
  label: string,
  start: (home: string) => Promise<BenchServer>,
): Promise<number> {
  const home = await mkdtemp(join(tmpdir(), 'stagecraft-bench-'));
  const page = await browser.newPage({ viewport: VIEWPORT });
  try {
    const started = performance.now();
    const server = await start(home);
    const listening = performance.now() - started;
    try {
      await page.goto(server.url);
      await waitForCanvas(page);
    } finally {
      await server.stop();
    }

    const total = performance.now() - started;
    print(label, `${total.toFixed(0)} ms (server ${listening.toFixed(0)} ms)`);
    return total;
  } finally {
    await page.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** One number of a run, for the summary over all runs. */
interface RunNumber {
  label: string;
  value: number;
  /** Decimal places to print. */
  digits: number;
  unit: 'ms' | '';
}

async function runOnce(browser: Browser): Promise<RunNumber[]> {
  const numbers: RunNumber[] = [];
  const add = (label: string, value: number, digits: number, unit: 'ms' | '' = 'ms'): void => {
    numbers.push({ label, value, digits, unit });
  };

  const sources = await benchColdStart(browser, 'cold start, sources (tsx), to canvas', (home) =>
    startWebMode({ home }),
  );
  add('cold start, sources (tsx)', sources, 0);
  if (existsSync(COMPILED_START)) {
    const compiled = await benchColdStart(
      browser,
      'cold start, compiled build, to canvas',
      startCompiledWebMode,
    );
    add('cold start, compiled build', compiled, 0);
  } else {
    print('cold start, compiled build', `not run: ${COMPILED_START} is missing (npm run build)`);
  }

  const small = await benchProject(browser, 25);
  const large = await benchProject(browser, 1000);
  const ratio = median(large.drag) / median(small.drag);
  print('drag frame time ratio, 2,001 to 51 nodes', `${ratio.toFixed(2)} (median to median)`);

  add('open 1000 stages + 1000 policies', large.open, 0);
  add('drag frame median at 51 nodes', median(small.drag), 1);
  add('drag frame median at 2001 nodes', median(large.drag), 1);
  add('drag ratio, 2,001 to 51 nodes', ratio, 2, '');
  add('pan frame median at 51 nodes', median(small.pan), 1);
  add('pan frame median at 2001 nodes', median(large.pan), 1);
  return numbers;
}

/** Runs the canvas benchmark `runs` times and prints each run and the medians over all runs. */
export async function run(options: { runs?: number } = {}): Promise<void> {
  const runs = options.runs ?? 1;
  requireRendererBuild();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });

  const results: RunNumber[][] = [];
  try {
    for (let index = 1; index <= runs; index += 1) {
      print(`run ${index} of ${runs}`, `load average ${loadAverage()}`);
      results.push(await runOnce(browser));
    }
  } finally {
    await browser.close();
  }

  if (runs === 1) {
    return;
  }

  print(`median over ${runs} runs`, `load average ${loadAverage()}`);
  for (const [position, first] of (results[0] ?? []).entries()) {
    const values = results.map((numbers) => numbers[position]?.value ?? NaN);
    const unit = first.unit === '' ? '' : ` ${first.unit}`;
    print(`  ${first.label}`, `${median(values).toFixed(first.digits)}${unit}`);
  }
}

// Run directly: `npx tsx bench/canvas.ts [--runs N]`.
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { runs: { type: 'string', default: '1' } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs ${values.runs} is invalid; give a whole number of runs, 1 or more.`);
  }
  await run({ runs });
}
