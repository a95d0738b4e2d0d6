/** The project service: opening, editing, undo and the recent list, for one window. */
import { existsSync } from 'node:fs';
import { basename, extname, isAbsolute, resolve } from 'node:path';

import type { ProjectService } from '../../shared/api/services.js';
import { StagecraftError } from '../../shared/errors.js';
import { createLogger } from '../log.js';
import { PROJECT_EXTENSION, ProjectStore } from '../project/index.js';
import type { AppEnvironment } from './environment.js';
import type { EventHub } from './events.js';
import { startProgress } from './events.js';
import { asyncMethod } from './method.js';
import { ensureSampleProject } from './sample.js';
import { openStore } from './session.js';
import type { ProjectSession } from './session.js';

const log = createLogger('services.project');

function requireAbsolute(path: string, method: string): void {
  if (!isAbsolute(path)) {
    throw new StagecraftError(
      'invalid-argument',
      `project.${method}: path must be absolute, but is "${path}". Give the full path of the ` +
        'project file.',
      { service: 'project', method, field: 'path', expected: 'an absolute path' },
    );
  }
}

function createProject(path: string): ProjectStore {
  if (extname(path).toLowerCase() !== PROJECT_EXTENSION) {
    throw new StagecraftError(
      'invalid-argument',
      `Cannot create ${path}: project files end in ${PROJECT_EXTENSION}. Use ` +
        `${basename(path, extname(path))}${PROJECT_EXTENSION}.`,
      {
        service: 'project',
        method: 'open',
        field: 'path',
        expected: `a ${PROJECT_EXTENSION} file`,
      },
    );
  }

  return ProjectStore.create(path, { name: basename(path, extname(path)) });
}

/** Creates the project service of one window. */
export function createProjectService(
  environment: AppEnvironment,
  session: ProjectSession,
  events: EventHub,
): ProjectService {
  const opened = (store: ProjectStore): ReturnType<ProjectSession['snapshot']> => {
    session.replace(store);
    environment.recent.add(store.path, store.info().name);
    log.info('project opened', { path: store.path, readOnly: store.readOnly });

    const snapshot = session.snapshot();
    events.emit({
      type: 'project',
      reason: 'opened',
      path: store.path,
      revision: snapshot.revision,
    });
    return snapshot;
  };

  return {
    open: asyncMethod(({ path, create }) => {
      requireAbsolute(path, 'open');
      // Folds `..` and repeated separators, so the recent list names each file once.
      const file = resolve(path);

      const store = create === true && !existsSync(file) ? createProject(file) : openStore(file);
      return opened(store);
    }),

    async openSample() {
      const progress = startProgress(events, 'Open the sample project', 2);
      try {
        progress.step('Preparing the sample project', 0);
        // Let the transport send the first event before the synchronous work blocks.
        await new Promise((resolve) => setImmediate(resolve));
        const path = ensureSampleProject(environment);

        progress.step('Opening the sample project', 1);
        return opened(openStore(path));
      } finally {
        progress.finish('Done');
      }
    },

    current: asyncMethod(() => (session.current === undefined ? null : session.snapshot())),

    apply: asyncMethod(({ changes, label, mergeKey }) => {
      const store = session.require('apply changes');
      store.apply(changes, { label, mergeKey });

      return session.recordEdit(changes);
    }),

    undo: asyncMethod(() => session.recordEdit(session.require('undo').undo())),
    redo: asyncMethod(() => session.recordEdit(session.require('redo').redo())),
    history: asyncMethod(() => session.require('list the history').history()),
    recent: asyncMethod(() => environment.recent.list()),
    forgetRecent: asyncMethod(({ path }: { path: string }) => environment.recent.remove(path)),

    close: asyncMethod(() => {
      const path = session.current?.path;
      if (path === undefined) {
        return;
      }

      session.close();
      log.info('project closed', { path });
      events.emit({ type: 'project', reason: 'closed', path: null, revision: session.revision });
    }),
  };
}
