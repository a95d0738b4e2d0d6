// Picks what to run for a command: the compiled build in dist/ when it is newer than every
// TypeScript source it was built from, and the sources through tsx otherwise. So a checkout that
// was built once never runs stale code after an edit.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE_FOLDERS = ['main', 'shared'];

function newestSourceTime() {
  let newest = 0;
  const visit = (folder) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        visit(path);
      } else if (entry.name.endsWith('.ts') || entry.name.endsWith('.py')) {
        newest = Math.max(newest, statSync(path).mtimeMs);
      }
    }
  };
  for (const folder of SOURCE_FOLDERS) {
    visit(join(root, folder));
  }

  return newest;
}

/**
 * Runs `main/<entry>.ts`, compiled or from source. `entry` is a path below main/ without the
 * extension, e.g. `cli/bin`.
 */
export async function launch(entry) {
  const compiled = join(root, 'dist', 'main', `${entry}.js`);
  if (existsSync(compiled)) {
    if (statSync(compiled).mtimeMs >= newestSourceTime()) {
      await import(pathToFileURL(compiled).href);
      return;
    }
    process.stderr.write(
      `stagecraft: dist/ is older than the sources, so the sources run; run \`npm run build\` ` +
        'to use the faster compiled build again.\n',
    );
  }

  const { register } = await import('tsx/esm/api');
  register();
  await import(pathToFileURL(join(root, 'main', `${entry}.ts`)).href);
}
