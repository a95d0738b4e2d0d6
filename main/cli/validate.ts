/** `stagecraft validate FILE... | --project P`: check blueprints against authentik's rules. */
import { relative, resolve } from 'node:path';

import type { Problem } from '../../shared/blueprint/problems.js';
import { formatProblem } from '../../shared/blueprint/problems.js';
import { validateObjects } from '../../shared/blueprint/validate.js';
import { ERROR_CODES, isStagecraftError, StagecraftError } from '../../shared/errors.js';
import type { ErrorPayload } from '../../shared/errors.js';
import { loadBlueprint } from '../blueprints/load.js';
import type { Command, CommandIo } from './command.js';
import { printJson, stringOption } from './command.js';
import { openProject, projectPath } from './project.js';

interface FileReport {
  file: string;
  problems: Problem[];
  error?: ErrorPayload;
}

function summarize(reports: FileReport[]): {
  errors: number;
  warnings: number;
  unreadable: number;
} {
  const problems = reports.flatMap((report) => report.problems);

  return {
    errors: problems.filter((problem) => problem.severity === 'error').length,
    warnings: problems.filter((problem) => problem.severity === 'warning').length,
    unreadable: reports.filter((report) => report.error !== undefined).length,
  };
}

function printReports(reports: FileReport[], io: CommandIo): void {
  for (const report of reports) {
    if (report.error !== undefined) {
      io.stdout(
        `${relative(io.cwd, report.file)}: error ${report.error.code}: ${report.error.message}\n`,
      );
    }
    for (const problem of report.problems) {
      const file = problem.file === undefined ? undefined : relative(io.cwd, problem.file);
      io.stdout(formatProblem({ ...problem, file }) + '\n');
    }
  }

  const { errors, warnings, unreadable } = summarize(reports);
  const parts = [
    `${errors} error${errors === 1 ? '' : 's'}`,
    `${warnings} warning${warnings === 1 ? '' : 's'}`,
  ];
  if (unreadable > 0) {
    parts.push(`${unreadable} unreadable file${unreadable === 1 ? '' : 's'}`);
  }
  const count = reports.length;
  io.stdout(`${parts.join(', ')} in ${count} ${count === 1 ? 'file' : 'files'}.\n`);
}

async function validateFiles(files: string[]): Promise<FileReport[]> {
  const reports: FileReport[] = [];

  for (const file of files) {
    try {
      const loaded = await loadBlueprint(file);
      reports.push({ file, problems: loaded.problems });
    } catch (error) {
      if (!isStagecraftError(error)) {
        throw error;
      }
      reports.push({ file, problems: [], error: error.toPayload() });
    }
  }

  return reports;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: "Validate blueprint files or a project against authentik's rules",
  usage: [
    'Usage: stagecraft validate FILE... [--json]',
    '       stagecraft validate --project P [--json]',
    '',
    "Checks blueprints against authentik's blueprint schema and the importer's rules: models,",
    'fields, choices, !KeyOf order, identifiers, tags. Prints file:line:column for each problem.',
    'Exits 0 when there are no errors (warnings allowed), 5 on errors, 4 on unreadable files.',
    '',
    'Options:',
    '  --project P   validate the objects of a project instead of files',
    '  --json        print the problems as JSON',
  ].join('\n'),
  options: { project: { type: 'string' } },

  async run(args, io) {
    let reports: FileReport[];

    if (stringOption(args, 'project') !== undefined) {
      if (args.positionals.length > 0) {
        throw new StagecraftError('usage', 'give either FILE... or --project P, not both');
      }
      const path = projectPath(args, io);
      const store = openProject(path, { readOnly: true });
      try {
        reports = [{ file: path, problems: validateObjects(store.listObjects()) }];
      } finally {
        store.close();
      }
    } else {
      if (args.positionals.length === 0) {
        throw new StagecraftError('usage', 'name at least one blueprint file, or --project P');
      }
      reports = await validateFiles(args.positionals.map((file) => resolve(io.cwd, file)));
    }

    const summary = summarize(reports);
    const exit =
      summary.unreadable > 0
        ? ERROR_CODES['yaml-syntax'].exit
        : summary.errors > 0
          ? ERROR_CODES['blueprint-invalid'].exit
          : 0;

    if (args.json) {
      printJson(io, { ok: exit === 0, ...summary, files: reports });
    } else {
      printReports(reports, io);
    }
    return exit;
  },
};
