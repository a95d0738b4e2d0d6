import { beforeEach, describe, expect, it } from 'vitest';

import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import type { CanvasNode } from '../../renderer/canvas/canvas-store.js';
import {
  applyCanvasChanges,
  toCanvasEdges,
  toCanvasNodes,
  useCanvas,
} from '../../renderer/canvas/canvas-store.js';
import { estimateNodeSize } from '../../renderer/canvas/node-size.js';
import type { BindingNodeData, FlowGraph } from '../../renderer/model/flow-graph.js';
import { buildFlowGraph } from '../../renderer/model/flow-graph.js';
import { indexProject } from '../../renderer/model/project-index.js';

// A flow with two stages, a policy bound to the first stage binding and one bound to the flow.
const BLUEPRINT = `version: 1
entries:
  - model: authentik_flows.flow
    id: flow
    identifiers:
      slug: login
    attrs:
      name: Login
      designation: authentication
  - model: authentik_stages_identification.identificationstage
    id: identify
    identifiers:
      name: login-identification
  - model: authentik_stages_password.passwordstage
    id: password
    identifiers:
      name: login-password
  - model: authentik_flows.flowstagebinding
    id: first
    identifiers:
      target: !KeyOf flow
      stage: !KeyOf identify
      order: 10
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !KeyOf flow
      stage: !KeyOf password
      order: 20
    attrs:
      evaluate_on_plan: true
  - model: authentik_policies_expression.expressionpolicy
    id: policy
    identifiers:
      name: login-policy
    attrs:
      expression: return True
  - model: authentik_policies.policybinding
    identifiers:
      target: !KeyOf first
      policy: !KeyOf policy
      order: 0
  - model: authentik_policies.policybinding
    identifiers:
      target: !KeyOf flow
      policy: !KeyOf policy
      order: 0
`;

function loadGraph(): { graph: FlowGraph; view: string } {
  let counter = 0;
  const document = readBlueprint(BLUEPRINT, { file: 'login.yaml' });
  const { objects } = resolveDocument(document, { uid: () => `uid-${(counter += 1)}` });
  const index = indexProject(new Map(objects.map((object) => [object.uid, object])));
  const view = index.flows[0]?.uid;
  if (view === undefined) {
    throw new Error('the test blueprint has no flow');
  }

  return { graph: buildFlowGraph(index, view, undefined), view };
}

function nodeOf(nodes: readonly CanvasNode[], kind: CanvasNode['type']): CanvasNode {
  const node = nodes.find((candidate) => candidate.type === kind);
  if (node === undefined) {
    throw new Error(`no ${kind} node`);
  }

  return node;
}

describe('canvas nodes', () => {
  it('unmeasured nodes get estimated sizes', () => {
    const { graph } = loadGraph();

    const nodes = toCanvasNodes(graph, [], [], '');

    for (const node of nodes) {
      expect(node.measured).toEqual(estimateNodeSize(node.data.node));
      expect(node.handles?.length).toBeGreaterThan(0);
    }
  });

  it('badges make a binding taller', () => {
    const plain: BindingNodeData = {
      kind: 'binding',
      uid: 'binding',
      position: 1,
      order: '10',
      stageUid: 'stage',
      stageTitle: 'login-identification',
      stageType: 'Identification stage',
      evaluateOnPlan: false,
      reEvaluatePolicies: false,
      engineMode: 'any',
      invalidResponseAction: 'retry',
      stageUses: 1,
    };

    const badged = estimateNodeSize({ ...plain, evaluateOnPlan: true });

    expect(badged.height).toBeGreaterThan(estimateNodeSize(plain).height);
    expect(badged.width).toBe(estimateNodeSize(plain).width);
  });

  it('estimated handles cover every edge end', () => {
    const { graph } = loadGraph();
    const nodes = new Map(toCanvasNodes(graph, [], [], '').map((node) => [node.id, node]));

    for (const edge of toCanvasEdges(graph)) {
      const source = nodes.get(edge.source)?.handles ?? [];
      const target = nodes.get(edge.target)?.handles ?? [];

      expect(source).toContainEqual(
        expect.objectContaining({ id: edge.sourceHandle, type: 'source' }),
      );
      expect(target).toContainEqual(
        expect.objectContaining({ id: edge.targetHandle, type: 'target' }),
      );
    }
  });

  it('right handle sits on the right border', () => {
    const { graph } = loadGraph();
    const binding = nodeOf(toCanvasNodes(graph, [], [], ''), 'binding');
    const size = estimateNodeSize(binding.data.node);

    const right = binding.handles?.find((handle) => handle.id === 'policies');

    expect(right).toMatchObject({ x: size.width - 3, y: size.height / 2 - 3, width: 6 });
  });

  it('dimensions change drops estimated handles', () => {
    const { graph } = loadGraph();
    const nodes = toCanvasNodes(graph, [], [], '');
    const flow = nodeOf(nodes, 'flow');

    const next = applyCanvasChanges(
      [{ type: 'dimensions', id: flow.id, dimensions: { width: 260, height: 120 } }],
      nodes,
    );
    const measured = nodeOf(next, 'flow');

    expect(measured.handles).toBeUndefined();
    expect(measured.measured).toEqual({ width: 260, height: 120 });
    expect(nodeOf(next, 'binding').handles).toBeDefined();
  });

  it('measured size survives a rebuild', () => {
    const { graph } = loadGraph();
    const nodes = toCanvasNodes(graph, [], [], '');
    const flow = nodeOf(nodes, 'flow');
    const measured = applyCanvasChanges(
      [{ type: 'dimensions', id: flow.id, dimensions: { width: 260, height: 120 } }],
      nodes,
    );

    // Selecting the flow makes a new node object for it.
    const rebuilt = nodeOf(toCanvasNodes(graph, measured, [flow.id], ''), 'flow');

    expect(rebuilt.selected).toBe(true);
    expect(rebuilt.measured).toEqual({ width: 260, height: 120 });
    expect(rebuilt.handles).toBeUndefined();
  });

  it('unchanged nodes are reused', () => {
    const { graph } = loadGraph();
    const first = toCanvasNodes(graph, [], [], '');

    const second = toCanvasNodes(graph, first, [], '');

    for (const [position, node] of second.entries()) {
      expect(node).toBe(first[position]);
    }
  });
});

describe('canvas drag', () => {
  beforeEach(() => {
    useCanvas.setState({
      view: null,
      nodes: [],
      edges: [],
      source: null,
      dragging: false,
      moving: false,
    });
    useCanvas.getState().dragPositions.clear();
  });

  it('rebuild during a drag keeps the dragged place', () => {
    const { graph, view } = loadGraph();
    const canvas = useCanvas.getState();
    canvas.setGraph(view, graph, [], '');
    const binding = nodeOf(useCanvas.getState().nodes, 'binding');

    canvas.startDrag();
    canvas.trackDrag(new Map([[binding.id, { x: 40, y: 500 }]]));
    // A selection change during the drag builds the nodes again.
    canvas.setGraph(view, graph, [binding.id], '');

    const moved = useCanvas.getState().nodes.find((node) => node.id === binding.id);
    expect(moved?.position).toEqual({ x: 40, y: 500 });
    expect(moved?.selected).toBe(true);
    expect(useCanvas.getState().dragging).toBe(true);
  });

  it('drag notifies nobody until it ends', () => {
    const { graph, view } = loadGraph();
    const canvas = useCanvas.getState();
    canvas.setGraph(view, graph, [], '');
    const binding = nodeOf(useCanvas.getState().nodes, 'binding');
    canvas.startDrag();
    let notified = 0;
    const unsubscribe = useCanvas.subscribe(() => (notified += 1));

    canvas.trackDrag(new Map([[binding.id, { x: 40, y: 500 }]]));
    canvas.trackDrag(new Map([[binding.id, { x: 60, y: 520 }]]));
    expect(notified).toBe(0);

    canvas.endDrag(new Map([[binding.id, { x: 60, y: 520 }]]));
    unsubscribe();
    expect(notified).toBe(1);
  });

  it('drop takes the dropped place', () => {
    const { graph, view } = loadGraph();
    const canvas = useCanvas.getState();
    canvas.setGraph(view, graph, [], '');
    const binding = nodeOf(useCanvas.getState().nodes, 'binding');

    canvas.startDrag();
    canvas.trackDrag(new Map([[binding.id, { x: 40, y: 500 }]]));
    canvas.endDrag(new Map([[binding.id, { x: 60, y: 520 }]]));

    const state = useCanvas.getState();
    expect(state.dragging).toBe(false);
    expect(state.dragPositions.size).toBe(0);
    expect(state.nodes.find((node) => node.id === binding.id)?.position).toEqual({
      x: 60,
      y: 520,
    });
  });

  it('selection change keeps edge objects', () => {
    const { graph, view } = loadGraph();
    const canvas = useCanvas.getState();
    canvas.setGraph(view, graph, [], '');
    const edges = useCanvas.getState().edges;
    const binding = nodeOf(useCanvas.getState().nodes, 'binding');

    canvas.setGraph(view, graph, [binding.id], 'login');

    expect(useCanvas.getState().edges).toBe(edges);
  });

  it('rebuild after a saved drop notifies nobody', () => {
    const { graph, view } = loadGraph();
    const canvas = useCanvas.getState();
    canvas.setGraph(view, graph, [], '');
    const binding = nodeOf(useCanvas.getState().nodes, 'binding');
    canvas.startDrag();
    // The drop lands where the graph already has the node, as after the project saved it.
    canvas.endDrag(new Map([[binding.id, binding.position]]));
    let notified = 0;
    const unsubscribe = useCanvas.subscribe(() => (notified += 1));

    canvas.rebuild();
    unsubscribe();

    expect(notified).toBe(0);
  });

  it('rebuild restores a rejected drop', () => {
    const { graph, view } = loadGraph();
    const canvas = useCanvas.getState();
    canvas.setGraph(view, graph, [], '');
    const binding = nodeOf(useCanvas.getState().nodes, 'binding');
    const stored = binding.position;

    canvas.startDrag();
    canvas.endDrag(new Map([[binding.id, { x: 60, y: 520 }]]));
    // The project kept its positions (a read-only project), so the graph is unchanged.
    canvas.rebuild();

    const restored = useCanvas.getState().nodes.find((node) => node.id === binding.id);
    expect(restored?.position).toEqual(stored);
  });
});
