import { describe, expect, it } from 'vitest';

import type { Rect } from '../../renderer/canvas/placement.js';
import { clampInto, contains, findFreeSpot, overlaps } from '../../renderer/canvas/placement.js';

const SIZE = { width: 260, height: 72 };
const VIEW: Rect = { x: 0, y: 0, width: 1200, height: 800 };

function box(x: number, y: number): Rect {
  return { x, y, ...SIZE };
}

describe('new node placement', () => {
  it('free preferred place is kept', () => {
    const spot = findFreeSpot({
      size: SIZE,
      preferred: { x: 100, y: 100 },
      obstacles: [],
      view: VIEW,
    });

    expect(spot.point).toEqual({ x: 100, y: 100 });
    expect(spot.inView).toBe(true);
  });

  it('occupied place moves to a free one', () => {
    const obstacles = [box(100, 100)];
    const spot = findFreeSpot({ size: SIZE, preferred: { x: 100, y: 100 }, obstacles, view: VIEW });

    expect(overlaps({ ...spot.point, ...SIZE }, obstacles[0]!, 24)).toBe(false);
    expect(spot.inView).toBe(true);
  });

  it('free place stays near the preferred one', () => {
    const spot = findFreeSpot({
      size: SIZE,
      preferred: { x: 400, y: 300 },
      obstacles: [box(400, 300)],
      view: VIEW,
    });
    const distance = Math.hypot(spot.point.x - 400, spot.point.y - 300);

    expect(distance).toBeLessThan(SIZE.width + 2 * 24);
  });

  it('off-screen preferred place comes into view', () => {
    const spot = findFreeSpot({
      size: SIZE,
      preferred: { x: 5000, y: 300 },
      obstacles: [],
      view: VIEW,
    });

    expect(contains(VIEW, { ...spot.point, ...SIZE })).toBe(true);
    expect(spot.point.x).toBe(VIEW.width - SIZE.width);
    expect(spot.inView).toBe(true);
  });

  it('no node is covered in a crowded view', () => {
    const obstacles: Rect[] = [];
    for (let x = 0; x < 1200; x += 300) {
      for (let y = 0; y < 600; y += 100) {
        obstacles.push(box(x, y));
      }
    }
    const spot = findFreeSpot({ size: SIZE, preferred: { x: 300, y: 200 }, obstacles, view: VIEW });
    const placed = { ...spot.point, ...SIZE };

    expect(obstacles.some((obstacle) => overlaps(placed, obstacle))).toBe(false);
    expect(spot.inView).toBe(true);
  });

  it('full view falls outside and says so', () => {
    const small: Rect = { x: 0, y: 0, width: 300, height: 100 };
    const spot = findFreeSpot({
      size: SIZE,
      preferred: { x: 0, y: 0 },
      obstacles: [box(0, 0)],
      view: small,
    });

    expect(spot.inView).toBe(false);
    expect(overlaps({ ...spot.point, ...SIZE }, box(0, 0))).toBe(false);
  });

  it('unknown view still avoids nodes', () => {
    const spot = findFreeSpot({
      size: SIZE,
      preferred: { x: 0, y: 0 },
      obstacles: [box(0, 0)],
      view: null,
    });

    expect(overlaps({ ...spot.point, ...SIZE }, box(0, 0))).toBe(false);
    expect(spot.inView).toBe(false);
  });

  it('clampInto keeps a node inside', () => {
    expect(clampInto(VIEW, SIZE, { x: -50, y: 900 })).toEqual({ x: 0, y: 800 - 72 });
  });
});
