/**
 * Messages for files that cannot be written. Atomic writes go through a temporary file next to
 * the target, so Node's own message names that temporary file. These messages name the target
 * and the fix instead.
 */
import { statSync } from 'node:fs';
import { dirname } from 'node:path';

import { StagecraftError } from '../../shared/errors.js';

/** Describes why a write of `path` failed, naming the path or its folder. */
function describeWriteFailure(path: string, error: unknown): string {
  const folder = dirname(path);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;

  const reasons: Record<string, string> = {
    ENOENT: `the folder ${folder} does not exist; create it first or write to another folder`,
    ENOTDIR: `${folder} is not a folder; choose a path inside an existing folder`,
    EISDIR: `${path} is a folder; give a file name inside it`,
    EACCES: `permission denied in ${folder}; make the folder writable or write to another folder`,
    EPERM: `permission denied in ${folder}; make the folder writable or write to another folder`,
    EROFS: `${folder} is on a read-only file system; write to another folder`,
    ENOSPC: 'the disk is full; free some space and try again',
  };
  const reason = code === undefined ? undefined : reasons[code];
  if (reason !== undefined) {
    return reason;
  }

  return error instanceof Error ? error.message : String(error);
}

/** Builds `write-failed` for `path` (what: "recording", "blueprint", ...) from a file error. */
export function writeFailedError(path: string, error: unknown, what = 'file'): StagecraftError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;

  return new StagecraftError(
    'write-failed',
    `cannot write ${what} ${path}: ${describeWriteFailure(path, error)}`,
    { path, ...(code === undefined ? {} : { errno: code }) },
  );
}

/**
 * Throws `write-failed` when the folder of `path` is missing or not a folder, so that a command
 * stops before a long run (a live login, a simulation) whose result it could not save.
 */
export function checkOutputFolder(path: string, what = 'file'): void {
  const folder = dirname(path);
  let isFolder: boolean;
  try {
    isFolder = statSync(folder).isDirectory();
  } catch (error) {
    throw writeFailedError(path, error, what);
  }

  if (!isFolder) {
    const error = Object.assign(new Error(`${folder} is not a folder`), { code: 'ENOTDIR' });
    throw writeFailedError(path, error, what);
  }
}
