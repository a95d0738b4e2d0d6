/**
 * The server dialog against the fake authentik server: connect, pull a flow, change it on the
 * canvas, see the difference, push it and see the server take it.
 */
import { FakeAuthentik } from '../support/fake-authentik.js';
import { SEED_BLUEPRINT } from '../support/server-seed.js';
import { expect, test } from './support/fixtures.js';

test('connect, pull, change, compare and push', async ({ app }) => {
  const fake = await FakeAuthentik.start();
  fake.seed(SEED_BLUEPRINT);
  const { page } = app;
  const dialog = page.getByRole('dialog', { name: 'authentik servers' });

  try {
    await page.getByRole('button', { name: 'Server…' }).click();
    await dialog.getByLabel('Profile name').fill('lab');
    await dialog.getByLabel('Server address').fill(fake.url);
    await dialog.getByLabel('API token').fill(fake.token);
    await dialog.getByRole('button', { name: 'Save profile' }).click();
    await expect(dialog.getByTestId('token-storage')).toHaveText(
      /^A token for this profile is held in memory until Stagecraft stops\./,
    );
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(dialog.getByRole('status')).toContainText(
      'Connected: authentik 2025.12.1, token of akadmin (superuser).',
    );

    await dialog.getByRole('tab', { name: 'Pull' }).click();
    await dialog.getByRole('button', { name: 'Pull login' }).click();
    await expect(dialog.getByRole('status')).toContainText(
      'Pulled login: 14 objects created, 0 updated.',
    );
    await dialog.getByRole('button', { name: 'Close' }).click();

    await app.flowTab('Login').click();
    await page.getByRole('group', { name: 'Flow Login' }).click();
    await page.getByLabel('Title title').fill('Hello from Stagecraft');
    await page.getByLabel('Title title').press('Tab');
    await app.saved();

    await page.getByRole('button', { name: 'Server…' }).click();
    await dialog.getByRole('tab', { name: 'Compare and push' }).click();
    const diff = dialog.getByTestId('server-diff');
    // The title edit is saved when the inspector's typing step is committed, which may land just
    // after the "saved" mark of the previous step; compare again until the project has it.
    await expect(async () => {
      await dialog.getByRole('button', { name: 'Compare with the server' }).click();
      await expect(diff).toContainText('0 to create, 1 to change, 13 unchanged', { timeout: 2000 });
    }).toPass({ timeout: 20_000 });
    await expect(diff.locator('.diff-removed')).toContainText('Welcome back');
    await expect(diff.locator('.diff-added')).toContainText('Hello from Stagecraft');
    await app.screenshot('server-diff');

    await dialog.getByRole('button', { name: 'Push', exact: true }).click();
    await expect(dialog.getByRole('status')).toContainText('Pushed 14 entries to');
    await expect(diff).toContainText(
      '0 to create, 0 to change, 14 unchanged, 0 to delete, 0 only on the server.',
    );
    expect(fake.flow('login')?.fields.title).toBe('Hello from Stagecraft');
    await app.screenshot('server-push');
  } finally {
    await fake.close();
  }
});

test('profile form checks its fields before saving', async ({ app }) => {
  const { page } = app;
  const dialog = page.getByRole('dialog', { name: 'authentik servers' });

  await page.getByRole('button', { name: 'Server…' }).click();
  await expect(dialog.getByTestId('token-storage')).toContainText('held in memory only');
  await dialog.getByLabel('Server address').fill('http://auth.example.com');
  await dialog.getByRole('button', { name: 'Save profile' }).click();

  await expect(dialog.getByText('Enter a name for this profile, e.g. production.')).toBeVisible();
  await expect(dialog.getByLabel('Profile name')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByLabel('Profile name')).toBeFocused();
  await expect(
    dialog.getByText(/Plain http:\/\/ would send the API token unencrypted/),
  ).toBeVisible();
  await expect(dialog.getByText(/invalid-argument|server\.saveProfile/)).toHaveCount(0);

  // Fixing the fields saves the profile and clears the messages.
  await dialog.getByLabel('Profile name').fill('lab');
  await dialog.getByLabel('Server address').fill('https://auth.example.com');
  await dialog.getByRole('button', { name: 'Save profile' }).click();
  await expect(dialog.getByRole('combobox', { name: 'Server' })).toHaveValue('lab');
  await expect(dialog.locator('.field-problem')).toHaveCount(0);
});
