import { openDiscordSample, openExpression, replaceText } from './editor-support.js';
import { expect, test } from './support/fixtures.js';

// Replaces the guide's mapping, which reads `context` and so fails every login through Discord.
const WORKING_MAPPING = 'return {"attributes": {"discord_id": info["id"]}}';

test('failed source login shows its findings', async ({ app }) => {
  const { page, server } = app;
  await openDiscordSample(page, server);

  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByLabel('Flow to simulate').selectOption('default-source-enrollment');
  await page.getByLabel('Via source').selectOption('discord');
  await page.getByLabel('Persona').selectOption('member-with-role');
  await page.getByRole('button', { name: 'Start' }).click();

  // The source step: scopes are chips, and the decision the run never reached is left out.
  const card = page.getByTestId('stage-card');
  const requested = card.getByRole('list', { name: 'Requested scopes' });
  await expect(requested.getByRole('listitem')).toHaveText([
    'email',
    'guilds',
    'guilds.members.read',
    'identify',
  ]);
  await expect(card.getByTestId('source-decision')).toHaveCount(0);
  await expect(card).not.toContainText('Properties {}');
  const overflow = await card.evaluate((element) => element.scrollWidth - element.clientWidth);
  expect(overflow, 'the authorize URL wraps inside the card').toBeLessThanOrEqual(0);
  await app.screenshot('stepper-source-login');

  // The findings banner lists every finding with its severity, fix and step.
  const findings = page.getByTestId('findings');
  await expect(findings.locator('summary')).toHaveText(/3 findings: 1 critical, 2 warnings/);
  const mapping = findings.locator('[data-code="mapping-without-context"]');
  await expect(mapping.locator('.severity')).toHaveText('critical');
  await expect(mapping.locator('.finding-fix')).toContainText('Read the source as `source`');
  await expect(mapping.locator('.finding-message')).not.toContainText('Fix:');
  await expect(findings.locator('[data-code="expression-placeholder"]').first()).toContainText(
    '<YOUR GUILD ID>',
  );

  // The error card states the failure once, under a small header naming the flow.
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByTestId('outcome')).toContainText('The flow failed.');
  await expect(card.getByText(/flow failed/i)).toHaveCount(1);
  await expect(card.getByTestId('stage-card-flow')).toHaveText('Flow: Join with Discord');
  await expect(page.getByTestId('outcome-message')).toContainText(
    "Failed to evaluate property mapping: 'discord-avatar-attributes'",
  );
  await app.screenshot('stepper-findings');

  // Choosing a finding shows its step.
  await mapping.getByRole('button', { name: /Found in step 1/ }).click();
  await expect(page.getByTestId('step-position')).toContainText('Step 1 of 2');

  // Empty parts are labelled as empty.
  await page.getByRole('tab', { name: 'Effects' }).click();
  await expect(page.getByTestId('no-step-effects')).toHaveText('No effects in this step.');
});

test('persona table names flow, end and findings', async ({ app }) => {
  const { page, server } = app;
  await openDiscordSample(page, server);
  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByLabel('Flow to simulate').selectOption('default-source-enrollment');
  await page.getByLabel('Via source').selectOption('discord');
  await page.getByRole('button', { name: 'Run all personas' }).click();

  const table = page.getByTestId('persona-table');
  await expect(table.getByTestId('persona-table-caption')).toContainText(
    'flow default-source-enrollment after a login through source discord',
  );
  const ended = table.getByTestId('persona-ended-at');
  expect(await ended.count()).toBeGreaterThan(0);
  for (const cell of await ended.all()) {
    await expect(cell).not.toHaveText('—');
  }
  await expect(table.locator('tr[data-persona="not-a-member"]')).toContainText('1 critical');
  await app.screenshot('persona-table-findings');
});

test('completed run after skipped prompt', async ({ app }) => {
  const { page, server } = app;
  await openDiscordSample(page, server);
  await openExpression(page, 'discord-avatar-attributes', 'property mapping');
  await replaceText(page, WORKING_MAPPING);
  await app.saved();

  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByLabel('Flow to simulate').selectOption('default-source-enrollment');
  await page.getByLabel('Via source').selectOption('discord');
  await page.getByLabel('Persona').selectOption('not-a-member');
  await page.getByRole('button', { name: 'Start' }).click();

  // The breakpoint dots explain themselves.
  await expect(page.getByTestId('breakpoint-legend')).toContainText('breakpoint');
  const dot = page.getByRole('button', { name: /^Breakpoint on / }).first();
  await expect(dot).toHaveAttribute('title', /Run to breakpoint/);

  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  const card = page.getByTestId('stage-card');
  await expect(page.getByTestId('outcome')).toContainText('Login complete.');
  await expect(card).not.toContainText('Pick a username');
  await expect(page.getByTestId('findings')).toBeVisible();
  await app.screenshot('stepper-completed-findings');
});
