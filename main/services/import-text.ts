/**
 * Reading blueprint text that the renderer sends (files chosen in a dialog or dropped on the
 * window), with the checks the file reader applies to files on disk.
 */
import { createHash } from 'node:crypto';
import { extname } from 'node:path';

import type { ImportFile } from '../../shared/api/services.js';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { validateDocument } from '../../shared/blueprint/validate.js';
import { StagecraftError } from '../../shared/errors.js';
import type { LoadedBlueprint } from '../blueprints/load.js';
import { isFatalProblem } from '../blueprints/load.js';
import { BLUEPRINT_EXTENSIONS, MAX_BLUEPRINT_BYTES } from '../files/blueprint-file.js';

/**
 * Parses and validates one file's text. Throws `file-extension`, `file-too-large`,
 * `file-binary`, the reader's errors, and `blueprint-invalid` for a problem that leaves nothing
 * to import (an unsupported version, no entries).
 */
export function loadBlueprintText(file: ImportFile, authentikVersion: string): LoadedBlueprint {
  const extension = extname(file.name).toLowerCase();
  if (!(BLUEPRINT_EXTENSIONS as readonly string[]).includes(extension)) {
    throw new StagecraftError(
      'file-extension',
      `${file.name} is not a blueprint file name: expected one of ` +
        `${BLUEPRINT_EXTENSIONS.join(', ')}. Rename the file if it is a blueprint.`,
      { file: file.name },
    );
  }

  const bytes = Buffer.byteLength(file.text, 'utf8');
  if (bytes > MAX_BLUEPRINT_BYTES) {
    throw new StagecraftError(
      'file-too-large',
      `${file.name} is ${bytes} bytes, more than the ${MAX_BLUEPRINT_BYTES} a blueprint file ` +
        'may have. Split the blueprint into several files.',
      { file: file.name, size: bytes, limit: MAX_BLUEPRINT_BYTES },
    );
  }

  if (file.text.includes('\0')) {
    throw new StagecraftError(
      'file-binary',
      `${file.name} is binary, not a YAML blueprint: it contains NUL characters. Check that you ` +
        'chose the right file.',
      { file: file.name },
    );
  }

  const document = readBlueprint(file.text, { file: file.name });
  const problems = validateDocument(document, { authentikVersion });
  const fatal = problems.find(isFatalProblem);
  if (fatal !== undefined) {
    const where = fatal.line === undefined ? '' : `:${fatal.line}:${fatal.column ?? 1}`;
    throw new StagecraftError(
      'blueprint-invalid',
      `${file.name}${where}: ${fatal.message.replace(/\.$/, '')}; nothing was imported.`,
      { file: file.name, problems },
    );
  }

  const sha256 = createHash('sha256').update(file.text, 'utf8').digest('hex');
  return { path: file.name, sha256, document, problems };
}
