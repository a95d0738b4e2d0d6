/**
 * The HTTP layer every outbound call of a simulated run goes through: the OAuth token exchange,
 * the user-info call, and each `requests` call of an expression policy or property mapping.
 *
 * Modes:
 * - `live` sends real requests (see LiveClient for the limits);
 * - `record` sends real requests and keeps each exchange with its secrets replaced by
 *   placeholders, ready to save as a recording;
 * - `replay` responds from a recording, then from a persona, and never opens a connection. A
 *   request that neither covers raises `http-no-match` naming the method, the URL and the closest
 *   recorded request. Discord's rate limits are reproduced per bucket from the recorded
 *   headers or the persona's buckets.
 */
import { StagecraftError } from '../../shared/errors.js';
import type {
  HttpExchangeData,
  HttpRequestData,
  HttpResponseData,
  HttpSender,
} from '../../shared/http/exchange.js';
import { cloneJson } from '../../shared/http/exchange.js';
import { ExchangeIndex, noMatchMessage } from '../../shared/http/matching.js';
import { answerAsPersona } from '../../shared/http/persona-answers.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import { bucketFromHeaders, RateLimiter } from '../../shared/http/rate-limit.js';
import type { Recording } from '../../shared/http/recording.js';
import { RECORDING_FORMAT, RECORDING_VERSION } from '../../shared/http/recording.js';
import type { Dispatcher } from 'undici';
import { createLogger } from '../log.js';
import type { HttpLimits } from './limits.js';
import { resolveHttpLimits } from './limits.js';
import { LiveClient, urlForMessage } from './live.js';
import { Redactor } from './redact.js';

const log = createLogger('http');

const PERSONA_ENDPOINTS_NOTE =
  "A persona responds to Discord's token endpoint, users/@me, users/@me/guilds, the guild " +
  'member endpoint and CDN avatars only.';

/** The way the layer handles requests: over the network, recorded, or replayed. */
export type HttpMode = 'live' | 'record' | 'replay';

/** A request as callers give it; missing headers and body mean none. */
export interface HttpRequestInput {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | null;
}

/** The subject of a recording made in `record` mode. */
export interface RecordingSubject {
  /** Slug of the authentik source. */
  source: string;
  /** Provider type of the source, e.g. `discord`. */
  providerType: string;
  /** API base the calls go to. */
  apiBase: string;
}

/** Settings of an HTTP layer. */
export interface HttpLayerOptions {
  mode: HttpMode;
  /** Live and record: host to the base URL that receives its requests instead (tests). */
  hostOverrides?: Record<string, string>;
  /** Live and record: time and size limits; see {@link HttpLimits}. */
  limits?: Partial<HttpLimits>;
  /** Live and record: an undici dispatcher to use instead of an own Agent. */
  dispatcher?: Dispatcher;
  /** Replay: the recorded responses, tried first. */
  recording?: Recording;
  /** Replay: how messages name the recording, e.g. its file path. */
  recordingName?: string;
  /** Replay: the persona that responds to requests the recording does not cover. */
  persona?: DiscordPersona;
  /** Record: what the recording describes. */
  recordAs?: RecordingSubject;
  /** Current time in ms, for rate-limit buckets; default `Date.now`. */
  now?: () => number;
}

/** Sends requests live, records them, or replays them; see the module comment. */
export class HttpLayer implements HttpSender {
  readonly mode: HttpMode;
  readonly limits: HttpLimits;

  private readonly live: LiveClient | undefined;
  private readonly redactor = new Redactor();
  private readonly recorded: HttpExchangeData[] = [];
  private readonly index: ExchangeIndex | undefined;
  private readonly persona: DiscordPersona | undefined;
  private readonly limiter: RateLimiter;
  private readonly answersFrom: string;
  private readonly recordAs: RecordingSubject | undefined;

  constructor(options: HttpLayerOptions) {
    this.mode = options.mode;
    this.limits = resolveHttpLimits(options.limits);
    this.limiter = new RateLimiter(options.now ?? Date.now);
    this.persona = options.persona;
    this.recordAs = options.recordAs;

    if (options.mode === 'replay') {
      if (options.recording === undefined && options.persona === undefined) {
        throw new StagecraftError(
          'invalid-argument',
          'Replay needs a recording or a persona to respond from; pass recording or persona.',
        );
      }

      this.index =
        options.recording === undefined
          ? undefined
          : new ExchangeIndex(options.recording.exchanges);
      this.answersFrom = describeSources(options);
      return;
    }

    if (options.mode === 'record' && options.recordAs === undefined) {
      throw new StagecraftError(
        'invalid-argument',
        'Record mode needs recordAs (source slug, provider type and API base) for the recording.',
      );
    }

    this.answersFrom = 'the network';
    this.live = new LiveClient(this.limits, options.hostOverrides, options.dispatcher);
  }

  /** Sends, records or replays one request; see the module comment for the errors. */
  async send(input: HttpRequestInput): Promise<HttpResponseData> {
    const request: HttpRequestData = {
      method: input.method.toUpperCase(),
      url: input.url,
      headers: { ...(input.headers ?? {}) },
      body: input.body ?? null,
    };
    log.debug('http request', {
      mode: this.mode,
      method: request.method,
      url: urlForMessage(request.url),
    });

    if (this.live === undefined) {
      return this.replay(request);
    }

    const response = await this.live.send(request);
    if (this.mode === 'record') {
      this.recorded.push(this.redactor.redactExchange({ request, response }));
    }

    return response;
  }

  /** Returns the recording of every exchange so far, secrets replaced. Record mode only. */
  toRecording(createdAt: Date = new Date()): Recording {
    if (this.recordAs === undefined) {
      throw new StagecraftError(
        'invalid-argument',
        `An HTTP layer in ${this.mode} mode makes no recording.`,
      );
    }

    return {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      source: this.recordAs.source,
      providerType: this.recordAs.providerType,
      apiBase: this.recordAs.apiBase,
      createdAt: createdAt.toISOString(),
      exchanges: this.recorded.map((exchange) => this.redactor.scrubExchange(exchange)),
    };
  }

  /** Closes the network connections of live and record mode. */
  async close(): Promise<void> {
    await this.live?.close();
  }

  private replay(request: HttpRequestData): HttpResponseData {
    // Recordings hold redacted requests, so only a recording needs the request redacted.
    const exchange =
      this.index === undefined ? undefined : this.index.take(this.redactor.redactRequest(request));
    if (exchange !== undefined) {
      const response = cloneJson(exchange.response);
      const bucket = bucketFromHeaders(response.headers);
      return bucket === undefined || response.status === 429
        ? response
        : this.limiter.apply(bucket, response);
    }

    const answer = this.persona === undefined ? undefined : answerAsPersona(this.persona, request);
    if (answer !== undefined) {
      return answer.rateLimit === undefined
        ? answer.response
        : this.limiter.apply(answer.rateLimit, answer.response);
    }

    const redacted = this.redactor.redactRequest(request);
    throw new StagecraftError(
      'http-no-match',
      noMatchMessage(
        redacted,
        this.index?.closest(redacted),
        this.answersFrom,
        this.persona === undefined ? '' : PERSONA_ENDPOINTS_NOTE,
      ),
      { method: request.method, url: urlForMessage(redacted.url) },
    );
  }
}

function describeSources(options: HttpLayerOptions): string {
  const parts: string[] = [];
  if (options.recording !== undefined) {
    parts.push(
      `the recording ${options.recordingName ?? `of the source "${options.recording.source}"`}`,
    );
  }
  if (options.persona !== undefined) {
    parts.push(`the persona "${options.persona.name}"`);
  }

  return parts.join(' or ');
}
