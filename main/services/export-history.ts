/**
 * The last export of each selection of each project, kept so that an export preview can show
 * what changed since then.
 *
 * They live in the app data folder, one JSON file per project, not in the project file. An
 * export is a fact about this machine's output (which file was written, when), not part of the
 * design: keeping it out of the project file leaves the project's schema and undo history alone,
 * and a project shared with a colleague does not carry someone else's export state. The cost:
 * after a project file is moved or renamed, its first preview has no diff.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';

import type { ExportSelection } from '../../shared/api/services.js';
import { isRecord, readJsonFile, writeJsonFile } from './json-file.js';

/** One remembered export. */
export interface LastExport {
  text: string;
  /** The file written, or null when the text went to a download. */
  path: string | null;
  exportedAt: string;
}

interface ExportsFile {
  version: 1;
  project: string;
  exports: Record<string, LastExport>;
}

/**
 * Returns the key of a selection: the sorted flows and uids. The blueprint name is left out, so
 * renaming an export still diffs against the previous one.
 */
export function selectionKey(selection: ExportSelection): string {
  const flows = [...new Set(selection.flows ?? [])].sort();
  const uids = [...new Set(selection.uids ?? [])].sort();

  return JSON.stringify({ flows, uids });
}

function parseLastExport(value: unknown): LastExport | undefined {
  if (
    !isRecord(value) ||
    typeof value.text !== 'string' ||
    (value.path !== null && typeof value.path !== 'string') ||
    typeof value.exportedAt !== 'string'
  ) {
    return undefined;
  }

  return { text: value.text, path: value.path, exportedAt: value.exportedAt };
}

function parseExportsFile(data: unknown): ExportsFile | undefined {
  if (!isRecord(data) || data.version !== 1 || typeof data.project !== 'string') {
    return undefined;
  }
  if (!isRecord(data.exports)) {
    return undefined;
  }

  const exports: Record<string, LastExport> = {};
  for (const [key, value] of Object.entries(data.exports)) {
    const parsed = parseLastExport(value);
    if (parsed !== undefined) {
      exports[key] = parsed;
    }
  }
  return { version: 1, project: data.project, exports };
}

/** Reads and writes the last exports in the `exports/` folder of the app data folder. */
export class ExportHistory {
  constructor(private readonly folder: string) {}

  /** Returns the last export of `selection` from the project at `projectPath`, if any. */
  get(projectPath: string, selection: ExportSelection): LastExport | undefined {
    const file = this.read(projectPath);

    return Object.hasOwn(file.exports, selectionKey(selection))
      ? file.exports[selectionKey(selection)]
      : undefined;
  }

  /** Remembers `entry` as the last export of `selection`. */
  put(projectPath: string, selection: ExportSelection, entry: LastExport): void {
    const file = this.read(projectPath);
    file.exports[selectionKey(selection)] = entry;

    writeJsonFile(this.fileOf(projectPath), file);
  }

  private read(projectPath: string): ExportsFile {
    const empty: ExportsFile = { version: 1, project: projectPath, exports: {} };
    const file = readJsonFile(this.fileOf(projectPath), parseExportsFile, empty);

    // The file name is a truncated hash, which could in theory collide, so the file names its
    // project and a file of another project counts as no history.
    return file.project === projectPath ? file : empty;
  }

  private fileOf(projectPath: string): string {
    const digest = createHash('sha256').update(projectPath).digest('hex').slice(0, 32);
    return join(this.folder, `${digest}.json`);
  }
}
