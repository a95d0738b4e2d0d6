/**
 * The project of the first window: the one named on the command line, the sample on a first
 * start, otherwise the last project.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { StagecraftError } from '../../shared/errors.js';
import { createLogger } from '../log.js';
import type { AppEnvironment } from './environment.js';
import type { WindowServices } from './index.js';

const log = createLogger('services.startup');

/**
 * Opens the sample project when the recent list is empty (a first start), otherwise the most
 * recent project whose file still exists. A project that fails to open is logged and skipped,
 * so the app still starts, with no project open.
 */
export async function openInitialProject(
  services: WindowServices,
  environment: AppEnvironment,
): Promise<void> {
  const recent = environment.recent.list();
  if (recent.length === 0) {
    await services.handlers.project.openSample({});
    return;
  }

  const last = recent.find((project) => existsSync(project.path));
  if (last === undefined) {
    log.info('no recent project exists any more; starting without a project', {
      recent: recent.length,
    });
    return;
  }

  try {
    await services.handlers.project.open({ path: last.path });
  } catch (error) {
    log.warn('could not open the last project; starting without a project', {
      path: last.path,
      error,
    });
  }
}

/**
 * Resolves the project named by `npm start -- --project PATH` against the start folder. Throws
 * `project-not-found` with the fix when the file does not exist, because starting creates no
 * project.
 */
export function resolveStartProject(path: string, startFolder: string): string {
  const file = resolve(startFolder, path);
  if (!existsSync(file)) {
    throw new StagecraftError(
      'project-not-found',
      `--project ${path}: the project file ${file} does not exist, and starting creates none. ` +
        'Check the path, or create the project with `stagecraft import FILE --project ' +
        `${path}\` or with New project… in the app.`,
      { path: file },
    );
  }

  return file;
}
