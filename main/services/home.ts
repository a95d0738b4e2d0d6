/**
 * The app data folder: recent projects, the sample project, last exports and encrypted secrets.
 * `STAGECRAFT_HOME` overrides the OS default, which tests and portable installs use.
 */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';

import { StagecraftError } from '../../shared/errors.js';

/** What the data folder depends on; the real process values unless a test passes others. */
export interface HomeEnvironment {
  env: Record<string, string | undefined>;
  platform: string;
  homeDirectory: string;
}

function currentEnvironment(): HomeEnvironment {
  return { env: process.env, platform: process.platform, homeDirectory: homedir() };
}

/**
 * Returns the app data folder: `$STAGECRAFT_HOME` when set, otherwise the OS convention:
 * `%APPDATA%\Stagecraft` on Windows, `~/Library/Application Support/Stagecraft` on macOS and
 * `$XDG_CONFIG_HOME/stagecraft` (default `~/.config/stagecraft`) elsewhere.
 */
export function resolveDataFolder(environment: HomeEnvironment = currentEnvironment()): string {
  const { env, platform, homeDirectory } = environment;

  const override = env.STAGECRAFT_HOME;
  if (override !== undefined && override !== '') {
    return resolve(override);
  }

  if (platform === 'win32') {
    const appData = env.APPDATA;
    const base =
      appData !== undefined && appData !== '' ? appData : join(homeDirectory, 'AppData', 'Roaming');
    return join(base, 'Stagecraft');
  }

  if (platform === 'darwin') {
    return join(homeDirectory, 'Library', 'Application Support', 'Stagecraft');
  }

  // The XDG Base Directory Specification requires ignoring a relative XDG_CONFIG_HOME.
  const xdg = env.XDG_CONFIG_HOME;
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(homeDirectory, '.config');
  return join(base, 'stagecraft');
}

/** The files and folders inside the app data folder. */
export class AppHome {
  constructor(readonly folder: string) {}

  /** Opens the data folder of this process (see {@link resolveDataFolder}). */
  static fromEnvironment(environment?: HomeEnvironment): AppHome {
    return new AppHome(resolveDataFolder(environment));
  }

  /** The list of recently opened projects. */
  get recentFile(): string {
    return join(this.folder, 'recent.json');
  }

  /** The folder holding the copy of the sample project. */
  get sampleFolder(): string {
    return join(this.folder, 'sample');
  }

  /** The folder holding the last export of each selection, one file per project. */
  get exportsFolder(): string {
    return join(this.folder, 'exports');
  }

  /** Secrets, encrypted with the OS key store; never written in plain text. */
  get secretsFile(): string {
    return join(this.folder, 'secrets.json');
  }

  /** Creates `folder` inside the data folder (or the data folder itself) when missing. */
  ensureFolder(folder: string = this.folder): string {
    try {
      mkdirSync(folder, { recursive: true, mode: 0o700 });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new StagecraftError(
        'write-failed',
        `Cannot create the app data folder ${folder}: ${reason}. Set STAGECRAFT_HOME to a ` +
          'writable folder.',
        { path: folder },
      );
    }

    return folder;
  }
}
