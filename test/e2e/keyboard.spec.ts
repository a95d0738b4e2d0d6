import { expect, test } from './support/fixtures.js';

test('keyboard alone edits a flow', async ({ app }) => {
  const { page } = app;
  const keys = page.keyboard;

  // Help overlay.
  await keys.press('?');
  await expect(page.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeVisible();
  await keys.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Add a consent stage from the palette: filter, Tab to it, Enter.
  await keys.press('p');
  await keys.press('Shift+Tab');
  await keys.type('consent');
  await keys.press('Tab');
  await keys.press('Enter');
  const consent = app.node('consent-stage');
  await expect(consent).toContainText('order 110');
  await expect(consent.locator('.node-step')).toHaveText('4');

  // The new binding is selected: move it one place up.
  await keys.press('Alt+ArrowUp');
  await expect(consent.locator('.node-step')).toHaveText('3');
  await expect(consent).toContainText('order 100');

  // Walk to a node with `n`, select it with Enter, delete it, undo.
  await page.locator('body').click({ position: { x: 5, y: 890 } });
  await keys.press('Escape');
  let guard = 0;
  while (guard < 12) {
    await keys.press('n');
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    if (focused.includes('consent-stage')) {
      break;
    }
    guard += 1;
  }
  await keys.press('Enter');
  await keys.press('Delete');
  await expect(consent).toContainText('not bound here');
  await keys.press('Control+z');
  await expect(consent).toContainText('order 100');

  // Theme toggle, kept across a reload.
  await page.getByRole('button', { name: /Theme:/ }).focus();
  await keys.press('Enter');
  await keys.press('Enter');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  await app.saved();
  await app.screenshot('keyboard-dark');
});
