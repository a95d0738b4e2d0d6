/**
 * The fake server's flow export, shaped like authentik's `FlowExporter`
 * (authentik/blueprints/v1/exporter.py). It lists the flow, the prompts of its prompt stages,
 * the policies bound to it or its bindings, its stages, its stage bindings and its policy
 * bindings. Each entry has `pk` among its identifiers, and references are primary keys, not tags.
 */
import { stringify } from 'yaml';

import type { FakeStore, StoredObject } from './fake-authentik-store.js';

const STAGE_BINDING = 'authentik_flows.flowstagebinding';
const POLICY_BINDING = 'authentik_policies.policybinding';
const PROMPT_STAGE = 'authentik_stages_prompt.promptstage';

function entry(object: StoredObject, identifierFields: string[]): Record<string, unknown> {
  const identifiers: Record<string, unknown> = { pk: object.pk };
  const attrs: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(object.fields)) {
    if (identifierFields.includes(field)) {
      identifiers[field] = value;
    } else {
      attrs[field] = value;
    }
  }
  for (const field of identifierFields) {
    identifiers[field] ??= null;
  }

  return {
    model: object.model,
    state: 'present',
    identifiers,
    attrs,
    conditions: [],
    permissions: [],
  };
}

function unique(objects: (StoredObject | undefined)[]): StoredObject[] {
  const seen = new Set<StoredObject>();
  return objects.filter((object): object is StoredObject => {
    if (object === undefined || seen.has(object)) {
      return false;
    }
    seen.add(object);
    return true;
  });
}

/** Writes the export of a flow as YAML. */
export function exportFlow(store: FakeStore, flow: StoredObject): string {
  const bindings = store
    .ofModel(STAGE_BINDING)
    .filter((binding) => binding.fields.target === flow.pk);
  const stages = unique(bindings.map((binding) => store.byPk(binding.fields.stage)));
  const promptStages = stages.filter((stage) => stage.model === PROMPT_STAGE);
  const pbmKeys = new Set<unknown>([flow.pbmUuid, ...bindings.map((binding) => binding.pbmUuid)]);
  const policyBindings = store
    .ofModel(POLICY_BINDING)
    .filter((binding) => pbmKeys.has(binding.fields.target));

  const prompts = unique(
    promptStages.flatMap((stage) =>
      ((stage.fields.fields as unknown[] | undefined) ?? []).map((pk) => store.byPk(pk)),
    ),
  );
  const policies = unique([
    ...policyBindings.map((binding) => store.byPk(binding.fields.policy)),
    ...promptStages.flatMap((stage) =>
      ((stage.fields.validation_policies as unknown[] | undefined) ?? []).map((pk) =>
        store.byPk(pk),
      ),
    ),
  ]);

  const entries = [
    entry(flow, ['slug']),
    ...prompts.map((prompt) => entry(prompt, [])),
    ...policies.map((policy) => entry(policy, [])),
    ...stages.map((stage) => entry(stage, ['name'])),
    ...bindings.map((binding) => entry(binding, ['target', 'stage', 'order'])),
    ...policyBindings.map((binding) => entry(binding, ['policy', 'target', 'order'])),
  ];

  return stringify(
    {
      version: 1,
      metadata: {
        name: `authentik Export - ${new Date().toISOString()}`,
        labels: { 'blueprints.goauthentik.io/generated': 'true' },
      },
      entries,
    },
    // YAML 1.1, as PyYAML writes it, quotes strings such as `on` that would read as booleans.
    { lineWidth: 0, version: '1.1' },
  );
}
