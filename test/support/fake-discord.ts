/**
 * A fake Discord on 127.0.0.1 for tests: a real HTTP server on a random port. It serves the
 * OAuth authorize page, which redirects back with a code and the state, and the token endpoint,
 * which checks the client credentials (Basic or form). It also serves users/@me,
 * users/@me/guilds, the guild-member endpoint and CDN avatars, with a Discord persona's data.
 * Every token and the client secret are random per server, so tests can check that recordings
 * do not contain them.
 *
 * Faults can be switched on for any endpoint: 429 with rate-limit headers, a 5xx, a non-JSON
 * body, a 10 MB body, a slow response, a redirect to another host and a connection reset.
 *
 * The server is unreferenced, so it never keeps the test process alive. It closes when the test
 * that started it ends. A server started outside a test (in `beforeAll`) needs `close()`.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

import { onTestFinished } from 'vitest';

import type { HttpResponseData } from '../../shared/http/exchange.js';
import { answerAsPersona } from '../../shared/http/persona-answers.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import { parseDiscordPersona } from '../../shared/http/persona.js';
import { RateLimiter } from '../../shared/http/rate-limit.js';
import { parseQuery } from '../../shared/http/url.js';
import { bodyToBytes } from '../../main/http/body.js';

/** The endpoints a fault can be limited to; `any` is every endpoint but the authorize page. */
export type FakeEndpoint = 'token' | 'user' | 'guilds' | 'member' | 'avatar' | 'any';

/** A fault the fake server responds with instead of the persona's response. */
export type FakeFault =
  | { kind: 'rate-limit'; retryAfter?: number }
  | { kind: 'server-error'; status?: number }
  | { kind: 'non-json' }
  | { kind: 'huge-body'; bytes?: number; declareLength?: boolean }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'slow-body'; delayMs: number }
  | { kind: 'redirect'; location?: string }
  | { kind: 'reset' };

/** One request the fake server received. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}

/** A running fake Discord. */
export interface FakeDiscord {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** `<url>/api`, to pass as an API base. */
  apiBase: string;
  /** Hosts to send to this server instead: discord.com and cdn.discordapp.com. */
  hostOverrides: Record<string, string>;
  clientId: string;
  clientSecret: string;
  /** The persona with this server's random tokens. */
  persona: DiscordPersona;
  /** Every request received, oldest first. */
  requests: FakeRequest[];
  /** Replaces the persona; the new one gets this server's tokens. */
  setPersona(persona: DiscordPersona): void;
  /** Switches a fault on (or off with null) for one endpoint or for all. */
  setFault(fault: FakeFault | null, endpoint?: FakeEndpoint): void;
  close(): Promise<void>;
}

/** Settings of a fake Discord. */
export interface FakeDiscordOptions {
  /** Default: the built-in persona `member-with-role`. */
  persona?: DiscordPersona;
}

const repoRoot = join(import.meta.dirname, '..', '..');

/** Reads a built-in persona from assets/personas. */
export function readBuiltInPersona(name: string): DiscordPersona {
  const text = readFileSync(join(repoRoot, 'assets', 'personas', `${name}.json`), 'utf8');

  return parseDiscordPersona(JSON.parse(text) as unknown, name);
}

function randomToken(length: number): string {
  return randomBytes(length).toString('base64url').slice(0, length);
}

function randomDigits(length: number): string {
  return [...randomBytes(length)]
    .map((byte) => String(byte % 10))
    .join('')
    .replace(/^0/, '9');
}

function routeOf(path: string): FakeEndpoint | 'authorize' | undefined {
  if (/^\/api(\/v\d+)?\/oauth2\/authorize$/.test(path)) {
    return 'authorize';
  }
  if (/^\/api(\/v\d+)?\/oauth2\/token$/.test(path)) {
    return 'token';
  }
  if (/^\/api(\/v\d+)?\/users\/@me$/.test(path)) {
    return 'user';
  }
  if (/^\/api(\/v\d+)?\/users\/@me\/guilds$/.test(path)) {
    return 'guilds';
  }
  if (/^\/api(\/v\d+)?\/users\/@me\/guilds\/[^/]+\/member$/.test(path)) {
    return 'member';
  }
  if (path.startsWith('/avatars/') || path.startsWith('/embed/avatars/')) {
    return 'avatar';
  }

  return undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

function send(response: ServerResponse, answer: HttpResponseData): void {
  const bytes = bodyToBytes(answer.body);
  response.writeHead(answer.status, { ...answer.headers, 'Content-Length': String(bytes.length) });
  response.end(bytes);
}

function sendJson(response: ServerResponse, status: number, json: unknown): void {
  const bytes = Buffer.from(JSON.stringify(json), 'utf8');
  response.writeHead(status, {
    'Content-Type': 'application/json',
    'Content-Length': String(bytes.length),
  });
  response.end(bytes);
}

/** Starts a fake Discord on 127.0.0.1 with a random port. */
export async function startFakeDiscord(options: FakeDiscordOptions = {}): Promise<FakeDiscord> {
  const clientId = randomDigits(18);
  const clientSecret = randomToken(32);
  const codes = new Map<string, string>();
  const faults = new Map<FakeEndpoint, FakeFault>();
  const requests: FakeRequest[] = [];
  const limiter = new RateLimiter(() => Date.now());
  let persona = withRandomTokens(options.persona ?? readBuiltInPersona('member-with-role'));

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) {
        sendJson(response, 500, { message: String(error), code: 0 });
      }
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const [path = '/', queryText = ''] = (request.url ?? '/').split('?', 2);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    const method = request.method ?? 'GET';
    requests.push({ method, path: request.url ?? '/', headers, body });

    const route = routeOf(path);
    if (route === 'authorize') {
      authorize(new Map(parseQuery(queryText)), response);
      return;
    }

    const fault = route === undefined ? undefined : (faults.get(route) ?? faults.get('any'));
    if (fault !== undefined) {
      await applyFault(fault, request, response);
      return;
    }

    if (route === 'token' && !checkToken(headers, new Map(parseQuery(body)), response)) {
      return;
    }

    const host = route === 'avatar' ? 'cdn.discordapp.com' : 'discord.com';
    const answer = answerAsPersona(persona, {
      method,
      url: `https://${host}${request.url ?? '/'}`,
      headers,
      body,
    });
    if (answer === undefined) {
      sendJson(response, 404, { message: '404: Not Found', code: 0 });
      return;
    }

    send(
      response,
      answer.rateLimit === undefined
        ? answer.response
        : limiter.apply(answer.rateLimit, answer.response),
    );
  }

  function authorize(query: Map<string, string>, response: ServerResponse): void {
    const redirectUri = query.get('redirect_uri') ?? '';
    if (query.get('client_id') !== clientId || !/^https?:\/\//.test(redirectUri)) {
      sendJson(response, 400, { message: 'Invalid OAuth2 redirect_uri or client_id', code: 50035 });
      return;
    }

    const code = randomToken(30);
    codes.set(code, redirectUri);
    const target = new URL(redirectUri);
    target.searchParams.set('code', code);
    target.searchParams.set('state', query.get('state') ?? '');
    response.writeHead(302, { Location: target.href, 'Content-Length': '0' });
    response.end();
  }

  // Checks the client credentials and the code, as Discord's token endpoint does.
  function checkToken(
    headers: Record<string, string>,
    form: Map<string, string>,
    response: ServerResponse,
  ): boolean {
    const basic = /^basic\s+(\S+)$/i.exec(headers.authorization ?? '');
    const [id, secret] = basic
      ? Buffer.from(basic[1]!, 'base64').toString('utf8').split(':', 2)
      : [form.get('client_id'), form.get('client_secret')];
    if (id !== clientId || secret !== clientSecret) {
      sendJson(response, 401, { error: 'invalid_client' });
      return false;
    }

    if (form.get('grant_type') === 'authorization_code') {
      const code = form.get('code') ?? '';
      const redirectUri = codes.get(code);
      codes.delete(code);
      if (redirectUri === undefined || redirectUri !== form.get('redirect_uri')) {
        sendJson(response, 400, {
          error: 'invalid_grant',
          error_description: 'Invalid "code" in request.',
        });
        return false;
      }
    }

    return true;
  }

  async function applyFault(
    fault: FakeFault,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    switch (fault.kind) {
      case 'rate-limit': {
        const retryAfter = fault.retryAfter ?? 64.57;
        const bytes = Buffer.from(
          JSON.stringify({
            message: 'You are being rate limited.',
            retry_after: retryAfter,
            global: false,
          }),
        );
        response.writeHead(429, {
          'Content-Type': 'application/json',
          'Content-Length': String(bytes.length),
          'Retry-After': String(Math.ceil(retryAfter)),
          'X-RateLimit-Bucket': 'fake-bucket',
          'X-RateLimit-Limit': '5',
          'X-RateLimit-Remaining': '0',
          'X-RateLimit-Reset': ((Date.now() + retryAfter * 1000) / 1000).toFixed(3),
          'X-RateLimit-Reset-After': retryAfter.toFixed(3),
          'X-RateLimit-Scope': 'user',
        });
        response.end(bytes);
        return;
      }
      case 'server-error':
        sendJson(response, fault.status ?? 502, { message: '502: Bad Gateway', code: 0 });
        return;
      case 'non-json': {
        const bytes = Buffer.from('<html><body><h1>502 Bad Gateway</h1></body></html>');
        response.writeHead(200, {
          'Content-Type': 'text/html; charset=utf-8',
          'Content-Length': String(bytes.length),
        });
        response.end(bytes);
        return;
      }
      case 'huge-body':
        await writeHugeBody(
          response,
          fault.bytes ?? 10 * 1024 * 1024,
          fault.declareLength ?? false,
        );
        return;
      case 'slow':
        await delay(fault.delayMs, response);
        sendJson(response, 200, { slow: true });
        return;
      case 'slow-body':
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.write('{"slow": ');
        await delay(fault.delayMs, response);
        response.end('true}');
        return;
      case 'redirect':
        response.writeHead(302, {
          Location: fault.location ?? 'https://elsewhere.example/api/users/@me',
          'Content-Length': '0',
        });
        response.end();
        return;
      case 'reset':
        request.socket.destroy();
        return;
    }
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  server.unref();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) {
      return;
    }
    closed = true;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  };

  try {
    onTestFinished(close);
  } catch {
    // Started outside a test (in beforeAll): the caller closes it.
  }

  const fake: FakeDiscord = {
    url,
    apiBase: `${url}/api`,
    hostOverrides: { 'discord.com': url, 'cdn.discordapp.com': url },
    clientId,
    clientSecret,
    get persona() {
      return persona;
    },
    requests,
    setPersona(next) {
      persona = withRandomTokens(next);
    },
    setFault(fault, endpoint = 'any') {
      if (fault === null) {
        faults.delete(endpoint);
      } else {
        faults.set(endpoint, fault);
      }
    },
    close,
  };
  return fake;
}

function withRandomTokens(persona: DiscordPersona): DiscordPersona {
  const copy = structuredClone(persona);
  copy.discord.token.access_token = randomToken(30);
  copy.discord.token.refresh_token = randomToken(30);

  return copy;
}

function delay(ms: number, response: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    // The client gave up (timeout): stop waiting, so the server can close promptly.
    response.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function writeHugeBody(
  response: ServerResponse,
  bytes: number,
  declareLength: boolean,
): Promise<void> {
  response.writeHead(200, {
    'Content-Type': 'application/json',
    ...(declareLength ? { 'Content-Length': String(bytes) } : {}),
  });

  const chunk = Buffer.alloc(64 * 1024, 'a');
  let written = 0;
  while (written < bytes && !response.destroyed) {
    const size = Math.min(chunk.length, bytes - written);
    if (!response.write(chunk.subarray(0, size))) {
      await new Promise<void>((resolve) => {
        response.once('drain', resolve);
        response.once('close', resolve);
      });
    }
    written += size;
  }

  response.end();
}
