/**
 * Starts the real desktop app where an Electron binary is installed. Elsewhere (machines without
 * network access cannot download the binary) the whole file is reported as skipped.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { findElectronBinary } from '../../main/electron/binary.js';
import { buildElectronMain } from '../../main/electron/build.js';

const binary = findElectronBinary();
const reason = 'no Electron binary is installed (node_modules/electron has no downloaded binary)';

describe.skipIf(binary === undefined)(
  `real Electron app${binary === undefined ? `: skipped, ${reason}` : ''}`,
  () => {
    it('starts and logs the first window', async () => {
      const home = mkdtempSync(join(tmpdir(), 'stagecraft-electron-real-'));
      try {
        const main = buildElectronMain();
        const child = spawn(binary!, [main], {
          env: { ...process.env, STAGECRAFT_HOME: home, STAGECRAFT_LOG_LEVEL: 'info' },
          stdio: ['ignore', 'ignore', 'pipe'],
        });

        let log = '';
        const started = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => resolve(false), 30_000);
          child.stderr.on('data', (chunk: Buffer) => {
            log += chunk.toString();
            if (log.includes('desktop app started')) {
              clearTimeout(timer);
              resolve(true);
            }
          });
          child.on('exit', () => resolve(false));
        });
        child.kill();

        expect(started, log).toBe(true);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  },
);
