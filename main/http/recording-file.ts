/** Reading and writing recording files. */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';

import { StagecraftError } from '../../shared/errors.js';
import { writeFailedError } from '../files/write-error.js';
import type { Recording, RecordingExpectation } from '../../shared/http/recording.js';
import { parseRecording, serializeRecording } from '../../shared/http/recording.js';

/** Largest recording file read, in bytes. A login records a few KiB; avatars add some. */
export const MAX_RECORDING_BYTES = 64 * 1024 * 1024;

/**
 * Reads and checks a recording file. Throws `file-not-found`, `file-unreadable`,
 * `file-too-large`, or the recording errors of {@link parseRecording}.
 */
export function readRecordingFile(path: string, expected: RecordingExpectation = {}): Recording {
  let size: number;
  try {
    size = statSync(path).size;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new StagecraftError('file-not-found', `Recording ${path} does not exist.`, { path });
    }
    throw unreadable(path, error);
  }

  if (size > MAX_RECORDING_BYTES) {
    throw new StagecraftError(
      'file-too-large',
      `Recording ${path} is ${size} bytes, more than the ${MAX_RECORDING_BYTES} bytes a recording may have; check that it is a recording.`,
      { path, size },
    );
  }

  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw unreadable(path, error);
  }

  return parseRecording(text, path, expected);
}

function unreadable(path: string, error: unknown): StagecraftError {
  const reason = error instanceof Error ? error.message : String(error);
  return new StagecraftError('file-unreadable', `Cannot read recording ${path}: ${reason}.`, {
    path,
  });
}

/**
 * Writes a recording to `path`. The file is written under a temporary name and renamed, so a
 * failed write never leaves a truncated recording. Throws `write-failed`.
 */
export function writeRecordingFile(path: string, recording: Recording): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, serializeRecording(recording), { encoding: 'utf8', mode: 0o600 });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw writeFailedError(path, error, 'recording');
  }
}
