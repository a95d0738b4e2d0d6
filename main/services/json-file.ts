/**
 * Small versioned JSON files in the app data folder. Writes go to a temporary file that is then
 * renamed over the target, so a crash leaves either the old or the new content, never half.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { StagecraftError } from '../../shared/errors.js';
import { writeFailedError } from '../files/write-error.js';
import { createLogger } from '../log.js';

const log = createLogger('services.files');

/**
 * Reads a JSON file and passes its content to `parse`, which returns the typed value or undefined
 * when the content has the wrong shape. A missing file gives `fallback`. A damaged file is
 * logged and also gives `fallback`, because these files only hold conveniences (recent
 * projects, last exports) that the app can rebuild.
 */
export function readJsonFile<T>(
  path: string,
  parse: (data: unknown) => T | undefined,
  fallback: T,
): T {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT') {
      log.warn('file unreadable, using defaults', { path, error });
    }
    return fallback;
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    log.warn('file is not valid JSON, using defaults', { path, error });
    return fallback;
  }

  const parsed = parse(data);
  if (parsed === undefined) {
    log.warn('file has an unknown format or version, using defaults', { path });
    return fallback;
  }

  return parsed;
}

/** Writes `value` as JSON through a temporary file and a rename; throws `write-failed`. */
export function writeJsonFile(path: string, value: unknown, mode = 0o600): void {
  try {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StagecraftError('write-failed', `Cannot create the folder of ${path}: ${reason}.`, {
      path,
    });
  }

  writeTextFile(path, JSON.stringify(value, null, 2) + '\n', mode);
}

/**
 * Writes text through a temporary file in the same folder and a rename; throws `write-failed`
 * naming the path. The folder must exist.
 */
export function writeTextFile(path: string, text: string, mode = 0o644): void {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, text, { encoding: 'utf8', mode, flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw writeFailedError(path, error);
  }
}

/** Tells whether a value is a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
