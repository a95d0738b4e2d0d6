/**
 * Finding an installed Electron binary without importing `electron`: its npm package writes the
 * binary's relative path to `path.txt` once the binary is downloaded. Where the download failed
 * (as on machines without network access) the package is there but the binary is not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The switch `npm start` gives the Electron main process with the project file to open. */
export const PROJECT_SWITCH = '--stagecraft-project';

/**
 * Returns the project file after {@link PROJECT_SWITCH} in the main process's arguments, or
 * undefined when it is absent.
 */
export function projectFromArguments(argv: readonly string[]): string | undefined {
  const index = argv.indexOf(PROJECT_SWITCH);
  const value = index === -1 ? undefined : argv[index + 1];

  return value === undefined || value === '' ? undefined : value;
}

/** Returns the path of the Electron binary, or undefined when none is installed. */
export function findElectronBinary(env: NodeJS.ProcessEnv = process.env): string | undefined {
  let packageFolder: string;
  try {
    packageFolder = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }

  const pathFile = join(packageFolder, 'path.txt');
  if (!existsSync(pathFile)) {
    return undefined;
  }

  const relative = readFileSync(pathFile, 'utf8').trim();
  if (relative === '') {
    return undefined;
  }

  // The package honours this variable too, for binaries kept outside node_modules.
  const override = env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary =
    override !== undefined && override !== ''
      ? join(override, relative)
      : join(packageFolder, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}
