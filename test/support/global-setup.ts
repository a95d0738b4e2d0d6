/**
 * Gives the whole test run its own cache and data folders, so that no test writes the Pyodide
 * snapshot, server profiles or recent projects into the user's folders, and removes them after
 * the run. Child processes inherit the variables.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(join(tmpdir(), 'stagecraft-test-run-'));
  process.env.STAGECRAFT_CACHE_DIR = join(root, 'cache');
  process.env.STAGECRAFT_HOME = join(root, 'home');

  return () => {
    rmSync(root, { recursive: true, force: true });
  };
}
