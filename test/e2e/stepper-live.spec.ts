import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { TEST_HOSTS_VARIABLE } from '../../main/services/simulator-live.js';
import type { FakeDiscord } from '../support/fake-discord.js';
import { startFakeDiscord } from '../support/fake-discord.js';
import { callService } from './editor-support.js';
import { expect, openApp, test } from './support/fixtures.js';
import type { WebMode } from './support/web-mode.js';
import { startWebMode } from './support/web-mode.js';

let fake: FakeDiscord;
let server: WebMode;

// The Discord sample with the fake's client id, and without the guide's avatar mapping, which
// reads `context` and fails every login until it is fixed.
function sampleForFake(): string {
  return readFileSync(join('assets', 'sample', 'discord-guild-gate.yaml'), 'utf8')
    .replace("consumer_key: '100000000000000001'", `consumer_key: '${fake.clientId}'`)
    .replace('      user_property_mappings:\n        - !KeyOf avatar-mapping\n', '');
}

test.beforeEach(async () => {
  fake = await startFakeDiscord();
  server = await startWebMode({
    env: { [TEST_HOSTS_VARIABLE]: JSON.stringify(fake.hostOverrides) },
  });
});

test.afterEach(async () => {
  await server.stop();
  await fake.close();
});

test('live login runs against the provider', async ({ page }) => {
  await openApp(page, server.url);
  await callService(server, 'project', 'open', {
    path: join(server.home, 'live.stagecraft'),
    create: true,
  });
  await callService(server, 'blueprints', 'importFiles', {
    files: [{ name: 'discord-guild-gate.yaml', text: sampleForFake() }],
  });
  await page.reload();
  await expect(page.getByRole('tab').filter({ hasText: 'Join with Discord' })).toBeVisible();

  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByLabel('Flow to simulate').selectOption('default-source-enrollment');
  await page.getByLabel('Via source').selectOption('discord');
  await page.getByLabel('Source responses').selectOption('record');
  await page.getByLabel('Redirect port').fill('0');
  await page.getByLabel('Recording name').fill('live-login');

  // Without the client secret the panel names the variable, and nothing runs.
  const problem = page.getByTestId('live-problem');
  await expect(problem).toContainText('DISCORD_CLIENT_SECRET');
  await page.getByLabel('Secret DISCORD_CLIENT_SECRET').fill(fake.clientSecret);
  await page.getByRole('button', { name: 'Store secret' }).click();
  await expect(problem).toHaveCount(0);
  await expect(page.getByTestId('live-redirect')).toContainText('/source/oauth/callback/discord/');

  // The test plays the browser: the login page opens in a new window and redirects back.
  const popupOpened = page.waitForEvent('popup');
  await page.getByRole('button', { name: 'Start' }).click();
  const popup = await popupOpened;
  await expect(popup.locator('body')).toContainText('Stagecraft received the login');
  await page.screenshot({ path: 'test-results/stepper-live.png' });

  await expect(page.getByTestId('step-position')).toContainText('Step 1 of');
  await expect(page.getByTestId('stage-card')).toContainText('Login through source discord');
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByTestId('outcome')).toContainText('Login complete.');
  await expect(page.getByTestId('live-run-note')).toContainText('Saved recording “live-login”');
  await expect(page.getByRole('button', { name: 'Save as scenario' })).toBeDisabled();

  const tokenCalls = fake.requests.filter((request) => request.path.includes('/oauth2/token'));
  expect(tokenCalls).toHaveLength(1);
  const recordings = (await callService(server, 'simulator', 'listRecordings', {})) as {
    name: string;
  }[];
  expect(recordings.map((recording) => recording.name)).toContain('live-login');
  await page.screenshot({ path: 'test-results/stepper-live-done.png' });
});
