/** `stagecraft info --project P`: what a project holds. */
import { basename, relative } from 'node:path';

import type { ModelObject } from '../../shared/model/object.js';
import { fieldValue, refField } from '../blueprints/references.js';
import type { Command } from './command.js';
import { printJson } from './command.js';
import { openProject, projectPath } from './project.js';

interface FlowSummary {
  slug: string;
  name: string;
  designation: string;
  stageBindings: number;
  policyBindings: number;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function text(value: unknown): string {
  return typeof value === 'string' ? value : value === undefined ? '' : JSON.stringify(value);
}

function summarizeFlows(objects: ModelObject[]): FlowSummary[] {
  const targets = (object: ModelObject): string | undefined => refField(object, 'target');

  const flows = objects.filter((object) => object.model === 'authentik_flows.flow');
  return flows.map((flow) => {
    const bindings = objects.filter(
      (object) =>
        object.model === 'authentik_flows.flowstagebinding' && targets(object) === flow.uid,
    );
    const boundTargets = new Set([flow.uid, ...bindings.map((binding) => binding.uid)]);
    const policyBindings = objects.filter(
      (object) =>
        object.model === 'authentik_policies.policybinding' &&
        boundTargets.has(targets(object) ?? ''),
    );

    return {
      slug: text(fieldValue(flow, 'slug')),
      name: text(fieldValue(flow, 'name')),
      designation: text(fieldValue(flow, 'designation')),
      stageBindings: bindings.length,
      policyBindings: policyBindings.length,
    };
  });
}

export const infoCommand: Command = {
  name: 'info',
  summary: 'Show what a project holds: flows, objects by model, history',
  usage: [
    'Usage: stagecraft info --project P [--json]',
    '',
    'Prints the project name, the authentik version it targets, its flows with their',
    'designation and bindings, the number of objects of each model, and its edit history.',
  ].join('\n'),
  options: { project: { type: 'string' } },

  // eslint-disable-next-line @typescript-eslint/require-await -- every command's run is async
  async run(args, io) {
    const path = projectPath(args, io);
    const store = openProject(path, { readOnly: true });
    let info, objects, history, imports;
    try {
      info = store.info();
      objects = store.listObjects();
      history = store.history();
      imports = store.imports.list();
    } finally {
      store.close();
    }

    const models = new Map<string, number>();
    for (const object of objects) {
      models.set(object.model, (models.get(object.model) ?? 0) + 1);
    }
    const modelCounts = Object.fromEntries(
      [...models.entries()].sort(([a], [b]) => a.localeCompare(b)),
    );
    const flows = summarizeFlows(objects);

    if (args.json) {
      printJson(io, {
        ok: true,
        project: path,
        ...info,
        flows,
        models: modelCounts,
        history: history.length,
      });
      return 0;
    }

    const lines = [
      `Project     ${info.name} (${relative(io.cwd, path)})`,
      `authentik   ${info.authentikVersion}`,
      `Objects     ${objects.length}`,
      `History     ${history.length} step${history.length === 1 ? '' : 's'}`,
      '',
      `Flows (${flows.length}):`,
      ...flows.map(
        (flow) =>
          `  ${flow.slug.padEnd(40)} ${flow.designation.padEnd(18)} ${plural(flow.stageBindings, 'stage')}, ${plural(flow.policyBindings, 'policy binding')}`,
      ),
      '',
      `Imports (${imports.length}):`,
      ...imports.map(
        (record) =>
          `  ${record.importedAt}  ${basename(record.file)}  ${record.entryCount === 1 ? '1 entry' : `${record.entryCount} entries`}`,
      ),
      '',
      'Objects by model:',
      ...Object.entries(modelCounts).map(([model, count]) => `  ${model.padEnd(60)} ${count}`),
    ];
    io.stdout(lines.join('\n') + '\n');
    return 0;
  },
};
