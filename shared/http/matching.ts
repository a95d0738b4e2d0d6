/**
 * Request matching of replay. A request matches a recorded one when the
 * method, the normalised URL (see `normalizeUrl`: the host's case and default port do not
 * count, the path does, query order does not) and the Authorization header are equal. Both
 * sides are compared after secrets are replaced by placeholders, so a token recorded as
 * `<access-token-1>` matches whichever token comes first in the replay.
 */
import type { HttpExchangeData, HttpRequestData } from './exchange.js';
import { headerValue } from './exchange.js';
import { joinUrl, normalizeUrl, splitUrl } from './url.js';

/**
 * Returns the key two requests share exactly when they match. The `access_token` query
 * parameter does not count: authentik's OAuth client repeats the Authorization header's token
 * there, and some callers leave the copy out.
 */
export function matchKey(request: HttpRequestData): string {
  const authorization = headerValue(request.headers, 'Authorization') ?? '';

  return `${request.method.toUpperCase()} ${matchUrl(request.url)} ${authorization}`;
}

function matchUrl(url: string): string {
  const parts = splitUrl(url);
  if (parts === undefined) {
    return normalizeUrl(url);
  }

  const query = parts.query.filter(([key]) => key !== 'access_token');
  return normalizeUrl(joinUrl({ ...parts, query }));
}

/** The recorded request nearest to an unmatched one, with what differs. */
export interface ClosestRequest {
  request: HttpRequestData;
  /** Parts that differ, e.g. `the path`, `the Authorization header`. */
  differences: string[];
}

/**
 * Recorded exchanges looked up by request. Several recordings of the same request are returned
 * in the recorded order, and the last one repeats.
 */
export class ExchangeIndex {
  private readonly byKey = new Map<string, HttpExchangeData[]>();
  private readonly used = new Map<string, number>();

  constructor(private readonly exchanges: readonly HttpExchangeData[]) {
    for (const exchange of exchanges) {
      const key = matchKey(exchange.request);
      const list = this.byKey.get(key) ?? [];
      list.push(exchange);
      this.byKey.set(key, list);
    }
  }

  /** Returns the next recorded exchange for `request`, or undefined when none matches. */
  take(request: HttpRequestData): HttpExchangeData | undefined {
    const key = matchKey(request);
    const list = this.byKey.get(key);
    if (list === undefined || list.length === 0) {
      return undefined;
    }

    const index = this.used.get(key) ?? 0;
    this.used.set(key, index + 1);
    return list[Math.min(index, list.length - 1)];
  }

  /** Returns the recorded request most similar to `request`, or undefined when none exist. */
  closest(request: HttpRequestData): ClosestRequest | undefined {
    const requestKey = matchKey(request);
    let best: HttpExchangeData | undefined;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (const exchange of this.exchanges) {
      const distance = editDistance(requestKey, matchKey(exchange.request));
      if (distance < bestDistance) {
        best = exchange;
        bestDistance = distance;
      }
    }

    if (best === undefined) {
      return undefined;
    }

    return { request: best.request, differences: describeDifferences(request, best.request) };
  }
}

/** Lists what differs between two requests in the parts that matching compares. */
export function describeDifferences(actual: HttpRequestData, recorded: HttpRequestData): string[] {
  const differences: string[] = [];
  if (actual.method.toUpperCase() !== recorded.method.toUpperCase()) {
    differences.push('the method');
  }

  const a = splitUrl(actual.url);
  const b = splitUrl(recorded.url);
  if (a === undefined || b === undefined) {
    if (normalizeUrl(actual.url) !== normalizeUrl(recorded.url)) {
      differences.push('the URL');
    }
  } else {
    if (a.scheme !== b.scheme || a.host !== b.host) {
      differences.push('the scheme or host');
    }
    if (a.path !== b.path) {
      differences.push('the path');
    }
    if (matchUrl(actual.url).split('?')[1] !== matchUrl(recorded.url).split('?')[1]) {
      differences.push('the query string');
    }
  }

  const authA = headerValue(actual.headers, 'Authorization');
  const authB = headerValue(recorded.headers, 'Authorization');
  if (authA !== authB) {
    differences.push('the Authorization header');
  }

  return differences;
}

/** Formats a request for messages: method, URL, and the Authorization header when present. */
export function describeRequest(request: HttpRequestData): string {
  const authorization = headerValue(request.headers, 'Authorization');
  const auth = authorization === undefined ? '' : ` (Authorization: ${authorization})`;

  return `${request.method.toUpperCase()} ${request.url}${auth}`;
}

/**
 * Builds the message for a request that replay has no response for. `request` must already have its
 * secrets replaced, because the message is shown and logged. `note` is added after the nearest
 * request, e.g. which endpoints a persona responds to.
 */
export function noMatchMessage(
  request: HttpRequestData,
  closest: ClosestRequest | undefined,
  answersFrom: string,
  note = '',
): string {
  const nearest =
    closest === undefined
      ? 'No recorded request resembles it.'
      : `The closest recorded request is ${describeRequest(closest.request)}, which differs in ` +
        `${closest.differences.join(', ') || 'nothing that matching compares'}.`;
  const extra = note === '' ? '' : ` ${note}`;

  return (
    `No recorded response for ${describeRequest(request)} in ${answersFrom}. ${nearest}${extra} ` +
    'Replay never uses the network: record this request, or add its response to the persona.'
  );
}

// Levenshtein distance, cut at 600 characters per side so that long URLs stay cheap to compare.
function editDistance(left: string, right: string): number {
  const a = left.slice(0, 600);
  const b = right.slice(0, 600);
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }

  return previous[b.length]!;
}
