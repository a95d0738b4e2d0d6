/**
 * Places a node added from the palette by keyboard or button. It goes beside the selected node
 * when there is one, else at its usual place in the layout. Then it moves to a free spot in the
 * visible part of the canvas (see placement.ts).
 */
import type { Point } from '../../shared/model/changes.js';
import type { CanvasNode } from './canvas-store.js';
import { useCanvas } from './canvas-store.js';
import { estimateNodeSize, newNodeSize } from './node-size.js';
import type { Rect, Spot } from './placement.js';
import { findFreeSpot } from './placement.js';

/** The space between the selected node and a new node placed beside it. */
const BESIDE_GAP = 48;

function rectOf(node: CanvasNode): Rect {
  const size = node.measured?.width === undefined ? estimateNodeSize(node.data.node) : undefined;

  return {
    x: node.position.x,
    y: node.position.y,
    width: node.measured?.width ?? size?.width ?? 0,
    height: node.measured?.height ?? size?.height ?? 0,
  };
}

/** A place chosen for a new node, with its box for panning the view to it. */
export interface NewNodePlace extends Spot {
  box: Rect;
}

/**
 * Chooses the place of a new node of `kind`. `natural` is where the layout would put it;
 * `anchorUids` are the selected nodes, and the first one drawn on the canvas is placed beside.
 */
export function placeNewNode(
  kind: 'binding' | 'policy',
  natural: Point,
  anchorUids: readonly string[],
): NewNodePlace {
  const { nodes, viewport } = useCanvas.getState();
  const size = newNodeSize(kind);
  const byId = new Map(nodes.map((node) => [node.id, node]));
  const anchor = anchorUids.map((uid) => byId.get(uid)).find((node) => node !== undefined);
  let preferred = natural;
  if (anchor !== undefined) {
    const box = rectOf(anchor);
    preferred = { x: box.x + box.width + BESIDE_GAP, y: box.y };
  }

  const spot = findFreeSpot({
    size,
    preferred,
    // The zoom controls and the minimap float over the canvas, so a node under them is hidden.
    obstacles: [...nodes.map(rectOf), ...(viewport?.coveredRects() ?? [])],
    view: viewport?.visibleRect() ?? null,
  });
  const point = { x: Math.round(spot.point.x), y: Math.round(spot.point.y) };

  return { point, inView: spot.inView, box: { ...point, ...size } };
}

/** Pans the canvas so that a newly placed node is visible, when it is not already. */
export function revealPlace(place: NewNodePlace): void {
  if (!place.inView) {
    useCanvas.getState().viewport?.reveal(place.box);
  }
}
