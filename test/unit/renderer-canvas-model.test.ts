import { existsSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import type { Change, Point } from '../../shared/model/changes.js';
import { applyChangesToObjects } from '../../shared/model/changes.js';
import type { ModelObject } from '../../shared/model/object.js';
import { copyNodes, duplicateNodes, pasteItems } from '../../renderer/model/clipboard.js';
import type { EditContext } from '../../renderer/model/edits.js';
import {
  bindStage,
  bindSubject,
  deleteNodes,
  newObject,
  reorderBindings,
  setField,
  shiftBinding,
} from '../../renderer/model/edits.js';
import { buildFlowGraph, layoutFlow } from '../../renderer/model/flow-graph.js';
import { modelTitle } from '../../renderer/model/names.js';
import { moveItem, nextOrder, renumber } from '../../renderer/model/order.js';
import type { ProjectIndex } from '../../renderer/model/project-index.js';
import { fieldValue, indexProject, orderOf } from '../../renderer/model/project-index.js';
import { ref } from '../../shared/model/values.js';

const BLUEPRINT =
  '../shared/corpus/authentik/blueprints/default/flow-default-authentication-flow.yaml';

function loadObjects(): Map<string, ModelObject> {
  if (!existsSync(BLUEPRINT)) {
    throw new Error(`${BLUEPRINT} is missing: the tests read authentik's blueprints from there`);
  }

  let counter = 0;
  const document = readBlueprint(readFileSync(BLUEPRINT, 'utf8'), { file: BLUEPRINT });
  const { objects } = resolveDocument(document, { uid: () => `uid-${(counter += 1)}` });

  return new Map(objects.map((object) => [object.uid, object]));
}

function flowUid(index: ProjectIndex): string {
  return index.flows[0]!.uid;
}

function contextFor(
  objects: Map<string, ModelObject>,
  positions = new Map<string, Map<string, Point>>(),
): EditContext {
  const index = indexProject(objects);
  const view = flowUid(index);
  const graph = buildFlowGraph(index, view, positions.get(view));
  let counter = 0;

  return {
    index,
    positions,
    displayed: new Map(graph.nodes.map((node) => [node.id, node.position])),
    newUid: () => `new-${(counter += 1)}`,
  };
}

function stageNames(context: EditContext, objects: Map<string, ModelObject>): string[] {
  const index = indexProject(objects);
  return (index.stageBindings.get(flowUid(context.index)) ?? []).map((binding) => {
    const stage = fieldValue(binding, 'stage') as { $ref: string };
    return objects.get(stage.$ref)?.identifiers.name as string;
  });
}

describe('order numbers', () => {
  it('renumber keeps gaps', () => {
    expect(renumber([100, 10, 20])).toEqual([10, 20, 100]);
  });

  it('renumber spreads equal orders', () => {
    expect(renumber([0, 0, 0])).toEqual([0, 1, 2]);
  });

  it('nextOrder rounds up to the step', () => {
    expect(nextOrder([10, 20, 100])).toBe(110);
    expect(nextOrder([15])).toBe(20);
    expect(nextOrder([])).toBe(10);
    expect(nextOrder([], 0)).toBe(0);
  });

  it('moveItem moves one item', () => {
    expect(moveItem(['a', 'b', 'c'], 2, 0)).toEqual(['c', 'a', 'b']);
  });
});

describe('flow graph', () => {
  it('draws bindings in order with their policy', () => {
    const objects = loadObjects();
    const index = indexProject(objects);
    const graph = buildFlowGraph(index, flowUid(index), undefined);
    const kinds = graph.nodes.map((node) => node.data.kind);

    expect(kinds.filter((kind) => kind === 'binding')).toHaveLength(4);
    expect(kinds.filter((kind) => kind === 'policy')).toHaveLength(1);
    expect(graph.edges.filter((edge) => edge.kind === 'sequence')).toHaveLength(4);
    const orders = graph.nodes.flatMap((node) =>
      node.data.kind === 'binding' ? [node.data.order] : [],
    );
    expect(orders).toEqual(['10', '20', '30', '100']);
  });

  it('policy node shows failure result', () => {
    const objects = loadObjects();
    const index = indexProject(objects);
    const policy = buildFlowGraph(index, flowUid(index), undefined).nodes.find(
      (node) => node.data.kind === 'policy',
    );

    expect(policy?.data.kind).toBe('policy');
    expect(policy?.data.kind === 'policy' ? policy.data.failureResult : undefined).toBe(true);
  });

  it('stored positions win over the layout', () => {
    const objects = loadObjects();
    const index = indexProject(objects);
    const view = flowUid(index);
    const graph = buildFlowGraph(index, view, new Map([[view, { x: 500, y: 600 }]]));

    expect(graph.nodes[0]?.position).toEqual({ x: 500, y: 600 });
    expect(graph.nodes[0]?.placed).toBe(true);
    expect(layoutFlow(index, view, new Map([[view, { x: 500, y: 600 }]])).get(view)).toEqual({
      x: 0,
      y: 0,
    });
  });

  it('model titles are readable', () => {
    expect(modelTitle('authentik_stages_password.passwordstage')).toBe('Password stage');
    expect(modelTitle('authentik_stages_new_thing.newthingstage')).toBe('New thing stage');
  });
});

describe('canvas edits', () => {
  it('reorder hands out the old orders', () => {
    const objects = loadObjects();
    const context = contextFor(objects);
    const view = flowUid(context.index);
    const sequence = (context.index.stageBindings.get(view) ?? []).map((binding) => binding.uid);
    const changes = reorderBindings(context, view, moveItem(sequence, 3, 0));
    const after = applyChangesToObjects(objects, changes);

    expect(stageNames(context, after)).toEqual([
      'default-authentication-login',
      'default-authentication-identification',
      'default-authentication-password',
      'default-authentication-mfa-validation',
    ]);
    const orders = (indexProject(after).stageBindings.get(view) ?? []).map(orderOf);
    expect(orders).toEqual([10, 20, 30, 100]);
  });

  it('shiftBinding moves one place', () => {
    const objects = loadObjects();
    const context = contextFor(objects);
    const login = context.index.stageBindings.get(flowUid(context.index))!.at(-1)!;
    const after = applyChangesToObjects(objects, shiftBinding(context, login.uid, -1));

    expect(stageNames(context, after).at(-2)).toBe('default-authentication-login');
  });

  it('bindStage appends with the next order', () => {
    const objects = loadObjects();
    const context = contextFor(objects);
    const view = flowUid(context.index);
    const stage = newObject(context.index, 'authentik_stages_deny.denystage', 'deny');
    const bound = bindStage(context, view, ref(stage.uid));
    const after = applyChangesToObjects(objects, [
      { kind: 'object.create', object: stage },
      ...bound.changes,
    ]);
    const last = indexProject(after).stageBindings.get(view)!.at(-1)!;

    expect(orderOf(last)).toBe(110);
    expect(stage.identifiers.name).toBe('deny-stage');
  });

  it('deleting a binding keeps its stage loose', () => {
    const objects = loadObjects();
    const context = contextFor(objects);
    const view = flowUid(context.index);
    const password = context.index.stageBindings.get(view)![1]!;
    const changes = deleteNodes(context, view, [password.uid]);
    const deleted = changes.filter((change) => change.kind === 'object.delete');
    const placed = changes.filter(
      (change): change is Extract<Change, { kind: 'position.set' }> =>
        change.kind === 'position.set' && change.after !== null,
    );

    // The binding and the policy binding on it; the stage and the policy stay as loose nodes.
    expect(deleted).toHaveLength(2);
    expect(placed.map((change) => change.uid)).toContain(
      (fieldValue(password, 'stage') as { $ref: string }).$ref,
    );
    expect(placed).toHaveLength(2);
    expect(() => applyChangesToObjects(objects, changes)).not.toThrow();
  });

  it('pasting into another flow shares the stage', () => {
    const objects = loadObjects();
    const context = contextFor(objects);
    const view = flowUid(context.index);
    const other = newObject(context.index, 'authentik_flows.flow', 'other-flow');
    const withOther = applyChangesToObjects(objects, [{ kind: 'object.create', object: other }]);
    const copied = copyNodes(context, [context.index.stageBindings.get(view)![0]!.uid]);
    const pasteContext = contextFor(withOther);
    const pasted = pasteItems(pasteContext, other.uid, copied);
    const after = indexProject(applyChangesToObjects(withOther, pasted.changes));
    const binding = after.stageBindings.get(other.uid)![0]!;
    const stage = fieldValue(binding, 'stage') as { $ref: string };

    expect(after.uses.get(stage.$ref)).toBe(2);
    expect(orderOf(binding)).toBe(10);
  });

  it('duplicate copies the stage under a new name', () => {
    const objects = loadObjects();
    const context = contextFor(objects);
    const view = flowUid(context.index);
    const first = context.index.stageBindings.get(view)![0]!;
    const duplicated = duplicateNodes(context, view, [first.uid]);
    const after = applyChangesToObjects(objects, duplicated.changes);

    expect(stageNames(context, after).at(-1)).toBe('default-authentication-identification-copy');
  });

  it('bindSubject binds a policy to a binding', () => {
    const objects = loadObjects();
    const context = contextFor(objects);
    const target = context.index.stageBindings.get(flowUid(context.index))![0]!;
    const policy = newObject(
      context.index,
      'authentik_policies_expression.expressionpolicy',
      'policy',
    );
    const bound = bindSubject(
      context,
      flowUid(context.index),
      target.uid,
      policy.model,
      ref(policy.uid),
    );
    const after = indexProject(
      applyChangesToObjects(objects, [{ kind: 'object.create', object: policy }, ...bound.changes]),
    );

    expect(after.policyBindings.get(target.uid)).toHaveLength(1);
    expect(orderOf(after.policyBindings.get(target.uid)![0]!)).toBe(0);
  });

  it('setField skips unchanged values', () => {
    const objects = loadObjects();
    const flow = indexProject(objects).flows[0]!;

    expect(setField(flow, 'designation', 'authentication')).toBeUndefined();
    expect(setField(flow, 'designation', 'enrollment')?.section).toBe('attrs');
    expect(setField(flow, 'slug', 'x')?.section).toBe('identifiers');
  });
});
