import { addPersonas, editorLines, openExpression, replaceText } from './editor-support.js';
import { expect, test } from './support/fixtures.js';

const POLICY = 'sample-authentication-visitors-only';

test('syntax error shows at its line and clears when fixed', async ({ app }) => {
  const { page } = app;
  await openExpression(page, POLICY);

  await replaceText(
    page,
    'signed_in = not request.user.is_anonymous\nif signed_in\n    return False\nreturn True',
  );

  // authentik counts the line of its `def handler` wrapper, so editor line 2 is its line 3.
  const problem = page.getByRole('list', { name: 'Problems of the expression' }).locator('li');
  await expect(problem.first()).toContainText('line 2', { timeout: 20_000 });
  await expect(problem.first()).toContainText(
    `Expression Syntax Error: expected ':' (${POLICY}, line 3)`,
  );
  await expect(page.locator('.monaco-editor .squiggly-error').first()).toBeVisible();
  await app.screenshot('editor-syntax-error');

  // Add the missing colon at the end of line 2.
  await page.keyboard.press('ControlOrMeta+Home');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('End');
  await page.keyboard.type(':');
  await expect(page.getByTestId('editor-status')).toContainText('syntax ok');
  await expect(problem).toHaveCount(0);

  // The text was saved to the project: the inspector shows it on the canvas.
  await app.saved();
  await page.getByRole('tab', { name: 'Canvas' }).click();
  await app.node(POLICY).click();
  await expect(page.getByLabel('Expression expression')).toHaveValue(/if signed_in:/);
});

test('import quick fix defines OAuthSource', async ({ app }) => {
  const { page } = app;
  await openExpression(page, POLICY);

  await replaceText(
    page,
    '# Only for logins through an OAuth source.\nsource = context.get("source")\nreturn isinstance(source, OAuthSource)',
  );
  const problems = page.getByRole('list', { name: 'Problems of the expression' });
  await expect(problems).toContainText('"OAuthSource" is not defined');

  // Put the cursor on the name and open the quick fixes.
  await page
    .locator('.monaco-editor .view-line', { hasText: 'OAuthSource' })
    .getByText('OAuthSource')
    .click();
  await page.keyboard.press('ControlOrMeta+.');
  await page
    .locator('.action-widget, .context-view')
    .getByText('Add "from authentik.sources.oauth.models import OAuthSource"')
    .click();

  await expect
    .poll(() => editorLines(page))
    .toContain('from authentik.sources.oauth.models import OAuthSource');
  await expect(problems).not.toContainText('is not defined');
  const lines = await editorLines(page);
  expect(lines[0]).toBe('# Only for logins through an OAuth source.');
  expect(lines[1]).toBe('from authentik.sources.oauth.models import OAuthSource');
});

test('completion lists context keys of the binding', async ({ app }) => {
  const { page } = app;
  await openExpression(page, 'sample-source-enrollment-username-missing');

  await replaceText(page, 'return "username" not in ');
  await page.keyboard.type('context.get("');
  const suggestions = page.locator('.suggest-widget');
  await expect(suggestions).toBeVisible();
  await expect(suggestions).toContainText('flow_plan');
  await page.keyboard.press('Escape');

  await page.keyboard.press('End');
  await page.keyboard.type('").');
  await page.keyboard.press('Enter');
  await page.keyboard.type('request.user.');
  await expect(suggestions).toContainText('username');
  await page.keyboard.type('is_a');
  await expect(suggestions).toContainText('is_authenticated');
  await expect(suggestions).toContainText('is_anonymous');
});

test('policy runs against a persona', async ({ app }) => {
  const { page, server } = app;
  await addPersonas(server);
  await openExpression(page, POLICY);

  await replaceText(
    page,
    'ak_message(f"request.user is {request.user}")\nreturn request.user.is_anonymous',
  );
  await app.saved();

  const panel = page.getByRole('region', { name: 'Run the expression' });
  await panel.getByLabel('Persona').selectOption('Alice signed in');
  await panel.getByRole('button', { name: 'Run' }).click();

  const result = page.getByTestId('run-result');
  await expect(result.getByTestId('result-badge')).toHaveText('failed');
  await expect(result.getByTestId('run-messages')).toContainText('request.user is alice');
  await expect(result).toContainText(
    'A run of flow default-authentication-flow as persona Alice signed in',
  );

  // An anonymous visitor passes the same policy.
  await panel.getByLabel('Persona').selectOption('');
  await panel.getByRole('button', { name: 'Run' }).click();
  await expect(result.getByTestId('result-badge')).toHaveText('passed');
  await expect(result.getByTestId('run-messages')).toContainText('request.user is AnonymousUser');

  // A JSON context replaces the flow run.
  await replaceText(page, 'return context.get("prompt_data", {}).get("username") == "bob"');
  await panel.getByText('Use a JSON context instead of a flow run').click();
  await panel
    .getByRole('textbox', { name: 'JSON context' })
    .fill('{"prompt_data": {"username": "bob"}}');
  await panel.getByRole('button', { name: 'Run' }).click();
  await expect(result.getByTestId('result-badge')).toHaveText('passed');
  await expect(result).toContainText('The JSON context given.');
  await app.screenshot('editor');
});
