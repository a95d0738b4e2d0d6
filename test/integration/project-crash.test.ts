import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, expect, it } from 'vitest';

import { ProjectStore } from '../../main/project/index.js';
import { makeTempFolder } from '../support/project-fixtures.js';

const childScript = resolve('test/support/project-child.ts');
const MIN_COMMITTED = 200;

let folder: string;
let removeFolder: () => void;

beforeEach(() => {
  ({ folder, remove: removeFolder } = makeTempFolder());
});

afterEach(() => {
  removeFolder();
});

// Starts the writer, waits until it reported MIN_COMMITTED applies, kills it with SIGKILL and
// returns every number it reported.
async function runAndKillWriter(path: string): Promise<number[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', childScript, 'write-loop', path], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolveExit) => child.on('exit', () => resolveExit()));

  const reported: number[] = [];
  const lines = createInterface({ input: child.stdout });
  for await (const line of lines) {
    reported.push(Number(line));
    if (reported.length === MIN_COMMITTED) {
      child.kill('SIGKILL');
    }
  }
  await exited;

  if (reported.length < MIN_COMMITTED) {
    throw new Error(`writer stopped after ${reported.length} applies: ${stderr}`);
  }

  return reported;
}

it('keeps every reported commit after SIGKILL', async () => {
  const path = join(folder, 'crash.stagecraft');
  ProjectStore.create(path, { name: 'Crash' }).close();

  const reported = await runAndKillWriter(path);
  const store = ProjectStore.open(path);
  const uids = new Set(store.listObjects().map((object) => object.uid));
  const missing = reported.filter((number) => !uids.has(`object-${number}`));

  expect(missing).toEqual([]);

  const last = Math.max(...[...uids].map((uid) => Number(uid.slice('object-'.length))));
  store.undo();
  expect(store.getObject(`object-${last}`)).toBeUndefined();
  expect(store.getObject(`object-${last - 1}`)).toBeDefined();
  store.close();

  const db = new Database(path, { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  db.close();
});
