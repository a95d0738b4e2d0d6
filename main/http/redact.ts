/**
 * Replaces the secrets of HTTP exchanges with stable placeholders, so that a recording can be
 * shared. Within one Redactor the same value always becomes the same placeholder:
 * `<access-token-1>`, `<refresh-token-1>`, `<authorization-code-1>`, `<client-id-1>`,
 * `<client-secret-1>`, `<state-1>`, `<cookie-1>`, and `user1@example.invalid` for emails. A
 * replay redacts its requests the same way, so a token recorded as `<access-token-1>` matches
 * the first token that comes up in the replay.
 *
 * What counts as a secret: the Authorization header (Bearer token, or Basic client id and
 * secret), cookies, the OAuth parameters below in query strings, form bodies and JSON bodies,
 * and every email address. Once learned, a secret is also replaced wherever else it appears
 * (URLs, headers, text bodies), raw or URL-encoded.
 */
import type {
  HttpBody,
  HttpExchangeData,
  HttpRequestData,
  HttpResponseData,
} from '../../shared/http/exchange.js';
import { headerValue } from '../../shared/http/exchange.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';

/** The kinds of secret a placeholder stands for. */
export type SecretKind =
  | 'access-token'
  | 'refresh-token'
  | 'id-token'
  | 'authorization-code'
  | 'client-id'
  | 'client-secret'
  | 'state'
  | 'code-verifier'
  | 'credential'
  | 'cookie'
  | 'email';

/** OAuth parameters of query strings and form bodies that carry secrets. */
const PARAMETER_SECRETS: Record<string, SecretKind> = {
  access_token: 'access-token',
  refresh_token: 'refresh-token',
  id_token: 'id-token',
  token: 'access-token',
  code: 'authorization-code',
  client_id: 'client-id',
  client_secret: 'client-secret',
  state: 'state',
  code_verifier: 'code-verifier',
};

/**
 * JSON keys that carry secrets. `code` is missing on purpose: in JSON bodies it is Discord's
 * error code, not an authorization code.
 */
const JSON_SECRETS: Record<string, SecretKind> = {
  access_token: 'access-token',
  refresh_token: 'refresh-token',
  id_token: 'id-token',
  client_secret: 'client-secret',
  email: 'email',
};

const COOKIE_HEADERS = new Set(['cookie', 'set-cookie']);

const URL_HEADERS = new Set(['location', 'referer', 'content-location']);

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g;

const PLACEHOLDER = /^<([a-z]+(?:-[a-z]+)*)-(\d+)>$/;

const EMAIL_PLACEHOLDER = /^user(\d+)@example\.invalid$/;

// Shorter values are left alone by the scrubbing pass, which would otherwise replace ordinary
// words or numbers that happen to equal a short secret.
const MIN_SCRUB_LENGTH = 6;

function isFormType(contentType: string | undefined): boolean {
  return /^application\/x-www-form-urlencoded/i.test(contentType ?? '');
}

function isJsonType(contentType: string | undefined): boolean {
  return /^application\/([\w.-]+\+)?json/i.test(contentType ?? '');
}

/** Replaces secrets with placeholders; one instance per recording or replay. */
export class Redactor {
  private readonly placeholders = new Map<string, string>();
  private readonly counters = new Map<SecretKind, number>();

  /** Returns the placeholder of `value`, making a new one for a value not seen before. */
  placeholder(kind: SecretKind, value: string): string {
    if (value === '') {
      return value;
    }
    if (this.reserve(value)) {
      return value;
    }

    const known = this.placeholders.get(value);
    if (known !== undefined) {
      return known;
    }

    const number = (this.counters.get(kind) ?? 0) + 1;
    this.counters.set(kind, number);
    const placeholder = kind === 'email' ? `user${number}@example.invalid` : `<${kind}-${number}>`;
    this.placeholders.set(value, placeholder);
    return placeholder;
  }

  /** Returns a copy of the exchange with its secrets replaced. */
  redactExchange(exchange: HttpExchangeData): HttpExchangeData {
    const request = this.redactRequest(exchange.request);
    const response = this.redactResponse(exchange.response);

    return { request, response };
  }

  /** Returns a copy of the request with its secrets replaced. */
  redactRequest(request: HttpRequestData): HttpRequestData {
    const contentType = headerValue(request.headers, 'Content-Type');

    return {
      method: request.method.toUpperCase(),
      url: this.redactUrl(request.url),
      headers: this.redactHeaders(request.headers),
      body: request.body === null ? null : this.redactBodyText(request.body, contentType),
    };
  }

  /** Returns a copy of the response with its secrets replaced. */
  redactResponse(response: HttpResponseData): HttpResponseData {
    const contentType = headerValue(response.headers, 'Content-Type');

    return {
      status: response.status,
      headers: this.redactHeaders(response.headers),
      body: this.redactBody(response.body, contentType),
    };
  }

  /**
   * Replaces every secret learned so far wherever it occurs in the exchange. Run over a whole
   * recording before saving it, because a secret may first be learned after an earlier
   * exchange already contained it.
   */
  scrubExchange(exchange: HttpExchangeData): HttpExchangeData {
    const scrubHeaders = (headers: Record<string, string>) =>
      Object.fromEntries(Object.entries(headers).map(([key, value]) => [key, this.scrub(value)]));
    const body = exchange.response.body;

    return {
      request: {
        ...exchange.request,
        url: this.scrub(exchange.request.url),
        headers: scrubHeaders(exchange.request.headers),
        body: exchange.request.body === null ? null : this.scrub(exchange.request.body),
      },
      response: {
        ...exchange.response,
        headers: scrubHeaders(exchange.response.headers),
        body: body === null || 'base64' in body ? body : this.scrubBody(body),
      },
    };
  }

  private scrubBody(body: { json: JsonValue } | { text: string }): HttpBody {
    return 'json' in body ? { json: this.scrubJson(body.json) } : { text: this.scrub(body.text) };
  }

  private scrubJson(value: JsonValue): JsonValue {
    if (typeof value === 'string') {
      return this.scrub(value);
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.scrubJson(item));
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([key, item]) => [key, this.scrubJson(item)]),
      );
    }

    return value;
  }

  /** Replaces known secrets and any email address inside a text. */
  scrub(text: string): string {
    let result = text;
    const known = [...this.placeholders.entries()]
      .filter(([value]) => value.length >= MIN_SCRUB_LENGTH)
      .sort(([a], [b]) => b.length - a.length);
    for (const [value, placeholder] of known) {
      result = result.split(value).join(placeholder);
      const encoded = encodeURIComponent(value);
      if (encoded !== value) {
        result = result.split(encoded).join(encodeURIComponent(placeholder));
      }
    }

    return result.replace(EMAIL, (email) => this.placeholder('email', email));
  }

  // Takes note of a value that already is a placeholder, so that new placeholders of its kind
  // count on from its number. Returns whether it was one.
  private reserve(value: string): boolean {
    const email = EMAIL_PLACEHOLDER.exec(value);
    const token = PLACEHOLDER.exec(value);
    const kind = email !== null ? 'email' : (token?.[1] as SecretKind | undefined);
    const number = Number(email?.[1] ?? token?.[2]);
    if (kind === undefined || !Number.isInteger(number)) {
      return false;
    }

    this.counters.set(kind, Math.max(this.counters.get(kind) ?? 0, number));
    this.placeholders.set(value, value);
    return true;
  }

  private redactUrl(url: string): string {
    const queryStart = url.indexOf('?');
    if (queryStart < 0) {
      return this.scrub(url);
    }

    const hashStart = url.indexOf('#', queryStart);
    const end = hashStart < 0 ? url.length : hashStart;
    const query = this.redactForm(url.slice(queryStart + 1, end));
    return this.scrub(url.slice(0, queryStart)) + '?' + query + url.slice(end);
  }

  // Redacts `key=value` pairs, keeping the raw text of pairs without secrets.
  private redactForm(text: string): string {
    return text
      .split('&')
      .map((pair) => {
        const equals = pair.indexOf('=');
        if (equals < 0) {
          return this.scrub(pair);
        }

        const key = decodeFormPart(pair.slice(0, equals));
        const kind = PARAMETER_SECRETS[key];
        if (kind === undefined) {
          return this.scrub(pair);
        }

        const value = decodeFormPart(pair.slice(equals + 1));
        return `${pair.slice(0, equals)}=${encodeURIComponent(this.placeholder(kind, value))}`;
      })
      .join('&');
  }

  private redactHeaders(headers: Record<string, string>): Record<string, string> {
    const redacted: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      const lower = name.toLowerCase();
      if (lower === 'authorization' || lower === 'proxy-authorization') {
        redacted[name] = this.redactAuthorization(value);
      } else if (COOKIE_HEADERS.has(lower)) {
        redacted[name] = this.placeholder('cookie', value);
      } else if (URL_HEADERS.has(lower)) {
        redacted[name] = this.redactUrl(value);
      } else {
        redacted[name] = this.scrub(value);
      }
    }

    return redacted;
  }

  private redactAuthorization(value: string): string {
    const match = /^(\S+)\s+(.+)$/.exec(value.trim());
    if (match === null) {
      return this.placeholder('credential', value);
    }

    const scheme = match[1]!;
    const credentials = match[2]!.trim();
    switch (scheme.toLowerCase()) {
      case 'bearer':
        return `${scheme} ${this.placeholder('access-token', credentials)}`;
      case 'basic':
        return `${scheme} ${this.redactBasic(credentials)}`;
      default:
        return `${scheme} ${this.placeholder('credential', credentials)}`;
    }
  }

  // Basic credentials are `base64(client_id:client_secret)` at an OAuth token endpoint. The
  // placeholders are encoded the same way, so the header stays valid.
  private redactBasic(encoded: string): string {
    if (this.placeholders.get(encoded) === encoded) {
      return encoded;
    }

    const decoded = Buffer.from(encoded, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0 || Buffer.from(decoded, 'utf8').toString('base64') !== encoded) {
      return this.placeholder('credential', encoded);
    }

    const id = this.placeholder('client-id', safeDecode(decoded.slice(0, colon)));
    const secret = this.placeholder('client-secret', safeDecode(decoded.slice(colon + 1)));
    const result = Buffer.from(`${id}:${secret}`, 'utf8').toString('base64');
    // The encoded placeholder pair is itself a placeholder: a replay may send it back as is.
    this.placeholders.set(result, result);
    return result;
  }

  private redactBodyText(text: string, contentType: string | undefined): string {
    if (isFormType(contentType)) {
      return this.redactForm(text);
    }
    if (isJsonType(contentType)) {
      try {
        return JSON.stringify(this.redactJson(JSON.parse(text) as JsonValue));
      } catch {
        return this.scrub(text);
      }
    }

    return this.scrub(text);
  }

  private redactBody(body: HttpBody | null, contentType: string | undefined): HttpBody | null {
    if (body === null || 'base64' in body) {
      return body;
    }
    if ('json' in body) {
      return { json: this.redactJson(body.json) };
    }

    return { text: this.redactBodyText(body.text, contentType) };
  }

  private redactJson(value: JsonValue, key?: string): JsonValue {
    if (typeof value === 'string') {
      const kind = key === undefined ? undefined : JSON_SECRETS[key];
      return kind === undefined ? this.scrub(value) : this.placeholder(kind, value);
    }
    if (Array.isArray(value)) {
      return value.map((item) => this.redactJson(item));
    }
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value).map(([name, item]) => [name, this.redactJson(item, name)]),
      );
    }

    return value;
  }
}

function decodeFormPart(text: string): string {
  return safeDecode(text.replace(/\+/g, ' '));
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
