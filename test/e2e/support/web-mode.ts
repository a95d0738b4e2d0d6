/**
 * Starts Stagecraft's web mode as a child process (`main/start.ts --web`) with its own app data
 * folder, and stops it again. The child prints the page address with its token on stdout.
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running web-mode server. */
export interface WebMode {
  /** The page address including `#token=…`. */
  url: string;
  /** The app data folder of this server (recent list, sample project, exports). */
  home: string;
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 30_000;

/** Fails with a plain message when the renderer has not been built. */
export function requireRendererBuild(): void {
  if (!existsSync(join('renderer-dist', 'index.html'))) {
    throw new Error('renderer-dist/index.html is missing: run `npm run build:renderer` first.');
  }
}

function waitForUrl(child: ChildProcess, output: () => string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`web mode printed no address within ${START_TIMEOUT_MS} ms:\n${output()}`));
    }, START_TIMEOUT_MS);

    child.stdout?.on('data', () => {
      const match = /http:\/\/127\.0\.0\.1:\d+\/#token=\S+/.exec(output());
      if (match !== null) {
        clearTimeout(timer);
        resolve(match[0]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`web mode exited with code ${code} before it listened:\n${output()}`));
    });
  });
}

/**
 * Starts web mode; `home` reuses an app data folder (e.g. to start a second time). Each server
 * gets its own temporary cache folder (`STAGECRAFT_CACHE_DIR`), so no spec writes into the
 * user's cache. `stop()` removes it, and the home folder too unless it was given. `env` adds
 * environment variables of the server process, and `args` command-line options of `npm start`.
 */
export async function startWebMode(
  options: { home?: string; env?: Record<string, string>; args?: string[] } = {},
): Promise<WebMode> {
  requireRendererBuild();
  const home = options.home ?? (await mkdtemp(join(tmpdir(), 'stagecraft-e2e-')));
  const cache = await mkdtemp(join(tmpdir(), 'stagecraft-e2e-cache-'));
  let text = '';

  const removeFolders = async (): Promise<void> => {
    await rm(cache, { recursive: true, force: true });
    if (options.home === undefined) {
      await rm(home, { recursive: true, force: true });
    }
  };

  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'main/start.ts',
      '--web',
      '--no-open',
      '--port',
      '0',
      ...(options.args ?? []),
    ],
    {
      env: {
        ...process.env,
        ...options.env,
        STAGECRAFT_HOME: home,
        STAGECRAFT_CACHE_DIR: cache,
        STAGECRAFT_LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const stopChild = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
  };

  let url: string;
  try {
    url = await waitForUrl(child, () => text);
  } catch (error) {
    // A server that did not start must not outlive the spec or leave its folders behind.
    await stopChild();
    await removeFolders();
    throw error;
  }

  return {
    url,
    home,
    async stop() {
      await stopChild();
      await removeFolders();
    },
  };
}
