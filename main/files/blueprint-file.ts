/**
 * Reads a blueprint file from disk with the checks that keep a bad file from reaching the YAML
 * parser: size, binary content and encoding.
 */
import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { extname } from 'node:path';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import type { BlueprintDocument } from '../../shared/blueprint/tree.js';
import { StagecraftError } from '../../shared/errors.js';

/**
 * The largest blueprint file read, in bytes (16 MiB). authentik's own blueprints are a few
 * kilobytes and a generated 5,000-entry blueprint is about 1 MB, so a larger file is almost surely
 * not a blueprint. Reading 16 MiB would take several seconds (an estimate from about 0.5 s per MB
 * measured with the `yaml` package on a 2-core Xeon VM).
 */
export const MAX_BLUEPRINT_BYTES = 16 * 1024 * 1024;

/** File name endings read as blueprints. `.akflow` is authentik's older flow export (JSON). */
export const BLUEPRINT_EXTENSIONS = ['.yaml', '.yml', '.json', '.akflow'] as const;

/**
 * Reads and parses a blueprint file. Besides the errors of `readBlueprint` it throws
 * `file-extension`, `file-not-found`, `file-unreadable`, `file-too-large` (checked before any
 * byte is read) and `file-binary` (NUL bytes or invalid UTF-8). A UTF-8 byte order mark is
 * dropped.
 */
export async function readBlueprintFile(path: string): Promise<BlueprintDocument> {
  const extension = extname(path).toLowerCase();
  if (!(BLUEPRINT_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new StagecraftError(
      'file-extension',
      `${path} is not a blueprint file name: expected one of ${BLUEPRINT_EXTENSIONS.join(', ')}. Rename the file if it is a blueprint.`,
      { file: path },
    );
  }

  const bytes = await readLimited(path);
  const text = decodeText(path, bytes);

  return readBlueprint(text, { file: path });
}

async function readLimited(path: string): Promise<Uint8Array> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw openError(path, error);
  }

  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new StagecraftError('file-unreadable', `${path} is not a regular file.`, {
        file: path,
      });
    }
    if (stats.size > MAX_BLUEPRINT_BYTES) {
      throw tooLarge(path, stats.size);
    }

    // Read at most one byte past the limit, so a file that grew after the check still fails.
    const buffer = new Uint8Array(Math.min(stats.size, MAX_BLUEPRINT_BYTES) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) {
        break;
      }
      length += bytesRead;
      if (length === buffer.length) {
        if (length > MAX_BLUEPRINT_BYTES) {
          throw tooLarge(path, length);
        }
        break;
      }
    }

    return buffer.subarray(0, length);
  } catch (error) {
    if (error instanceof StagecraftError) {
      throw error;
    }
    throw new StagecraftError('file-unreadable', `${path} could not be read: ${messageOf(error)}`, {
      file: path,
    });
  } finally {
    await handle.close();
  }
}

function decodeText(path: string, bytes: Uint8Array): string {
  const binary = (): StagecraftError =>
    new StagecraftError(
      'file-binary',
      `${path} is binary, not a YAML blueprint: it is not UTF-8 text. Check that you chose the right file.`,
      { file: path },
    );

  if (bytes.includes(0)) {
    throw binary();
  }

  try {
    // The decoder drops a leading byte order mark.
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw binary();
  }
}

function tooLarge(path: string, size: number): StagecraftError {
  return new StagecraftError(
    'file-too-large',
    `${path} is ${formatBytes(size)}, more than the ${formatBytes(MAX_BLUEPRINT_BYTES)} a blueprint file may have. Split the blueprint into several files.`,
    { file: path, size, limit: MAX_BLUEPRINT_BYTES },
  );
}

function openError(path: string, error: unknown): StagecraftError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new StagecraftError('file-not-found', `${path} does not exist. Check the path.`, {
      file: path,
    });
  }

  return new StagecraftError(
    'file-unreadable',
    `${path} could not be opened: ${messageOf(error)}`,
    {
      file: path,
    },
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) {
    return `${(bytes / (1024 * 1024)).toFixed(1)} MiB (${bytes} bytes)`;
  }
  return `${bytes} bytes`;
}
