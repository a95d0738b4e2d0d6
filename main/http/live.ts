/**
 * Real HTTP calls through undici, with the layer's limits: connect, header and body timeouts, a
 * cap on the body size, no redirects followed (a redirect to another host is an error), and
 * gzip, deflate and brotli bodies decoded. A base URL per host can replace the real server, so
 * that tests reach a fake server on 127.0.0.1 while the request still names the real URL.
 */
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';

import type { Dispatcher } from 'undici';

import { StagecraftError } from '../../shared/errors.js';
import type { HttpRequestData, HttpResponseData } from '../../shared/http/exchange.js';
import { headerValue } from '../../shared/http/exchange.js';
import { bodyFromBytes } from './body.js';
import type { HttpLimits } from './limits.js';
import { loadUndici } from './undici.js';

/** Returns the URL without its query string, which may carry a token, for messages and logs. */
export function urlForMessage(url: string): string {
  const queryStart = url.search(/[?#]/);

  return queryStart < 0 ? url : `${url.slice(0, queryStart)}?…`;
}

const METHOD = /^[A-Z]+$/;

// Connection-level headers that undici manages itself and rejects when given; Python's
// `requests` sends `Connection: keep-alive` by default.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);

const MIB = 1024 * 1024;

function sizeText(bytes: number): string {
  return bytes >= MIB ? `${(bytes / MIB).toFixed(1)} MiB` : `${bytes} bytes`;
}

/** Sends requests over the network. */
export class LiveClient {
  /** The caller's dispatcher, or this client's own Agent once the first request made it. */
  private dispatcher: Dispatcher | undefined;
  private readonly ownsDispatcher: boolean;
  private readonly overrides: Map<string, URL>;

  /**
   * @param hostOverrides Host (with port when not the default) to the base URL that receives
   *   its requests instead, e.g. `{"discord.com": "http://127.0.0.1:4100"}`.
   * @param dispatcher An undici dispatcher to use instead of an own Agent (tests).
   */
  constructor(
    private readonly limits: HttpLimits,
    hostOverrides: Record<string, string> = {},
    dispatcher?: Dispatcher,
  ) {
    this.overrides = new Map();
    for (const [host, base] of Object.entries(hostOverrides)) {
      this.overrides.set(host.toLowerCase(), parseBase(host, base));
    }

    this.ownsDispatcher = dispatcher === undefined;
    this.dispatcher = dispatcher;
  }

  /** Sends one request. Throws a StagecraftError with an `http-` code when it fails. */
  async send(request: HttpRequestData): Promise<HttpResponseData> {
    const url = this.checkRequest(request);
    const described = `${request.method} ${urlForMessage(request.url)}`;
    const target = this.targetOf(url);

    let response: Dispatcher.ResponseData;
    try {
      const undici = await loadUndici();
      this.dispatcher ??= new undici.Agent({
        connect: { timeout: this.limits.connectTimeoutMs },
        headersTimeout: this.limits.headersTimeoutMs,
        bodyTimeout: this.limits.bodyTimeoutMs,
      });
      response = await undici.request(target, {
        method: request.method,
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(([name]) => !HOP_BY_HOP.has(name.toLowerCase())),
        ),
        body: request.body ?? undefined,
        dispatcher: this.dispatcher,
        headersTimeout: this.limits.headersTimeoutMs,
        bodyTimeout: this.limits.bodyTimeoutMs,
      });
    } catch (error) {
      throw this.failure(error, described);
    }

    const headers = flattenHeaders(response.headers);
    if (REDIRECT_STATUSES.has(response.statusCode)) {
      try {
        this.checkRedirect(url, headers, described);
      } catch (error) {
        discard(response.body);
        throw error;
      }
    }

    const declared = Number(response.headers['content-length']);
    if (Number.isFinite(declared) && declared > this.limits.maxBodyBytes) {
      discard(response.body);
      throw this.tooLarge(described, `declares ${sizeText(declared)}`);
    }

    const bytes = await this.readBody(response, described);
    const decoded = this.decode(bytes, headers, described);
    return {
      status: response.statusCode,
      headers: decoded.headers,
      body: bodyFromBytes(decoded.bytes, headerValue(decoded.headers, 'content-type')),
    };
  }

  /** Closes the connections of the client's own Agent. */
  async close(): Promise<void> {
    if (this.ownsDispatcher) {
      await this.dispatcher?.close();
    }
  }

  private checkRequest(request: HttpRequestData): URL {
    const invalid = (detail: string) =>
      new StagecraftError(
        'http-invalid-request',
        `Cannot send ${request.method} ${urlForMessage(request.url)}: ${detail}.`,
        { method: request.method },
      );

    if (!METHOD.test(request.method)) {
      throw invalid('the method must be an upper-case HTTP method such as GET');
    }

    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      throw invalid('the URL is not an absolute URL; give it with https://');
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw invalid(`the scheme ${url.protocol} is not http or https`);
    }

    for (const [name, value] of Object.entries(request.headers)) {
      if (/[\r\n]/.test(value) || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
        throw invalid(`the header ${JSON.stringify(name)} has an invalid name or a line break`);
      }
    }

    return url;
  }

  private targetOf(url: URL): string {
    const base = this.overrides.get(url.host.toLowerCase());
    if (base === undefined) {
      return url.href;
    }

    const prefix = base.pathname.replace(/\/+$/, '');
    return `${base.origin}${prefix}${url.pathname}${url.search}`;
  }

  private checkRedirect(url: URL, headers: Record<string, string>, described: string): void {
    const location = headerValue(headers, 'location');
    if (location === undefined) {
      return;
    }

    let target: URL;
    try {
      target = new URL(location, url);
    } catch {
      return;
    }

    if (target.host.toLowerCase() !== url.host.toLowerCase()) {
      throw new StagecraftError(
        'http-redirect',
        `${described} was redirected to another host (${urlForMessage(target.href)}). Redirects ` +
          'are not followed; check the URL, or call the new location directly if it is meant.',
        { location: urlForMessage(target.href) },
      );
    }
  }

  private async readBody(response: Dispatcher.ResponseData, described: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of response.body) {
        const buffer = chunk as Buffer;
        size += buffer.length;
        if (size > this.limits.maxBodyBytes) {
          discard(response.body);
          throw this.tooLarge(described, 'is longer');
        }
        chunks.push(buffer);
      }
    } catch (error) {
      throw error instanceof StagecraftError ? error : this.failure(error, described);
    }

    return Buffer.concat(chunks);
  }

  private decode(
    bytes: Buffer,
    headers: Record<string, string>,
    described: string,
  ): { bytes: Buffer; headers: Record<string, string> } {
    const encoding = (headerValue(headers, 'content-encoding') ?? '').trim().toLowerCase();
    if (encoding === '' || encoding === 'identity' || bytes.length === 0) {
      return { bytes, headers };
    }

    const options = { maxOutputLength: this.limits.maxBodyBytes };
    let decoded: Buffer;
    try {
      if (encoding === 'gzip' || encoding === 'x-gzip') {
        decoded = gunzipSync(bytes, options);
      } else if (encoding === 'deflate') {
        decoded = inflateSync(bytes, options);
      } else if (encoding === 'br') {
        decoded = brotliDecompressSync(bytes, options);
      } else {
        return { bytes, headers };
      }
    } catch (error) {
      if (error instanceof RangeError) {
        throw this.tooLarge(described, 'is longer once decompressed');
      }
      throw new StagecraftError(
        'http-connection-failed',
        `The ${encoding} body of the response to ${described} could not be decoded ` +
          `(${error instanceof Error ? error.message : String(error)}).`,
      );
    }

    // The body is stored decoded, so the headers describing the encoded form no longer apply.
    const rest = Object.fromEntries(
      Object.entries(headers).filter(
        ([name]) => !['content-encoding', 'content-length'].includes(name.toLowerCase()),
      ),
    );
    return { bytes: decoded, headers: rest };
  }

  private tooLarge(described: string, detail: string): StagecraftError {
    const limit = this.limits.maxBodyBytes;
    return new StagecraftError(
      'http-too-large',
      `The response to ${described} ${detail} than the limit of ${sizeText(limit)} and was cut off; ` +
        'raise maxBodyBytes if the body is expected to be this large.',
      { limitBytes: limit },
    );
  }

  private failure(error: unknown, described: string): StagecraftError {
    if (error instanceof StagecraftError) {
      return error;
    }

    const code =
      typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
    const reason = error instanceof Error ? error.message : String(error);
    const timeouts: Record<string, [string, number]> = {
      UND_ERR_CONNECT_TIMEOUT: ['to connect', this.limits.connectTimeoutMs],
      UND_ERR_HEADERS_TIMEOUT: ['for the response headers', this.limits.headersTimeoutMs],
      UND_ERR_BODY_TIMEOUT: ['for the response body', this.limits.bodyTimeoutMs],
    };
    const timeout = timeouts[code];
    if (timeout !== undefined) {
      const [phase, limitMs] = timeout;
      return new StagecraftError(
        'http-timeout',
        `${described} timed out after ${limitMs / 1000} s waiting ${phase}; the server may be ` +
          'overloaded, or raise the timeout if it is known to be slow.',
        { phase: code, limitMs },
      );
    }
    if (code === 'UND_ERR_INVALID_ARG') {
      return new StagecraftError('http-invalid-request', `Cannot send ${described}: ${reason}.`);
    }

    return new StagecraftError(
      'http-connection-failed',
      `${described} failed: ${reason}${code === '' ? '' : ` (${code})`}. Check the network and the ` +
        'server, then try again.',
      { cause: code },
    );
  }
}

// Stops reading a body. Destroying an undici body emits an abort error, which nothing else
// listens for here.
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function parseBase(host: string, base: string): URL {
  try {
    const url = new URL(base);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      return url;
    }
  } catch {
    // Reported below.
  }

  throw new StagecraftError(
    'invalid-argument',
    `The base URL ${JSON.stringify(base)} for ${host} is not an http or https URL.`,
    { host },
  );
}

function flattenHeaders(headers: Dispatcher.ResponseData['headers']): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) {
      flat[name] = Array.isArray(value) ? value.join(', ') : value;
    }
  }

  return flat;
}
