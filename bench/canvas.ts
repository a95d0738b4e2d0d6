/**
 * Canvas benchmark in Debian's Chromium against web mode:
 * - open: a project whose flow has 1,000 stage bindings and 1,000 bound policies, from page load
 *   to an interactive canvas (target under 2 s);
 * - drag: the time per frame while a node is dragged (target under 16 ms), and its ratio at
 *   1,000 bindings to a flow of 25 bindings and 25 policies, about 50 nodes (target under 2);
 * - cold start: from starting web mode to an interactive canvas (target under 2 s).
 *
 * Frame time here is measured in the page, from the pointer event to the end of the rendering
 * work it caused. Chromium runs with its frame rate limit off, so the wait for the next display
 * refresh is not counted. `npm run build:renderer` must have run first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { startWebMode } from '../test/e2e/support/web-mode.js';

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
  // Interactive: React Flow has measured the nodes, so they can be dragged.
  // Text, not a function, because bench/ compiles without the DOM library.
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
const FRAME_PROBE = `
  window.dragSamples = [];
  let moveStart;
  window.addEventListener('pointermove', () => { moveStart ??= performance.now(); }, true);
  const onFrame = () => {
    if (moveStart !== undefined) {
      const began = moveStart;
      moveStart = undefined;
      const channel = new MessageChannel();
      channel.port1.onmessage = () => window.dragSamples.push(performance.now() - began);
      channel.port2.postMessage(null);
    }
    requestAnimationFrame(onFrame);
  };
  requestAnimationFrame(onFrame);
`;

/** Drags a node in `steps` pointer moves; returns the frame time of each move in ms. */
async function measureDrag(page: Page, steps: number): Promise<number[]> {
  // Passed as text because tsx's name helpers do not exist inside the page.
  await page.evaluate(FRAME_PROBE);

  const node = page.locator('.react-flow__node-binding').nth(1);
  const box = await node.boundingBox();
  if (box === null) {
    throw new Error('no stage binding node is visible to drag');
  }

  const x = box.x + 40;
  const y = box.y + 15;
  await page.mouse.move(x, y);
  await page.mouse.down();
  for (let step = 1; step <= steps; step += 1) {
    await page.mouse.move(x + step * 3, y + (step % 20));
  }
  await page.mouse.up();
  await page.waitForTimeout(200);

  return page.evaluate<number[]>('window.dragSamples');
}

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);

  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

function print(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(46)} ${value}\n`);
}

async function benchProject(browser: Browser, stages: number): Promise<number[]> {
  const server = await startWebMode();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    await page.goto(server.url);
    await waitForCanvas(page);
    await importBlueprint(
      page,
      `bench-${stages}.yaml`,
      generateCanvasBlueprint(`bench-${stages}`, stages),
    );

    // Opening: a reload of the page with the large flow open.
    const started = performance.now();
    await page.reload();
    await waitForCanvas(page);
    const opened = performance.now() - started;
    const nodes = await page.locator('.react-flow__node').count();
    print(
      `open ${stages} stages + ${stages} policies`,
      `${opened.toFixed(0)} ms (${nodes} nodes drawn)`,
    );

    const samples = await measureDrag(page, 120);
    print(
      `drag frame time at ${stages * 2 + 1} nodes`,
      `median ${percentile(samples, 0.5).toFixed(1)} ms, p95 ${percentile(samples, 0.95).toFixed(1)} ms, ${samples.length} frames`,
    );
    return samples;
  } finally {
    await page.close();
    await server.stop();
  }
}

async function benchColdStart(browser: Browser): Promise<void> {
  const home = await mkdtemp(join(tmpdir(), 'stagecraft-bench-'));
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  try {
    const started = performance.now();
    const server = await startWebMode({ home });
    const listening = performance.now() - started;
    await page.goto(server.url);
    await waitForCanvas(page);
    const total = performance.now() - started;
    print(
      'cold start of web mode to interactive canvas',
      `${total.toFixed(0)} ms (server ${listening.toFixed(0)} ms)`,
    );
    await server.stop();
  } finally {
    await page.close();
    await rm(home, { recursive: true, force: true });
  }
}

/** Runs the canvas benchmark and prints its numbers. */
export async function run(): Promise<void> {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
  });

  try {
    await benchColdStart(browser);
    const small = await benchProject(browser, 25);
    const large = await benchProject(browser, 1000);
    const ratio = percentile(large, 0.5) / percentile(small, 0.5);
    print('drag frame time ratio, 2,001 to 51 nodes', `${ratio.toFixed(2)} (median to median)`);
  } finally {
    await browser.close();
  }
}

// Run directly: `npx tsx bench/canvas.ts`.
if (import.meta.url === `file://${process.argv[1]}`) {
  await run();
}
