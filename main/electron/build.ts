/**
 * Compiles the desktop app for a local Electron run: the Node side (main/, shared/) to `dist/`
 * with tsc, and the preload script to CommonJS. Electron runs a sandboxed preload script as a
 * classic script, which cannot use ES module syntax, so the preload is compiled on its own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

import type TypeScript from 'typescript';

import { StagecraftError } from '../../shared/errors.js';
import { createLogger } from '../log.js';
import { appRoot } from '../services/app-root.js';

const log = createLogger('electron.build');

/** The compiled preload script, next to the compiled main script. */
export const PRELOAD_FILE = 'preload.cjs';

/** Compiles the preload script to CommonJS text. */
export function compilePreload(source: string): string {
  const require = createRequire(import.meta.url);
  const typescript = require('typescript') as typeof TypeScript;

  return typescript.transpileModule(source, {
    compilerOptions: {
      module: typescript.ModuleKind.CommonJS,
      target: typescript.ScriptTarget.ES2022,
    },
  }).outputText;
}

/** Builds the desktop app into `dist/` and returns the path of its main script. */
export function buildElectronMain(): string {
  const root = appRoot();
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');

  const result = spawnSync(
    process.execPath,
    [tsc, '-p', join(root, 'main/electron/tsconfig.json')],
    {
      stdio: 'inherit',
    },
  );
  const main = join(root, 'dist/main/electron/main.js');
  if (!existsSync(main)) {
    throw new StagecraftError(
      'internal',
      `Compiling the desktop app did not produce ${main} (tsc exit code ${result.status}). ` +
        'Fix the errors above, or start web mode with --web.',
    );
  }
  if (result.status !== 0) {
    log.warn('tsc reported errors; starting with the files it emitted', { status: result.status });
  }

  const folder = join(root, 'dist/main/electron');
  mkdirSync(folder, { recursive: true });
  const preload = readFileSync(join(root, 'main/electron/preload.ts'), 'utf8');
  writeFileSync(join(folder, PRELOAD_FILE), compilePreload(preload));

  return main;
}
