/**
 * The part of a project that a diff or push sends: chosen flows with what travels with them,
 * chosen objects, or the whole project, written as one blueprint by the exporter.
 */
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { StagecraftError } from '../../shared/errors.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { PushPlan } from '../../shared/server/types.js';
import { exportObjects, selectFlowObjects } from '../blueprints/export.js';
import type { ProjectStore } from '../project/index.js';
import type { AuthentikApi } from './api.js';
import { diffWithServer } from './diff.js';
import { findEnvRequirements } from './env.js';
import type { PushBlueprint } from './push.js';

/** Flows by slug and objects by uid; both empty means the whole project. */
export interface ProjectSelection {
  flows?: string[];
  uids?: string[];
}

/** A selection with the blueprint that carries it. */
export interface SelectedBlueprint {
  selected: ModelObject[];
  all: ModelObject[];
  blueprint: PushBlueprint;
}

/** Picks the objects of a selection. Throws `flow-not-found` or `invalid-argument` for unknown names. */
export function selectObjects(objects: ModelObject[], selection: ProjectSelection): ModelObject[] {
  const flows = selection.flows ?? [];
  const uids = selection.uids ?? [];
  if (flows.length === 0 && uids.length === 0) {
    return objects;
  }

  const chosen = new Set(selectFlowObjects(objects, flows).map((object) => object.uid));
  const known = new Set(objects.map((object) => object.uid));
  for (const uid of uids) {
    if (!known.has(uid)) {
      throw new StagecraftError(
        'invalid-argument',
        `The project has no object with uid ${uid}. Refresh the selection.`,
        { field: 'uids', uid },
      );
    }
    chosen.add(uid);
  }

  return objects.filter((object) => chosen.has(object.uid));
}

/** Writes the selection of a project as the blueprint a push sends, with its problems. */
export function selectBlueprint(
  store: ProjectStore,
  selection: ProjectSelection,
): SelectedBlueprint {
  const all = store.listObjects();
  const selected = selectObjects(all, selection);
  const name = store.info().name;
  const exported = exportObjects(selected, all, { name, file: `${name}.yaml`, allowErrors: true });

  return {
    selected,
    all,
    blueprint: { text: exported.text, problems: exported.problems, entries: exported.objectCount },
  };
}

/** Compares a selection with the server and lists what the push needs, without sending it. */
export async function planPush(api: AuthentikApi, chosen: SelectedBlueprint): Promise<PushPlan> {
  const diff = await diffWithServer(api, { selected: chosen.selected, all: chosen.all });
  const env = findEnvRequirements(readBlueprint(chosen.blueprint.text, { file: 'push.yaml' }));

  return {
    server: api.server,
    diff,
    env,
    problems: chosen.blueprint.problems,
    entries: chosen.blueprint.entries,
  };
}
