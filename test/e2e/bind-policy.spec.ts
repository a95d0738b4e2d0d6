import { expect, test } from './support/fixtures.js';

test('policy binds to a stage binding', async ({ app }) => {
  const { page } = app;
  const passwordBinding = app.node('default-authentication-password');

  await page
    .getByRole('button', { name: 'Expression policy', exact: true })
    .dragTo(passwordBinding, { targetPosition: { x: 120, y: 30 } });

  const policy = app.node('expression-policy');
  await expect(policy).toContainText('Expression policy');
  await expect(page.locator('.react-flow__edge.edge-policy')).toHaveCount(2);

  // The inspector edits the binding: negate shows as a badge at once.
  await page.getByLabel('Negate negate').selectOption('true');
  await expect(policy.locator('.badge', { hasText: 'negate' })).toBeVisible();
  await page.getByLabel('Enabled enabled').selectOption('false');
  await expect(policy.locator('.badge', { hasText: 'disabled' })).toBeVisible();
  await app.saved();
  await app.screenshot('bind-policy');
});
