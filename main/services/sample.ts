/**
 * The sample project: on first start the app copies it into the app data folder and opens it.
 * It is built by importing the sample blueprint into a new project.
 */
import { existsSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';

import Database from 'better-sqlite3';

import { StagecraftError } from '../../shared/errors.js';
import { importBlueprints } from '../blueprints/import.js';
import { ProjectStore } from '../project/index.js';
import type { AppEnvironment } from './environment.js';
import { loadBlueprintText } from './import-text.js';

/** The file name of the sample project inside the data folder's `sample/` folder. */
export const SAMPLE_PROJECT_FILE = 'Stagecraft sample.stagecraft';

/**
 * Deletes the undo history of a closed project file, so that the sample opens with nothing to
 * undo. Otherwise its import is the first undo step, and Undo right after the first start
 * empties the sample.
 * NOTE: this writes the `history` table of the project schema (main/project/schema.ts) directly,
 * because ProjectStore has no call to drop its history.
 */
function clearHistory(path: string): void {
  const db = new Database(path);
  try {
    db.prepare('DELETE FROM history').run();
  } finally {
    db.close();
  }
}

/**
 * Returns the path of the sample project, creating it first when it does not exist. The project
 * is built under a temporary name and renamed when complete, so an interrupted first start does
 * not leave a half-filled sample behind. The finished sample has no undo history.
 */
export function ensureSampleProject(environment: AppEnvironment): string {
  const folder = environment.home.ensureFolder(environment.home.sampleFolder);
  const path = join(folder, SAMPLE_PROJECT_FILE);
  if (existsSync(path)) {
    return path;
  }

  let text: string;
  try {
    text = readFileSync(environment.sampleBlueprint, 'utf8');
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StagecraftError(
      'file-unreadable',
      `Cannot read the sample blueprint ${environment.sampleBlueprint}: ${reason}. Reinstall ` +
        'Stagecraft.',
      { file: environment.sampleBlueprint },
    );
  }

  const temporary = join(folder, `.${SAMPLE_PROJECT_FILE}.${process.pid}.partial`);
  rmSync(temporary, { force: true });
  const store = ProjectStore.create(temporary, { name: 'Stagecraft sample' });
  try {
    const loaded = loadBlueprintText(
      { name: basename(environment.sampleBlueprint), text },
      store.info().authentikVersion,
    );
    importBlueprints(store, [loaded]);
    store.close();
    clearHistory(temporary);
  } catch (error) {
    store.close();
    rmSync(temporary, { force: true });
    throw error;
  }

  renameSync(temporary, path);
  return path;
}
