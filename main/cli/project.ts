/** Opening project files from the command line. */
import { existsSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';

import { isStagecraftError, StagecraftError } from '../../shared/errors.js';
import type { Recording } from '../../shared/http/recording.js';
import { validateRecording } from '../../shared/http/recording.js';
import { ProjectStore } from '../project/index.js';
import type { CommandArgs, CommandIo } from './command.js';
import { stringOption } from './command.js';

/** The file extension of Stagecraft project files. */
export const PROJECT_EXTENSION = '.stagecraft';

// The --project value as typed, by resolved path, so that hints repeat the user's own spelling
// of the path, which works from the folder the command ran in.
const givenProjectPaths = new Map<string, string>();

/** Reads `--project`, resolved against the working folder, or raises a usage error. */
export function projectPath(args: CommandArgs, io: CommandIo): string {
  const value = stringOption(args, 'project');
  if (value === undefined || value === '') {
    throw new StagecraftError('usage', 'missing --project FILE (a .stagecraft project file)');
  }

  const path = resolve(io.cwd, value);
  givenProjectPaths.set(path, value);

  return path;
}

/**
 * Opens an existing project, or raises `project-not-found` with the fix. With `readOnly`, the
 * file is still opened for writing when it can be, because a read-only SQLite connection leaves
 * the `-wal` and `-shm` files behind on close; a file that cannot be written opens read-only.
 */
export function openProject(path: string, options: { readOnly?: boolean } = {}): ProjectStore {
  if (!existsSync(path)) {
    throw new StagecraftError(
      'project-not-found',
      `project file ${path} does not exist; create it with \`stagecraft import FILE --project ` +
        `${givenProjectPaths.get(path) ?? path}\``,
      { path },
    );
  }

  if (options.readOnly !== true) {
    return ProjectStore.open(path);
  }

  try {
    return ProjectStore.open(path);
  } catch (error) {
    if (isStagecraftError(error) && error.code === 'project-read-only') {
      return ProjectStore.open(path, { readOnly: true });
    }
    throw error;
  }
}

/** Opens a project, creating it first when the file does not exist yet. */
export function openOrCreateProject(path: string): { store: ProjectStore; created: boolean } {
  if (existsSync(path)) {
    return { store: ProjectStore.open(path), created: false };
  }

  const name = basename(path, extname(path));
  return { store: ProjectStore.create(path, { name }), created: true };
}

/** Returns the project's recordings by name, each checked as a recording file is. */
export function loadProjectRecordings(store: ProjectStore): Map<string, Recording> {
  const recordings = new Map<string, Recording>();
  for (const summary of store.recordings.list()) {
    const record = store.recordings.get(summary.id);
    recordings.set(summary.name, validateRecording(record?.data, `${summary.name} (project)`));
  }

  return recordings;
}

/** Stores a recording in the project under `name`, replacing a recording of that name. */
export function saveProjectRecording(
  store: ProjectStore,
  name: string,
  recording: Recording,
): void {
  const existing = store.recordings.list().find((summary) => summary.name === name);
  store.recordings.put({
    ...(existing === undefined ? {} : { id: existing.id }),
    name,
    data: recording,
  });
}
