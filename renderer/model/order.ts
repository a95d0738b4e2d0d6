/**
 * Order numbers of bindings. authentik runs stage bindings and evaluates policy bindings by
 * ascending `order`; blueprints usually space them (10, 20, 30) so that a binding can be put
 * between two others later, and a reorder keeps that spacing.
 */

/** The step between the orders of bindings added at the end. */
export const ORDER_STEP = 10;

/**
 * Returns new order numbers for bindings after a reorder. `current` holds the order of each
 * binding in its new sequence. The sorted old numbers are handed out again in the new sequence,
 * so 10/20/30 stays 10/20/30 whichever binding moved. Equal numbers are spread out (each one
 * more than the one before), because equal orders leave the run order to the database.
 */
export function renumber(current: readonly number[]): number[] {
  const pool = [...current].sort((a, b) => a - b);
  const result: number[] = [];

  for (const value of pool) {
    const previous = result.at(-1);
    result.push(previous !== undefined && value <= previous ? previous + 1 : value);
  }

  return result;
}

/** Returns the order of a binding added after bindings with the given orders. */
export function nextOrder(existing: readonly number[], first = ORDER_STEP): number {
  if (existing.length === 0) {
    return first;
  }

  const highest = Math.max(...existing);

  return highest + ORDER_STEP - (((highest % ORDER_STEP) + ORDER_STEP) % ORDER_STEP);
}

/** Moves the item at `from` to index `to` and returns the new list. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const result = [...items];
  const [moved] = result.splice(from, 1);
  if (moved === undefined) {
    return result;
  }

  result.splice(Math.max(0, Math.min(to, result.length)), 0, moved);

  return result;
}
