/**
 * The project menu and the project dialog of web mode: create a project, import into it, switch
 * to the sample and back through the recent list, and open a project named with --project.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { Page } from '@playwright/test';

import { expect, openApp, test } from './support/fixtures.js';
import { startWebMode } from './support/web-mode.js';

const BLUEPRINT =
  '../shared/corpus/authentik/blueprints/default/20-flow-default-source-authentication.yaml';

async function chooseFromProjectMenu(page: Page, item: string | RegExp): Promise<void> {
  await page.getByRole('button', { name: 'Project ▾' }).click();
  await page
    .getByRole('menu', { name: 'Project' })
    .getByRole('menuitem', { name: item, exact: true })
    .click();
}

test('create, import, switch and reopen projects', async ({ app }) => {
  expect(existsSync(BLUEPRINT), `${BLUEPRINT} is missing: the reference corpus is needed`).toBe(
    true,
  );
  const { page } = app;
  const folder = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-projects-'));
  const file = join(folder, 'discord.stagecraft');
  const projectName = page.getByTestId('project-name');

  try {
    // A path to nothing and a file that is no project show the backend's error in the dialog.
    await chooseFromProjectMenu(page, 'Open project…');
    const openDialog = page.getByRole('dialog', { name: 'Open project' });
    await expect(openDialog.getByTestId('start-folder')).toHaveText(
      process.env.INIT_CWD ?? process.cwd(),
    );
    await openDialog.getByLabel('Project file').fill(join(folder, 'missing.stagecraft'));
    await openDialog.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(openDialog.getByRole('alert')).toContainText('does not exist');
    const notes = join(folder, 'notes.stagecraft');
    await writeFile(notes, 'shopping list\n');
    await openDialog.getByLabel('Project file').fill(notes);
    await openDialog.getByRole('button', { name: 'Open', exact: true }).click();
    await expect(openDialog.getByRole('alert')).toContainText('is not a Stagecraft project');
    await expect(projectName).toHaveText('Stagecraft sample');
    await openDialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(openDialog).toHaveCount(0);

    // New project: the name gets .stagecraft, and the toolbar names the new project.
    await chooseFromProjectMenu(page, 'New project…');
    const newDialog = page.getByRole('dialog', { name: 'New project' });
    await newDialog.getByLabel('Project file').fill(join(folder, 'discord'));
    await newDialog.getByRole('button', { name: 'Create' }).click();
    await expect(newDialog).toHaveCount(0);
    await expect(projectName).toHaveText('discord');
    await expect(projectName).toHaveAttribute('title', file);
    expect(existsSync(file), 'the project file exists').toBe(true);
    await expect(page.getByText('The project has no flow open.')).toBeVisible();

    await page.getByTestId('import-input').setInputFiles(BLUEPRINT);
    await expect(page.getByRole('status').filter({ hasText: 'Imported 1 file' })).toBeVisible();
    await expect(app.flowTab('Welcome to authentik!')).toHaveAttribute('aria-selected', 'true');
    await expect(app.node('default-source-authentication-login')).toBeVisible();
    await app.saved();

    await chooseFromProjectMenu(page, 'Open the sample');
    await expect(projectName).toHaveText('Stagecraft sample');
    await expect(app.flowTab('Create your account')).toBeVisible();
    await expect(app.flowTab('Welcome to authentik!')).toHaveCount(0);

    // The recent list of the menu opens the first project again, with its flow.
    await chooseFromProjectMenu(page, 'discord');
    await expect(projectName).toHaveText('discord');
    await expect(app.flowTab('Welcome to authentik!')).toBeVisible();
    await expect(app.node('default-source-authentication-login')).toBeVisible();
    await app.screenshot('projects');

    // The keyboard opens the dialog too, with the recent projects as one-click entries.
    await page.locator('body').click({ position: { x: 5, y: 880 } });
    await page.keyboard.press('Control+o');
    await expect(openDialog).toBeVisible();
    await openDialog.getByRole('button', { name: /Stagecraft sample/ }).click();
    await expect(openDialog).toHaveCount(0);
    await expect(projectName).toHaveText('Stagecraft sample');

    // Forget drops the entry from the list and leaves the file.
    await page.getByRole('button', { name: 'Project ▾' }).click();
    const menu = page.getByRole('menu', { name: 'Project' });
    await menu.getByRole('menuitem', { name: `Forget discord (${file})` }).click();
    await expect(menu.getByRole('menuitem', { name: 'discord', exact: true })).toHaveCount(0);
    expect(existsSync(file), 'the forgotten project file stays').toBe(true);
    await page.keyboard.press('Escape');
    await expect(menu).toHaveCount(0);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});

test('start with --project opens that project', async ({ page }) => {
  const folder = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-start-'));
  const file = join(folder, 'login.stagecraft');

  try {
    // The first server creates the project through the dialog.
    const first = await startWebMode();
    try {
      await openApp(page, first.url);
      await chooseFromProjectMenu(page, 'New project…');
      const dialog = page.getByRole('dialog', { name: 'New project' });
      await dialog.getByLabel('Project file').fill(file);
      await dialog.getByRole('button', { name: 'Create' }).click();
      await page.getByTestId('import-input').setInputFiles(BLUEPRINT);
      await expect(page.getByRole('status').filter({ hasText: 'Imported 1 file' })).toBeVisible();
      await expect(page.locator('.save-state')).toHaveText('saved');
    } finally {
      await first.stop();
    }

    // A fresh app data folder would open the sample, but --project names the file to open.
    const second = await startWebMode({ args: ['--project', file] });
    try {
      await openApp(page, second.url);
      await expect(page.getByTestId('project-name')).toHaveText('login');
      await expect(
        page.getByRole('tab').filter({ hasText: 'Welcome to authentik!' }),
      ).toBeVisible();
    } finally {
      await second.stop();
    }

    const missing = join(folder, 'missing.stagecraft');
    const failure = await startWebMode({ args: ['--project', missing] }).then(
      (server) => server.stop().then(() => 'started'),
      (error: unknown) => String(error),
    );
    expect(failure).toContain('exited with code 2');
    expect(failure).toContain(`the project file ${missing} does not exist`);
    expect(existsSync(missing), 'starting created no project').toBe(false);
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
});
