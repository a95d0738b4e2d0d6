/**
 * Finds the app's root folder (the one with Stagecraft's package.json) from this module's
 * location. It works from the sources (run with tsx), from the compiled `dist/` tree and from a
 * packaged Electron app, whose archive contains package.json and `assets/` at its root.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { StagecraftError } from '../../shared/errors.js';

interface PackageJson {
  name?: unknown;
  version?: unknown;
}

let cached: { folder: string; version: string } | undefined;

function readPackage(file: string): PackageJson | undefined {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as PackageJson;
  } catch {
    return undefined;
  }
}

function locate(): { folder: string; version: string } {
  let folder = dirname(fileURLToPath(import.meta.url));

  for (;;) {
    const manifest = join(folder, 'package.json');
    if (existsSync(manifest)) {
      const content = readPackage(manifest);
      if (content?.name === 'stagecraft') {
        return { folder, version: typeof content.version === 'string' ? content.version : '0.0.0' };
      }
    }

    const parent = dirname(folder);
    if (parent === folder) {
      throw new StagecraftError(
        'internal',
        `Cannot find Stagecraft's package.json above ${fileURLToPath(import.meta.url)}; the ` +
          'installation is incomplete. Reinstall Stagecraft.',
      );
    }
    folder = parent;
  }
}

/** Returns the app's root folder. */
export function appRoot(): string {
  cached ??= locate();
  return cached.folder;
}

/** Returns the app's version from package.json. */
export function appVersion(): string {
  cached ??= locate();
  return cached.version;
}

/** Returns the path of a file under `assets/`. */
export function assetPath(...parts: string[]): string {
  return join(appRoot(), 'assets', ...parts);
}
