/**
 * Tells whether two JSON-like values are structurally equal: same scalars, arrays of equal
 * items in the same order, and maps with equal entries in any key order. A map key whose value
 * is `undefined` counts as absent, because a JSON round trip drops it.
 */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (a === b) {
    return true;
  }

  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    return false;
  }

  if (Array.isArray(a) || Array.isArray(b)) {
    return arraysEqual(a, b);
  }

  return mapsEqual(a as Record<string, unknown>, b as Record<string, unknown>);
}

function arraysEqual(a: object, b: object): boolean {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) {
    return false;
  }

  return a.every((item, index) => valuesEqual(item, b[index]));
}

function mapsEqual(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const aKeys = definedKeys(a);
  const bKeys = definedKeys(b);
  if (aKeys.length !== bKeys.length) {
    return false;
  }

  return aKeys.every((key) => Object.hasOwn(b, key) && valuesEqual(a[key], b[key]));
}

function definedKeys(map: Record<string, unknown>): string[] {
  return Object.keys(map).filter((key) => map[key] !== undefined);
}
