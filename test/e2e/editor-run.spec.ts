import { editorLines, openDiscordSample, openExpression, replaceText } from './editor-support.js';
import { expect, test } from './support/fixtures.js';

const POLICY = 'sample-authentication-visitors-only';

test('traceback names the expression lines', async ({ app }) => {
  const { page } = app;
  await openExpression(page, POLICY);
  await replaceText(page, 'first = 1\nsecond = 2\nreturn context["missing"]');

  const panel = page.getByRole('region', { name: 'Run the expression' });
  await panel.getByText('Use a JSON context instead of a flow run').click();
  await panel.getByRole('textbox', { name: 'JSON context' }).fill('{}');
  await panel.getByRole('button', { name: 'Run' }).click();

  // authentik counts the `def handler` line it wraps the expression in.
  const result = page.getByTestId('run-result');
  const at = 'line 3 of the expression (line 4 as authentik reports it)';
  await expect(result.getByTestId('error-line')).toContainText(`KeyError at ${at}`);
  await expect(result.getByTestId('error-trace')).toContainText(at);
  await expect(result.getByTestId('error-trace')).toContainText('line 5, in <module>');
  await app.screenshot('editor-traceback');

  // The line number moves the editor's cursor to that line.
  await result
    .getByTestId('error-line')
    .getByRole('button', { name: 'line 3 of the expression' })
    .click();
  await page.keyboard.type('#');
  await expect.poll(async () => (await editorLines(page))[2]).toBe('#return context["missing"]');
});

test('context chips stay inside the editor', async ({ app }) => {
  const { page, server } = app;
  await page.setViewportSize({ width: 1000, height: 800 });
  await openDiscordSample(page, server);
  // Bound in a source flow, the policy gets many context keys.
  await openExpression(page, 'discord-guild-membership');

  const list = page.getByRole('list', { name: 'Bindings' });
  await expect(list.locator('code').first()).toBeVisible();
  const overflow = await list.evaluate((element) => element.scrollWidth - element.clientWidth);
  expect(overflow, 'the chips wrap instead of running out').toBeLessThanOrEqual(0);
  await app.screenshot('editor-context-chips');
});
