/**
 * A child process for project store tests, run as `node --import tsx project-child.ts MODE PATH`.
 *
 * - `write-loop PATH`: opens the project and applies numbered object creations forever, printing
 *   each number after its apply() returned, until the parent kills it.
 * - `open PATH [read-only]`: opens the project and prints one JSON line: `{ok, objects}` or
 *   `{ok: false, code}`.
 */
import { isStagecraftError } from '../../shared/errors.js';
import { ProjectStore } from '../../main/project/index.js';
import { flowObject } from './project-fixtures.js';

const [mode, path, flag] = process.argv.slice(2);

if (path === undefined) {
  throw new Error('usage: project-child.ts write-loop|open PATH [read-only]');
}

if (mode === 'write-loop') {
  const store = ProjectStore.open(path);
  for (let number = 1; ; number++) {
    store.apply([{ kind: 'object.create', object: flowObject(`object-${number}`) }]);
    process.stdout.write(`${number}\n`);
  }
}

if (mode === 'open') {
  try {
    const store = ProjectStore.open(path, { readOnly: flag === 'read-only' });
    const objects = store.listObjects().length;
    store.close();
    process.stdout.write(`${JSON.stringify({ ok: true, objects })}\n`);
  } catch (error) {
    const code = isStagecraftError(error) ? error.code : String(error);
    process.stdout.write(`${JSON.stringify({ ok: false, code })}\n`);
  }
}
