import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import type { Point } from '../../shared/model/changes.js';
import { applyChangesToObjects, invertChanges } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import { ref } from '../../shared/model/values.js';
import { buildFlowDuplicate, copyFlowName, copySlug } from '../../renderer/model/duplicate-flow.js';
import type { EditContext } from '../../renderer/model/edits.js';
import { buildFlowGraph } from '../../renderer/model/flow-graph.js';
import type { ProjectIndex } from '../../renderer/model/project-index.js';
import {
  POLICY_BINDING_MODEL,
  STAGE_BINDING_MODEL,
  fieldValue,
  indexProject,
  referencedUid,
} from '../../renderer/model/project-index.js';

const BLUEPRINT =
  '../shared/corpus/authentik/blueprints/default/flow-default-authentication-flow.yaml';

/** Loads authentik's default authentication flow and binds one more policy to the flow itself. */
function loadObjects(): Map<string, ModelObject> {
  if (!existsSync(BLUEPRINT)) {
    throw new Error(`${BLUEPRINT} is missing: the tests read authentik's blueprints from there`);
  }

  let counter = 0;
  const document = readBlueprint(readFileSync(BLUEPRINT, 'utf8'), { file: BLUEPRINT });
  const { objects } = resolveDocument(document, { uid: () => `uid-${(counter += 1)}` });
  const map = new Map(objects.map((object) => [object.uid, object]));
  const flow = objects.find((object) => object.model === 'authentik_flows.flow')!;
  const policy = objects.find((object) => object.model.startsWith('authentik_policies_'))!;
  map.set('flow-binding', {
    uid: 'flow-binding',
    model: POLICY_BINDING_MODEL,
    state: 'present',
    conditions: [],
    identifiers: { target: ref(flow.uid), policy: ref(policy.uid) },
    attrs: { order: 0, negate: true },
    permissions: [],
  });

  return map;
}

function contextFor(
  objects: ReadonlyMap<string, ModelObject>,
  positions = new Map<string, Map<string, Point>>(),
): EditContext {
  let counter = 0;

  return {
    index: indexProject(objects),
    positions,
    displayed: new Map(),
    newUid: () => `copy-${(counter += 1)}`,
  };
}

function flowOf(index: ProjectIndex, slug: string): ModelObject {
  return index.flows.find((flow) => fieldValue(flow, 'slug') === slug)!;
}

function stagesOf(index: ProjectIndex, flowUid: string): (string | undefined)[] {
  return (index.stageBindings.get(flowUid) ?? []).map((binding) => referencedUid(binding, 'stage'));
}

describe('flow duplicate', () => {
  it('slug gets a copy suffix', () => {
    const index = indexProject(loadObjects());

    expect(copySlug(index, 'default-authentication-flow')).toBe('default-authentication-flow-copy');
  });

  it('second copy is numbered', () => {
    const objects = loadObjects();
    const first = buildFlowDuplicate(
      contextFor(objects),
      flowOf(indexProject(objects), 'default-authentication-flow').uid,
    )!;
    const after = applyChangesToObjects(objects, first.changes);
    const index = indexProject(after);

    expect(copySlug(index, 'default-authentication-flow')).toBe(
      'default-authentication-flow-copy-2',
    );
    expect(copySlug(index, 'default-authentication-flow-copy')).toBe(
      'default-authentication-flow-copy-2',
    );
  });

  it('name gets a copy suffix', () => {
    const index = indexProject(loadObjects());

    expect(copyFlowName(index, 'Welcome')).toBe('Welcome (copy)');
    expect(copyFlowName(index, 'Welcome (copy 4)')).toBe('Welcome (copy)');
  });

  it('copy binds the same stages in order', () => {
    const objects = loadObjects();
    const original = flowOf(indexProject(objects), 'default-authentication-flow');
    const duplicate = buildFlowDuplicate(contextFor(objects), original.uid)!;
    const index = indexProject(applyChangesToObjects(objects, duplicate.changes));
    const copy = index.objects.get(duplicate.flowUid)!;

    expect(fieldValue(copy, 'slug')).toBe('default-authentication-flow-copy');
    expect(fieldValue(copy, 'name')).toBe(`${fieldValue(original, 'name') as string} (copy)`);
    expect(stagesOf(index, copy.uid)).toEqual(stagesOf(index, original.uid));
    expect(stagesOf(index, copy.uid)).toHaveLength(4);
    const orders = (index.stageBindings.get(copy.uid) ?? []).map((binding) =>
      fieldValue(binding, 'order'),
    );
    expect(orders).toEqual([10, 20, 30, 100]);
  });

  it('copy shares stages and policies', () => {
    const objects = loadObjects();
    const original = flowOf(indexProject(objects), 'default-authentication-flow');
    const duplicate = buildFlowDuplicate(contextFor(objects), original.uid)!;
    const created = duplicate.changes.flatMap((change) =>
      change.kind === 'object.create' ? [change.object.model] : [],
    );

    // The flow, four stage bindings, the flow's policy binding and the stage binding's one.
    expect(created.filter((model) => model === 'authentik_flows.flow')).toHaveLength(1);
    expect(created.filter((model) => model === STAGE_BINDING_MODEL)).toHaveLength(4);
    expect(created.filter((model) => model === POLICY_BINDING_MODEL)).toHaveLength(2);
    expect(created).toHaveLength(7);
  });

  it('policy bindings follow their copies', () => {
    const objects = loadObjects();
    const original = flowOf(indexProject(objects), 'default-authentication-flow');
    const duplicate = buildFlowDuplicate(contextFor(objects), original.uid)!;
    const index = indexProject(applyChangesToObjects(objects, duplicate.changes));

    const flowPolicies = index.policyBindings.get(duplicate.flowUid) ?? [];
    expect(flowPolicies).toHaveLength(1);
    expect(fieldValue(flowPolicies[0]!, 'negate')).toBe(true);
    expect(referencedUid(flowPolicies[0]!, 'policy')).toBe(
      referencedUid(objects.get('flow-binding')!, 'policy'),
    );

    const copiedBindings = index.stageBindings.get(duplicate.flowUid) ?? [];
    const withPolicy = copiedBindings.filter(
      (binding) => (index.policyBindings.get(binding.uid) ?? []).length > 0,
    );
    expect(withPolicy).toHaveLength(1);
    const policyBinding = index.policyBindings.get(withPolicy[0]!.uid)![0]!;
    expect(fieldValue(policyBinding, 'failure_result')).toBe(true);
    // The original binding keeps its own policy binding.
    const originalBindings = index.stageBindings.get(original.uid) ?? [];
    const originalPolicies = originalBindings.flatMap(
      (binding) => index.policyBindings.get(binding.uid) ?? [],
    );
    expect(originalPolicies).toHaveLength(1);
    expect(originalPolicies[0]!.uid).not.toBe(policyBinding.uid);
  });

  it('copy has no entry ids', () => {
    const objects = loadObjects();
    const original = flowOf(indexProject(objects), 'default-authentication-flow');
    const duplicate = buildFlowDuplicate(contextFor(objects), original.uid)!;

    for (const change of duplicate.changes) {
      if (change.kind === 'object.create') {
        expect(change.object.id, change.object.uid).toBeUndefined();
      }
    }
  });

  it('positions are copied to the new view', () => {
    const objects = loadObjects();
    const index = indexProject(objects);
    const original = flowOf(index, 'default-authentication-flow');
    const firstBinding = index.stageBindings.get(original.uid)![0]!;
    const looseStage = [...objects.values()].find(
      (object) => object.model === 'authentik_stages_user_login.userloginstage',
    )!;
    const positions = new Map([
      [
        original.uid,
        new Map([
          [original.uid, { x: 5, y: 6 }],
          [firstBinding.uid, { x: 300, y: 400 }],
          [looseStage.uid, { x: 900, y: 10 }],
        ]),
      ],
    ]);
    const duplicate = buildFlowDuplicate(contextFor(objects, positions), original.uid)!;
    const placed = new Map(
      duplicate.changes.flatMap((change) =>
        change.kind === 'position.set' && change.view === duplicate.flowUid
          ? [[change.uid, change.after] as const]
          : [],
      ),
    );
    const after = indexProject(applyChangesToObjects(objects, duplicate.changes));
    const copiedFirst = after.stageBindings.get(duplicate.flowUid)![0]!;

    expect(placed.get(duplicate.flowUid)).toEqual({ x: 5, y: 6 });
    expect(placed.get(copiedFirst.uid)).toEqual({ x: 300, y: 400 });
    expect(placed.get(looseStage.uid)).toEqual({ x: 900, y: 10 });
    expect(placed.size).toBe(3);
  });

  it('copy lays out like the original', () => {
    const objects = loadObjects();
    const original = flowOf(indexProject(objects), 'default-authentication-flow');
    const duplicate = buildFlowDuplicate(contextFor(objects), original.uid)!;
    const index = indexProject(applyChangesToObjects(objects, duplicate.changes));
    const points = (uid: string) =>
      buildFlowGraph(index, uid, undefined).nodes.map((node) => node.position);

    expect(points(duplicate.flowUid)).toEqual(points(original.uid));
  });

  it('inverse changes remove the copy', () => {
    const objects = loadObjects();
    const original = flowOf(indexProject(objects), 'default-authentication-flow');
    const duplicate = buildFlowDuplicate(contextFor(objects), original.uid)!;
    const after = applyChangesToObjects(objects, duplicate.changes);
    const undone = applyChangesToObjects(after, invertChanges(duplicate.changes));

    expect(undone).toEqual(objects);
  });

  it('unknown uid duplicates nothing', () => {
    expect(buildFlowDuplicate(contextFor(loadObjects()), 'missing')).toBeUndefined();
  });
});
