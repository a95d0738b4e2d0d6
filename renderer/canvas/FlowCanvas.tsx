/**
 * The canvas of the open flow: React Flow with the flow's graph, drag and drop from the palette,
 * connecting to bind, dragging to move and reorder, minimap and zoom controls.
 */
import type { Connection, Edge, IsValidConnection } from '@xyflow/react';
import {
  Background,
  ConnectionMode,
  Controls,
  MiniMap,
  ReactFlow,
  useReactFlow,
  useStore,
  useStoreApi,
} from '@xyflow/react';
import type { DragEvent } from 'react';
import { useCallback, useEffect, useMemo } from 'react';

import { buildFlowGraph } from '../model/flow-graph.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { resolveTheme, useUi } from '../state/ui-store.js';
import { canConnect, connectNodes, createAt, placeAt } from './actions.js';
import type { CanvasNode, CanvasViewport } from './canvas-store.js';
import { useCanvas } from './canvas-store.js';
import { NODE_TYPES } from './nodes.js';
import { contains } from './placement.js';
import { PALETTE_MIME, PROJECT_OBJECT_MIME } from './palette-data.js';
import { useNodeChanges } from './use-node-changes.js';
import { useSystemDark } from './use-system-dark.js';
import './canvas.css';

// Above this many nodes the minimap is hidden while nodes are dragged or the view pans, because
// it redraws every node on every pointer move. Hiding it cut a pan frame at 2,001 nodes in
// bench/canvas.ts from about 36 ms to 23 ms (two loaded cores).
const MINIMAP_NODE_LIMIT = 300;

// "Fit" keeps the nodes clear of the minimap in the bottom-right corner: React Flow 12 draws it
// 200 px wide with a 15 px margin, so 240 px on the right stay free of nodes. A flow is a tall
// column, so its zoom usually depends on the height, which this padding leaves alone.
const FIT_PADDING = { top: '7%', bottom: '7%', left: '7%', right: '240px' } as const;

// Below this zoom a node title (14 px) is drawn under 5 px high, so canvas.css hides the text.
const TEXT_ZOOM = 0.35;

// Below this zoom an edge (1 or 2 px) is drawn under 0.2 px wide, so canvas.css hides the edges.
const EDGE_ZOOM = 0.1;

// Screen pixels at the edges of the canvas where a new node would sit under the zoom controls,
// the minimap or the border, so placing and panning leave them out.
const VIEW_MARGIN = 24;

/** Returns the canvas class names for the zoom: how much detail canvas.css draws. */
function zoomClass(zoom: number): string {
  if (zoom < EDGE_ZOOM) {
    return 'canvas canvas-zoomed-out canvas-edges-hidden';
  }

  return zoom < TEXT_ZOOM ? 'canvas canvas-zoomed-out' : 'canvas';
}

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

/** Registers the canvas viewport in the canvas store while the canvas is drawn. */
function useViewportRegistration(): void {
  const flow = useReactFlow<CanvasNode, Edge>();
  const store = useStoreApi<CanvasNode, Edge>();

  useEffect(() => {
    const visibleRect: CanvasViewport['visibleRect'] = () => {
      const { transform, width, height } = store.getState();
      const [x, y, zoom] = transform;
      const margin = VIEW_MARGIN / zoom;
      return {
        x: -x / zoom + margin,
        y: -y / zoom + margin,
        width: Math.max(0, width / zoom - 2 * margin),
        height: Math.max(0, height / zoom - 2 * margin),
      };
    };

    const coveredRects: CanvasViewport['coveredRects'] = () => {
      const panels = document.querySelectorAll<HTMLElement>(
        '.react-flow__controls, .react-flow__minimap',
      );
      return [...panels].map((panel) => {
        const box = panel.getBoundingClientRect();
        const topLeft = flow.screenToFlowPosition({ x: box.left, y: box.top });
        const bottomRight = flow.screenToFlowPosition({ x: box.right, y: box.bottom });
        return {
          x: topLeft.x,
          y: topLeft.y,
          width: bottomRight.x - topLeft.x,
          height: bottomRight.y - topLeft.y,
        };
      });
    };

    const reveal: CanvasViewport['reveal'] = (rect) => {
      const view = visibleRect();
      if (contains(view, rect)) {
        return;
      }

      // Shift the view the least distance on each axis; a box larger than the view is centred.
      const shift = (start: number, size: number, viewStart: number, viewSize: number): number => {
        if (size > viewSize) {
          return start + size / 2 - (viewStart + viewSize / 2);
        }
        if (start < viewStart) {
          return start - viewStart;
        }
        return Math.max(0, start + size - (viewStart + viewSize));
      };
      const { x, y, zoom } = flow.getViewport();
      const dx = shift(rect.x, rect.width, view.x, view.width);
      const dy = shift(rect.y, rect.height, view.y, view.height);
      void flow.setViewport({ x: x - dx * zoom, y: y - dy * zoom, zoom }, { duration: 200 });
    };

    useCanvas.getState().setViewport({ visibleRect, coveredRects, reveal });
    return () => useCanvas.getState().setViewport(null);
  }, [flow, store]);
}

/** Renders the canvas of one flow. */
export function FlowCanvas(props: { view: string }) {
  const { view } = props;
  useGraphSync(view);
  useViewportRegistration();

  const nodes = useCanvas((state) => state.nodes);
  const edges = useCanvas((state) => state.edges);
  const themeChoice = useUi((state) => state.theme);
  const fitRequest = useUi((state) => state.fitRequest);
  const focusRequest = useUi((state) => state.focusRequest);
  const systemDark = useSystemDark();
  const flow = useReactFlow<CanvasNode, Edge>();
  const { onNodesChange, onDragStart, onNodeDragStop, onSelectionDragStop } = useNodeChanges();
  const hideMinimap = useCanvas(
    (state) => (state.dragging || state.moving) && state.nodes.length > MINIMAP_NODE_LIMIT,
  );
  const canvasClass = useStore((state) => zoomClass(state.transform[2]));

  useEffect(() => {
    // Wait a frame so that React Flow has measured new nodes before fitting them.
    const frame = requestAnimationFrame(() => {
      void flow.fitView({ padding: FIT_PADDING, maxZoom: 1, duration: 0 });
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

  const onMoveStart = useCallback(() => useCanvas.getState().setMoving(true), []);
  const onMoveEnd = useCallback(() => useCanvas.getState().setMoving(false), []);

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
    <div className={canvasClass} onDragOver={onDragOver} onDrop={onDrop} data-testid="canvas">
      <ReactFlow<CanvasNode, Edge>
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        onNodesChange={onNodesChange}
        onNodeDragStart={onDragStart}
        onNodeDragStop={onNodeDragStop}
        onSelectionDragStart={onDragStart}
        onSelectionDragStop={onSelectionDragStop}
        onMoveStart={onMoveStart}
        onMoveEnd={onMoveEnd}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        connectionMode={ConnectionMode.Loose}
        colorMode={resolveTheme(themeChoice, systemDark)}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Meta', 'Control']}
        nodesFocusable
        fitViewOptions={{ padding: FIT_PADDING, maxZoom: 1 }}
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
