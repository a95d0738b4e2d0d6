import { expect, test } from './support/fixtures.js';

test('duplicate a flow from its menu', async ({ app }) => {
  const { page } = app;

  await app.flowTab('Sign in').first().click({ button: 'right' });
  const menu = page.getByRole('menu', { name: 'Flow Sign in' });
  await expect(menu).toBeVisible();
  await menu.getByRole('menuitem', { name: 'Duplicate' }).click();

  // The copy opens, with the same stages in the same order and the flow's policy.
  const copyTab = app.flowTab('Sign in (copy)');
  await expect(copyTab).toHaveAttribute('aria-selected', 'true');
  await expect(copyTab).toContainText('default-authentication-flow-copy');
  await expect(page.locator('.node-binding')).toHaveCount(3);
  await expect(page.locator('.node-policy')).toHaveCount(1);
  await expect(app.node('default-authentication-password')).toContainText('order 20');
  // The stages are shared with the original flow, and their nodes show a shared badge.
  await expect(app.node('default-authentication-password')).toContainText('×2');
  await app.saved();
  await app.screenshot('duplicate-flow');

  // One undo removes the whole copy and goes back to the original.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect(app.flowTab('Sign in (copy)')).toHaveCount(0);
  await expect(app.flowTab('Sign in').first()).toHaveAttribute('aria-selected', 'true');
  await expect(app.node('default-authentication-password')).not.toContainText('×2');
  await app.saved();
});

test('duplicate a flow by keyboard', async ({ app }) => {
  const { page } = app;
  const keys = page.keyboard;

  // The context menu key of a focused flow opens its menu.
  await app.flowTab('Sign in').first().focus();
  await keys.press('Shift+F10');
  const menu = page.getByRole('menu', { name: 'Flow Sign in' });
  await expect(menu.getByRole('menuitem', { name: 'Open' })).toBeFocused();
  await keys.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Duplicate' })).toBeFocused();
  await keys.press('Enter');
  await expect(app.flowTab('Sign in (copy)')).toHaveAttribute('aria-selected', 'true');
  await expect(menu).toHaveCount(0);

  // Ctrl+Shift+D duplicates the open flow (the copy): numbered, not `-copy-copy`.
  await page.locator('body').click({ position: { x: 5, y: 890 } });
  await keys.press('Control+Shift+D');
  const second = app.flowTab('Sign in (copy 2)');
  await expect(second).toHaveAttribute('aria-selected', 'true');
  await expect(second).toContainText('default-authentication-flow-copy-2');
  await expect(page.locator('.node-binding')).toHaveCount(3);

  // Escape closes a menu without running anything.
  await second.focus();
  await keys.press('Shift+F10');
  await expect(page.getByRole('menu')).toBeVisible();
  await keys.press('Escape');
  await expect(page.getByRole('menu')).toHaveCount(0);
  await expect(second).toBeFocused();
  await app.saved();
});
