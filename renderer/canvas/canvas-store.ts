/**
 * The nodes and edges handed to React Flow for the open flow. They live in a store of their own
 * because a drag changes them on every pointer move: only React Flow reads this store, so a drag
 * re-renders the moved node and nothing else. The project store learns the new position once,
 * when the drag ends.
 */
import type { Edge, Node, NodeChange } from '@xyflow/react';
import { applyNodeChanges } from '@xyflow/react';
import { create } from 'zustand';

import type { Point } from '../../shared/model/changes.js';
import type { FlowGraph, NodeData } from '../model/flow-graph.js';
import { searchText } from '../model/flow-graph.js';
import { modelTitle } from '../model/names.js';

/** The data React Flow passes to a node component. */
export type CanvasNodeData = {
  node: NodeData;
  /** True when the search matches this node; false when a search runs and it does not. */
  match: boolean | null;
};

/** A React Flow node of the canvas. */
export type CanvasNode = Node<CanvasNodeData, NodeData['kind']>;

interface CanvasState {
  view: string | null;
  /** True while the pointer drags nodes. */
  dragging: boolean;
  nodes: CanvasNode[];
  edges: Edge[];
  /** The drawn position of each node according to the project, ignoring a drag in progress. */
  displayed: ReadonlyMap<string, Point>;
  setGraph(view: string, graph: FlowGraph, selection: readonly string[], search: string): void;
  applyChanges(changes: NodeChange<CanvasNode>[]): void;
  setDragging(dragging: boolean): void;
}

function ariaLabel(data: NodeData): string {
  switch (data.kind) {
    case 'flow':
      return `Flow ${data.title}`;
    case 'binding':
      return `Stage ${data.position}: ${data.stageTitle} (${data.stageType}), order ${data.order}`;
    case 'policy':
      return `${data.subjectType} ${data.subjectTitle} bound with order ${data.order}`;
    case 'loose':
      return `${modelTitle(data.model)} ${data.title}, not bound in this flow`;
  }
}

function sameData(a: CanvasNodeData, b: CanvasNodeData): boolean {
  if (a.match !== b.match) {
    return false;
  }

  const left = a.node as unknown as Record<string, unknown>;
  const right = b.node as unknown as Record<string, unknown>;
  const keys = Object.keys(left);

  return keys.length === Object.keys(right).length && keys.every((key) => left[key] === right[key]);
}

/**
 * Builds React Flow nodes from a graph, reusing the previous node object when nothing about it
 * changed, so React Flow's memoized node components skip it.
 */
export function toCanvasNodes(
  graph: FlowGraph,
  previous: readonly CanvasNode[],
  selection: readonly string[],
  search: string,
): CanvasNode[] {
  const byId = new Map(previous.map((node) => [node.id, node]));
  const selected = new Set(selection);
  const query = search.trim().toLowerCase();

  return graph.nodes.map((graphNode) => {
    const data: CanvasNodeData = {
      node: graphNode.data,
      match: query === '' ? null : searchText(graphNode.data).includes(query),
    };
    const isSelected = selected.has(graphNode.id);
    const old = byId.get(graphNode.id);

    if (
      old !== undefined &&
      old.position.x === graphNode.position.x &&
      old.position.y === graphNode.position.y &&
      old.selected === isSelected &&
      sameData(old.data, data)
    ) {
      return old;
    }

    return {
      id: graphNode.id,
      type: graphNode.data.kind,
      position: graphNode.position,
      data,
      selected: isSelected,
      ariaLabel: ariaLabel(graphNode.data),
      // The flow node anchors the canvas; deleting the flow goes through its own button.
      deletable: false,
      ...(old?.measured === undefined ? {} : { measured: old.measured }),
    } satisfies CanvasNode;
  });
}

/** Builds React Flow edges from a graph. */
export function toCanvasEdges(graph: FlowGraph): Edge[] {
  return graph.edges.map((edge) => {
    if (edge.kind === 'sequence') {
      return {
        id: edge.id,
        source: edge.source,
        target: edge.target,
        sourceHandle: 'next',
        targetHandle: 'previous',
        className: 'edge-sequence',
        selectable: false,
        deletable: false,
      };
    }

    const toFlow = graph.nodes[0]?.id === edge.target;

    return {
      id: edge.id,
      source: edge.source,
      target: edge.target,
      sourceHandle: toFlow ? 'bind-right' : 'bind-left',
      targetHandle: 'policies',
      className: edge.muted ? 'edge-policy edge-muted' : 'edge-policy',
      selectable: false,
      deletable: false,
    };
  });
}

/** The canvas store. */
export const useCanvas = create<CanvasState>()((set, get) => ({
  view: null,
  dragging: false,
  nodes: [],
  edges: [],
  displayed: new Map(),
  setGraph(view, graph, selection, search) {
    const previous = get().view === view ? get().nodes : [];
    set({
      view,
      nodes: toCanvasNodes(graph, previous, selection, search),
      edges: toCanvasEdges(graph),
      displayed: new Map(graph.nodes.map((node) => [node.id, node.position])),
    });
  },
  applyChanges(changes) {
    set({ nodes: applyNodeChanges(changes, get().nodes) });
  },
  setDragging(dragging) {
    set({ dragging });
  },
}));
