/**
 * Serving the built renderer (`renderer-dist/`, made by `vite build`). Only files inside that
 * folder are served; a path that leaves it, or a dot-file, is not found.
 */
import { readFile, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

// Shown when the renderer has not been built, so `npm start` explains itself instead of a 404.
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Stagecraft</title></head>
<body><h1>Stagecraft</h1>
<p>The app's page is not built yet. Run <code>npx vite build</code> in the Stagecraft folder,
then reload this page.</p></body></html>
`;

/** A file to send, or why there is none. */
export type StaticResult =
  { status: 200; body: Buffer; contentType: string; immutable: boolean } | { status: 404 };

/** Maps a URL path to a file inside `root`, or undefined when the path leaves the folder. */
export function resolveStaticPath(root: string, urlPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }

  if (decoded.includes('\0')) {
    return undefined;
  }

  const relative = decoded === '/' || decoded === '' ? 'index.html' : decoded.replace(/^\/+/, '');
  const base = resolve(root);
  const full = resolve(base, normalize(relative));
  if (!full.startsWith(base + sep)) {
    return undefined;
  }

  // Dot-files (.env, .git) are not part of a build, so they are not served even if one lands there.
  if (relative.split(/[\\/]/).some((part) => part.startsWith('.'))) {
    return undefined;
  }

  return full;
}

/** Reads the file for a URL path from `root`. */
export async function readStatic(root: string, urlPath: string): Promise<StaticResult> {
  const path = resolveStaticPath(root, urlPath);
  if (path === undefined) {
    return { status: 404 };
  }

  try {
    const info = await stat(path);
    if (!info.isFile()) {
      return { status: 404 };
    }

    const body = await readFile(path);
    const contentType = CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
    // Vite puts content hashes in the names of files under assets/, so they never change.
    const immutable = path.includes(`${sep}assets${sep}`);
    return { status: 200, body, contentType, immutable };
  } catch {
    if (urlPath === '/' || urlPath === '/index.html') {
      return {
        status: 200,
        body: Buffer.from(NOT_BUILT_PAGE, 'utf8'),
        contentType: CONTENT_TYPES['.html']!,
        immutable: false,
      };
    }
    return { status: 404 };
  }
}

/** Sends a static result with the given extra headers. */
export function sendStatic(
  response: ServerResponse,
  result: StaticResult,
  headers: Record<string, string>,
  headOnly: boolean,
): void {
  if (result.status === 404) {
    response.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' });
    response.end(headOnly ? undefined : 'Not found\n');
    return;
  }

  response.writeHead(200, {
    ...headers,
    'Content-Type': result.contentType,
    'Content-Length': String(result.body.length),
    'Cache-Control': result.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  response.end(headOnly ? undefined : result.body);
}

/** Returns the default folder of the built renderer. */
export function defaultRendererFolder(appRootFolder: string): string {
  return join(appRootFolder, 'renderer-dist');
}
