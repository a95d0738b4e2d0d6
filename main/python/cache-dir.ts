/** The folder where Stagecraft keeps data that it can rebuild, such as Pyodide snapshots. */

import { homedir } from 'node:os';
import { posix, resolve, win32 } from 'node:path';

/**
 * Returns Stagecraft's cache folder: `STAGECRAFT_CACHE_DIR` when set, otherwise the platform's
 * user cache folder (`%LOCALAPPDATA%\Stagecraft\Cache` on Windows,
 * `~/Library/Caches/Stagecraft` on macOS, `$XDG_CACHE_HOME/stagecraft` or
 * `~/.cache/stagecraft` elsewhere). The folder may not exist yet.
 */
export function defaultCacheDir(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  const override = env.STAGECRAFT_CACHE_DIR;
  if (override !== undefined && override !== '') {
    return resolve(override);
  }

  if (platform === 'win32') {
    const localAppData = env.LOCALAPPDATA || win32.join(home, 'AppData', 'Local');
    return win32.join(localAppData, 'Stagecraft', 'Cache');
  }

  if (platform === 'darwin') {
    return posix.join(home, 'Library', 'Caches', 'Stagecraft');
  }

  // The XDG Base Directory specification requires a relative XDG_CACHE_HOME to be ignored.
  const xdgCacheHome = env.XDG_CACHE_HOME;
  const base =
    xdgCacheHome !== undefined && posix.isAbsolute(xdgCacheHome)
      ? xdgCacheHome
      : posix.join(home, '.cache');
  return posix.join(base, 'stagecraft');
}
