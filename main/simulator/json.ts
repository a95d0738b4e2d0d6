/** Readers of JSON values from contexts, challenge responses and entry data. */
import type { JsonMap } from '../../shared/simulator/trace.js';

/** Tells whether a value is a JSON object (not an array, not null). */
export function isJsonMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Returns a value as text: strings as they are, numbers and booleans as Python would print them
 * in a form, other values as JSON, and `fallback` for undefined and null.
 */
export function asText(value: unknown, fallback = ''): string {
  if (value === undefined || value === null) {
    return fallback;
  }

  if (typeof value === 'string') {
    return value;
  }

  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }

  return JSON.stringify(value);
}
