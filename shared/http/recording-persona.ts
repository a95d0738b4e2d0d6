/**
 * Turning a recording into a persona, so that a recorded login can be replayed for requests the
 * recording never saw and then edited field by field.
 */
import { StagecraftError } from '../errors.js';
import type { JsonValue } from '../simulator/evaluation.js';
import type { DiscordEndpoint } from './discord.js';
import { routeDiscordRequest } from './discord.js';
import { cloneJson, headerValue } from './exchange.js';
import type { HttpExchangeData, HttpResponseData } from './exchange.js';
import type {
  DiscordMemberData,
  DiscordPersona,
  DiscordPersonaData,
  FixedAnswer,
  PersonaRateLimit,
} from './persona.js';
import { DISCORD_PERSONA_VERSION, parseDiscordPersona } from './persona.js';
import { bucketFromHeaders } from './rate-limit.js';
import type { Recording } from './recording.js';

/** Token lifetime Discord grants, used when a recording has no token exchange (7 days). */
const DEFAULT_EXPIRES_IN = 604_800;

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonBody(response: HttpResponseData): JsonValue | undefined {
  return response.body !== null && 'json' in response.body ? response.body.json : undefined;
}

interface Collected {
  token?: Record<string, JsonValue>;
  user?: Record<string, JsonValue>;
  guilds?: JsonValue[];
  members: Record<string, DiscordMemberData>;
  errors: Partial<Record<DiscordEndpoint, FixedAnswer>>;
  rateLimits: Partial<Record<DiscordEndpoint, PersonaRateLimit>>;
  avatarImages: Record<string, string>;
  /** Access token seen in an Authorization header, for recordings without a token exchange. */
  bearer?: string;
  /** Endpoints that responded as the scope allows (200, or 404 code 10004 for the member call). */
  granted: Set<DiscordEndpoint>;
}

/**
 * Builds a persona named `name` from a recording of a Discord login. The recording must hold a
 * successful `users/@me`. When it has no token exchange, the token is rebuilt from the recorded
 * Authorization header, with the scopes the successful calls imply. Failed responses other
 * than a 401 (which the token's scope reproduces) and the member endpoint's 404 become fixed
 * error responses. Throws `recording-invalid` naming `where` when no persona can be built, and
 * `persona-invalid` when the recorded data is not a valid persona.
 */
export function recordingToPersona(
  recording: Recording,
  name: string,
  where = 'the recording',
): DiscordPersona {
  const collected: Collected = {
    members: {},
    errors: {},
    rateLimits: {},
    avatarImages: {},
    granted: new Set(),
  };
  for (const exchange of recording.exchanges) {
    collect(collected, exchange);
  }

  const user = collected.user;
  if (user === undefined) {
    throw new StagecraftError(
      'recording-invalid',
      `Cannot build a persona from ${where}: it has no successful GET users/@me response. Record ` +
        'a login that reaches users/@me.',
      { recording: where },
    );
  }

  const discord: DiscordPersonaData = {
    version: DISCORD_PERSONA_VERSION,
    token: tokenOf(collected, user, where) as unknown as DiscordPersonaData['token'],
    user: user as DiscordPersonaData['user'],
    guilds: (collected.guilds ?? []) as unknown as DiscordPersonaData['guilds'],
    members: collected.members,
  };
  if (Object.keys(collected.errors).length > 0) {
    discord.errors = collected.errors;
  }
  if (Object.keys(collected.rateLimits).length > 0) {
    discord.rateLimits = collected.rateLimits;
  }
  if (Object.keys(collected.avatarImages).length > 0) {
    discord.avatarImages = collected.avatarImages;
  }

  const persona = {
    name,
    description: `Built from a recording of the source "${recording.source}" made ${recording.createdAt}.`,
    user: { username: typeof user.username === 'string' ? user.username : '' },
    inDirectory: false,
    discord,
  };
  return parseDiscordPersona(persona, name);
}

function collect(collected: Collected, exchange: HttpExchangeData): void {
  const { request, response } = exchange;
  const route = routeDiscordRequest(request.method, request.url);
  if (route === undefined) {
    return;
  }

  const bearer = /^bearer\s+(.+)$/i.exec(headerValue(request.headers, 'Authorization') ?? '');
  if (bearer !== null) {
    collected.bearer ??= bearer[1]!.trim();
  }

  const bucket = bucketFromHeaders(response.headers);
  if (bucket !== undefined) {
    collected.rateLimits[route.endpoint] = {
      bucket: bucket.id,
      limit: bucket.limit,
      remaining: bucket.remaining,
      resetAfter: bucket.resetAfter,
    };
  }

  const body = jsonBody(response);
  if (route.endpoint === 'avatar') {
    if (
      response.status === 200 &&
      response.body !== null &&
      'base64' in response.body &&
      'hash' in route
    ) {
      collected.avatarImages[route.hash] = response.body.base64;
    }
    return;
  }

  if (response.status === 200 && collectSuccess(collected, route, body)) {
    collected.granted.add(route.endpoint);
    return;
  }

  if (
    route.endpoint === 'member' &&
    response.status === 404 &&
    isRecord(body) &&
    body.code === 10004
  ) {
    collected.granted.add('member');
    return;
  }
  // A 401 is what a token without the endpoint's scope gets; the scope reproduces it.
  if (response.status !== 401 && response.status !== 429) {
    collected.errors[route.endpoint] = {
      status: response.status,
      body: body ?? (response.body !== null && 'text' in response.body ? response.body.text : null),
    };
  }
}

function collectSuccess(
  collected: Collected,
  route: NonNullable<ReturnType<typeof routeDiscordRequest>>,
  body: JsonValue | undefined,
): boolean {
  switch (route.endpoint) {
    case 'token':
      if (isRecord(body) && typeof body.access_token === 'string') {
        collected.token = body;
        return true;
      }
      return false;
    case 'user':
      // A persona is one person: the first successful users/@me wins.
      if (isRecord(body)) {
        collected.user ??= cloneJson(body);
        return true;
      }
      return false;
    case 'guilds':
      if (Array.isArray(body)) {
        collected.guilds = cloneJson(body);
        return true;
      }
      return false;
    case 'member':
      if (isRecord(body)) {
        const member = cloneJson(body);
        delete member.user;
        collected.members[route.guildId] = member as unknown as DiscordMemberData;
        return true;
      }
      return false;
    case 'avatar':
      return false;
  }
}

function tokenOf(
  collected: Collected,
  user: Record<string, JsonValue>,
  where: string,
): Record<string, JsonValue> {
  if (collected.token !== undefined) {
    return {
      token_type: 'Bearer',
      expires_in: DEFAULT_EXPIRES_IN,
      refresh_token: '<refresh-token-1>',
      ...collected.token,
    };
  }

  if (collected.bearer === undefined) {
    throw new StagecraftError(
      'recording-invalid',
      `Cannot build a persona from ${where}: it has neither a token exchange nor an ` +
        'Authorization header to take the access token from. Record the whole login.',
      { recording: where },
    );
  }

  const scopes = ['identify'];
  if ('email' in user) {
    scopes.push('email');
  }
  if (collected.granted.has('guilds')) {
    scopes.push('guilds');
  }
  if (collected.granted.has('member')) {
    scopes.push('guilds.members.read');
  }

  return {
    access_token: collected.bearer,
    token_type: 'Bearer',
    expires_in: DEFAULT_EXPIRES_IN,
    refresh_token: '<refresh-token-1>',
    scope: scopes.join(' '),
  };
}
