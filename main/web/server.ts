/**
 * Web mode: one HTTP server on 127.0.0.1 that serves the built renderer and carries service
 * calls (`POST /api/<service>/<method>`, JSON in and out) and events (`GET /api/events`, a
 * server-sent-events stream) for one window's services.
 *
 * The token reaches the page in the URL fragment (`/#token=…`). Browsers never send a fragment to
 * a server or put it in a Referer, so the token stays out of request lines, server logs and other
 * sites. The page moves it to sessionStorage and removes it from the address bar.
 *
 * The page's own files carry no secret and are served without the token, but only under a
 * loopback Host, which defeats DNS rebinding. Every service call and the event stream need the
 * token in a header. A foreign page cannot set that header without a CORS preflight, and this
 * server never grants one.
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { CallOutcome } from '../../shared/api/services.js';
import { StagecraftError } from '../../shared/errors.js';
import type { ErrorCode, ErrorPayload } from '../../shared/errors.js';
import { createLogger } from '../log.js';
import { dispatchCall } from '../services/dispatch.js';
import type { WindowServices } from '../services/index.js';
import { SECURITY_HEADERS } from './csp.js';
import { checkOrigin, checkToken, RejectionCounter } from './guard.js';
import type { RejectionReason } from './guard.js';
import { readStatic, sendStatic } from './static.js';

const log = createLogger('web');

/**
 * The largest request body, in bytes. An import carries whole blueprint files as JSON strings;
 * 64 MiB fits several files at the reader's 16 MiB limit.
 */
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

/** Seconds between keep-alive comments on the event stream, so idle proxies keep it open. */
const KEEP_ALIVE_SECONDS = 15;

/** HTTP status of a failed call by error code; other codes are failures of a delivered call. */
const STATUS_BY_CODE: Partial<Record<ErrorCode, number>> = {
  'invalid-argument': 400,
  'method-not-found': 404,
  'request-forbidden': 403,
  internal: 500,
};

/** Options of {@link startWebServer}. */
export interface WebServerOptions {
  services: WindowServices;
  /** The folder of the built renderer. */
  rendererFolder: string;
  /** The port on 127.0.0.1; 0 (the default) picks a free one. */
  port?: number;
  /** The token; a random 32-byte one unless given (tests give one). */
  token?: string;
}

/** A running web server. */
export interface WebServer {
  /** `http://127.0.0.1:<port>`, without the token. */
  origin: string;
  port: number;
  token: string;
  /** The address to open in a browser: the origin with the token in the fragment. */
  pageUrl: string;
  close(): Promise<void>;
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: CallOutcome,
  extra: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    ...SECURITY_HEADERS,
    ...extra,
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  });
  response.end(text);
}

function sendError(response: ServerResponse, status: number, error: ErrorPayload): void {
  sendJson(response, status, { ok: false, error });
}

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? '0');
  if (declared > MAX_BODY_BYTES) {
    throw new BodyTooLarge();
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) {
      throw new BodyTooLarge();
    }
    chunks.push(buffer);
  }

  return Buffer.concat(chunks).toString('utf8');
}

/** Starts the server on 127.0.0.1 and resolves once it listens. */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(32).toString('base64url');
  const rejections = new RejectionCounter();
  const streams = new Set<ServerResponse>();
  let port = 0;

  const reject = (request: IncomingMessage, response: ServerResponse, reason: RejectionReason) => {
    const count = rejections.count(reason);
    if (count !== undefined) {
      // The path is logged without its query, and no header is logged, so no token leaks here.
      const path = (request.url ?? '/').split('?')[0];
      log.warn('request rejected', {
        reason,
        method: request.method,
        path,
        remoteAddress: request.socket.remoteAddress,
        count,
      });
    }
    sendError(response, 403, {
      code: 'request-forbidden',
      message:
        'Forbidden: this request lacks the token of this Stagecraft session or comes from ' +
        'another site. Open the address that `npm start` printed.',
    });
  };

  const handleCall = async (
    request: IncomingMessage,
    response: ServerResponse,
    service: string,
    method: string,
  ) => {
    const contentType = request.headers['content-type'] ?? '';
    if (!contentType.toLowerCase().startsWith('application/json')) {
      sendError(response, 415, {
        code: 'invalid-argument',
        message: `${service}.${method}: send the argument as JSON (Content-Type: application/json).`,
      });
      return;
    }

    let args: unknown;
    try {
      const text = await readBody(request);
      args = text === '' ? {} : JSON.parse(text);
    } catch (error) {
      if (error instanceof BodyTooLarge) {
        sendError(response, 413, {
          code: 'invalid-argument',
          message: `${service}.${method}: the request is larger than ${MAX_BODY_BYTES} bytes. Import fewer or smaller files at once.`,
        });
        return;
      }
      sendError(response, 400, {
        code: 'invalid-argument',
        message: `${service}.${method}: the request body is not valid JSON.`,
      });
      return;
    }

    const outcome = await dispatchCall(options.services.handlers, service, method, args);
    const status = outcome.ok ? 200 : (STATUS_BY_CODE[outcome.error.code] ?? 200);
    sendJson(response, status, outcome);
  };

  const handleEvents = (request: IncomingMessage, response: ServerResponse) => {
    response.writeHead(200, {
      ...SECURITY_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    streams.add(response);

    const unsubscribe = options.services.events.subscribe((event) => {
      response.write(`data: ${JSON.stringify(event)}\n\n`);
    });
    const keepAlive = setInterval(
      () => response.write(': keep-alive\n\n'),
      KEEP_ALIVE_SECONDS * 1000,
    );

    request.on('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      streams.delete(response);
    });
  };

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const originRejection = checkOrigin(request, port);
    if (originRejection !== undefined) {
      reject(request, response, originRejection);
      return;
    }

    const pathname = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (pathname === '/api' || pathname.startsWith('/api/')) {
      const tokenRejection = checkToken(request, token);
      if (tokenRejection !== undefined) {
        reject(request, response, tokenRejection);
        return;
      }

      if (pathname === '/api/events' && request.method === 'GET') {
        handleEvents(request, response);
        return;
      }

      const match = /^\/api\/([A-Za-z]+)\/([A-Za-z]+)$/.exec(pathname);
      if (match === null) {
        sendError(response, 404, {
          code: 'method-not-found',
          message: `${pathname} is not a service call: use POST /api/<service>/<method>.`,
        });
        return;
      }
      if (request.method !== 'POST') {
        sendError(response, 405, {
          code: 'method-not-found',
          message: `Service calls use POST, not ${request.method}.`,
        });
        return;
      }

      await handleCall(request, response, match[1]!, match[2]!);
      return;
    }

    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { ...SECURITY_HEADERS, Allow: 'GET, HEAD' });
      response.end();
      return;
    }

    const result = await readStatic(options.rendererFolder, pathname);
    sendStatic(response, result, { ...SECURITY_HEADERS }, request.method === 'HEAD');
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error('request failed', { method: request.method, error });
      if (!response.headersSent) {
        sendError(response, 500, {
          code: 'internal',
          message: 'Stagecraft failed to handle the request. The log has the details.',
        });
      } else {
        response.end();
      }
    });
  });

  const requestedPort = options.port ?? 0;
  await new Promise<void>((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const reason =
        error.code === 'EADDRINUSE'
          ? `port ${requestedPort} is in use. Choose another with --port, or leave --port out ` +
            'to use a free one'
          : error.message;
      reject(new StagecraftError('usage', `Cannot start the web server on 127.0.0.1: ${reason}.`));
    };
    server.once('error', fail);
    server.listen({ host: '127.0.0.1', port: requestedPort }, () => {
      server.off('error', fail);
      resolve();
    });
  });

  port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  log.info('web server listening', { origin, rendererFolder: options.rendererFolder });

  return {
    origin,
    port,
    token,
    pageUrl: `${origin}/#token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) {
          stream.end();
        }
        server.close(() => {
          log.info('web server stopped', { origin });
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
