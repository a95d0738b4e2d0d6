import { expect, test } from './support/fixtures.js';

test('palette builds a flow by drag and drop', async ({ app }) => {
  const { page } = app;

  await page.getByRole('button', { name: '+ New flow' }).click();
  const flowNode = app.node('new-flow');
  await expect(flowNode).toBeVisible();

  // Dropped on the flow node, a stage is bound at once.
  await page
    .getByRole('button', { name: 'Identification stage', exact: true })
    .dragTo(flowNode, { targetPosition: { x: 120, y: 40 } });
  await expect(app.node('identification-stage')).toContainText('order 10');

  // Dropped on the empty canvas, it waits as a loose node until connected to the flow.
  const canvas = page.getByTestId('canvas');
  await page
    .getByRole('button', { name: 'Password stage', exact: true })
    .dragTo(canvas, { targetPosition: { x: 620, y: 200 } });
  const loose = app.node('password-stage');
  await expect(loose).toContainText('not bound here');

  const handle = loose.locator('.handle-bind');
  const target = flowNode.locator('.react-flow__handle[data-handleid="policies"]');
  await handle.hover();
  await page.mouse.down();
  const box = await target.boundingBox();
  await page.mouse.move(box!.x + box!.width / 2, box!.y + box!.height / 2, { steps: 12 });
  await page.mouse.up();

  await expect(app.node('password-stage')).toContainText('order 20');
  await expect(page.locator('.node-binding')).toHaveCount(2);
  await expect(page.locator('.node-loose')).toHaveCount(0);
  await app.saved();
  await app.screenshot('palette');
});
