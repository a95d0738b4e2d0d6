/** The project of the first window: the sample on a first start, otherwise the last project. */
import { existsSync } from 'node:fs';

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
