/**
 * The nodes and edges handed to React Flow for the open flow. A drag does not go through this
 * store on every pointer move: the canvas moves the nodes in React Flow's own store and records
 * the positions here in `dragPositions`, which notifies no one. This store takes the positions
 * once, when the drag ends, and the project store then saves them.
 */
import type { Edge, Node, NodeChange } from '@xyflow/react';
import { applyNodeChanges } from '@xyflow/react';
import { create } from 'zustand';

import type { Point } from '../../shared/model/changes.js';
import type { FlowGraph, NodeData } from '../model/flow-graph.js';
import { searchText } from '../model/flow-graph.js';
import { modelTitle } from '../model/names.js';
import { estimateHandles, estimateNodeSize } from './node-size.js';
import type { Rect } from './placement.js';

/** The data React Flow passes to a node component. */
export type CanvasNodeData = {
  node: NodeData;
  /** True when the search matches this node; false when a search runs and it does not. */
  match: boolean | null;
};

/** A React Flow node of the canvas. */
export type CanvasNode = Node<CanvasNodeData, NodeData['kind']>;

/** The visible part of the drawn canvas and a way to pan it. */
export interface CanvasViewport {
  /** Returns the visible part of the canvas in canvas units, less a margin at the edges. */
  visibleRect(): Rect;
  /** Returns the parts of the view that the zoom controls and the minimap cover. */
  coveredRects(): Rect[];
  /** Pans the view without zooming, the least distance that makes `rect` visible. */
  reveal(rect: Rect): void;
}

/** The inputs of the latest `setGraph` call. */
interface GraphSource {
  graph: FlowGraph;
  selection: readonly string[];
  search: string;
}

interface CanvasState {
  view: string | null;
  /** True while the pointer drags nodes. */
  dragging: boolean;
  /** True while the view pans or zooms. */
  moving: boolean;
  nodes: CanvasNode[];
  edges: Edge[];
  /** The drawn position of each node according to the project, ignoring a drag in progress. */
  displayed: ReadonlyMap<string, Point>;
  /**
   * Positions of the nodes being dragged, by uid. The map changes in place on every pointer move
   * without notifying subscribers, and nodes built during the drag take their position from it.
   */
  dragPositions: Map<string, Point>;
  source: GraphSource | null;
  /** The viewport of the drawn canvas, or null while no canvas is drawn. */
  viewport: CanvasViewport | null;
  setViewport(viewport: CanvasViewport | null): void;
  setGraph(view: string, graph: FlowGraph, selection: readonly string[], search: string): void;
  applyChanges(changes: NodeChange<CanvasNode>[]): void;
  setMoving(moving: boolean): void;
  startDrag(): void;
  /** Records the positions of a drag in progress. React Flow's own store draws them. */
  trackDrag(positions: ReadonlyMap<string, Point>): void;
  /** Ends a drag: the nodes take the positions where they were dropped. */
  endDrag(dropped: ReadonlyMap<string, Point>): void;
  /**
   * Builds the nodes again from the latest graph. After a drop that the project did not take
   * (a read-only project, a rejected change), this moves the nodes back to their stored places.
   */
  rebuild(): void;
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

/** Tells whether React Flow has measured the node in the page, rather than it being estimated. */
function measuredInPage(node: CanvasNode | undefined): node is CanvasNode & {
  measured: NonNullable<CanvasNode['measured']>;
} {
  return node?.measured !== undefined && node.handles === undefined;
}

/**
 * Builds React Flow nodes from a graph, reusing the previous node object when nothing about it
 * changed, so React Flow's memoized node components skip it. A node that React Flow has not
 * measured yet gets an estimated size and handles (see node-size.ts). `positions` overrides the
 * graph's position of the nodes being dragged.
 */
export function toCanvasNodes(
  graph: FlowGraph,
  previous: readonly CanvasNode[],
  selection: readonly string[],
  search: string,
  positions: ReadonlyMap<string, Point> = new Map(),
): CanvasNode[] {
  const byId = new Map(previous.map((node) => [node.id, node]));
  const selected = new Set(selection);
  const query = search.trim().toLowerCase();

  return graph.nodes.map((graphNode) => {
    const data: CanvasNodeData = {
      node: graphNode.data,
      match: query === '' ? null : searchText(graphNode.data).includes(query),
    };
    const position = positions.get(graphNode.id) ?? graphNode.position;
    const isSelected = selected.has(graphNode.id);
    const old = byId.get(graphNode.id);

    if (
      old !== undefined &&
      old.position.x === position.x &&
      old.position.y === position.y &&
      old.selected === isSelected &&
      sameData(old.data, data)
    ) {
      return old;
    }

    const node: CanvasNode = {
      id: graphNode.id,
      type: graphNode.data.kind,
      position,
      data,
      selected: isSelected,
      ariaLabel: ariaLabel(graphNode.data),
      // The flow node anchors the canvas; deleting the flow goes through its own button.
      deletable: false,
    };

    // A measured node keeps its size, and React Flow measures it again if its content resized.
    if (measuredInPage(old)) {
      node.measured = old.measured;
      return node;
    }

    const size = estimateNodeSize(graphNode.data);
    node.measured = size;
    node.handles = estimateHandles(graphNode.data.kind, size);
    return node;
  });
}

/**
 * Applies React Flow's node changes. A `dimensions` change means React Flow measured the node in
 * the page, so its estimated handles are dropped and React Flow keeps the handles it measured.
 */
export function applyCanvasChanges(
  changes: NodeChange<CanvasNode>[],
  nodes: CanvasNode[],
): CanvasNode[] {
  const measured = new Set<string>();
  for (const change of changes) {
    if (change.type === 'dimensions') {
      measured.add(change.id);
    }
  }

  const next = applyNodeChanges(changes, nodes);
  if (measured.size === 0) {
    return next;
  }

  return next.map((node) => {
    if (!measured.has(node.id) || node.handles === undefined) {
      return node;
    }

    const { handles: _estimated, ...rest } = node;
    return rest;
  });
}

function placeNodes(nodes: CanvasNode[], positions: ReadonlyMap<string, Point>): CanvasNode[] {
  if (positions.size === 0) {
    return nodes;
  }

  return nodes.map((node) => {
    const position = positions.get(node.id);
    if (
      position === undefined ||
      (position.x === node.position.x && position.y === node.position.y)
    ) {
      return node;
    }

    return { ...node, position };
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
  moving: false,
  nodes: [],
  edges: [],
  displayed: new Map(),
  dragPositions: new Map(),
  source: null,
  viewport: null,
  setViewport(viewport) {
    set({ viewport });
  },
  setGraph(view, graph, selection, search) {
    const { dragPositions, source } = get();
    const sameView = get().view === view;
    const previous = sameView ? get().nodes : [];
    // A selection or search change keeps the graph, and new edge objects would make React Flow
    // draw every visible edge again.
    const edges = sameView && source?.graph === graph ? get().edges : toCanvasEdges(graph);
    set({
      view,
      nodes: toCanvasNodes(graph, previous, selection, search, dragPositions),
      edges,
      displayed: new Map(graph.nodes.map((node) => [node.id, node.position])),
      source: { graph, selection, search },
    });
  },
  applyChanges(changes) {
    const { nodes, dragPositions } = get();
    set({ nodes: placeNodes(applyCanvasChanges(changes, nodes), dragPositions) });
  },
  setMoving(moving) {
    if (moving !== get().moving) {
      set({ moving });
    }
  },
  startDrag() {
    get().dragPositions.clear();
    set({ dragging: true });
  },
  trackDrag(positions) {
    const { dragPositions } = get();
    for (const [uid, point] of positions) {
      dragPositions.set(uid, point);
    }
  },
  endDrag(dropped) {
    get().dragPositions.clear();
    set({ dragging: false, nodes: placeNodes(get().nodes, dropped) });
  },
  rebuild() {
    const { nodes, source, dragPositions } = get();
    if (source === null) {
      return;
    }

    const { graph, selection, search } = source;
    const next = toCanvasNodes(graph, nodes, selection, search, dragPositions);
    // After a drop the project saved, every node is reused and React Flow need not hear of it.
    if (next.length !== nodes.length || next.some((node, position) => node !== nodes[position])) {
      set({ nodes: next });
    }
  },
}));
