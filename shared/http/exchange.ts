/**
 * HTTP requests and responses as the HTTP layer, recordings and personas describe them. Every
 * value is plain JSON, so an exchange crosses worker and process boundaries and is written to
 * files unchanged.
 */
import type { JsonValue } from '../simulator/evaluation.js';

/** A body: parsed JSON, UTF-8 text, or any other bytes as base64. */
export type HttpBody = { json: JsonValue } | { text: string } | { base64: string };

/** An outgoing request. Header names keep the case they were given; lookups ignore case. */
export interface HttpRequestData {
  /** Upper-case method, e.g. `GET`. */
  method: string;
  /** Absolute URL with the query string. */
  url: string;
  headers: Record<string, string>;
  /** Body as sent (form-encoded or JSON text), or null for none. */
  body: string | null;
}

/** A response as received or replayed. */
export interface HttpResponseData {
  status: number;
  headers: Record<string, string>;
  /** Null for an empty body. */
  body: HttpBody | null;
}

/** One request with its response. */
export interface HttpExchangeData {
  request: HttpRequestData;
  response: HttpResponseData;
}

/** Sends requests and returns responses: the HTTP layer, or a stand-in in tests. */
export interface HttpSender {
  /**
   * Sends one request. Rejects with a StagecraftError whose code starts with `http-` when no
   * response can be returned (timeout, size limit, redirect to another host, no match in replay).
   */
  send(request: HttpRequestData): Promise<HttpResponseData>;
}

/** Returns a header's value, ignoring the case of its name, or undefined when it is absent. */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const lowerName = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === lowerName) {
      return value;
    }
  }

  return undefined;
}

/** Returns a copy of `headers` with `name` set to `value`, replacing any case variant of it. */
export function withHeader(
  headers: Record<string, string>,
  name: string,
  value: string,
): Record<string, string> {
  const lowerName = name.toLowerCase();
  const copy: Record<string, string> = {};
  for (const [key, existing] of Object.entries(headers)) {
    if (key.toLowerCase() !== lowerName) {
      copy[key] = existing;
    }
  }

  copy[name] = value;
  return copy;
}

/** Builds a JSON response with `Content-Type: application/json` and any extra headers. */
export function jsonResponse(
  status: number,
  json: JsonValue,
  headers: Record<string, string> = {},
): HttpResponseData {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: { json } };
}

/** Returns a deep copy of a JSON value; shared code cannot assume `structuredClone`. */
export function cloneJson<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

/**
 * Returns the body as text: JSON serialised, text as is, empty as ''. A base64 body is returned
 * still encoded, because its bytes may not be text.
 */
export function bodyAsText(body: HttpBody | null): string {
  if (body === null) {
    return '';
  }
  if ('json' in body) {
    return JSON.stringify(body.json);
  }
  if ('text' in body) {
    return body.text;
  }

  return body.base64;
}
