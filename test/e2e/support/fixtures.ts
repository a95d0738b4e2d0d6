/**
 * The `app` fixture of the end-to-end specs: a fresh web-mode server with its own app data
 * folder (so it opens the sample project), and the page opened on it with the canvas drawn.
 */
import { test as base, expect } from '@playwright/test';
import type { Locator, Page } from '@playwright/test';

import type { WebMode } from './web-mode.js';
import { startWebMode } from './web-mode.js';

/** The opened app. */
export interface App {
  page: Page;
  server: WebMode;
  /** The canvas node that draws the object with this text (stage name, flow name, ...). */
  node(text: string | RegExp): Locator;
  /** The flow entry of the flow list. */
  flowTab(name: string | RegExp): Locator;
  /** Waits until every edit is saved (the toolbar shows "saved"). */
  saved(): Promise<void>;
  /** Saves a screenshot of the window as test-results/<name>.png. */
  screenshot(name: string): Promise<void>;
}

/** Opens the page and waits for the canvas to show nodes. */
export async function openApp(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await expect(page.locator('.react-flow__node').first()).toBeVisible();
}

export const test = base.extend<{ app: App }>({
  app: async ({ page }, use) => {
    const server = await startWebMode();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));

    // The server is stopped whatever happens, opening the page included.
    try {
      await openApp(page, server.url);
      const app: App = {
        page,
        server,
        node: (text) => page.locator('.react-flow__node').filter({ hasText: text }),
        flowTab: (name) => page.getByRole('tab').filter({ hasText: name }),
        saved: () => expect(page.locator('.save-state')).toHaveText('saved'),
        screenshot: async (name) => {
          await page.screenshot({ path: `test-results/${name}.png` });
        },
      };
      await use(app);
    } finally {
      await server.stop();
    }

    expect(errors, 'the page raised no uncaught errors').toEqual([]);
  },
});

export { expect };
