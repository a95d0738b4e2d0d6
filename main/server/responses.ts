/**
 * Reading the responses of the authentik API: statuses that mean the same for every endpoint
 * (redirects, 401, 403, 5xx), JSON bodies, DRF error details and blueprint log events.
 */
import { StagecraftError } from '../../shared/errors.js';
import type { ServerLogEvent } from '../../shared/server/types.js';
import type { ApiResponse } from './client.js';

/** The maximum length of an error body quoted in a message. */
const MAX_QUOTED_LENGTH = 300;

/**
 * DRF `detail` texts that mean the token itself failed, not a missing permission. authentik's
 * `TokenAuthentication` (`authentik/api/authentication.py`, 2025.x) raises "Token
 * invalid/expired" for an unknown, expired or non-API token or an inactive user, and
 * "Unsupported authentication type" or "Malformed header" for a header that is not
 * `Bearer <token>`. DRF raises "Authentication credentials were not provided." when no header
 * arrived.
 */
const TOKEN_DETAILS = [
  /token invalid/i,
  /invalid token/i,
  /credentials were not provided/i,
  /unsupported authentication type/i,
  /malformed header/i,
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Shortens a body for a message: the first line, at most MAX_QUOTED_LENGTH characters. */
export function quoteBody(text: string): string {
  const line = text.trim().split('\n')[0] ?? '';

  return line.length > MAX_QUOTED_LENGTH ? `${line.slice(0, MAX_QUOTED_LENGTH)}…` : line;
}

/** Returns DRF's `{"detail": "..."}` text of an error body, or undefined. */
export function detailOf(text: string): string | undefined {
  try {
    const data: unknown = JSON.parse(text);
    return isRecord(data) && typeof data.detail === 'string' ? data.detail : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Throws for the statuses every endpoint shares: a redirect (`server-url-invalid`), 401 and
 * token-related 403 (`server-token-rejected`), other 403 (`server-forbidden`, with
 * `permissionHint` naming what the call needs) and 5xx (`server-error`). Returns otherwise.
 *
 * authentik's API never responds 401. Its `TokenAuthentication` defines no
 * `authenticate_header`, and DRF's `APIView.handle_exception` turns an authentication failure
 * without that header into 403 (`rest_framework/views.py`). A rejected token and a missing
 * permission ("You do not have permission to perform this action.") are therefore both 403 and
 * differ only in `detail`. A 401 comes from a proxy in front of authentik, and is reported so.
 */
export function checkCommonStatus(
  response: ApiResponse,
  server: string,
  permissionHint?: string,
): void {
  const { status } = response;
  const data = { url: server, request: response.request, status };

  if (status >= 300 && status < 400) {
    const target = response.location ?? 'another address';
    throw new StagecraftError(
      'server-url-invalid',
      `${server} redirected ${response.request} to ${target}. Set the server address to the ` +
        'final one (https instead of http, or with the path authentik is served under).',
      { ...data, location: response.location ?? null },
    );
  }

  const detail = detailOf(response.text);
  if (status === 401) {
    throw new StagecraftError(
      'server-token-rejected',
      `${server} responded to ${response.request} with HTTP 401, which authentik's API does not ` +
        'send (it rejects a token with 403), so it comes from a proxy in front of authentik with ' +
        'its own authentication. Set the server address to one that reaches authentik directly, ' +
        'or let the proxy pass the Authorization header through.',
      data,
    );
  }

  if (status === 403 && TOKEN_DETAILS.some((pattern) => pattern.test(detail ?? ''))) {
    throw new StagecraftError(
      'server-token-rejected',
      `${server} rejected the API token (HTTP ${status}${detail === undefined ? '' : `: ${detail}`}). ` +
        'Create a token with the intent "API" under Directory > Tokens and App passwords, and ' +
        'check that it has not expired.',
      data,
    );
  }

  if (status === 403) {
    const hint = permissionHint === undefined ? '' : ` It needs ${permissionHint}.`;
    throw new StagecraftError(
      'server-forbidden',
      `The token's user may not call ${response.request} on ${server}` +
        `${detail === undefined ? '' : ` (${detail})`}.${hint} Grant the permissions to the ` +
        "token's user or one of its roles, or use a token of an administrator.",
      data,
    );
  }

  if (status >= 500) {
    throw new StagecraftError(
      'server-error',
      `${server} failed on ${response.request} with HTTP ${status}: ` +
        `${quoteBody(response.text) || 'no details'}. The server's log names the cause.`,
      data,
    );
  }
}

/**
 * Parses a JSON body. Throws `server-response-invalid` when the body is not JSON, which
 * usually means the address leads to another web application.
 */
export function parseJsonBody(response: ApiResponse, server: string): unknown {
  try {
    return JSON.parse(response.text) as unknown;
  } catch {
    throw new StagecraftError(
      'server-response-invalid',
      `The response of ${server} to ${response.request} is not JSON ` +
        `(${response.contentType || 'no content type'}: "${quoteBody(response.text)}"). Check ` +
        'that the address points at an authentik server.',
      { url: server, request: response.request, status: response.status },
    );
  }
}

/** Builds the error for a response of an unexpected shape, naming what was missing. */
export function unexpectedAnswer(
  response: ApiResponse,
  server: string,
  missing: string,
): StagecraftError {
  return new StagecraftError(
    'server-response-invalid',
    `The response of ${server} to ${response.request} (HTTP ${response.status}) has no ${missing}; ` +
      'it is not what the authentik API returns. Check the address and the server release.',
    { url: server, request: response.request, status: response.status },
  );
}

/**
 * Reads a `logs` list of blueprint log events. Fields beyond `event` vary between authentik
 * releases, so anything that is not an object with a text `event` is skipped, and a log event
 * missing `log_level` counts as `info`.
 */
export function parseLogEvents(value: unknown): ServerLogEvent[] {
  if (!Array.isArray(value)) {
    return [];
  }

  const events: ServerLogEvent[] = [];
  for (const item of value) {
    if (!isRecord(item) || typeof item.event !== 'string') {
      continue;
    }

    const event: ServerLogEvent = {
      level: typeof item.log_level === 'string' ? item.log_level : 'info',
      event: item.event,
    };
    if (typeof item.logger === 'string') {
      event.logger = item.logger;
    }
    if (isRecord(item.attributes) && Object.keys(item.attributes).length > 0) {
      event.attributes = item.attributes;
    }
    events.push(event);
  }

  return events;
}

/** Formats a log event as one line: `level: event (key=value, ...)`. */
export function formatLogEvent(event: ServerLogEvent): string {
  const attributes = Object.entries(event.attributes ?? {})
    .filter(([key]) => key !== 'event' && key !== 'log_level' && key !== 'logger')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  const suffix = attributes.length > 0 ? ` (${attributes.join(', ')})` : '';

  return `${event.level}: ${event.event}${suffix}`;
}
