/**
 * The node changes of the canvas: React Flow's position, size and selection changes, and the
 * start and end of a drag. A drag's positions go to React Flow's own store while it lasts and to
 * the project once, when the nodes are dropped.
 */
import type {
  Edge,
  NodeChange,
  NodePositionChange,
  OnNodeDrag,
  OnNodesChange,
  SelectionDragHandler,
} from '@xyflow/react';
import { applyNodeChanges, useStoreApi } from '@xyflow/react';
import { useCallback, useRef } from 'react';

import type { Point } from '../../shared/model/changes.js';
import { reportError } from '../state/notice-store.js';
import { useUi } from '../state/ui-store.js';
import { finishDrag, finishKeyboardMove } from './actions.js';
import type { CanvasNode } from './canvas-store.js';
import { useCanvas } from './canvas-store.js';

const KEYBOARD_MOVE_DELAY = 400;

/** The React Flow handlers that `useNodeChanges` returns. */
export interface NodeChangeHandlers {
  onNodesChange: OnNodesChange<CanvasNode>;
  /** Starts a drag of nodes or of the selection box. */
  onDragStart: () => void;
  onNodeDragStop: OnNodeDrag<CanvasNode>;
  onSelectionDragStop: SelectionDragHandler<CanvasNode>;
}

/** Returns the handlers that apply React Flow's node changes and store where nodes are dropped. */
export function useNodeChanges(): NodeChangeHandlers {
  const flowStore = useStoreApi<CanvasNode, Edge>();
  const dragging = useRef(false);
  const keyboardMoves = useRef(new Map<string, Point>());
  const keyboardTimer = useRef<number | undefined>(undefined);

  // During a drag, position changes bypass the canvas store: React Flow's own store takes them,
  // so a pointer move re-renders the moved nodes and their edges, not the canvas. At 2,001
  // nodes in bench/canvas.ts this cut React's work per pointer move from about 4 ms to under 2 ms.
  const moveWhileDragging = useCallback(
    (moves: NodePositionChange[]) => {
      const positions = new Map<string, Point>();
      for (const move of moves) {
        if (move.position !== undefined) {
          positions.set(move.id, move.position);
        }
      }
      useCanvas.getState().trackDrag(positions);

      const { nodes, setNodes } = flowStore.getState();
      setNodes(applyNodeChanges<CanvasNode>(moves, nodes));
    },
    [flowStore],
  );

  const onNodesChange = useCallback(
    (changes: NodeChange<CanvasNode>[]) => {
      const applied: NodeChange<CanvasNode>[] = [];
      const dragMoves: NodePositionChange[] = [];
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
        if (change.type === 'position' && dragging.current) {
          dragMoves.push(change);
          continue;
        }
        applied.push(change);

        // Arrow keys move focused nodes without a drag; store them once the presses pause.
        if (change.type === 'position' && change.position !== undefined) {
          keyboardMoves.current.set(change.id, change.position);
          window.clearTimeout(keyboardTimer.current);
          keyboardTimer.current = window.setTimeout(() => {
            const moved = new Map(keyboardMoves.current);
            keyboardMoves.current.clear();
            void finishKeyboardMove(moved);
          }, KEYBOARD_MOVE_DELAY);
        }
      }

      if (dragMoves.length > 0) {
        moveWhileDragging(dragMoves);
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
    },
    [moveWhileDragging],
  );

  const onDragStart = useCallback(() => {
    dragging.current = true;
    useCanvas.getState().startDrag();
  }, []);

  const endDrag = useCallback((dragged: CanvasNode[]) => {
    dragging.current = false;
    const dropped = new Map(dragged.map((node) => [node.id, { ...node.position }]));
    useCanvas.getState().endDrag(dropped);

    // Once the project has saved or rejected the drop, draw the nodes where the project has them.
    finishDrag(dropped)
      .catch((error: unknown) => reportError('Move', error))
      .finally(() => useCanvas.getState().rebuild());
  }, []);

  const onNodeDragStop = useCallback<OnNodeDrag<CanvasNode>>(
    (_event, _node, dragged) => endDrag(dragged),
    [endDrag],
  );

  // Dragging the box around a selection moves its nodes through the same path as a node drag.
  const onSelectionDragStop = useCallback<SelectionDragHandler<CanvasNode>>(
    (_event, dragged) => endDrag(dragged),
    [endDrag],
  );

  return { onNodesChange, onDragStart, onNodeDragStop, onSelectionDragStop };
}
