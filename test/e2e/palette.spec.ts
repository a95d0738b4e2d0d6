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

type Box = { x: number; y: number; width: number; height: number };

function overlap(a: Box, b: Box): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

test('palette button adds nodes in view', async ({ app }) => {
  const { page } = app;
  const canvas = page.getByTestId('canvas');
  const boxesOf = async (): Promise<Map<string, Box>> => {
    const entries = await page.locator('.react-flow__node').evaluateAll((nodes) =>
      nodes.map((node) => {
        const rect = node.getBoundingClientRect();
        const box = { x: rect.x, y: rect.y, width: rect.width, height: rect.height };
        return [node.textContent ?? '', box] as const;
      }),
    );
    return new Map(entries);
  };
  const expectFreeAndVisible = async (text: string): Promise<Box> => {
    const view = (await canvas.boundingBox())!;
    const boxes = await boxesOf();
    const [key, added] = [...boxes].find(([content]) => content.includes(text))!;
    expect(added.x, `${text} is right of the canvas's left edge`).toBeGreaterThanOrEqual(view.x);
    expect(added.y, `${text} is below the canvas's top edge`).toBeGreaterThanOrEqual(view.y);
    expect(added.x + added.width).toBeLessThanOrEqual(view.x + view.width);
    expect(added.y + added.height).toBeLessThanOrEqual(view.y + view.height);
    for (const [other, box] of boxes) {
      if (other !== key) {
        expect(overlap(added, box), `${text} covers ${other}`).toBe(false);
      }
    }
    for (const panel of ['.react-flow__controls', '.react-flow__minimap']) {
      const box = (await page.locator(panel).boundingBox())!;
      expect(overlap(added, box), `${text} is under ${panel}`).toBe(false);
    }
    return added;
  };

  // With a node selected, the new stage goes next to it (its policy takes the place on its
  // right, and the canvas ends soon after, so the stage may go left or below).
  const password = app.node('default-authentication-password');
  await password.click();
  await page.getByRole('button', { name: 'Deny stage', exact: true }).click();
  await expect(app.node('deny-stage')).toBeVisible();
  const deny = await expectFreeAndVisible('deny-stage');
  const beside = (await password.boundingBox())!;
  const distance = Math.hypot(deny.x - beside.x, deny.y - beside.y);
  expect(distance, 'the new stage is next to the selected one').toBeLessThan(2 * beside.width);
  await app.saved();

  // Pan the flow out of sight: a new stage still lands in the visible part of the canvas.
  await page.keyboard.press('Escape');
  const view = (await canvas.boundingBox())!;
  await page.mouse.move(view.x + view.width - 60, view.y + 60);
  await page.mouse.down();
  await page.mouse.move(view.x + 60, view.y + view.height - 60, { steps: 10 });
  await page.mouse.up();
  await page.keyboard.press('Escape');
  await page.getByRole('button', { name: 'Dummy stage', exact: true }).click();
  await expect(app.node('dummy-stage')).toBeVisible();
  await expectFreeAndVisible('dummy-stage');

  // And a policy added by keyboard too.
  await page.getByRole('button', { name: 'Expression policy', exact: true }).focus();
  await page.keyboard.press('Enter');
  await expect(app.node('expression-policy')).toBeVisible();
  await expectFreeAndVisible('expression-policy');
  await app.saved();
  await app.screenshot('palette-in-view');
});
