/**
 * The Node side of the synchronous bridge from Python's `requests` to the HTTP layer. A Python
 * worker posts a request as JSON and blocks (Atomics.wait); the pool calls {@link answerBridgeRequest}
 * and posts the reply back. Replies are JSON too:
 * `{"ok": true, status, reason, headers, bodyBase64}` or `{"ok": false, code, message}`.
 */
import { STATUS_CODES } from 'node:http';

import { isStagecraftError } from '../../shared/errors.js';
import type { HttpRequestData, HttpSender } from '../../shared/http/exchange.js';
import { bodyToBytes } from './body.js';

/** A request as the Python side sends it. */
interface BridgeRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string | null;
}

/** A reply to the Python side. */
export type BridgeReply =
  | {
      ok: true;
      status: number;
      reason: string;
      headers: Record<string, string>;
      bodyBase64: string;
    }
  | { ok: false; code: string; message: string; data?: Record<string, unknown> };

function parseRequest(requestJson: string): BridgeRequest | undefined {
  try {
    const value = JSON.parse(requestJson) as Partial<BridgeRequest>;
    if (typeof value.method !== 'string' || typeof value.url !== 'string') {
      return undefined;
    }

    const headers: Record<string, string> = {};
    for (const [name, item] of Object.entries(value.headers ?? {})) {
      headers[name] = String(item);
    }
    return {
      method: value.method,
      url: value.url,
      headers,
      body: typeof value.body === 'string' ? value.body : null,
    };
  } catch {
    return undefined;
  }
}

/**
 * Sends the bridged request through `sender` and returns the reply as JSON text. With no
 * sender, replies with `http-live-disabled` and `disabledReason`. Never throws: every failure
 * becomes an error reply, which Python raises as a `requests` exception.
 */
export async function answerBridgeRequest(
  sender: HttpSender | undefined,
  requestJson: string,
  disabledReason: string,
): Promise<string> {
  const request = parseRequest(requestJson);
  if (request === undefined) {
    return reply({
      ok: false,
      code: 'internal',
      message: 'The bridged request is not valid JSON.',
    });
  }
  if (sender === undefined) {
    return reply({ ok: false, code: 'http-live-disabled', message: disabledReason });
  }

  try {
    const data: HttpRequestData = { ...request, method: request.method.toUpperCase() };
    const response = await sender.send(data);
    return reply({
      ok: true,
      status: response.status,
      reason: STATUS_CODES[response.status] ?? '',
      headers: withoutLength(response.headers),
      bodyBase64: bodyToBytes(response.body).toString('base64'),
    });
  } catch (error) {
    if (isStagecraftError(error)) {
      return reply({ ok: false, code: error.code, message: error.message, data: error.data });
    }

    const message = error instanceof Error ? error.message : String(error);
    return reply({ ok: false, code: 'internal', message: `The HTTP layer failed: ${message}` });
  }
}

// The body is re-encoded from its stored form (parsed JSON is serialised again), so the
// original Content-Length may no longer fit it.
function withoutLength(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'content-length'),
  );
}

function reply(value: BridgeReply): string {
  return JSON.stringify(value);
}
