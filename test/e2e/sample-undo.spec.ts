import { expect, test } from './support/fixtures.js';

test('first start has nothing to undo', async ({ app }) => {
  const { page } = app;
  const undo = page.getByRole('button', { name: 'Undo' });
  const nodes = page.locator('.react-flow__node');
  const drawn = await nodes.count();
  expect(drawn).toBeGreaterThan(0);

  await expect(undo).toBeDisabled();

  // The shortcut reaches the backend, which has no step to revert, so the sample stays.
  await page.locator('body').click({ position: { x: 5, y: 890 } });
  await page.keyboard.press('Control+z');
  await expect(nodes).toHaveCount(drawn);
  await expect(undo).toBeDisabled();
});
