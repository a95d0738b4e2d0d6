/**
 * Helpers of the policy editor and stepper specs: service calls straight to the web-mode server
 * (to store personas the sample project lacks), and typing into the Monaco editor.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from '@playwright/test';

import { expect } from './support/fixtures.js';
import type { WebMode } from './support/web-mode.js';

/** Calls a service method of a running web-mode server, as the page's client does. */
export async function callService(
  server: WebMode,
  service: string,
  method: string,
  args: unknown,
): Promise<unknown> {
  const url = new URL(server.url);
  const token = decodeURIComponent(/token=([^&]+)/.exec(url.hash)![1]!);
  const response = await fetch(`${url.origin}/api/${service}/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Stagecraft-Token': token },
    body: JSON.stringify(args),
  });
  const outcome = (await response.json()) as { ok: boolean; value?: unknown; error?: unknown };
  if (!outcome.ok) {
    throw new Error(`${service}.${method} failed: ${JSON.stringify(outcome.error)}`);
  }

  return outcome.value;
}

/** Stores the personas the specs use: one who signs in, one with a wrong password, a newcomer. */
export async function addPersonas(server: WebMode): Promise<void> {
  await callService(server, 'simulator', 'savePersona', {
    persona: {
      name: 'Alice',
      description: 'Signs in with her password',
      user: { username: 'alice', email: 'alice@example.org', name: 'Alice' },
      inputs: { password: 'correct horse' },
    },
    password: 'correct horse',
  });
  await callService(server, 'simulator', 'savePersona', {
    persona: {
      name: 'Mallory',
      description: 'Types a wrong password',
      user: { username: 'mallory', email: 'mallory@example.org' },
      inputs: { password: 'guess' },
    },
    password: 'something else',
  });
  await callService(server, 'simulator', 'savePersona', {
    persona: {
      name: 'Alice signed in',
      description: 'Already has a session',
      user: { username: 'alice' },
      authenticated: true,
    },
  });
  await callService(server, 'simulator', 'savePersona', {
    persona: {
      name: 'Newcomer',
      description: 'Has no account yet',
      user: { username: 'newcomer' },
      inDirectory: false,
      inputs: { username: 'newcomer' },
    },
  });
}

/** Opens the policy editor on the expression policy or property mapping named `name`. */
export async function openExpression(
  page: Page,
  name: string,
  kind: 'policy' | 'property mapping' = 'policy',
): Promise<void> {
  await page.getByRole('tab', { name: 'Policy editor' }).click();
  const picker = page.getByLabel('Expression to edit');
  await picker.selectOption({ label: `${name} (${kind})` });
  await expect(page.locator('.monaco-editor .view-lines')).toBeVisible({ timeout: 20_000 });
}

/**
 * Replaces the editor's text by pasting it, because typed newlines make the editor indent the
 * next line on its own. Pasted text keeps exactly the indentation given.
 */
export async function replaceText(page: Page, text: string): Promise<void> {
  await page.context().grantPermissions(['clipboard-read', 'clipboard-write']);
  await page.evaluate((value) => navigator.clipboard.writeText(value), text);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.press('ControlOrMeta+V');
  await expect.poll(() => editorLines(page)).toEqual(text.split('\n'));
}

/** Returns the editor's text as drawn, one entry per line. */
export async function editorLines(page: Page): Promise<string[]> {
  return page.locator('.monaco-editor .view-lines .view-line').evaluateAll((lines) =>
    lines
      .map((line) => ({
        top: parseFloat((line as HTMLElement).style.top),
        text: (line.textContent ?? '').replace(/\u00a0/g, ' '),
      }))
      .sort((a, b) => a.top - b.top)
      .map((line) => line.text),
  );
}

/** Waits until the project contains `text` as the expression of the policy named `name`. */
export async function waitForSavedExpression(
  server: WebMode,
  name: string,
  text: string,
): Promise<void> {
  await expect
    .poll(async () => {
      const snapshot = (await callService(server, 'project', 'current', {})) as {
        objects: { identifiers: Record<string, unknown>; attrs: Record<string, unknown> }[];
      };
      const policy = snapshot.objects.find((object) => object.identifiers.name === name);
      return policy?.attrs.expression;
    })
    .toBe(text);
}

/**
 * Opens a new project holding only the Discord guild gate sample (a Discord source with the
 * guide's policies and property mapping), and waits until the page shows it.
 */
export async function openDiscordSample(page: Page, server: WebMode): Promise<void> {
  const text = readFileSync(join('assets', 'sample', 'discord-guild-gate.yaml'), 'utf8');
  await callService(server, 'project', 'open', {
    path: join(server.home, 'discord-guild-gate.stagecraft'),
    create: true,
  });
  await callService(server, 'blueprints', 'importFiles', {
    files: [{ name: 'discord-guild-gate.yaml', text }],
  });
  await page.reload();
  await expect(page.getByRole('tab').filter({ hasText: 'Join with Discord' })).toBeVisible();
}
