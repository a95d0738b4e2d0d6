/**
 * Shared pieces of the server tests: the blueprint the fake authentik starts with, a temporary
 * project, and an API client for a fake server.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { AuthentikApi } from '../../main/server/api.js';
import { AuthentikClient } from '../../main/server/client.js';
import { ProjectStore } from '../../main/project/index.js';
import type { FakeAuthentik } from './fake-authentik.js';

export { SEED_BLUEPRINT } from './server-seed.js';

/** A temporary folder with an empty project file in it. */
export interface TempProject {
  folder: string;
  path: string;
  store: ProjectStore;
  remove(): void;
}

/** Creates a project in a fresh temporary folder. */
export function createTempProject(name = 'server-test'): TempProject {
  const folder = mkdtempSync(join(tmpdir(), 'stagecraft-server-'));
  const path = join(folder, `${name}.stagecraft`);
  const store = ProjectStore.create(path, { name });

  return {
    folder,
    path,
    store,
    remove: () => {
      store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** Creates an API client for a fake server. */
export function apiFor(
  fake: FakeAuthentik,
  options: { token?: string; timeoutMs?: number; caFile?: string } = {},
): AuthentikApi {
  return new AuthentikApi(
    new AuthentikClient({
      url: fake.url,
      token: options.token ?? fake.token,
      timeoutMs: options.timeoutMs ?? 5000,
      ...(options.caFile === undefined ? {} : { caFile: options.caFile }),
    }),
  );
}
