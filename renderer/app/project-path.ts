/**
 * Paths typed into the project dialog of web mode. The backend accepts absolute paths only, so a
 * relative path is joined to the folder the app was started in, with the backend's separator.
 */

/** The file extension of project files, as the backend requires it for new projects. */
export const PROJECT_EXTENSION = '.stagecraft';

/** Returns true for `/…`, and on Windows for `C:\…`, `C:/…` and `\\server\…` paths. */
export function isAbsolutePath(path: string, platform: string): boolean {
  if (platform === 'win32') {
    return /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');
  }

  return path.startsWith('/');
}

/**
 * Turns the typed text into the absolute path the backend opens. For a new project, a file name
 * without any extension gets `.stagecraft`, so `discord` creates `discord.stagecraft`. Returns
 * null for empty input.
 */
export function resolveProjectPath(
  input: string,
  options: { startFolder: string; platform: string; create: boolean },
): string | null {
  let path = input.trim();
  if (path === '') {
    return null;
  }

  const separator = options.platform === 'win32' ? '\\' : '/';
  const fileName = path.split(/[\\/]/).pop() ?? '';
  if (options.create && fileName !== '' && !fileName.includes('.')) {
    path += PROJECT_EXTENSION;
  }

  if (isAbsolutePath(path, options.platform)) {
    return path;
  }

  const folder = options.startFolder.replace(/[\\/]+$/, '');
  return `${folder}${separator}${path}`;
}
