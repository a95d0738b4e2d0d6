/**
 * Exporting project objects as one blueprint file: pick the objects of the chosen flows, write
 * them with the blueprint writer, read the text back and validate it before it is used.
 */
import type { Problem } from '../../shared/blueprint/problems.js';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { validateDocument } from '../../shared/blueprint/validate.js';
import type { EnvVariable } from '../../shared/blueprint/writer.js';
import { writeBlueprint } from '../../shared/blueprint/writer.js';
import { StagecraftError } from '../../shared/errors.js';
import type { ModelObject } from '../../shared/model/object.js';
import { objectRefs, refField, textField } from './references.js';

const FLOW_MODEL = 'authentik_flows.flow';
const STAGE_BINDING_MODEL = 'authentik_flows.flowstagebinding';
const POLICY_BINDING_MODEL = 'authentik_policies.policybinding';

/** The result of an export: the YAML text, the variables it needs and its validation problems. */
export interface ExportResult {
  text: string;
  env: EnvVariable[];
  problems: Problem[];
  objectCount: number;
}

/** Objects that belong to a flow's design and travel with it: stages, policies, prompts, mappings. */
function travelsWithFlow(model: string): boolean {
  const [app = '', name = ''] = model.toLowerCase().split('.');

  return (
    app.startsWith('authentik_stages_') ||
    app.startsWith('authentik_policies_') ||
    name.endsWith('stage') ||
    name.endsWith('propertymapping')
  );
}

/** Returns the flow with that slug, or throws `flow-not-found` listing the slugs there are. */
export function findFlow(objects: ModelObject[], slug: string): ModelObject {
  const flows = objects.filter((object) => object.model === FLOW_MODEL);
  const flow = flows.find((object) => textField(object, 'slug') === slug);
  if (flow === undefined) {
    const known = flows.map((object) => textField(object, 'slug')).sort();
    const list = known.length > 0 ? known.join(', ') : 'none';
    throw new StagecraftError(
      'flow-not-found',
      `no flow with slug "${slug}"; the project has: ${list}`,
      {
        slug,
        known,
      },
    );
  }

  return flow;
}

/**
 * Selects the objects to export for the given flows: each flow, its stage bindings, the policy
 * bindings on the flow and on its stage bindings, and the stages, policies, prompts and mappings
 * they use. Everything else they reference is written as a `!Find`.
 */
export function selectFlowObjects(objects: ModelObject[], slugs: string[]): ModelObject[] {
  const byUid = new Map(objects.map((object) => [object.uid, object]));
  const selected = new Set(slugs.map((slug) => findFlow(objects, slug).uid));

  let grew = true;
  while (grew) {
    grew = false;
    for (const object of objects) {
      if (selected.has(object.uid)) {
        continue;
      }

      const isBindingOfSelected =
        (object.model === STAGE_BINDING_MODEL || object.model === POLICY_BINDING_MODEL) &&
        selected.has(refField(object, 'target') ?? '');
      if (isBindingOfSelected) {
        selected.add(object.uid);
        grew = true;
      }
    }

    for (const uid of [...selected]) {
      const object = byUid.get(uid);
      if (object === undefined) {
        continue;
      }

      for (const target of objectRefs(object)) {
        const referenced = byUid.get(target);
        if (
          referenced !== undefined &&
          !selected.has(target) &&
          travelsWithFlow(referenced.model)
        ) {
          selected.add(target);
          grew = true;
        }
      }
    }
  }

  return objects.filter((object) => selected.has(object.uid));
}

/**
 * Writes objects as a blueprint and validates the result. Validation errors raise
 * `blueprint-invalid` unless `allowErrors` is set; the problems are returned either way.
 */
export function exportObjects(
  selected: ModelObject[],
  all: ModelObject[],
  options: { name: string; file?: string; allowErrors?: boolean },
): ExportResult {
  const byUid = new Map(all.map((object) => [object.uid, object]));
  const written = writeBlueprint(selected, {
    name: options.name,
    lookup: (uid) => byUid.get(uid),
  });

  const document = readBlueprint(written.text, { file: options.file ?? 'export.yaml' });
  const problems = validateDocument(document);
  const errors = problems.filter((problem) => problem.severity === 'error');
  if (errors.length > 0 && options.allowErrors !== true) {
    const first = errors[0]?.message ?? '';
    throw new StagecraftError(
      'blueprint-invalid',
      `the exported blueprint would not import: ${first} (${errors.length} error(s)); fix the project or pass --allow-errors`,
      { problems },
    );
  }

  return { text: written.text, env: written.env, problems, objectCount: selected.length };
}
