/**
 * Time and size limits of live HTTP calls, with their defaults and the range a caller may set.
 * The same limits apply to calls from the simulator and from Python's `requests`.
 */
import { StagecraftError } from '../../shared/errors.js';

/** Limits of one HTTP layer. */
export interface HttpLimits {
  /** Time to open the TCP (and TLS) connection, in ms. */
  connectTimeoutMs: number;
  /** Time from sending the request until the response headers arrive, in ms. */
  headersTimeoutMs: number;
  /** Maximum pause between two chunks of the response body, in ms. */
  bodyTimeoutMs: number;
  /** Largest response body accepted, in bytes; a longer body is cut off with an error. */
  maxBodyBytes: number;
}

const MIB = 1024 * 1024;

/** Default, minimum and maximum of each limit. */
export const HTTP_LIMIT_RANGES: Record<
  keyof HttpLimits,
  { default: number; min: number; max: number }
> = {
  connectTimeoutMs: { default: 10_000, min: 100, max: 120_000 },
  headersTimeoutMs: { default: 30_000, min: 100, max: 300_000 },
  bodyTimeoutMs: { default: 30_000, min: 100, max: 300_000 },
  // Discord's JSON responses are a few KiB; the largest avatar (4096 px) stays well below this.
  maxBodyBytes: { default: 8 * MIB, min: 1024, max: 64 * MIB },
};

/** The default limits. */
export const DEFAULT_HTTP_LIMITS: HttpLimits = {
  connectTimeoutMs: HTTP_LIMIT_RANGES.connectTimeoutMs.default,
  headersTimeoutMs: HTTP_LIMIT_RANGES.headersTimeoutMs.default,
  bodyTimeoutMs: HTTP_LIMIT_RANGES.bodyTimeoutMs.default,
  maxBodyBytes: HTTP_LIMIT_RANGES.maxBodyBytes.default,
};

/**
 * Returns the defaults overlaid with `overrides`. Throws `invalid-argument` naming the limit
 * when a value is not a whole number inside its range.
 */
export function resolveHttpLimits(overrides: Partial<HttpLimits> = {}): HttpLimits {
  const limits = { ...DEFAULT_HTTP_LIMITS };
  for (const [key, value] of Object.entries(overrides) as [keyof HttpLimits, unknown][]) {
    if (value === undefined) {
      continue;
    }

    const range = HTTP_LIMIT_RANGES[key];
    if (range === undefined) {
      throw new StagecraftError('invalid-argument', `Unknown HTTP limit "${String(key)}".`, {
        limit: key,
      });
    }
    if (
      typeof value !== 'number' ||
      !Number.isInteger(value) ||
      value < range.min ||
      value > range.max
    ) {
      throw new StagecraftError(
        'invalid-argument',
        `The HTTP limit ${key} is ${JSON.stringify(value)}; set a whole number from ${range.min} to ${range.max}.`,
        { limit: key, value },
      );
    }

    limits[key] = value;
  }

  return limits;
}
