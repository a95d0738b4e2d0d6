import { existsSync } from 'node:fs';

import { expect, test } from './support/fixtures.js';

const BLUEPRINT =
  '../shared/corpus/authentik/blueprints/default/flow-default-authentication-flow.yaml';

test('import a corpus blueprint', async ({ app }) => {
  expect(existsSync(BLUEPRINT), `${BLUEPRINT} is missing: the reference corpus is needed`).toBe(
    true,
  );
  const { page } = app;

  await page.getByTestId('import-input').setInputFiles(BLUEPRINT);

  await expect(page.getByRole('status').filter({ hasText: 'Imported 1 file' })).toBeVisible();
  await expect(app.flowTab('Welcome to authentik!')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.node-binding')).toHaveCount(4);
  await expect(app.node('default-authentication-mfa-validation')).toContainText('order 30');
  await expect(app.node('default-authentication-login')).toContainText('order 100');
  // The blueprint updates the sample's flow of the same slug, and binds its policy to the
  // password stage's binding with `failure_result: true`.
  const policy = app.node('default-authentication-flow-password-stage');
  await expect(policy).toContainText('passes on error');
  await app.saved();
  await app.screenshot('import');
});
