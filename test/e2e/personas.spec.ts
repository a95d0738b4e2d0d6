import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Page } from '@playwright/test';

import { ProjectStore } from '../../main/project/index.js';
import { callService } from './editor-support.js';
import { expect, test } from './support/fixtures.js';
import type { WebMode } from './support/web-mode.js';

// The Discord sample without the guide's avatar mapping, which reads `context` and fails every
// login through the source until it is fixed.
function discordSample(): string {
  return readFileSync(join('assets', 'sample', 'discord-guild-gate.yaml'), 'utf8').replace(
    '      user_property_mappings:\n        - !KeyOf avatar-mapping\n',
    '',
  );
}

// A recording of a Discord login with the token exchange and, when `withUser` is set, the
// users/@me response a persona is built from.
function loginRecording(withUser: boolean): unknown {
  const json = (body: unknown) => ({
    status: 200,
    headers: { 'Content-Type': 'application/json' },
    body: { json: body },
  });
  const exchanges: unknown[] = [
    {
      request: {
        method: 'POST',
        url: 'https://discord.com/api/oauth2/token',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code',
      },
      response: json({
        access_token: '<access-token-1>',
        token_type: 'Bearer',
        expires_in: 604800,
        refresh_token: '<refresh-token-1>',
        scope: 'identify email',
      }),
    },
  ];
  if (withUser) {
    exchanges.push({
      request: {
        method: 'GET',
        url: 'https://discord.com/api/users/@me',
        headers: { Authorization: 'Bearer <access-token-1>' },
        body: null,
      },
      response: json({
        id: '1100000000000000042',
        username: 'rowan.recorded',
        discriminator: '0',
        global_name: 'Rowan',
        avatar: null,
        email: 'rowan@mail.example',
        verified: true,
      }),
    });
  }

  return {
    format: 'stagecraft-http-recording',
    version: 1,
    source: 'discord',
    providerType: 'discord',
    apiBase: 'https://discord.com/api',
    createdAt: '2026-01-01T00:00:00.000Z',
    exchanges,
  };
}

// Prepares a project file holding two recordings, then opens it in the app with the Discord
// sample imported.
async function openProjectWithRecordings(page: Page, server: WebMode): Promise<void> {
  const path = join(server.home, 'personas.stagecraft');
  const store = ProjectStore.create(path, { name: 'Personas' });
  try {
    store.recordings.put({ name: 'rowan-login', data: loginRecording(true) });
    store.recordings.put({ name: 'token-only', data: loginRecording(false) });
  } finally {
    store.close();
  }

  await callService(server, 'project', 'open', { path });
  await callService(server, 'blueprints', 'importFiles', {
    files: [{ name: 'discord-guild-gate.yaml', text: discordSample() }],
  });
  await page.reload();
  await expect(page.getByRole('tab').filter({ hasText: 'Join with Discord' })).toBeVisible();
}

test('personas are duplicated, edited and imported', async ({ app }) => {
  const { page, server } = app;
  await openProjectWithRecordings(page, server);
  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByRole('tab', { name: 'Personas' }).click();

  // A built-in persona is read-only until it is copied into the project.
  const list = page.getByRole('list', { name: 'Personas' });
  await page.getByLabel('Search personas').fill('with-role');
  await expect(list.getByRole('button')).toHaveCount(1);
  await list.getByRole('button', { name: /member-with-role/ }).click();
  const form = page.getByTestId('persona-form');
  await expect(form).toContainText('built in, read-only');
  await expect(form.getByLabel(/^Username/)).toHaveAttribute('readonly', '');
  await form.getByRole('button', { name: 'Duplicate to edit' }).click();
  const duplicate = page.getByRole('dialog', { name: 'Duplicate persona' });
  await duplicate.getByLabel('Name of the copy').fill('willow-edited');
  await duplicate.getByRole('button', { name: 'Save copy' }).click();
  await expect(form.locator('strong')).toHaveText('willow-edited');
  await page.getByLabel('Search personas').fill('');
  await expect(list.getByRole('button', { name: /willow-edited/ })).toContainText('project');

  // A valid edit is saved; an invalid one shows the check's message and is not saved.
  await form.getByLabel(/^Username/).fill('willow.edited');
  await expect(page.getByTestId('persona-save-state')).toHaveText('saved in the project');
  await expect
    .poll(async () => {
      const details = (await callService(server, 'simulator', 'getPersona', {
        name: 'willow-edited',
      })) as { persona: { discord: { user: { username: string } } } };
      return details.persona.discord.user.username;
    })
    .toBe('willow.edited');
  await form.getByLabel(/^User id/).fill('not-a-number');
  await expect(form.locator('[data-field="discord.user.id"]')).toContainText(
    'discord.user.id is "not-a-number"; set it to a Discord id (digits, as a string)',
  );
  await app.screenshot('personas-invalid');
  await form.getByLabel(/^User id/).fill('1100000000000000001');
  await expect(form.locator('[data-field="discord.user.id"]')).toHaveCount(0);

  // The password is sent once and only its hash is kept.
  await form.getByLabel('New password').fill('correct horse');
  await form.getByRole('button', { name: 'Set password' }).click();
  await expect(form.getByTestId('password-state')).toContainText('A password is set');
  await expect(form.getByLabel('New password')).toHaveValue('');

  // A recording without users/@me cannot become a persona; the dialog shows why.
  await page.getByRole('button', { name: 'New persona from recording' }).click();
  const dialog = page.getByRole('dialog', { name: 'New persona from recording' });
  await dialog.getByLabel('Recording').selectOption({ label: 'token-only' });
  await dialog.getByLabel('Persona name').fill('rowan');
  await dialog.getByRole('button', { name: 'Create persona' }).click();
  await expect(dialog.getByTestId('recording-error')).toContainText(
    'it has no successful GET users/@me response',
  );
  await dialog.getByLabel('Recording').selectOption({ label: 'rowan-login' });
  await dialog.getByRole('button', { name: 'Create persona' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(form.locator('strong')).toHaveText('rowan');
  await expect(form.getByLabel(/^Username/)).toHaveValue('rowan.recorded');
  await expect(form.getByLabel(/^Token scopes/)).toHaveValue('identify email');
  await app.screenshot('personas');

  // A rename replaces the stored persona and keeps the form open on it.
  await form.getByLabel(/^Name/).fill('rowan-renamed');
  await expect(list.getByRole('button', { name: /rowan-renamed/ })).toHaveCount(1);
  await expect(list.getByRole('button', { name: /^rowan project/ })).toHaveCount(0);
  await expect(form.locator('strong')).toHaveText('rowan-renamed');

  // The stepper offers both new personas at once and runs the edited one.
  await page.getByRole('tab', { name: 'Stepper' }).click();
  const options = page.getByLabel('Persona').locator('option');
  await expect(options.filter({ hasText: 'rowan-renamed' })).toHaveCount(1);
  await expect(options.filter({ hasText: 'willow-edited' })).toHaveCount(1);
  await page.getByLabel('Flow to simulate').selectOption('default-source-enrollment');
  await page.getByLabel('Via source').selectOption('discord');
  await page.getByLabel('Persona').selectOption('willow-edited');
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('step-position')).toContainText('willow-edited');
  const card = page.getByTestId('stage-card');
  await expect(card).toContainText('Login through source discord');
  await expect(card).toContainText('username: willow.edited');
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByTestId('outcome')).toContainText('Login complete.');
});
