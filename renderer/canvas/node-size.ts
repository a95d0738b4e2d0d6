/**
 * Estimated sizes and handle places of canvas nodes that React Flow has not measured yet.
 *
 * With `onlyRenderVisibleElements`, React Flow 12 renders every node that has no handle bounds,
 * so that it can measure it, and removes the off-screen ones afterwards. At 2,001 nodes that
 * first render took about a second in bench/canvas.ts (two cores). A node that comes with a size
 * and handles counts as measured, so only the nodes in view are rendered. React Flow measures
 * each one when it renders and reports the real size, which then replaces the estimate.
 */
import type { NodeHandle } from '@xyflow/react';
import { Position } from '@xyflow/react';

import type { NodeData } from '../model/flow-graph.js';

/** A node size in canvas units. */
export interface NodeSize {
  width: number;
  height: number;
}

// Sizes as drawn by renderer/styles.css in Chromium 156 on Debian 12. Other fonts give other
// heights, which React Flow corrects when it measures the node.
const FLOW_SIZE: NodeSize = { width: 260, height: 109 };
const BINDING_WIDTH = 260;
const POLICY_WIDTH = 240;
const LOOSE_WIDTH = 260;
const HEIGHT_WITHOUT_BADGES = 57;
const HEIGHT_WITH_BADGES = 72;

// React Flow's default handle is 6 px square, centred on the node border.
const HANDLE_SIZE = 6;
// The handle that binds a loose node (`.handle-bind`) is 12 px square.
const BIND_HANDLE_SIZE = 12;

function hasBindingBadges(data: Extract<NodeData, { kind: 'binding' }>): boolean {
  return (
    data.stageUses > 1 ||
    data.evaluateOnPlan ||
    data.reEvaluatePolicies ||
    data.engineMode !== 'any' ||
    data.invalidResponseAction !== 'retry'
  );
}

function hasPolicyBadges(data: Extract<NodeData, { kind: 'policy' }>): boolean {
  return data.negate || !data.enabled || data.failureResult || data.subjectUses > 1;
}

/** Estimates the size of a node from the badges it shows. */
export function estimateNodeSize(data: NodeData): NodeSize {
  switch (data.kind) {
    case 'flow':
      return FLOW_SIZE;
    case 'binding':
      return {
        width: BINDING_WIDTH,
        height: hasBindingBadges(data) ? HEIGHT_WITH_BADGES : HEIGHT_WITHOUT_BADGES,
      };
    case 'policy':
      return {
        width: POLICY_WIDTH,
        height: hasPolicyBadges(data) ? HEIGHT_WITH_BADGES : HEIGHT_WITHOUT_BADGES,
      };
    case 'loose':
      // A loose node always shows one badge.
      return { width: LOOSE_WIDTH, height: HEIGHT_WITH_BADGES };
  }
}

/**
 * Returns the largest size a new node of `kind` is drawn with (with a row of badges), so that a
 * place chosen for it stays free whatever badges it shows.
 */
export function newNodeSize(kind: 'binding' | 'policy'): NodeSize {
  return { width: kind === 'binding' ? BINDING_WIDTH : POLICY_WIDTH, height: HEIGHT_WITH_BADGES };
}

function handle(
  id: string,
  type: 'source' | 'target',
  position: Position,
  size: NodeSize,
  handleSize = HANDLE_SIZE,
): NodeHandle {
  const half = handleSize / 2;
  const places: Record<Position, { x: number; y: number }> = {
    [Position.Top]: { x: size.width / 2 - half, y: -half },
    [Position.Bottom]: { x: size.width / 2 - half, y: size.height - half },
    [Position.Left]: { x: -half, y: size.height / 2 - half },
    [Position.Right]: { x: size.width - half, y: size.height / 2 - half },
  };

  return { id, type, position, ...places[position], width: handleSize, height: handleSize };
}

/**
 * Lists the handles of a node at their places for a node of `size`. They must match the
 * `<Handle>` elements of the node components in nodes.tsx, with the same ids, types and sides.
 */
export function estimateHandles(kind: NodeData['kind'], size: NodeSize): NodeHandle[] {
  switch (kind) {
    case 'flow':
      return [
        handle('policies', 'target', Position.Left, size),
        handle('next', 'source', Position.Bottom, size),
      ];
    case 'binding':
      return [
        handle('previous', 'target', Position.Top, size),
        handle('policies', 'target', Position.Right, size),
        handle('next', 'source', Position.Bottom, size),
      ];
    case 'policy':
      return [
        handle('bind-left', 'source', Position.Left, size),
        handle('bind-right', 'source', Position.Right, size),
      ];
    case 'loose':
      return [handle('bind', 'source', Position.Right, size, BIND_HANDLE_SIZE)];
  }
}
