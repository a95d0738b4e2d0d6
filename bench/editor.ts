/**
 * Policy editor and stepper benchmark. Targets:
 * - completion: the list is drawn within 50 ms of a keystroke in a 300-line policy;
 * - diagnostics: the problems are shown within 200 ms of the last keystroke;
 * - stepper: one step is drawn within 100 ms of the click, with replayed responses.
 *
 * Two parts. In Node, the shared completion and diagnostic functions are timed on the same
 * 300-line policy (the work each keystroke costs before any drawing). In Debian's Chromium
 * against web mode, each time runs from the key or click event in the page to the change on
 * screen: the suggestion widget becoming visible, the syntax status changing after Python's
 * check, the step position changing. Every number is the median of the samples after one
 * warm-up. `npm run build:renderer` must have run first.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { completeAt } from '../shared/editor/completion.js';
import { diagnoseExpression } from '../shared/editor/diagnostics.js';
import { startWebMode } from '../test/e2e/support/web-mode.js';

const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

const SAMPLES = 15;

/** Builds a policy of about `lines` lines in the style of the Discord guide's policies. */
export function generatePolicy(lines: number): string {
  const out = [
    'from authentik.core.models import Group',
    'from authentik.sources.oauth.models import OAuthSource',
    '',
    'GUILD = "123456789123456789"',
  ];
  for (let index = 0; out.length < lines - 3; index += 1) {
    out.push(
      `def check_${index}(member):`,
      `    """Check role ${index} of the member."""`,
      `    roles = member.get("roles", [])`,
      `    if "${100000000000000000 + index}" in roles:`,
      `        ak_logger.info("role found", role=${index})`,
      '        return True',
      `    return request.user.attributes.get("role_${index}") is not None`,
      '',
    );
  }
  out.push(
    'connection = context.get("goauthentik.io/sources/connection")',
    'x = request.user',
    'return x.is_active',
  );

  return out.join('\n');
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function row(name: string, value: number, target: number): void {
  const verdict = value <= target ? 'PASS' : 'MISS';
  print(
    `${name.padEnd(44)} ${value.toFixed(1).padStart(8)} ms   target < ${target} ms   ${verdict}`,
  );
}

function timeNode(work: () => void): number {
  work();
  const samples: number[] = [];
  for (let index = 0; index < SAMPLES; index += 1) {
    const started = performance.now();
    work();
    samples.push(performance.now() - started);
  }

  return median(samples);
}

// Records in the page when a key goes down and when the watched condition is first true after it.
// Text, not a function, because bench/ compiles without the DOM library.
const PROBE = `
  window.benchKeyAt = undefined;
  window.benchSamples = [];
  if (window.benchInstalled === undefined) {
    window.benchInstalled = true;
    window.addEventListener('keydown', () => { window.benchKeyAt = performance.now(); }, true);
    window.addEventListener('click', () => { window.benchKeyAt = performance.now(); }, true);
  }
`;

// When the condition is first true after the key or click, the sample ends at the next animation
// frame, when the change is drawn.
async function watch(page: Page, condition: string): Promise<void> {
  await page.evaluate(`(() => {
    const check = () => ${condition};
    const observer = new MutationObserver(() => {
      if (window.benchKeyAt !== undefined && check()) {
        const began = window.benchKeyAt;
        window.benchKeyAt = undefined;
        requestAnimationFrame(() => window.benchSamples.push(performance.now() - began));
      }
    });
    observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
    window.benchObserver?.disconnect();
    window.benchObserver = observer;
  })()`);
}

// Waits until `condition` is true in the page. The page's content security policy forbids the
// string evaluation of page.waitForFunction, so this polls with page.evaluate; the times
// themselves are taken in the page.
async function waitUntil(page: Page, condition: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!(await page.evaluate<boolean>(condition))) {
    if (Date.now() > deadline) {
      const status = await page
        .getByTestId('editor-status')
        .textContent()
        .catch(() => null);
      throw new Error(`The page did not reach ${condition} within 30 s (status: ${status}).`);
    }
    await page.waitForTimeout(10);
  }
}

async function samples(page: Page): Promise<number[]> {
  return page.evaluate<number[]>('window.benchSamples');
}

async function openEditor(page: Page, policy: string): Promise<void> {
  await page.getByRole('tab', { name: 'Policy editor' }).click();
  await page.locator('.monaco-editor .view-lines').waitFor({ timeout: 60_000 });
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate(`navigator.clipboard.writeText(${JSON.stringify(policy)})`);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
  // Python loads on the first check; wait for it, so the timings below measure typing only.
  await page
    .getByTestId('editor-status')
    .filter({ hasText: /syntax (ok|error)/ })
    .waitFor({ timeout: 60_000 });
}

async function measureCompletion(page: Page): Promise<number[]> {
  await page.keyboard.press('ControlOrMeta+End');
  await page.keyboard.press('Enter');
  await page.keyboard.type('y = request');
  await page.evaluate(PROBE);
  // Monaco shows the widget at once but adds its `visible` class only 100 ms later (monaco-editor
  // 0.57, suggestWidget.js), so the widget's own display is watched instead of that class.
  await watch(
    page,
    "(() => { const w = document.querySelector('.suggest-widget'); return w !== null && w.offsetHeight > 0 && getComputedStyle(w).visibility !== 'hidden' && w.querySelector('.monaco-list-row') !== null; })()",
  );

  for (let index = 0; index <= SAMPLES; index += 1) {
    await page.keyboard.type('.');
    await page.locator('.suggest-widget.visible .monaco-list-row').first().waitFor({
      state: 'attached',
    });
    await page.keyboard.press('Escape');
    await page.keyboard.press('Backspace');
    await page.waitForTimeout(50);
  }

  return (await samples(page)).slice(1);
}

async function measureDiagnostics(page: Page): Promise<number[]> {
  const status = "(document.querySelector('[data-testid=\"editor-status\"]')?.textContent ?? '')";
  // Start from a valid last line, checked: the completion part may leave a dot behind.
  await page.keyboard.press('Escape');
  await page.keyboard.press('End');
  await page.keyboard.press('Shift+Home');
  await page.keyboard.insertText('y = request');
  await waitUntil(page, `/syntax ok/.test(${status})`);
  await page.evaluate(PROBE);
  await watch(page, `/syntax (ok|error)/.test(${status}) && ${status} !== window.benchLastStatus`);

  for (let index = 0; index <= SAMPLES; index += 1) {
    await page.evaluate(`window.benchLastStatus = ${status}`);
    // A colon after `y = request` is a syntax error; Backspace fixes it again.
    await page.keyboard.type(index % 2 === 0 ? ':' : '');
    if (index % 2 === 1) {
      await page.keyboard.press('Backspace');
    }
    await waitUntil(
      page,
      `${status} !== window.benchLastStatus && /syntax (ok|error)/.test(${status})`,
    );
  }

  return (await samples(page)).slice(1);
}

async function measureStepper(page: Page): Promise<{ step: number[]; submit: number[] }> {
  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByLabel('Flow to simulate').selectOption('default-authentication-flow');
  await page.getByLabel('Persona').selectOption('');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByTestId('step-position').waitFor();

  const position = "(document.querySelector('[data-testid=\"step-position\"]')?.textContent ?? '')";
  await page.evaluate(PROBE);
  await watch(page, `${position} !== window.benchLastPosition`);
  for (let index = 0; index <= SAMPLES; index += 1) {
    await page.evaluate(`window.benchLastPosition = ${position}`);
    const forward = index % 2 === 0;
    await page.getByRole('button', { name: forward ? 'Step' : 'Step back', exact: true }).click();
    await waitUntil(page, `${position} !== window.benchLastPosition`);
  }
  const step = (await samples(page)).slice(1);

  // A submitted form runs the flow again on the Node side with the new input.
  const card = "(document.querySelector('[data-testid=\"stage-card\"]')?.textContent ?? '')";
  await page.evaluate(PROBE);
  await watch(page, `${card} !== window.benchLastCard`);
  const submit: number[] = [];
  for (let index = 0; index <= 6; index += 1) {
    await page.getByRole('button', { name: 'Start' }).click();
    await page.getByRole('button', { name: 'Run to breakpoint' }).click();
    await page.getByLabel('Username or Email').fill(`user${index}`);
    await page.evaluate(`window.benchLastCard = ${card}; window.benchSamples = []`);
    await page.getByRole('button', { name: 'Log in' }).click();
    await waitUntil(page, `${card} !== window.benchLastCard`);
    submit.push(...(await samples(page)));
  }

  return { step, submit: submit.slice(1) };
}

/** Runs the benchmark and prints the medians. */
export async function run(): Promise<void> {
  const policy = generatePolicy(300);
  const lines = policy.split('\n');
  print(`Policy: ${lines.length} lines, ${policy.length} characters.`);
  print();
  print('Node (shared/editor, no drawing)');
  row(
    'completion after "request."',
    timeNode(() => completeAt(`${policy}\nrequest.`, lines.length + 1, 8, { kind: 'policy' })),
    50,
  );
  row(
    'completion of a name',
    timeNode(() => completeAt(`${policy}\nak_`, lines.length + 1, 3, { kind: 'policy' })),
    50,
  );
  row(
    'local diagnostics',
    timeNode(() => diagnoseExpression(policy, { kind: 'policy' })),
    200,
  );

  const home = await mkdtemp(join(tmpdir(), 'stagecraft-bench-editor-'));
  const server = await startWebMode({ home });
  let browser: Browser | undefined;
  try {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(server.url);
    await page.locator('.react-flow__node').first().waitFor({ timeout: 60_000 });

    // The stepper runs first, because the editor part replaces a policy of the sample flow.
    const stepper = await measureStepper(page);
    await openEditor(page, policy);
    const completion = await measureCompletion(page);
    const diagnostics = await measureDiagnostics(page);

    print();
    print(`Chromium (web mode, median of ${SAMPLES} after a warm-up)`);
    row('keystroke to completion list', median(completion), 50);
    row('last keystroke to syntax diagnostic', median(diagnostics), 200);
    row('click to the next step drawn', median(stepper.step), 100);
    print(
      `${'form submitted to the next stage (re-run)'.padEnd(44)} ${median(stepper.submit).toFixed(1).padStart(8)} ms   (no target)`,
    );
  } finally {
    await browser?.close();
    await server.stop();
    await rm(home, { recursive: true, force: true });
  }
}

const invokedDirectly = process.argv[1]?.endsWith('editor.ts') === true;
if (invokedDirectly) {
  run().catch((error: unknown) => {
    process.stderr.write(
      `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exitCode = 1;
  });
}
