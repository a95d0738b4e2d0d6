import { openDiscordSample, openExpression, replaceText } from './editor-support.js';
import { expect, test } from './support/fixtures.js';

// The mapping of authentik's Discord guide reads `context`, which property mappings do not
// have, so every login through the source fails until the mapping is fixed.
const WORKING_MAPPING = 'return {"attributes": {"discord_id": info["id"]}}';

test('Discord personas log in through the source', async ({ app }) => {
  const { page, server } = app;
  await openDiscordSample(page, server);

  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByLabel('Flow to simulate').selectOption('default-source-enrollment');
  await page.getByLabel('Via source').selectOption('discord');
  await page.getByLabel('Persona').selectOption('member-with-role');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByTestId('outcome')).toContainText('The flow failed.');
  await expect(page.getByTestId('outcome-message')).toContainText(
    "Failed to evaluate property mapping: 'discord-avatar-attributes'",
  );

  // The editor names the cause, then the fixed mapping lets the login through.
  await openExpression(page, 'discord-avatar-attributes', 'property mapping');
  const problems = page.getByRole('list', { name: 'Problems of the expression' });
  await expect(problems).toContainText('"context" is not defined');
  await replaceText(page, WORKING_MAPPING);
  await expect(problems.locator('li')).toHaveCount(0);
  await app.saved();

  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('stage-card')).toContainText('Login through source discord');
  await expect(page.getByTestId('stage-card')).toContainText('guilds.members.read');
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByTestId('outcome')).toContainText('Login complete.');

  // The second persona is not in the guild. The guide's policies raise NameError (they use
  // OAuthSource without importing it), and the flow's "any" mode lets the login pass anyway.
  await page.getByLabel('Persona').selectOption('not-a-member');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  const membership = page
    .getByTestId('policy-row')
    .filter({ hasText: 'discord-guild-membership' })
    .first();
  await expect(membership.getByTestId('result-badge')).toHaveText('failed');
  await expect(membership).toContainText("name 'OAuthSource' is not defined");
  await app.screenshot('stepper-discord');
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByTestId('outcome')).toContainText('Login complete.');
});
