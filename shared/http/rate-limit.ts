/**
 * Discord's per-bucket rate limits, reproduced in replay. Each response carries the headers of
 * its bucket (`X-RateLimit-Bucket`, `-Limit`, `-Remaining`, `-Reset`, `-Reset-After`). Once a
 * bucket has no calls left, every call gets HTTP 429 with `retry_after` until the bucket
 * refills, as Discord's rate-limit documentation describes.
 */
import type { HttpResponseData } from './exchange.js';
import { headerValue, jsonResponse, withHeader } from './exchange.js';
import { RATE_LIMITED_MESSAGE } from './discord.js';

/** A rate-limit bucket: its id, size and refill time. */
export interface RateLimitBucket {
  /** Discord's opaque bucket id; endpoints that share a limit share it. */
  id: string;
  /** Calls allowed per period. */
  limit: number;
  /** Calls left when the bucket is first used. */
  remaining: number;
  /** Seconds from the first call until the bucket refills. */
  resetAfter: number;
}

interface BucketState {
  limit: number;
  remaining: number;
  /** Clock time in ms at which the bucket refills. */
  resetAt: number;
}

function parseNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') {
    return undefined;
  }

  const value = Number(text);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * Reads a bucket from a recorded response's headers, or returns undefined when they do not
 * describe one. The recorded call itself used one call, so the bucket starts with `Remaining`
 * plus one.
 */
export function bucketFromHeaders(headers: Record<string, string>): RateLimitBucket | undefined {
  const id = headerValue(headers, 'X-RateLimit-Bucket');
  const limit = parseNumber(headerValue(headers, 'X-RateLimit-Limit'));
  const remaining = parseNumber(headerValue(headers, 'X-RateLimit-Remaining'));
  const resetAfter = parseNumber(headerValue(headers, 'X-RateLimit-Reset-After'));
  if (id === undefined || limit === undefined || remaining === undefined) {
    return undefined;
  }
  if (resetAfter === undefined) {
    return undefined;
  }

  return { id, limit, remaining: Math.min(limit, remaining + 1), resetAfter };
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}

/** Counts calls per bucket against a clock and turns calls past a bucket's limit into 429s. */
export class RateLimiter {
  private readonly buckets = new Map<string, BucketState>();

  /** @param now Returns the current time in milliseconds. */
  constructor(private readonly now: () => number) {}

  /**
   * Counts one call against `bucket`. Returns `response` with the bucket's headers updated, or
   * a 429 response when the bucket has no calls left until it refills.
   */
  apply(bucket: RateLimitBucket, response: HttpResponseData): HttpResponseData {
    const now = this.now();
    const known = this.buckets.get(bucket.id);
    let state: BucketState;
    if (known === undefined) {
      state = {
        limit: bucket.limit,
        remaining: bucket.remaining,
        resetAt: now + bucket.resetAfter * 1000,
      };
    } else if (now >= known.resetAt) {
      state = {
        limit: known.limit,
        remaining: known.limit,
        resetAt: now + bucket.resetAfter * 1000,
      };
    } else {
      state = known;
    }
    this.buckets.set(bucket.id, state);

    if (state.remaining <= 0) {
      return tooManyRequests(bucket.id, state, now);
    }

    state.remaining -= 1;
    let headers = response.headers;
    for (const [name, value] of Object.entries(bucketHeaders(bucket.id, state, now))) {
      headers = withHeader(headers, name, value);
    }

    return { ...response, headers };
  }
}

function bucketHeaders(id: string, state: BucketState, now: number): Record<string, string> {
  return {
    'X-RateLimit-Bucket': id,
    'X-RateLimit-Limit': String(state.limit),
    'X-RateLimit-Remaining': String(state.remaining),
    'X-RateLimit-Reset': seconds(state.resetAt),
    'X-RateLimit-Reset-After': seconds(state.resetAt - now),
  };
}

function tooManyRequests(id: string, state: BucketState, now: number): HttpResponseData {
  const retryAfter = Math.round(state.resetAt - now) / 1000;

  return jsonResponse(
    429,
    { message: RATE_LIMITED_MESSAGE, retry_after: retryAfter, global: false },
    {
      ...bucketHeaders(id, state, now),
      'X-RateLimit-Scope': 'user',
      'Retry-After': String(Math.ceil(retryAfter)),
    },
  );
}
