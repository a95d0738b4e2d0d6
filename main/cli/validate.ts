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

/**
 * Formats a read error like a problem, `file:line:column: error CODE: text`, with the path
 * relative to the working folder and printed once. Read errors start with the absolute path,
 * followed by the position for YAML errors.
 */
function formatReadError(error: ErrorPayload, file: string, cwd: string): string {
  const shown = relative(cwd, file);
  const located = error.message.startsWith(file)
    ? /^:(\d+:\d+): /.exec(error.message.slice(file.length))
    : null;
  if (located === null) {
    return error.message.startsWith(file)
      ? `error ${error.code}: ${shown}${error.message.slice(file.length)}`
      : `${shown}: error ${error.code}: ${error.message}`;
  }

  const text = error.message.slice(file.length + located[0].length);
  return `${shown}:${located[1]}: error ${error.code}: ${text}`;
}

/** Describes what was checked: "in 2 files", or "in the project" for --project. */
function scopeText(reports: FileReport[], project: boolean): string {
  if (project) {
    return 'in the project';
  }

  const count = reports.length;
  return `in ${count} ${count === 1 ? 'file' : 'files'}`;
}

/** Builds the summary line. A file that could not be read counts as one error. */
function summaryText(reports: FileReport[], project: boolean): string {
  const { errors, warnings, unreadable } = summarize(reports);
  const total = errors + unreadable;
  const parts = [
    `${total} error${total === 1 ? '' : 's'}`,
    `${warnings} warning${warnings === 1 ? '' : 's'} ${scopeText(reports, project)}`,
  ];
  const notRead =
    unreadable === 0
      ? ''
      : ` (${unreadable === 1 ? '1 file' : `${unreadable} files`} could not be read)`;

  return `${parts.join(', ')}${notRead}.`;
}

function printReports(reports: FileReport[], project: boolean, io: CommandIo): void {
  for (const report of reports) {
    if (report.error !== undefined) {
      io.stdout(formatReadError(report.error, report.file, io.cwd) + '\n');
    }
    for (const problem of report.problems) {
      const file = problem.file === undefined ? undefined : relative(io.cwd, problem.file);
      io.stdout(formatProblem({ ...problem, file }) + '\n');
    }
  }

  io.stdout(summaryText(reports, project) + '\n');
}

/**
 * Builds the top-level `error` of a failed `--json` run: the first read error when a file could not be
 * read, else `blueprint-invalid` with the summary.
 */
function failurePayload(reports: FileReport[], project: boolean): ErrorPayload {
  const unreadable = reports.filter((report) => report.error !== undefined);
  const first = unreadable[0]?.error;
  if (first !== undefined) {
    const others = unreadable.length - 1;
    const message =
      others === 0 ? first.message : `${first.message} (and ${others} more unreadable)`;
    return { code: first.code, message, data: { ...first.data, unreadable: unreadable.length } };
  }

  return {
    code: 'blueprint-invalid',
    message: `validation failed: ${summaryText(reports, project)}`,
    data: { errors: summarize(reports).errors },
  };
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
    const project = stringOption(args, 'project') !== undefined;

    if (project) {
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
      const failure = exit === 0 ? {} : { error: failurePayload(reports, project) };
      printJson(io, { ok: exit === 0, ...failure, ...summary, files: reports });
    } else {
      printReports(reports, project, io);
    }
    return exit;
  },
};
