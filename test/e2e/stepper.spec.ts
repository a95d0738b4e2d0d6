import { spawnSync } from 'node:child_process';

import type { Page } from '@playwright/test';

import { addPersonas, callService, replaceText, waitForSavedExpression } from './editor-support.js';
import { expect, test } from './support/fixtures.js';

async function openSimulator(page: Page, flow: string, persona: string): Promise<void> {
  await page.getByRole('tab', { name: 'Simulator' }).click();
  await page.getByLabel('Flow to simulate').selectOption(flow);
  await page.getByLabel('Persona').selectOption(persona);
  await page.getByRole('button', { name: 'Start' }).click();
  await expect(page.getByTestId('step-position')).toContainText('Step 1 of');
}

test('two personas step through the sign-in flow', async ({ app }) => {
  const { page, server } = app;
  await addPersonas(server);
  await openSimulator(page, 'default-authentication-flow', 'Alice');

  // The plan, then each stage as Alice sees it, filled with her inputs.
  const card = page.getByTestId('stage-card');
  await expect(card).toContainText('default-authentication-flow');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(card).toContainText('default-authentication-identification');
  await expect(card.getByLabel('Username or Email')).toHaveValue('alice');
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  await expect(card.getByLabel('Password', { exact: true })).toHaveValue('');
  await expect(card.getByLabel('Password', { exact: true })).toHaveAttribute(
    'placeholder',
    /persona/,
  );
  await app.screenshot('stepper');

  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByTestId('outcome')).toContainText('Login complete.');
  await page.getByRole('button', { name: 'Step back' }).click();
  await expect(card).toContainText('default-authentication-login');

  // Mallory types a wrong password: the password stage shows its form again.
  await page.getByLabel('Persona').selectOption('Mallory');
  await page.getByRole('button', { name: 'Start' }).click();
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByTestId('outcome')).toContainText(
    'Stage default-authentication-password rejected the answer.',
  );
  await expect(page.getByTestId('outcome-message')).toHaveText('Invalid password');
});

test('admin fills the forms step by step', async ({ app }) => {
  const { page, server } = app;
  await addPersonas(server);
  await openSimulator(page, 'default-authentication-flow', '');

  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  const card = page.getByTestId('stage-card');
  await expect(card).toHaveAttribute('data-status', 'waiting');
  await card.getByLabel('Username or Email').fill('alice');
  await card.getByRole('button', { name: 'Log in' }).click();

  await expect(card).toContainText('default-authentication-password');
  await card.getByLabel('Password', { exact: true }).fill('wrong');
  await card.getByRole('button', { name: 'Continue' }).click();
  await expect(card.locator('.field-problem')).toHaveText('Invalid password');

  // Submit the password form again: the run repeats with the new password.
  await card.getByLabel('Password', { exact: true }).fill('correct horse');
  await card.getByRole('button', { name: 'Continue' }).click();
  await expect(card).toContainText('default-authentication-login');
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();
  await expect(page.getByTestId('outcome')).toContainText('Login complete.');
});

test('edited policy re-runs from the current stage', async ({ app }) => {
  const { page, server } = app;
  await addPersonas(server);
  await openSimulator(page, 'default-source-enrollment', 'Newcomer');

  // Go to the prompt stage, whose binding runs the "username missing" policy first.
  await page.getByRole('button', { name: 'Step', exact: true }).click();
  const card = page.getByTestId('stage-card');
  await expect(card).toContainText('default-source-enrollment-prompt');
  await expect(card.getByLabel('Username')).toHaveValue('newcomer');
  // The binding re-evaluates its policy on the stage's GET and POST; the first is the decision.
  const row = page
    .getByTestId('policy-row')
    .filter({ hasText: 'sample-source-enrollment-username-missing' })
    .first();
  await expect(row.getByTestId('result-badge')).toHaveText('passed');

  await row.getByRole('button', { name: 'Edit' }).click();
  const edited = 'ak_message("Usernames come from the source only.")\nreturn False';
  await replaceText(page, edited);
  await waitForSavedExpression(server, 'sample-source-enrollment-username-missing', edited);
  await page.getByRole('button', { name: 'Re-run from this stage' }).click();

  await expect(card).toHaveAttribute('data-status', 'skipped');
  await expect(card).toContainText('default-source-enrollment-prompt');
  await expect(row.getByTestId('result-badge')).toHaveText('failed');
  await expect(row).toContainText('Usernames come from the source only.');
  await expect(page.getByTestId('stage-why')).toContainText('skipped');
});

test('all personas run side by side', async ({ app }) => {
  const { page, server } = app;
  await addPersonas(server);
  await openSimulator(page, 'default-authentication-flow', 'Alice');

  await page.getByRole('button', { name: 'Run all personas' }).click();
  const table = page.getByTestId('persona-table');
  // The project's four personas, then the built-in Discord personas.
  await expect(table.locator('tr[data-persona="Newcomer"]')).toBeVisible();
  expect(await table.locator('tbody tr').count()).toBeGreaterThanOrEqual(4);
  await expect(table.locator('tr[data-persona="Alice"] .persona-outcome')).toHaveText('completed');
  await expect(table.locator('tr[data-persona="Mallory"] .persona-outcome')).toHaveText('rejected');
  await expect(table.locator('tr[data-persona="Mallory"]')).toContainText('Invalid password');
  // authentik sends a signed-in user through an authentication flow without planning it.
  await expect(table.locator('tr[data-persona="Alice signed in"] .persona-outcome')).toHaveText(
    'completed',
  );
  await expect(table.locator('tr[data-persona="Newcomer"] .persona-outcome')).toHaveText(
    'input-required',
  );
  await app.screenshot('persona-table');

  // A row opens that persona's run in the stepper.
  await table
    .locator('tr[data-persona="Mallory"]')
    .getByRole('button', { name: 'Mallory' })
    .click();
  await expect(page.getByTestId('step-position')).toContainText('Mallory');
});

test('run saves as a scenario and shows on the canvas', async ({ app }) => {
  const { page, server } = app;
  await addPersonas(server);
  await openSimulator(page, 'default-authentication-flow', 'Mallory');
  await page.getByRole('button', { name: 'Run to breakpoint' }).click();

  await page.getByLabel('Scenario name').fill('wrong password is rejected');
  await page.getByRole('button', { name: 'Save as scenario' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'Saved scenario' })).toContainText(
    'expects rejected',
  );

  // `stagecraft test` runs the saved scenario from the project file and finds it as expected.
  const { path } = (await callService(server, 'project', 'current', {})) as { path: string };
  const cli = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'main/cli/bin.ts', 'test', '--project', path, '--json'],
    { encoding: 'utf8', timeout: 120_000 },
  );
  expect(cli.status, cli.stderr).toBe(0);
  const report = JSON.parse(cli.stdout) as { scenarios?: { name: string; passed: boolean }[] };
  expect(JSON.stringify(report)).toContain('wrong password is rejected');

  // The canvas marks the stages of the last run and where it stopped.
  await page.getByRole('tab', { name: 'Canvas' }).click();
  await expect(page.getByTestId('run-overlay')).toContainText(
    'rejected at default-authentication-password',
  );
  await expect(page.getByTestId('run-overlay-style')).toBeAttached();
  await app.screenshot('run-overlay');
});
