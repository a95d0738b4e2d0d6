/**
 * The HTTP client of one authentik server (undici). It sends the API token as a bearer header,
 * verifies TLS (with an optional extra CA file), never follows redirects, limits the time and
 * size of each response, and turns transport failures into coded errors naming the fix.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';

import type { Agent } from 'undici';

import { StagecraftError } from '../../shared/errors.js';
import { loadUndici } from '../http/undici.js';
import { createLogger } from '../log.js';
import { API_PREFIX, apiUrl, normalizeServerUrl } from './url.js';

const log = createLogger('server.http');

/** The time limit of one request in milliseconds, unless a caller gives another. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The maximum response size read, in bytes (32 MiB). A flow export is a few kilobytes and a list
 * page contains at most 100 objects, so a larger response is not from the authentik API.
 */
export const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** How to reach one server. */
export interface ConnectionOptions {
  /** The server's base address; normalised with `normalizeServerUrl`. */
  url: string;
  token: string;
  /** A PEM file of CA certificates trusted besides Node's built-in roots. */
  caFile?: string;
  timeoutMs?: number;
}

/** One API request; `path` is below `/api/v3`, e.g. `/flows/instances/`. */
export interface ApiRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  /** A JSON body. */
  json?: unknown;
  /** A `multipart/form-data` body with one file part, as authentik's upload endpoints take. */
  file?: { field: string; name: string; text: string };
}

/** A response of any status; callers decide what a 400 or 404 means for their endpoint. */
export interface ApiResponse {
  status: number;
  contentType: string;
  /** The `Location` header of a redirect, or undefined. */
  location: string | undefined;
  text: string;
  /** `METHOD /api/v3/path` for messages. */
  request: string;
}

/** TLS error codes of Node's `tls` module and OpenSSL that mean "certificate not trusted". */
const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_UNTRUSTED',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EADDRNOTAVAIL',
]);

const TIMEOUT_CODES = new Set([
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT',
]);

/** Returns the first error code along an error's `cause` chain. */
function errorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') {
      return code;
    }
    current = current.cause;
  }

  return undefined;
}

function readCaFile(path: string): string[] {
  try {
    const pem = readFileSync(path, 'utf8');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
      throw new Error('the file contains no PEM certificate (-----BEGIN CERTIFICATE-----)');
    }
    return [...rootCertificates, pem];
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StagecraftError(
      'server-ca-unreadable',
      `Cannot use the CA file ${path}: ${reason}. Give a PEM file with the CA certificate.`,
      { path },
    );
  }
}

function multipartBody(file: NonNullable<ApiRequest['file']>): { body: Buffer; type: string } {
  const boundary = `----stagecraft${Math.random().toString(16).slice(2)}${Date.now()}`;
  const head =
    `--${boundary}\r\n` +
    `Content-Disposition: form-data; name="${file.field}"; filename="${file.name}"\r\n` +
    'Content-Type: application/x-yaml\r\n\r\n';
  const body = Buffer.concat([
    Buffer.from(head, 'utf8'),
    Buffer.from(file.text, 'utf8'),
    Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8'),
  ]);

  return { body, type: `multipart/form-data; boundary=${boundary}` };
}

/** Sends API requests to one server. Call `close` when done, to free the connections. */
export class AuthentikClient {
  /** The normalised base URL, e.g. `https://auth.example.com`. */
  readonly url: string;
  readonly timeoutMs: number;
  private readonly token: string;
  private readonly ca: string[] | undefined;
  /** Made by the first request. */
  private agent: Agent | undefined;

  constructor(options: ConnectionOptions) {
    this.url = normalizeServerUrl(options.url);
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;

    this.ca = options.caFile === undefined ? undefined : readCaFile(options.caFile);
  }

  /** The host name and port, for messages. */
  get host(): string {
    return new URL(this.url).host;
  }

  /**
   * Sends a request and returns the response whatever its status. Throws `server-unreachable`,
   * `server-timeout`, `server-tls`, `server-connection-lost` or `server-response-invalid` (an
   * response over MAX_RESPONSE_BYTES) when no complete response arrives.
   */
  async send(call: ApiRequest): Promise<ApiResponse> {
    const target = apiUrl(this.url, call.path, call.query);
    const description = `${call.method} ${API_PREFIX}${call.path}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.token}`,
      accept: 'application/json',
    };

    let body: string | Buffer | undefined;
    if (call.json !== undefined) {
      body = JSON.stringify(call.json);
      headers['content-type'] = 'application/json';
    } else if (call.file !== undefined) {
      const multipart = multipartBody(call.file);
      body = multipart.body;
      headers['content-type'] = multipart.type;
    }

    const started = Date.now();
    try {
      const undici = await loadUndici();
      const ca = this.ca;
      this.agent ??= new undici.Agent({
        connect: { timeout: this.timeoutMs, ...(ca === undefined ? {} : { ca }) },
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const response = await undici.request(target, {
        method: call.method,
        headers,
        body,
        dispatcher: this.agent,
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
      const text = await this.readBody(response.body, description);
      const header = (name: string): string | undefined => {
        const value = response.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };

      log.debug('server request', {
        request: description,
        status: response.statusCode,
        milliseconds: Date.now() - started,
      });
      return {
        status: response.statusCode,
        contentType: header('content-type') ?? '',
        location: header('location'),
        text,
        request: description,
      };
    } catch (error) {
      if (error instanceof StagecraftError) {
        throw error;
      }

      const failure = this.transportError(error, description);
      log.warn('server request failed', {
        request: description,
        failure: failure.code,
        cause: errorCode(error),
        milliseconds: Date.now() - started,
      });
      throw failure;
    }
  }

  /** Closes the connections to the server. */
  async close(): Promise<void> {
    await this.agent?.close();
  }

  private async readBody(stream: AsyncIterable<Buffer>, description: string): Promise<string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > MAX_RESPONSE_BYTES) {
        throw new StagecraftError(
          'server-response-invalid',
          `The response of ${this.host} to ${description} is larger than ` +
            `${MAX_RESPONSE_BYTES / (1024 * 1024)} MiB, which no authentik API response is. ` +
            'Check that the address points at an authentik server.',
          { url: this.url, request: description },
        );
      }
      chunks.push(chunk);
    }

    return Buffer.concat(chunks).toString('utf8');
  }

  private transportError(error: unknown, description: string): StagecraftError {
    const code = errorCode(error) ?? 'unknown';
    const reason = error instanceof Error ? error.message : String(error);
    const data = { url: this.url, request: description, cause: code };

    if (TLS_CODES.has(code)) {
      return new StagecraftError(
        'server-tls',
        `Cannot verify the TLS certificate of ${this.host}: ${reason} (${code}). If the server ` +
          "uses a private or self-signed CA, set the profile's CA file (--ca FILE) to that CA's " +
          'PEM certificate.',
        data,
      );
    }

    if (TIMEOUT_CODES.has(code)) {
      return new StagecraftError(
        'server-timeout',
        `${this.host} did not respond to ${description} within ${this.timeoutMs / 1000} s. Check ` +
          'that the server is up, or allow more time with --timeout SECONDS.',
        data,
      );
    }

    if (UNREACHABLE_CODES.has(code)) {
      return new StagecraftError(
        'server-unreachable',
        `Cannot reach ${this.url}: ${reason} (${code}). Check the address and that the server ` +
          'is running.',
        data,
      );
    }

    return new StagecraftError(
      'server-connection-lost',
      `The connection to ${this.host} dropped during ${description} before the server ` +
        `responded (${code}: ${reason}).`,
      data,
    );
  }
}
