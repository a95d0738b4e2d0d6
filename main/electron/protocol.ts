/**
 * Serves the built renderer under `app://stagecraft/`, with the same Content-Security-Policy as
 * web mode. A custom origin (rather than `file://`) gives the page a real origin for its CSP and
 * lets the main process tell its own pages from anything else.
 */
import type { Protocol } from 'electron';

import { SECURITY_HEADERS } from '../web/csp.js';
import { readStatic } from '../web/static.js';
import { APP_HOST, APP_SCHEME } from './security.js';

/** The privileges of the app scheme, registered before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true },
};

/** Returns the response to one request for an app page or asset from `rendererFolder`. */
export async function serveAppRequest(rendererFolder: string, url: string): Promise<Response> {
  const parsed = new URL(url);
  if (parsed.host !== APP_HOST) {
    return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
  }

  const result = await readStatic(rendererFolder, parsed.pathname);
  if (result.status === 404) {
    return new Response('Not found', { status: 404, headers: SECURITY_HEADERS });
  }

  return new Response(new Uint8Array(result.body), {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'Content-Type': result.contentType },
  });
}

/** Installs the handler of the app scheme. */
export function handleAppProtocol(protocol: Protocol, rendererFolder: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(rendererFolder, request.url));
}
