/**
 * The canvas of the open flow: React Flow with the flow's graph, drag and drop from the palette,
 * connecting to bind, dragging to move and reorder, minimap and zoom controls.
 */
import type { Connection, Edge, IsValidConnection, NodeChange, OnNodeDrag } from '@xyflow/react';
import {
  Background,
  ConnectionMode,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
} from '@xyflow/react';
import type { DragEvent } from 'react';
import { useCallback, useEffect, useMemo, useRef } from 'react';

import type { Point } from '../../shared/model/changes.js';
import { buildFlowGraph } from '../model/flow-graph.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { resolveTheme, useUi } from '../state/ui-store.js';
import {
  canConnect,
  connectNodes,
  createAt,
  finishDrag,
  finishKeyboardMove,
  placeAt,
} from './actions.js';
import type { CanvasNode } from './canvas-store.js';
import { useCanvas } from './canvas-store.js';
import { NODE_TYPES } from './nodes.js';
import { PALETTE_MIME, PROJECT_OBJECT_MIME } from './palette-data.js';
import { useSystemDark } from './use-system-dark.js';

const KEYBOARD_MOVE_DELAY = 400;

// Above this many nodes the minimap is hidden during a drag: it redraws every node on every
// pointer move, which took about 7 ms per frame at 2,000 nodes in bench/canvas.ts.
const MINIMAP_DRAG_LIMIT = 300;

/** Keeps the canvas store in step with the project, the open flow, the selection and search. */
function useGraphSync(view: string): void {
  const index = useProject((state) => state.index);
  const positions = useProject((state) => state.positions.get(view));
  const selection = useUi((state) => state.selection);
  const search = useUi((state) => state.search);
  const graph = useMemo(() => buildFlowGraph(index, view, positions), [index, view, positions]);

  useEffect(() => {
    useCanvas.getState().setGraph(view, graph, selection, search);
  }, [view, graph, selection, search]);
}

function minimapColor(node: CanvasNode): string {
  switch (node.data.node.kind) {
    case 'flow':
      return 'var(--accent)';
    case 'binding':
      return 'var(--node-binding)';
    case 'policy':
      return 'var(--node-policy)';
    case 'loose':
      return 'var(--muted)';
  }
}

/** Renders the canvas of one flow. */
export function FlowCanvas(props: { view: string }) {
  const { view } = props;
  useGraphSync(view);

  const nodes = useCanvas((state) => state.nodes);
  const edges = useCanvas((state) => state.edges);
  const themeChoice = useUi((state) => state.theme);
  const fitRequest = useUi((state) => state.fitRequest);
  const focusRequest = useUi((state) => state.focusRequest);
  const systemDark = useSystemDark();
  const flow = useReactFlow<CanvasNode, Edge>();
  const dragging = useRef(false);
  const hideMinimap = useCanvas(
    (state) => state.dragging && state.nodes.length > MINIMAP_DRAG_LIMIT,
  );
  const keyboardMoves = useRef(new Map<string, Point>());
  const keyboardTimer = useRef<number | undefined>(undefined);

  useEffect(() => {
    // Wait a frame so that React Flow has measured new nodes before fitting them.
    const frame = requestAnimationFrame(() => {
      void flow.fitView({ padding: 0.15, maxZoom: 1, duration: 0 });
    });
    return () => cancelAnimationFrame(frame);
  }, [flow, fitRequest, view]);

  useEffect(() => {
    if (focusRequest === null) {
      return;
    }
    const node = flow.getNode(focusRequest.uid);
    if (node === undefined) {
      return;
    }

    void flow.setCenter(node.position.x + 130, node.position.y + 40, { zoom: 1, duration: 200 });
    const element = document.querySelector<HTMLElement>(
      `.react-flow__node[data-id="${CSS.escape(focusRequest.uid)}"]`,
    );
    element?.focus({ preventScroll: true });
  }, [flow, focusRequest]);

  const onNodesChange = useCallback((changes: NodeChange<CanvasNode>[]) => {
    const applied: NodeChange<CanvasNode>[] = [];
    const selected: string[] = [];
    let selectionChanged = false;

    for (const change of changes) {
      if (change.type === 'select') {
        selectionChanged = true;
        continue;
      }
      if (change.type === 'remove') {
        // Deleting goes through the Delete shortcut, which turns it into project changes.
        continue;
      }
      applied.push(change);

      // Arrow keys move focused nodes without a drag; store them once the presses pause.
      if (change.type === 'position' && !dragging.current && change.position !== undefined) {
        keyboardMoves.current.set(change.id, change.position);
        window.clearTimeout(keyboardTimer.current);
        keyboardTimer.current = window.setTimeout(() => {
          const moved = new Map(keyboardMoves.current);
          keyboardMoves.current.clear();
          void finishKeyboardMove(moved);
        }, KEYBOARD_MOVE_DELAY);
      }
    }

    if (applied.length > 0) {
      useCanvas.getState().applyChanges(applied);
    }

    if (selectionChanged) {
      const state = new Map(useCanvas.getState().nodes.map((node) => [node.id, node.selected]));
      for (const change of changes) {
        if (change.type === 'select') {
          state.set(change.id, change.selected);
        }
      }
      for (const [id, isSelected] of state) {
        if (isSelected === true) {
          selected.push(id);
        }
      }
      useUi.getState().setSelection(selected);
    }
  }, []);

  const onNodeDragStart = useCallback<OnNodeDrag<CanvasNode>>(() => {
    dragging.current = true;
    useCanvas.getState().setDragging(true);
  }, []);

  const onNodeDragStop = useCallback<OnNodeDrag<CanvasNode>>((_event, _node, dragged) => {
    dragging.current = false;
    useCanvas.getState().setDragging(false);
    const moved = new Map(dragged.map((node) => [node.id, { ...node.position }]));
    finishDrag(moved).catch((error: unknown) => reportError('Move', error));
  }, []);

  const isValidConnection = useCallback<IsValidConnection>(
    (connection) => canConnect(connection.source, connection.target),
    [],
  );

  const onConnect = useCallback((connection: Connection) => {
    connectNodes(connection.source, connection.target).catch((error: unknown) =>
      reportError('Bind', error),
    );
  }, []);

  const onDragOver = useCallback((event: DragEvent) => {
    if (
      event.dataTransfer.types.includes(PALETTE_MIME) ||
      event.dataTransfer.types.includes(PROJECT_OBJECT_MIME)
    ) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);

  const onDrop = useCallback(
    (event: DragEvent) => {
      const model = event.dataTransfer.getData(PALETTE_MIME);
      const existing = event.dataTransfer.getData(PROJECT_OBJECT_MIME);
      if (model === '' && existing === '') {
        return;
      }

      // Stop here so the window-level drop handler does not read this as a file import.
      event.preventDefault();
      event.stopPropagation();
      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const hit = flow
        .getIntersectingNodes({ x: point.x - 2, y: point.y - 2, width: 4, height: 4 })
        .find((node) => node.type === 'flow' || node.type === 'binding');
      const topLeft = { x: Math.round(point.x - 120), y: Math.round(point.y - 30) };

      const work =
        existing !== '' ? placeAt(existing, topLeft, hit?.id) : createAt(model, topLeft, hit?.id);
      work.catch((error: unknown) => reportError('Drop', error));
    },
    [flow],
  );

  return (
    <div className="canvas" onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<CanvasNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeDragStart={onNodeDragStart}
        onNodeDragStop={onNodeDragStop}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        connectionMode={ConnectionMode.Loose}
        colorMode={resolveTheme(themeChoice, systemDark)}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        nodesFocusable
        // NOTE: with 2,000 nodes a drag still takes about 20-28 ms per frame in bench/canvas.ts
        // (two cores, software rendering), over the 16 ms target. Controlled nodes make React
        // Flow take in the whole node list on every pointer move.
        onlyRenderVisibleElements
        minZoom={0.05}
        maxZoom={2}
        proOptions={{ hideAttribution: true }}
        aria-label="Flow canvas"
      >
        <Background gap={24} />
        {hideMinimap ? null : (
          <MiniMap<CanvasNode> pannable zoomable nodeColor={minimapColor} ariaLabel="Minimap" />
        )}
        <Controls showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
