// Playwright runs the end-to-end specs in Debian's Chromium against web mode. Each spec starts
// its own server (test/e2e/support/web-mode.ts). Build the renderer first: `npm run test:e2e`
// does both.
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'test/e2e',
  testMatch: '**/*.spec.ts',
  outputDir: 'test-results/e2e',
  fullyParallel: false,
  // Two cores: one browser and one server at a time keeps timings steady.
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    headless: true,
    viewport: { width: 1440, height: 900 },
    acceptDownloads: true,
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      // No sandbox because CI runs as root; the other flags keep Chromium off the network.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--disable-quic',
      ],
    },
  },
});
