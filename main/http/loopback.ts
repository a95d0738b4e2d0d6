/**
 * The loopback redirect of a live OAuth login: a server on 127.0.0.1 that receives the browser's
 * redirect with the authorization code, checks the state and shows a page saying the tab may be closed.
 * Also opens a URL in the system browser.
 */
import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

import { StagecraftError } from '../../shared/errors.js';
import { createLogger } from '../log.js';

const log = createLogger('http.loopback');

/** The code and state the authorization server redirected back with. */
export interface OAuthCallback {
  code: string;
  state: string;
}

/** A running loopback redirect server. */
export interface LoopbackServer {
  /** The redirect URI to register and send, e.g.
   * `http://127.0.0.1:8765/source/oauth/callback/discord/`. */
  redirectUri: string;
  /** Waits for the redirect; rejects with `oauth-login-failed` on an error, bad state or timeout. */
  waitForCallback(timeoutMs: number): Promise<OAuthCallback>;
  close(): Promise<void>;
}

function page(response: ServerResponse, status: number, text: string): void {
  const html = `<!doctype html><meta charset="utf-8"><title>Stagecraft</title><p>${text}</p>`;
  response.writeHead(status, {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': "default-src 'none'",
  });
  response.end(html);
}

/**
 * Starts the loopback server on 127.0.0.1 at `port` (0 picks a free one) for redirects to
 * `path`. Only a redirect whose `state` equals `expectedState` is accepted.
 */
export async function startLoopback(options: {
  port: number;
  path: string;
  expectedState: string;
}): Promise<LoopbackServer> {
  let settle: ((result: OAuthCallback | StagecraftError) => void) | undefined;
  let early: OAuthCallback | StagecraftError | undefined;
  const deliver = (result: OAuthCallback | StagecraftError) => {
    if (settle === undefined) {
      early ??= result;
      return;
    }
    settle(result);
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (request.method !== 'GET' || url.pathname !== options.path) {
      page(response, 404, 'Not found.');
      return;
    }

    const error = url.searchParams.get('error');
    if (error !== null) {
      const description = url.searchParams.get('error_description') ?? '';
      page(response, 400, 'The login was not completed. You can close this tab.');
      deliver(
        new StagecraftError(
          'oauth-login-failed',
          `Discord redirected back with error "${error}"${description === '' ? '' : ` (${description})`}; ` +
            'log in again and allow the access.',
          { error },
        ),
      );
      return;
    }

    const code = url.searchParams.get('code') ?? '';
    const state = url.searchParams.get('state') ?? '';
    if (state !== options.expectedState || code === '') {
      page(response, 400, 'State check failed. Start the recording again.');
      deliver(
        new StagecraftError(
          'oauth-login-failed',
          'The redirect back had a wrong state or no code (state check failed); start the ' +
            'recording again and use the URL it prints.',
        ),
      );
      return;
    }

    page(response, 200, 'Stagecraft received the login. You can close this tab.');
    deliver({ code, state });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: Error) =>
      reject(
        new StagecraftError(
          'oauth-login-failed',
          `Cannot listen on 127.0.0.1:${options.port} for the redirect: ${error.message}; pick ` +
            'another --port.',
          { port: options.port },
        ),
      ),
    );
    server.listen(options.port, '127.0.0.1', resolve);
  });

  const port = (server.address() as AddressInfo).port;
  const redirectUri = `http://127.0.0.1:${port}${options.path}`;

  return {
    redirectUri,
    waitForCallback(timeoutMs) {
      return new Promise((resolve, reject) => {
        const finish = (result: OAuthCallback | StagecraftError) => {
          clearTimeout(timer);
          settle = undefined;
          if (result instanceof StagecraftError) {
            reject(result);
          } else {
            resolve(result);
          }
        };
        const timer = setTimeout(
          () =>
            finish(
              new StagecraftError(
                'oauth-login-failed',
                `No login arrived at ${redirectUri} within ${timeoutMs / 1000} s; open the ` +
                  'printed URL and log in, or raise --timeout.',
              ),
            ),
          timeoutMs,
        );

        if (early !== undefined) {
          finish(early);
          return;
        }
        settle = finish;
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Opens `url` in the system browser without waiting for it. Returns false when no browser could
 * be started; the caller has printed the URL for the user to open.
 */
export function openInBrowser(url: string): boolean {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? // cmd treats `&` as a command separator; `^&` passes it through.
          ['cmd', ['/c', 'start', '""', url.replace(/&/g, '^&')]]
        : ['xdg-open', [url]];

  try {
    const child = spawn(command, args, { detached: true, stdio: 'ignore' });
    child.on('error', (error) => log.warn('browser could not be opened', { command, error }));
    child.unref();
    return true;
  } catch (error) {
    log.warn('browser could not be opened', { command, error });
    return false;
  }
}
