import { expect, openApp, test } from './support/fixtures.js';

test('reload restores the canvas', async ({ app }) => {
  const { page } = app;

  await app.flowTab('Create your account').click();
  const flow = app.node('Create your account');
  await expect(flow).toBeVisible();

  // Move a node and add a stage: both must come back after a reload.
  const stage = page.locator('.node-binding').first();
  const before = await stage.boundingBox();
  await page.mouse.move(before!.x + 50, before!.y + 20);
  await page.mouse.down();
  await page.mouse.move(before!.x + 250, before!.y + 20, { steps: 10 });
  await page.mouse.up();
  await page.getByRole('button', { name: 'Deny stage', exact: true }).click();
  await expect(app.node('deny-stage')).toBeVisible();
  await app.saved();

  const transforms = async () =>
    page
      .locator('.react-flow__node')
      .evaluateAll((nodes) => nodes.map((node) => `${node.dataset.id} ${node.style.transform}`));
  const beforeReload = (await transforms()).sort();

  await page.reload();
  await expect(page.locator('.react-flow__node').first()).toBeVisible();
  await expect(app.flowTab('Create your account')).toHaveAttribute('aria-selected', 'true');
  await expect(app.node('deny-stage')).toBeVisible();
  expect((await transforms()).sort()).toEqual(beforeReload);
  await app.screenshot('reload');

  // A second server on the same app data folder opens the same project.
  await openApp(page, app.server.url);
  await expect(app.node('deny-stage')).toBeVisible();
});
