import { expect, test } from './support/fixtures.js';

const STAGES = 300;

/** Builds a blueprint of one flow with `STAGES` stage bindings, each with one bound policy. */
function largeFlow(): string {
  const lines = ['version: 1', 'entries:'];
  lines.push(
    '  - model: authentik_flows.flow',
    '    id: flow',
    '    identifiers: { slug: large }',
    '    attrs: { name: large, title: Large, designation: authentication }',
  );
  for (let index = 0; index < STAGES; index += 1) {
    lines.push(
      '  - model: authentik_stages_dummy.dummystage',
      `    id: stage-${index}`,
      `    identifiers: { name: large-stage-${index} }`,
      '  - model: authentik_flows.flowstagebinding',
      `    id: binding-${index}`,
      `    identifiers: { target: !KeyOf flow, stage: !KeyOf stage-${index}, order: ${index + 1} }`,
      '  - model: authentik_policies_expression.expressionpolicy',
      `    id: policy-${index}`,
      `    identifiers: { name: large-policy-${index} }`,
      '    attrs: { expression: return True }',
      '  - model: authentik_policies.policybinding',
      `    identifiers: { target: !KeyOf binding-${index}, policy: !KeyOf policy-${index}, order: 0 }`,
    );
  }

  return `${lines.join('\n')}\n`;
}

test('large flow draws the nodes in view', async ({ app }) => {
  const { page } = app;

  await page.getByTestId('import-input').setInputFiles({
    name: 'large.yaml',
    mimeType: 'application/yaml',
    buffer: Buffer.from(largeFlow()),
  });
  await expect(page.getByRole('status').filter({ hasText: 'Imported 1 file' })).toBeVisible({
    timeout: 60_000,
  });
  await expect(app.flowTab('large')).toHaveAttribute('aria-selected', 'true');
  await app.saved();

  // Zoomed out as far as it goes, the canvas hides node text and draws only the nodes in view.
  const canvas = page.getByTestId('canvas');
  await expect(canvas).toHaveClass(/canvas-zoomed-out/);
  const drawn = await page.locator('.react-flow__node').count();
  expect(drawn).toBeGreaterThan(10);
  expect(drawn).toBeLessThan(STAGES * 2 + 1);

  // A drag moves the node once it is dropped, is saved, and undoes in one step. The view opens
  // on the middle of the flow, where this stage is.
  const node = app.node('large-stage-150');
  const transform = () => node.evaluate((element) => (element as HTMLElement).style.transform);
  const search = page.getByRole('searchbox', { name: 'Search the flow' });
  // Searching moves the view to the first match, so the node is drawn wherever it is.
  const showNode = async () => {
    await search.fill('large-stage-150');
    await search.press('Enter');
    await expect(node).toBeVisible();
  };
  const before = await transform();
  const box = await node.boundingBox();
  const x = box!.x + box!.width / 2;
  const y = box!.y + box!.height / 2;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + 120, y, { steps: 12 });
  await page.mouse.up();
  await app.saved();
  const after = await transform();
  expect(after).not.toEqual(before);

  await page.reload();
  await showNode();
  expect(await transform()).toEqual(after);

  await page.getByRole('button', { name: 'Undo' }).click();
  await app.saved();
  await showNode();
  expect(await transform()).toEqual(before);
  await app.screenshot('large-flow');
});
