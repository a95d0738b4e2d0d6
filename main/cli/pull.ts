/** `stagecraft pull --server S --flow SLUG... --project P`: bring flows from a server. */
import { rmSync } from 'node:fs';
import { relative } from 'node:path';

import { formatProblem } from '../../shared/blueprint/problems.js';
import { StagecraftError } from '../../shared/errors.js';
import type { AuthentikApi } from '../server/api.js';
import { pullFlows } from '../server/pull.js';
import type { Command, CommandArgs, CommandIo } from './command.js';
import { listOption, printJson } from './command.js';
import { openOrCreateProject, projectPath } from './project.js';
import { CONNECTION_HELP, CONNECTION_OPTIONS, SERVER_EXIT_HELP, withServer } from './server.js';

async function listServer(api: AuthentikApi, args: CommandArgs, io: CommandIo): Promise<number> {
  const flows = await api.listFlows();
  const instances = await api.listInstances();

  if (args.json) {
    printJson(io, { ok: true, server: api.server, flows, instances });
    return 0;
  }

  io.stdout(`Flows on ${api.server}:\n`);
  for (const flow of flows) {
    io.stdout(`  ${flow.slug}  ${flow.designation}  ${flow.name}\n`);
  }
  io.stdout(`Blueprint instances:\n`);
  for (const instance of instances) {
    const source = instance.inline ? 'inline content' : instance.path;
    io.stdout(`  ${instance.name}  ${instance.status}  ${source}\n`);
  }
  return 0;
}

export const pullCommand: Command = {
  name: 'pull',
  summary: "Bring flows from an authentik server into a project, or list the server's flows",
  usage: [
    'Usage: stagecraft pull --server S --flow SLUG... --project P [--json]',
    '       stagecraft pull --server S --list [--json]',
    '',
    "Downloads each flow's export (GET /api/v3/flows/instances/SLUG/export/) with its stages,",
    'prompts, policies and bindings, and imports it into the project P in one step; the project',
    'is created when missing. Primary keys of the server become references: to objects of the',
    'export, or !Find by name for objects outside it (a stage of another flow, a group). When',
    'any download fails, the project is left as it was. --list prints the flows and blueprint',
    'instances of the server instead.',
    '',
    'Options:',
    '  --flow SLUG          pull this flow; repeat for several',
    '  --project P          the .stagecraft project file',
    '  --list               list the flows and blueprint instances, pull nothing',
    ...CONNECTION_HELP,
    '  --json               print the result as JSON',
    '',
    ...SERVER_EXIT_HELP,
  ].join('\n'),
  options: {
    ...CONNECTION_OPTIONS,
    flow: { type: 'string', multiple: true },
    project: { type: 'string' },
    list: { type: 'boolean' },
  },

  async run(args, io) {
    if (args.values.list === true) {
      return withServer(args, io, (api) => listServer(api, args, io));
    }

    const slugs = listOption(args, 'flow');
    const path = projectPath(args, io);
    if (slugs.length === 0) {
      throw new StagecraftError('usage', 'name the flow to pull with --flow SLUG (see --list)');
    }

    const result = await withServer(args, io, async (api) => {
      const { store, created } = openOrCreateProject(path);
      try {
        const onStep = args.json ? undefined : (detail: string) => io.stderr(`${detail}…\n`);
        return { ...(await pullFlows(api, store, slugs, { onStep })), projectCreated: created };
      } catch (error) {
        store.close();
        if (created) {
          rmSync(path, { force: true });
        }
        throw error;
      } finally {
        store.close();
      }
    });

    if (args.json) {
      printJson(io, { ok: true, project: path, ...result });
      return 0;
    }

    for (const flow of result.flows) {
      for (const lookup of flow.lookups) {
        io.stderr(`note: ${lookup.model} ${lookup.field} now reads ${lookup.find}\n`);
      }
      for (const missing of flow.unresolved) {
        io.stderr(
          `warning: ${missing.model} ${missing.field} keeps the primary key ${missing.value} of ` +
            `${result.server}, which no lookup found; replace it with !Find before pushing elsewhere\n`,
        );
      }
      for (const problem of flow.problems) {
        io.stderr(formatProblem(problem) + '\n');
      }
    }

    const entries = result.flows.reduce((sum, flow) => sum + flow.entries, 0);
    io.stdout(
      `Pulled ${slugs.join(', ')} from ${result.server} into ${relative(io.cwd, path)}: ` +
        `${entries} entries, ${result.created} objects created, ${result.updated} updated.\n`,
    );
    return 0;
  },
};
