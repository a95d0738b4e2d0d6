import { readFile } from 'node:fs/promises';

import { expect, test } from './support/fixtures.js';

test('export the open flow', async ({ app }) => {
  const { page } = app;

  await page.getByRole('button', { name: 'Export…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Export a blueprint' });
  await expect(dialog.getByTestId('export-text')).toContainText(
    'slug: default-authentication-flow',
  );
  await dialog.getByRole('tab', { name: /Variables/ }).click();
  await dialog.getByRole('tab', { name: /Changes since last export/ }).click();
  await expect(dialog).toContainText('This selection was not exported before.');
  await dialog.getByRole('tab', { name: /Blueprint/ }).click();
  await app.screenshot('export');

  const download = page.waitForEvent('download');
  await dialog.getByRole('button', { name: 'Write blueprint' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('default-authentication-flow.yaml');
  const text = await readFile(await file.path(), 'utf8');
  expect(text).toContain('version: 1');
  expect(text).toContain('model: authentik_flows.flowstagebinding');
  expect(text).toContain('default-authentication-password');

  // After an edit, the preview shows the difference to that export.
  await app.node('Sign in').click();
  await page.getByLabel('Title title').fill('Welcome back');
  await app.saved();
  await page.getByRole('button', { name: 'Export…' }).click();
  await dialog.getByRole('tab', { name: /Changes since last export/ }).click();
  await expect(dialog.locator('.diff-added')).toContainText('Welcome back');
});
