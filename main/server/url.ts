/**
 * Server addresses: the base URL of an authentik server as a profile stores it, and the API
 * URLs built from it. The token travels in a header, so plain http is accepted only for this
 * computer, where nothing else can read the traffic.
 */
import { StagecraftError } from '../../shared/errors.js';

/** The path of authentik's REST API below the server's base URL. */
export const API_PREFIX = '/api/v3';

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();

  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

/**
 * Checks and normalises a server address: `https://auth.example.com/`,
 * `https://auth.example.com/api/v3/` and `auth.example.com` all become
 * `https://auth.example.com`. A path prefix (authentik behind `/authentik/`) is kept. Throws
 * `server-url-invalid` for other schemes, for credentials, a query or a fragment in the URL, and
 * for plain http to a host other than this computer.
 */
export function normalizeServerUrl(input: string): string {
  const text = input.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;

  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw invalid(input, 'it is not a URL; write it as https://auth.example.com');
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw invalid(input, `the scheme ${url.protocol} is not http or https`);
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    throw invalid(
      input,
      'plain http would send the API token unencrypted; use https:// (http:// is accepted only ' +
        'for localhost and 127.0.0.1)',
    );
  }
  if (url.username !== '' || url.password !== '') {
    throw invalid(input, 'it contains credentials; give the API token separately');
  }
  if (url.search !== '' || url.hash !== '') {
    throw invalid(input, 'it has a query or fragment; give only the server address');
  }

  let path = url.pathname.replace(/\/+$/, '');
  if (path.endsWith(API_PREFIX)) {
    path = path.slice(0, -API_PREFIX.length);
  }

  return `${url.protocol}//${url.host}${path}`;
}

function invalid(input: string, reason: string): StagecraftError {
  return new StagecraftError(
    'server-url-invalid',
    `The server address "${input}" is invalid: ${reason}.`,
    {
      url: input,
    },
  );
}

/**
 * Builds the URL of an API path such as `/flows/instances/` below a normalised base URL, with
 * query parameters. Path segments taken from user input must be encoded by the caller.
 */
export function apiUrl(
  base: string,
  path: string,
  query: Record<string, string | number | undefined> = {},
): string {
  const url = new URL(`${base}${API_PREFIX}${path}`);
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) {
      url.searchParams.set(key, String(value));
    }
  }

  return url.toString();
}
