/**
 * The web-mode transport: service calls as `POST /api/<service>/<method>` with JSON bodies, and
 * events from the server-sent-events stream `GET /api/events`. Both carry the session token in
 * the `X-Stagecraft-Token` header. The token arrives in the page's URL fragment (`#token=…`),
 * which browsers never send to a server. It is kept in sessionStorage so that a reload still
 * works, and removed from the address bar so that it does not end up in bookmarks or screenshots.
 *
 * The event stream is read with fetch rather than EventSource, because EventSource cannot send
 * headers and the token would then have to travel in the URL.
 */
import { createServiceClient } from '../../shared/api/client.js';
import type {
  CallOutcome,
  ServiceClient,
  ServiceEvent,
  ServiceEvents,
} from '../../shared/api/services.js';

/** The header that carries the token; the server reads the same name. */
export const TOKEN_HEADER = 'X-Stagecraft-Token';

const TOKEN_STORAGE_KEY = 'stagecraft-token';

/** Milliseconds before reconnecting a dropped event stream; doubles up to the maximum. */
const RECONNECT_FIRST_MS = 1000;
const RECONNECT_MAX_MS = 30_000;

// The browser objects this module touches, typed here so that it also compiles (and runs in
// tests) without the DOM library.
interface BrowserPage {
  location?: { hash: string; pathname: string; search: string };
  sessionStorage?: {
    getItem(key: string): string | null;
    setItem(key: string, value: string): void;
  };
  history?: { replaceState(data: unknown, unused: string, url: string): void };
}

/** Options of {@link createWebClient}. */
export interface WebClientOptions {
  /** The server's origin; empty (the default) means the page's own origin. */
  baseUrl?: string;
  /** The session token; read from the page (fragment, then sessionStorage) unless given. */
  token?: string;
  fetch?: typeof fetch;
}

/**
 * Reads the token from the URL fragment (then removes it from the address bar) or, after a
 * reload, from sessionStorage. Returns undefined when the page has neither.
 */
export function takeTokenFromPage(): string | undefined {
  const page = globalThis as unknown as BrowserPage;
  const location = page.location;
  const match = location === undefined ? null : /(?:^#|&)token=([^&]+)/.exec(location.hash);

  if (match !== null && location !== undefined) {
    const token = decodeURIComponent(match[1]!);
    page.sessionStorage?.setItem(TOKEN_STORAGE_KEY, token);
    page.history?.replaceState(null, '', location.pathname + location.search);
    return token;
  }

  return page.sessionStorage?.getItem(TOKEN_STORAGE_KEY) ?? undefined;
}

function unreachable(detail: string): CallOutcome {
  return {
    ok: false,
    error: {
      code: 'backend-unreachable',
      message: `The Stagecraft server did not respond (${detail}). Check that \`npm start\` is still running, then reload the page.`,
    },
  };
}

const MISSING_TOKEN: CallOutcome = {
  ok: false,
  error: {
    code: 'request-forbidden',
    message:
      'This page has no Stagecraft session token. Open the full address that `npm start` printed (it ends in #token=…).',
  },
};

function isOutcome(value: unknown): value is CallOutcome {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { ok?: unknown }).ok === 'boolean'
  );
}

/** Parses the `data:` lines of one server-sent event block; returns undefined for comments. */
export function parseEventBlock(block: string): ServiceEvent | undefined {
  const data = block
    .split('\n')
    .filter((line) => line.startsWith('data:'))
    .map((line) => line.slice(5).replace(/^ /, ''))
    .join('\n');
  if (data === '') {
    return undefined;
  }

  return JSON.parse(data) as ServiceEvent;
}

/**
 * The event stream: connected while at least one listener is subscribed, reconnected with a
 * growing delay when the connection drops.
 */
class EventStream implements ServiceEvents {
  private readonly listeners = new Set<(event: ServiceEvent) => void>();
  private controller: AbortController | undefined;
  private retryDelay = RECONNECT_FIRST_MS;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: string,
    private readonly token: string | undefined,
    private readonly fetcher: typeof fetch,
  ) {}

  subscribe(listener: (event: ServiceEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) {
      this.connect();
    }

    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) {
        this.disconnect();
      }
    };
  }

  private connect(): void {
    if (this.token === undefined) {
      return;
    }

    const controller = new AbortController();
    this.controller = controller;
    this.read(controller.signal).then(
      () => this.scheduleReconnect(controller),
      () => this.scheduleReconnect(controller),
    );
  }

  private async read(signal: AbortSignal): Promise<void> {
    const response = await this.fetcher(this.url, {
      headers: { [TOKEN_HEADER]: this.token!, Accept: 'text/event-stream' },
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      signal,
    });
    if (!response.ok || response.body === null) {
      throw new Error(`event stream failed with HTTP ${response.status}`);
    }

    this.retryDelay = RECONNECT_FIRST_MS;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        return;
      }

      buffer += value.replace(/\r\n?/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const event = parseEventBlock(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (event !== undefined) {
          this.deliver(event);
        }
        end = buffer.indexOf('\n\n');
      }
    }
  }

  private deliver(event: ServiceEvent): void {
    for (const listener of [...this.listeners]) {
      listener(event);
    }
  }

  private scheduleReconnect(controller: AbortController): void {
    // A stream this client aborted on purpose, or one replaced by a newer one, stays closed.
    if (controller.signal.aborted || this.controller !== controller || this.listeners.size === 0) {
      return;
    }

    this.retryTimer = setTimeout(() => this.connect(), this.retryDelay);
    this.retryDelay = Math.min(this.retryDelay * 2, RECONNECT_MAX_MS);
  }

  private disconnect(): void {
    clearTimeout(this.retryTimer);
    this.controller?.abort();
    this.controller = undefined;
  }
}

/** Creates the service client over HTTP to the web-mode server. */
export function createWebClient(options: WebClientOptions = {}): ServiceClient {
  const baseUrl = (options.baseUrl ?? '').replace(/\/$/, '');
  const token = options.token ?? takeTokenFromPage();
  const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);

  const call = async (service: string, method: string, args: unknown): Promise<CallOutcome> => {
    if (token === undefined) {
      return MISSING_TOKEN;
    }

    let response: Response;
    try {
      response = await fetcher(`${baseUrl}/api/${service}/${method}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', [TOKEN_HEADER]: token },
        body: JSON.stringify(args),
        credentials: 'omit',
        referrerPolicy: 'no-referrer',
      });
    } catch (error) {
      return unreachable(error instanceof Error ? error.message : String(error));
    }

    let body: unknown;
    try {
      body = await response.json();
    } catch {
      return unreachable(`HTTP ${response.status} without a JSON body`);
    }

    return isOutcome(body) ? body : unreachable(`HTTP ${response.status} with an unknown body`);
  };

  return createServiceClient(call, new EventStream(`${baseUrl}/api/events`, token, fetcher));
}
