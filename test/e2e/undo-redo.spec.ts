import { expect, test } from './support/fixtures.js';

test('undo and redo a delete and an edit', async ({ app }) => {
  const { page } = app;
  const password = app.node('default-authentication-password');

  await password.click();
  await page.keyboard.press('Delete');
  // The stage is no longer bound, so it stays as a loose node.
  await expect(password).toContainText('not bound here');
  await expect(page.locator('.node-binding')).toHaveCount(2);

  await page.keyboard.press('Control+z');
  await expect(password).toContainText('order 20');
  await expect(page.locator('.node-binding')).toHaveCount(3);

  await page.keyboard.press('Control+Shift+z');
  await expect(page.locator('.node-binding')).toHaveCount(2);
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(page.locator('.node-binding')).toHaveCount(3);

  // Typing in a field is one undo step, however many keys it took.
  await app.node('Sign in').click();
  const name = page.getByLabel('Name name');
  await name.fill('Sign in here');
  await expect(app.node('Sign in here')).toBeVisible();
  await app.saved();
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(name).toHaveValue('Sign in');
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect(name).toHaveValue('Sign in here');
  await app.saved();
  await app.screenshot('undo-redo');
});
