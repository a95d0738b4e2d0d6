/** `stagecraft import FILE... --project P`: add blueprint files to a project. */
import { rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';

import { formatProblem } from '../../shared/blueprint/problems.js';
import { StagecraftError } from '../../shared/errors.js';
import { importBlueprints } from '../blueprints/import.js';
import { loadBlueprints } from '../blueprints/load.js';
import type { Command } from './command.js';
import { printJson } from './command.js';
import { openOrCreateProject, projectPath } from './project.js';

export const importCommand: Command = {
  name: 'import',
  summary: 'Import blueprint files (.yaml, .akflow) into a project',
  usage: [
    'Usage: stagecraft import FILE... --project P [--strict] [--json]',
    '',
    'Reads and validates every FILE, then adds its objects to the project P in one step.',
    'Objects the project already has (same model and identifiers) are updated, as authentik',
    'updates them. The project file is created when it does not exist.',
    '',
    'Options:',
    '  --project P   the .stagecraft project file',
    '  --strict      refuse files with any validation error (default: only unreadable files,',
    '                a version other than 1 or missing entries are refused)',
    '  --json        print the result as JSON',
  ].join('\n'),
  options: { project: { type: 'string' }, strict: { type: 'boolean' } },

  async run(args, io) {
    const path = projectPath(args, io);
    if (args.positionals.length === 0) {
      throw new StagecraftError('usage', 'name at least one blueprint file to import');
    }

    const files = args.positionals.map((file) => resolve(io.cwd, file));
    const loaded = await loadBlueprints(files, {
      rejectFatal: true,
      rejectErrors: args.values.strict === true,
    });

    const { store, created } = openOrCreateProject(path);
    let report;
    try {
      report = importBlueprints(store, loaded);
    } catch (error) {
      store.close();
      if (created) {
        rmSync(path, { force: true });
      }
      throw error;
    }
    store.close();

    const problems = loaded.flatMap((file) => file.problems);
    if (args.json) {
      printJson(io, { ok: true, project: path, projectCreated: created, ...report, problems });
      return 0;
    }

    for (const problem of problems) {
      io.stderr(formatProblem({ ...problem, file: relative(io.cwd, problem.file ?? '') }) + '\n');
    }
    for (const secret of report.droppedSecrets) {
      io.stderr(
        `warning: ${secret.model} ${secret.field} in ${relative(io.cwd, secret.file)} was not stored; ` +
          `exports read it from the environment variable ${secret.variable}\n`,
      );
    }

    const fileCount = report.files.length;
    const action = created ? 'Created' : 'Updated';
    io.stdout(
      `${action} ${relative(io.cwd, path)}: imported ${fileCount} file${fileCount === 1 ? '' : 's'}, ` +
        `${report.created} object${report.created === 1 ? '' : 's'} created, ${report.updated} updated.\n`,
    );
    return 0;
  },
};
