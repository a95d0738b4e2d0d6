/**
 * URL and query-string handling without the platform's URL class, which shared code cannot
 * assume. Covers absolute http(s) URLs as the HTTP layer sends them.
 */

/** The parts of an absolute URL that request matching compares. */
export interface UrlParts {
  /** Lower-case scheme without `://`. */
  scheme: string;
  /** Lower-case host with the port, the port left out when it is the scheme's default. */
  host: string;
  /** Path as written, `/` when empty. */
  path: string;
  /** Query parameters in their order, decoded. */
  query: [string, string][];
}

const URL_PATTERN = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(?:#.*)?$/;

const DEFAULT_PORTS: Record<string, string> = { http: '80', https: '443' };

/** Splits an absolute URL into its parts, or returns undefined when it is not one. */
export function splitUrl(url: string): UrlParts | undefined {
  const match = URL_PATTERN.exec(url.trim());
  if (match === null) {
    return undefined;
  }

  const scheme = match[1]!.toLowerCase();
  let host = match[2]!.toLowerCase();
  if (host === '' || host.includes('@')) {
    return undefined;
  }

  const port = DEFAULT_PORTS[scheme];
  if (port !== undefined && host.endsWith(`:${port}`)) {
    host = host.slice(0, -(port.length + 1));
  }

  return {
    scheme,
    host,
    path: match[3] === '' ? '/' : match[3]!,
    query: parseQuery(match[4] ?? ''),
  };
}

function decodePart(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A stray `%` that starts no escape: keep the text as it is, as Python's parse_qsl does.
    return spaced;
  }
}

/** Parses a query string or form body (`a=1&b=2`, `+` as space) into decoded pairs. */
export function parseQuery(text: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of text.split('&')) {
    if (part === '') {
      continue;
    }

    const equals = part.indexOf('=');
    const key = equals < 0 ? part : part.slice(0, equals);
    const value = equals < 0 ? '' : part.slice(equals + 1);
    pairs.push([decodePart(key), decodePart(value)]);
  }

  return pairs;
}

/** Encodes pairs as a query string or form body. */
export function formatQuery(pairs: readonly (readonly [string, string])[]): string {
  return pairs
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
}

/** Joins URL parts back into a URL; the query keeps the order it has in `parts`. */
export function joinUrl(parts: UrlParts): string {
  const query = parts.query.length === 0 ? '' : `?${formatQuery(parts.query)}`;

  return `${parts.scheme}://${parts.host}${parts.path}${query}`;
}

/**
 * Returns the comparable form of a URL: lower-case scheme and host, default port dropped,
 * query parameters sorted, fragment dropped. The path stays exact, so `/api/users/@me` and
 * `/api/v10/users/@me` are different endpoints. A string that is no absolute URL is returned
 * trimmed.
 */
export function normalizeUrl(url: string): string {
  const parts = splitUrl(url);
  if (parts === undefined) {
    return url.trim();
  }

  const query = [...parts.query].sort(([keyA, valueA], [keyB, valueB]) =>
    keyA === keyB ? compare(valueA, valueB) : compare(keyA, keyB),
  );
  return joinUrl({ ...parts, query });
}

function compare(a: string, b: string): number {
  if (a === b) {
    return 0;
  }

  return a < b ? -1 : 1;
}
