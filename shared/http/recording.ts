/**
 * The recording file format: the HTTP exchanges of one OAuth login (token exchange, user info,
 * guilds, guild member, avatar) with every secret replaced by a placeholder, so that a recording
 * can be shared and replayed offline. Files are JSON, versioned and checked completely on load:
 * a file with any error is rejected whole, never half-loaded.
 */
import { StagecraftError } from '../errors.js';
import type { ErrorCode } from '../errors.js';
import type { JsonValue } from '../simulator/evaluation.js';
import type { HttpBody, HttpExchangeData, HttpRequestData, HttpResponseData } from './exchange.js';

/** The `format` value of every recording file. */
export const RECORDING_FORMAT = 'stagecraft-http-recording';

/** The format version this Stagecraft writes and reads. */
export const RECORDING_VERSION = 1;

/** A recording file. */
export interface Recording {
  format: typeof RECORDING_FORMAT;
  version: typeof RECORDING_VERSION;
  /** Slug of the authentik source the login went through. */
  source: string;
  /** The source's provider type, e.g. `discord`. */
  providerType: string;
  /** The API base the calls went to, e.g. `https://discord.com/api`. */
  apiBase: string;
  /** ISO 8601 time the recording was made. */
  createdAt: string;
  /** Exchanges in the order they happened, with secrets replaced by placeholders. */
  exchanges: HttpExchangeData[];
}

/** Requirements of a caller on a recording: each given field must equal the recording's. */
export interface RecordingExpectation {
  source?: string;
  providerType?: string;
  apiBase?: string;
}

const RECORD_AGAIN = 'record it again with `stagecraft record`';

function fail(code: ErrorCode, file: string, detail: string, fix: string): StagecraftError {
  return new StagecraftError(code, `Recording ${file} ${detail}; ${fix}.`, { file });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses and checks recording JSON text. Throws a coded error naming the file and the fix. */
export function parseRecording(
  text: string,
  file: string,
  expected: RecordingExpectation = {},
): Recording {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    const truncated = text.trim() === '' || /end of (JSON )?(data|input)/i.test(reason);
    const detail = truncated
      ? `is empty or truncated (${reason})`
      : `is not valid JSON (${reason})`;
    throw fail('recording-invalid', file, detail, RECORD_AGAIN);
  }

  return validateRecording(data, file, expected);
}

/** Checks parsed recording JSON and returns it typed. Throws like {@link parseRecording}. */
export function validateRecording(
  data: unknown,
  file: string,
  expected: RecordingExpectation = {},
): Recording {
  if (!isRecord(data)) {
    throw fail('recording-invalid', file, 'is not a JSON object', RECORD_AGAIN);
  }
  if (data.format !== RECORDING_FORMAT) {
    throw fail(
      'recording-invalid',
      file,
      `is not a Stagecraft HTTP recording (format is ${JSON.stringify(data.format)}, ` +
        `expected "${RECORDING_FORMAT}")`,
      'pass a file written by `stagecraft record`',
    );
  }
  if (data.version !== RECORDING_VERSION) {
    throw fail(
      'recording-version',
      file,
      `has format version ${JSON.stringify(data.version)}, and this Stagecraft reads version ` +
        `${RECORDING_VERSION}`,
      `${RECORD_AGAIN}, or open it with the Stagecraft release that wrote it`,
    );
  }

  const header = {
    source: requireString(data, 'source', file),
    providerType: requireString(data, 'providerType', file),
    apiBase: requireString(data, 'apiBase', file),
    createdAt: requireString(data, 'createdAt', file),
  };
  if (!Array.isArray(data.exchanges)) {
    throw missing(file, 'exchanges', 'a list of exchanges');
  }

  const exchanges = data.exchanges.map((item: unknown, index) =>
    readExchange(item, `exchanges[${index}]`, file),
  );
  const recording: Recording = {
    format: RECORDING_FORMAT,
    version: RECORDING_VERSION,
    ...header,
    exchanges,
  };
  checkExpectation(recording, file, expected);
  return recording;
}

function checkExpectation(recording: Recording, file: string, expected: RecordingExpectation) {
  if (expected.source !== undefined && recording.source !== expected.source) {
    throw fail(
      'recording-mismatch',
      file,
      `was recorded for the source "${recording.source}", not "${expected.source}"`,
      `record the source "${expected.source}" or pass its recording`,
    );
  }
  if (expected.providerType !== undefined && recording.providerType !== expected.providerType) {
    throw fail(
      'recording-mismatch',
      file,
      `was recorded from a "${recording.providerType}" provider, not "${expected.providerType}"`,
      `record a "${expected.providerType}" source`,
    );
  }
  if (
    expected.apiBase !== undefined &&
    trimSlash(recording.apiBase) !== trimSlash(expected.apiBase)
  ) {
    throw fail(
      'recording-mismatch',
      file,
      `was recorded against the API base ${recording.apiBase}, not ${expected.apiBase}`,
      `record it again with --api-base ${expected.apiBase}`,
    );
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

function missing(file: string, path: string, what: string): StagecraftError {
  return fail('recording-invalid', file, `has no valid ${path} (expected ${what})`, RECORD_AGAIN);
}

function requireString(data: Record<string, unknown>, key: string, file: string, path = key) {
  const value = data[key];
  if (typeof value !== 'string' || value === '') {
    throw missing(file, path, 'a non-empty string');
  }

  return value;
}

function readExchange(item: unknown, path: string, file: string): HttpExchangeData {
  if (!isRecord(item)) {
    throw missing(file, path, 'an object with request and response');
  }

  return {
    request: readRequest(item.request, `${path}.request`, file),
    response: readResponse(item.response, `${path}.response`, file),
  };
}

function readRequest(value: unknown, path: string, file: string): HttpRequestData {
  if (!isRecord(value)) {
    throw missing(file, path, 'an object with method, url, headers and body');
  }

  const body = value.body;
  if (body !== null && typeof body !== 'string') {
    throw missing(file, `${path}.body`, 'a string or null');
  }

  return {
    method: requireString(value, 'method', file, `${path}.method`).toUpperCase(),
    url: requireString(value, 'url', file, `${path}.url`),
    headers: readHeaders(value.headers, `${path}.headers`, file),
    body,
  };
}

function readResponse(value: unknown, path: string, file: string): HttpResponseData {
  if (!isRecord(value)) {
    throw missing(file, path, 'an object with status, headers and body');
  }

  const status = value.status;
  if (typeof status !== 'number' || !Number.isInteger(status) || status < 100 || status > 599) {
    throw missing(file, `${path}.status`, 'an HTTP status from 100 to 599');
  }

  return {
    status,
    headers: readHeaders(value.headers, `${path}.headers`, file),
    body: readBody(value.body, `${path}.body`, file),
  };
}

function readHeaders(value: unknown, path: string, file: string): Record<string, string> {
  if (!isRecord(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw missing(file, path, 'an object of header names to string values');
  }

  return { ...(value as Record<string, string>) };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function readBody(value: unknown, path: string, file: string): HttpBody | null {
  if (value === null) {
    return null;
  }

  const kinds = isRecord(value) ? Object.keys(value) : [];
  if (!isRecord(value) || kinds.length !== 1) {
    throw missing(file, path, 'null or an object with exactly one of json, text and base64');
  }
  if ('json' in value) {
    return { json: value.json as JsonValue };
  }
  if (typeof value.text === 'string') {
    return { text: value.text };
  }
  if (typeof value.base64 === 'string' && BASE64.test(value.base64)) {
    return { base64: value.base64 };
  }

  throw missing(file, path, 'null or an object with exactly one of json, text and base64');
}

/** Serialises a recording as the file stores it: indented JSON with a final newline. */
export function serializeRecording(recording: Recording): string {
  return JSON.stringify(recording, null, 2) + '\n';
}
