/** `stagecraft export --project P [--flow SLUG ...] [--out FILE]`: write a blueprint. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, extname, relative, resolve } from 'node:path';

import { formatProblem } from '../../shared/blueprint/problems.js';
import { StagecraftError } from '../../shared/errors.js';
import { exportObjects, selectFlowObjects } from '../blueprints/export.js';
import { checkOutputFolder, writeFailedError } from '../files/write-error.js';
import type { Command } from './command.js';
import { listOption, printJson, stringOption } from './command.js';
import { openProject, projectPath } from './project.js';

/** Writes a file through a temporary name and a rename, so that no half-written file is left. */
function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, text, { encoding: 'utf8', flag: 'wx' });
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw writeFailedError(path, error, 'blueprint');
  }
}

function checkOutputName(path: string): void {
  const extension = extname(path).toLowerCase();
  if (extension === '.yaml') {
    return;
  }

  const suggestion = `${basename(path, extname(path))}.yaml`;
  throw new StagecraftError(
    'usage',
    `--out ${basename(path)}: blueprints are written as .yaml (authentik discovers only *.yaml files); use --out ${suggestion}`,
    { path },
  );
}

export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a project, or some of its flows, as one blueprint YAML file',
  usage: [
    'Usage: stagecraft export --project P [--flow SLUG ...] [--out FILE] [--name NAME] [--json]',
    '',
    'Writes the project (or the flows named by --flow, with their stages, policies and',
    'bindings) as an authentik blueprint. The output is validated before it is written.',
    'Secrets are never written: they become !Env [NAME] tags, and the variables are listed.',
    '',
    'Options:',
    '  --project P      the .stagecraft project file',
    '  --flow SLUG      export this flow; repeat for several (default: the whole project)',
    '  --out FILE       write to FILE (.yaml) instead of standard output',
    '  --name NAME      metadata name of the blueprint (default: the project name)',
    '  --allow-errors   write even when the exported blueprint has validation errors',
    '  --json           print the result as JSON',
  ].join('\n'),
  options: {
    project: { type: 'string' },
    flow: { type: 'string', multiple: true },
    out: { type: 'string' },
    name: { type: 'string' },
    'allow-errors': { type: 'boolean' },
  },

  // The signature is async because every command's is.
  // eslint-disable-next-line @typescript-eslint/require-await
  async run(args, io) {
    const path = projectPath(args, io);
    const outValue = stringOption(args, 'out');
    const out = outValue === undefined ? undefined : resolve(io.cwd, outValue);
    if (out !== undefined) {
      checkOutputName(out);
      checkOutputFolder(out, 'blueprint');
    }

    const store = openProject(path, { readOnly: true });
    let result;
    try {
      const objects = store.listObjects();
      const slugs = listOption(args, 'flow');
      const selected = slugs.length > 0 ? selectFlowObjects(objects, slugs) : objects;
      const name = stringOption(args, 'name') ?? store.info().name;
      result = exportObjects(selected, objects, {
        name,
        file: out === undefined ? '<stdout>' : relative(io.cwd, out),
        allowErrors: args.values['allow-errors'] === true,
      });
    } finally {
      store.close();
    }

    if (out !== undefined) {
      writeAtomically(out, result.text);
    }

    if (args.json) {
      const { text, ...rest } = result;
      printJson(io, {
        ok: true,
        out: out ?? null,
        ...rest,
        ...(out === undefined ? { text } : {}),
      });
      return 0;
    }

    if (out === undefined) {
      io.stdout(result.text);
    }
    for (const problem of result.problems) {
      io.stderr(formatProblem(problem) + '\n');
    }
    if (result.env.length > 0) {
      io.stderr('The blueprint reads these environment variables on the server:\n');
      for (const variable of result.env) {
        io.stderr(
          `  ${variable.name}  (${variable.model} ${variable.object}: ${variable.field})\n`,
        );
      }
    }
    if (out !== undefined) {
      const entries = result.objectCount === 1 ? '1 entry' : `${result.objectCount} entries`;
      io.stdout(`Wrote ${relative(io.cwd, out)}: ${entries}.\n`);
    }
    return 0;
  },
};
