/**
 * The place of a node added without a pointer: a free place near a preferred point, inside the
 * visible part of the canvas when there is room. Pure geometry in canvas units, so it is tested
 * without a browser.
 */
import type { Point } from '../../shared/model/changes.js';
import type { NodeSize } from './node-size.js';

/** A rectangle in canvas units; `x` and `y` are its top left corner. */
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** The inputs of `findFreeSpot`. */
export interface SpotRequest {
  /** The size of the new node. */
  size: NodeSize;
  /** The place for the node's top left corner, used when it is free and visible. */
  preferred: Point;
  /** The nodes already on the canvas. */
  obstacles: readonly Rect[];
  /** The visible part of the canvas, or null when it is unknown (no canvas drawn). */
  view: Rect | null;
  /** The minimum space between the new node and any other node. */
  gap?: number;
}

/** A free place for the new node, and whether it lies inside the visible part of the canvas. */
export interface Spot {
  point: Point;
  inView: boolean;
}

const DEFAULT_GAP = 24;
// The search tries places on a grid of half a node around the start, up to this many grid steps
// away in each direction: about 40 node widths, which is far more than a screen shows.
const SEARCH_RADIUS = 80;

/** Tells whether two rectangles overlap, counting `gap` of space around `a` as part of it. */
export function overlaps(a: Rect, b: Rect, gap = 0): boolean {
  return (
    a.x - gap < b.x + b.width &&
    b.x < a.x + a.width + gap &&
    a.y - gap < b.y + b.height &&
    b.y < a.y + a.height + gap
  );
}

/** Tells whether `inner` lies entirely inside `outer`. */
export function contains(outer: Rect, inner: Rect): boolean {
  return (
    inner.x >= outer.x &&
    inner.y >= outer.y &&
    inner.x + inner.width <= outer.x + outer.width &&
    inner.y + inner.height <= outer.y + outer.height
  );
}

/** Moves a node's top left corner the least distance that puts the whole node inside `view`. */
export function clampInto(view: Rect, size: NodeSize, point: Point): Point {
  const maxX = view.x + Math.max(0, view.width - size.width);
  const maxY = view.y + Math.max(0, view.height - size.height);

  return {
    x: Math.min(Math.max(point.x, view.x), maxX),
    y: Math.min(Math.max(point.y, view.y), maxY),
  };
}

/** Lists grid offsets around the origin, nearest first by distance in canvas units. */
function gridOffsets(radius: number, stepX: number, stepY: number): Point[] {
  const offsets: { point: Point; distance: number }[] = [];
  for (let i = -radius; i <= radius; i += 1) {
    for (let j = -radius; j <= radius; j += 1) {
      const point = { x: i * stepX, y: j * stepY };
      offsets.push({ point, distance: point.x * point.x + point.y * point.y });
    }
  }

  // Equal distances prefer right of the start, then below, so a new node reads after its anchor.
  offsets.sort((a, b) => a.distance - b.distance || b.point.x - a.point.x || b.point.y - a.point.y);
  return offsets.map((offset) => offset.point);
}

// Obstacles are bucketed in square cells, so a test looks only at the nodes near the place.
const CELL = 512;

function cellsOf(box: Rect, gap: number): string[] {
  const keys: string[] = [];
  const left = Math.floor((box.x - gap) / CELL);
  const right = Math.floor((box.x + box.width + gap) / CELL);
  const top = Math.floor((box.y - gap) / CELL);
  const bottom = Math.floor((box.y + box.height + gap) / CELL);
  for (let column = left; column <= right; column += 1) {
    for (let row = top; row <= bottom; row += 1) {
      keys.push(`${column}:${row}`);
    }
  }

  return keys;
}

function bucket(obstacles: readonly Rect[]): Map<string, Rect[]> {
  const cells = new Map<string, Rect[]>();
  for (const obstacle of obstacles) {
    for (const key of cellsOf(obstacle, 0)) {
      const list = cells.get(key);
      if (list === undefined) {
        cells.set(key, [obstacle]);
      } else {
        list.push(obstacle);
      }
    }
  }

  return cells;
}

/**
 * Finds the free place nearest to `preferred` for a node of `size`. Places inside the visible
 * part of the canvas come first: when `preferred` is off screen, the search starts at the
 * nearest visible place instead. Only when no visible place is free does it return a place
 * outside the view (`inView: false`), and the caller then pans the view to it.
 */
export function findFreeSpot(request: SpotRequest): Spot {
  const { size, preferred, obstacles, view } = request;
  const gap = request.gap ?? DEFAULT_GAP;
  const stepX = Math.round((size.width + gap) / 2);
  const stepY = Math.round((size.height + gap) / 2);
  const offsets = gridOffsets(SEARCH_RADIUS, stepX, stepY);

  const cells = bucket(obstacles);

  const isFree = (point: Point): boolean => {
    const box = { ...point, ...size };
    return cellsOf(box, gap).every((key) =>
      (cells.get(key) ?? []).every((obstacle) => !overlaps(box, obstacle, gap)),
    );
  };
  const search = (start: Point, accept: (point: Point) => boolean): Point | undefined => {
    for (const offset of offsets) {
      const point = { x: start.x + offset.x, y: start.y + offset.y };
      if (accept(point) && isFree(point)) {
        return point;
      }
    }
    return undefined;
  };

  if (view !== null) {
    const start = clampInto(view, size, preferred);
    const visible = search(start, (point) => contains(view, { ...point, ...size }));
    if (visible !== undefined) {
      return { point: visible, inView: true };
    }
  }

  const anywhere = search(preferred, () => true) ?? preferred;
  const inView = view !== null && contains(view, { ...anywhere, ...size });

  return { point: anywhere, inView };
}
