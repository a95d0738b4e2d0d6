/**
 * Request checks of the web server. The server listens on 127.0.0.1 only, but any web page the
 * user opens can send requests there, and a DNS-rebinding page can even appear same-origin. So
 * every request must name the server by its loopback Host, a browser's Origin (when sent) must be
 * the server's own, and service calls must carry the per-start token.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** The header that carries the token on service calls and the event stream. */
export const TOKEN_HEADER = 'x-stagecraft-token';

/** The reason a request was rejected, for the log; the response itself only reads "forbidden". */
export type RejectionReason = 'host' | 'origin' | 'cross-site' | 'token-missing' | 'token-wrong';

/** Returns the Host header values the server accepts for its port. */
export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

/**
 * Checks Host, Origin and Sec-Fetch-Site. Returns the reason to reject it, or undefined. The Origin
 * must name the same host as the Host header, so a page on one loopback name cannot call the
 * server under the other.
 */
export function checkOrigin(request: IncomingMessage, port: number): RejectionReason | undefined {
  const host = request.headers.host;
  if (host === undefined || !allowedHosts(port).includes(host.toLowerCase())) {
    return 'host';
  }

  const origin = request.headers.origin;
  if (origin !== undefined && origin !== `http://${host.toLowerCase()}`) {
    return 'origin';
  }

  // Browsers send this header even where they leave out Origin (e.g. on GET).
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    return 'cross-site';
  }

  return undefined;
}

/** Checks the token header in constant time. Returns the reason to reject it, or undefined. */
export function checkToken(request: IncomingMessage, token: string): RejectionReason | undefined {
  const given = request.headers[TOKEN_HEADER];
  if (typeof given !== 'string' || given === '') {
    return 'token-missing';
  }

  const expected = Buffer.from(token, 'utf8');
  const actual = Buffer.from(given, 'utf8');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return 'token-wrong';
  }

  return undefined;
}

/**
 * Counts rejections per reason and decides which to log: the first ten of each, then every
 * hundredth, so a page that keeps probing cannot flood the log.
 */
export class RejectionCounter {
  private readonly counts = new Map<RejectionReason, number>();

  /** Counts a rejection; returns its running count when it should be logged, else undefined. */
  count(reason: RejectionReason): number | undefined {
    const count = (this.counts.get(reason) ?? 0) + 1;
    this.counts.set(reason, count);

    return count <= 10 || count % 100 === 0 ? count : undefined;
  }
}
