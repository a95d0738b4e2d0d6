/** `stagecraft diff --server S --project P [--flow SLUG...]`: compare a project with a server. */
import { diffWithServer } from '../server/diff.js';
import { formatDiff, hasChanges } from '../server/format.js';
import { selectBlueprint } from '../server/selection.js';
import type { Command } from './command.js';
import { listOption, printJson } from './command.js';
import { openProject, projectPath } from './project.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, SERVER_EXIT_HELP, withServer } from './server.js';

export const diffCommand: Command = {
  name: 'diff',
  summary: 'Compare a project, or some of its flows, with what an authentik server holds',
  usage: [
    'Usage: stagecraft diff --server S --project P [--flow SLUG ...] [--exit-code] [--json]',
    '',
    'Lists what a push of the same selection would do: objects to create, objects to change',
    '(field by field, server value → project value), objects left as they are, and server',
    'objects the project no longer mentions, which authentik keeps. Only the fields the project',
    'sets are compared, because authentik updates only those. The server side is the export of',
    'each selected flow; other objects (sources, property mappings, groups, unbound stages and',
    'policies) are read through their API endpoint and compared the same way. Secrets are never',
    'compared. Nothing is written anywhere.',
    '',
    'Options:',
    '  --project P          the .stagecraft project file',
    '  --flow SLUG          compare this flow with what travels with it; repeat for several',
    '                       (default: the whole project)',
    '  --exit-code          exit with 1 when the push would change something',
    ...CONNECTION_HELP,
    '  --json               print the result as JSON',
    '',
    ...SERVER_EXIT_HELP,
    '  1   (with --exit-code) the push would change something',
  ].join('\n'),
  options: {
    ...CONNECTION_OPTIONS,
    project: { type: 'string' },
    flow: { type: 'string', multiple: true },
    'exit-code': { type: 'boolean' },
  },

  async run(args, io) {
    const path = projectPath(args, io);
    const store = openProject(path, { readOnly: true });
    let chosen;
    try {
      chosen = selectBlueprint(store, { flows: listOption(args, 'flow') });
    } finally {
      store.close();
    }

    const report = await withServer(args, io, (api) => diffWithServer(api, chosen));
    const changed = hasChanges(report);

    if (args.json) {
      printJson(io, { ok: true, changed, ...report });
    } else {
      io.stdout(formatDiff(report).join('\n') + '\n');
    }
    return args.values['exit-code'] === true && changed ? 1 : 0;
  },
};
