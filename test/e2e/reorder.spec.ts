import { expect, test } from './support/fixtures.js';

test('dragging a stage up reorders the flow', async ({ app }) => {
  const { page } = app;
  const login = app.node('default-authentication-login');
  const identification = app.node('default-authentication-identification');
  await expect(login).toContainText('order 100');
  await expect(identification).toContainText('order 10');

  const from = await login.boundingBox();
  const to = await identification.boundingBox();
  await page.mouse.move(from!.x + 60, from!.y + 20);
  await page.mouse.down();
  await page.mouse.move(to!.x + 60, to!.y - 10, { steps: 15 });
  await page.mouse.up();

  // The orders 10/20/100 are handed out again in the new sequence, gaps kept.
  await expect(login).toContainText('order 10');
  await expect(identification).toContainText('order 20');
  await expect(app.node('default-authentication-password')).toContainText('order 100');
  await expect(login.locator('.node-step')).toHaveText('1');
  await app.saved();
  await app.screenshot('reorder');

  // One drag is one undo step.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(login).toContainText('order 100');
  await expect(identification).toContainText('order 10');
});
