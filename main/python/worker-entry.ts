/** How the pool starts a worker thread, compiled or from the TypeScript sources. */

import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Returns how to start a worker: the compiled `worker.js`, or under tsx and vitest the
 * `worker.ts` source through tsx's loader, since Node cannot run TypeScript in a worker itself.
 * Pyodide's own modules are imported before the loader is registered: tsx would otherwise
 * transform its multi-megabyte JavaScript on every start (about 1 s).
 */
export function workerEntry(): { entry: string | URL; eval: boolean } {
  const source = import.meta.url;
  if (!source.endsWith('.ts')) {
    return { entry: new URL('./worker.js', source), eval: false };
  }

  const require = createRequire(source);
  const fileUrl = (packageName: string, ...path: string[]) =>
    pathToFileURL(join(dirname(require.resolve(`${packageName}/package.json`)), ...path)).href;
  const preload = [fileUrl('pyodide', 'pyodide.mjs'), fileUrl('pyodide', 'pyodide.asm.mjs')];
  const loader = fileUrl('tsx', 'dist', 'esm', 'api', 'index.mjs');
  const worker = new URL('./worker.ts', source).href;
  const code =
    `Promise.all(${JSON.stringify(preload)}.map((url) => import(url)))` +
    `.then(() => import(${JSON.stringify(loader)}))` +
    `.then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`;
  return { entry: code, eval: true };
}
