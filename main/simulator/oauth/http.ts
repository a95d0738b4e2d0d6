/**
 * The HTTP layer as an OAuth login uses it. Every request the simulated server makes (the
 * source's token and profile requests, and the `requests` calls of policies and property
 * mappings) goes through one {@link HttpSender} and is written to the trace with its secrets
 * masked, so a run shows what the server would have sent and what came back.
 */
import { isStagecraftError } from '../../../shared/errors.js';
import type {
  HttpRequestData,
  HttpResponseData,
  HttpSender,
} from '../../../shared/http/exchange.js';
import { formatQuery, parseQuery, splitUrl } from '../../../shared/http/url.js';
import type { JsonValue } from '../../../shared/simulator/evaluation.js';
import { MASK, isSecretKey, maskSecrets } from '../../../shared/simulator/mask.js';
import type { HttpTraceExchange } from '../../../shared/simulator/trace.js';
import type { TraceRecorder } from '../recorder.js';

/** The sender an OAuth login runs against: a persona, a recording or the live network. */
export type SourceHttp = HttpSender;

/** The result of one traced request: a response, or the reason there is none. */
export type TracedResult =
  { response: HttpResponseData; error?: undefined } | { response?: undefined; error: string };

// Query and form fields that carry credentials besides those `isSecretKey` names.
const SECRET_FIELDS = new Set(['code', 'state', 'code_verifier']);

function isSecretField(key: string): boolean {
  return SECRET_FIELDS.has(key) || isSecretKey(key);
}

/** Returns a URL with the values of credential query parameters masked. */
export function maskUrl(url: string): string {
  const parts = splitUrl(url);
  const question = url.indexOf('?');
  if (parts === undefined || question < 0) {
    return url;
  }

  const query = parts.query.map(([key, value]): [string, string] => [
    key,
    isSecretField(key) && value !== '' ? MASK : value,
  ]);
  return `${url.slice(0, question)}?${formatQuery(query)}`;
}

/** Returns headers with the credentials of `Authorization` masked, keeping the scheme. */
export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const masked: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization') {
      const scheme = /^(\S+)\s+/.exec(value)?.[1];
      masked[name] = scheme === undefined ? MASK : `${scheme} ${MASK}`;
    } else if (lower === 'cookie' || isSecretKey(lower)) {
      masked[name] = MASK;
    } else {
      masked[name] = value;
    }
  }

  return masked;
}

/** Returns a form-encoded or JSON request body with its credential fields masked. */
export function maskBody(body: string | null): string | null {
  if (body === null || body === '') {
    return body;
  }

  try {
    return JSON.stringify(maskSecrets(JSON.parse(body) as JsonValue));
  } catch {
    const pairs = parseQuery(body).map(([key, value]): [string, string] => [
      key,
      isSecretField(key) && value !== '' ? MASK : value,
    ]);
    return formatQuery(pairs);
  }
}

/** Returns a response body as the trace shows it: JSON masked, text as is, bytes summarised. */
export function traceBody(response: HttpResponseData): JsonValue {
  const body = response.body;
  if (body === null) {
    return null;
  }
  if ('json' in body) {
    return maskSecrets(body.json);
  }
  if ('text' in body) {
    return body.text;
  }

  return `<${Math.floor((body.base64.length * 3) / 4)} bytes>`;
}

/** Returns the text of an error that stood in for a response. */
export function errorText(error: unknown): string {
  if (isStagecraftError(error)) {
    return `${error.code}: ${error.message}`;
  }

  return error instanceof Error ? error.message : String(error);
}

/** A sender that writes every exchange into the current trace step. */
export class TracedHttp {
  constructor(
    private readonly sender: HttpSender,
    /** The origin of the responses, e.g. `persona mossy` or `recording login.json`. */
    readonly respondedBy: string,
    private readonly recorder: TraceRecorder,
  ) {}

  /** Sends a request for `by` and records it. A failed send is recorded and returned, not thrown. */
  async send(request: HttpRequestData, by: string): Promise<TracedResult> {
    const result = await this.sendUnrecorded(request);
    this.record(request, result, by, this.respondedBy);

    return result;
  }

  /**
   * Returns a sender for the requests of `by` that records each exchange as it happens and
   * passes the layer's errors on unchanged, so Python raises the exception that matches them.
   */
  senderFor(by: string): HttpSender {
    return {
      send: async (request) => {
        try {
          const response = await this.sender.send(request);
          this.record(request, { response }, by, this.respondedBy);
          return response;
        } catch (error) {
          this.record(request, { error: errorText(error) }, by, this.respondedBy);
          throw error;
        }
      },
    };
  }

  /** Sends a request without recording it; the caller records it with {@link record}. */
  async sendUnrecorded(request: HttpRequestData): Promise<TracedResult> {
    try {
      return { response: await this.sender.send(request) };
    } catch (error) {
      return { error: errorText(error) };
    }
  }

  /** Writes one exchange into the current step, with a one-line note. */
  record(request: HttpRequestData, result: TracedResult, by: string, respondedBy: string): void {
    const exchange: HttpTraceExchange = {
      by,
      method: request.method,
      url: maskUrl(request.url),
      requestHeaders: maskHeaders(request.headers),
      requestBody: maskBody(request.body),
      status: result.response?.status ?? null,
      responseBody: result.response === undefined ? null : traceBody(result.response),
      respondedBy,
    };
    if (result.response !== undefined) {
      exchange.responseHeaders = { ...result.response.headers };
    }
    if (result.error !== undefined) {
      exchange.error = result.error;
    }

    const step = this.recorder.current();
    (step.http ??= []).push(exchange);
    const outcome =
      result.response === undefined
        ? `no response (${result.error})`
        : String(result.response.status);
    step.notes.push(`${by}: ${request.method} ${exchange.url} -> ${outcome} (${respondedBy})`);
  }
}
