/**
 * Responses to Discord requests built from a persona, as Discord's API and CDN would send them.
 *
 * - The token endpoint returns the persona's token response.
 * - `users/@me`, `users/@me/guilds` and the guild-member endpoint need
 *   `Authorization: Bearer <the persona's access token>`; anything else gets 401 code 0.
 * - The token's `scope` decides which endpoints respond. `users/@me` needs `identify`, and it
 *   includes `email` and `verified` only with `email`. `users/@me/guilds` needs `guilds`, and
 *   the member endpoint needs `guilds.members.read`. A missing scope gets 401 code 0, as Discord
 *   responds to a token without the scope.
 * - The member endpoint responds 404 code 10004 ("Unknown Guild") for a guild the persona has no
 *   member object for, as Discord does for a user outside the guild.
 * - The CDN returns the avatar image for the persona's avatar hash, and a default avatar for
 *   `embed/avatars/0.png` to `5.png`.
 */
import type { JsonValue } from '../simulator/evaluation.js';
import type { DiscordRoute } from './discord.js';
import { hasScope, routeDiscordRequest, UNAUTHORIZED_BODY, UNKNOWN_GUILD_BODY } from './discord.js';
import type { HttpRequestData, HttpResponseData } from './exchange.js';
import { cloneJson, headerValue, jsonResponse } from './exchange.js';
import type { DiscordPersona, DiscordUserData } from './persona.js';
import type { RateLimitBucket } from './rate-limit.js';
import { parseQuery, splitUrl } from './url.js';

/** A 1x1 PNG, served for avatars that have no image in the persona. */
export const PLACEHOLDER_PNG_BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

/** A 1x1 GIF, served for animated (`a_`) avatars that have no image in the persona. */
export const PLACEHOLDER_GIF_BASE64 = 'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7';

/** A persona's response, with the rate-limit bucket the call counts against. */
export interface PersonaAnswer {
  response: HttpResponseData;
  /** The endpoint's bucket when the persona sets one; the caller applies it. */
  rateLimit?: RateLimitBucket;
}

/**
 * Returns the response Discord would send to `request` for `persona`, or undefined when the
 * request calls no endpoint a persona responds to.
 */
export function answerAsPersona(
  persona: DiscordPersona,
  request: HttpRequestData,
): PersonaAnswer | undefined {
  const route = routeDiscordRequest(request.method, request.url);
  if (route === undefined) {
    return undefined;
  }

  const discord = persona.discord;
  const limit = discord.rateLimits?.[route.endpoint];
  const rateLimit =
    limit === undefined
      ? undefined
      : {
          id: limit.bucket,
          limit: limit.limit,
          remaining: limit.remaining ?? limit.limit,
          resetAfter: limit.resetAfter,
        };

  const fixed = discord.errors?.[route.endpoint];
  const response =
    fixed === undefined
      ? answerRoute(persona, route, request)
      : jsonResponse(fixed.status, fixed.body, fixed.headers ?? {});

  return rateLimit === undefined ? { response } : { response, rateLimit };
}

function answerRoute(
  persona: DiscordPersona,
  route: DiscordRoute,
  request: HttpRequestData,
): HttpResponseData {
  switch (route.endpoint) {
    case 'token':
      return answerToken(persona, request);
    case 'avatar':
      return answerAvatar(persona, route);
    case 'user':
    case 'guilds':
    case 'member':
      return answerApi(persona, route, request);
  }
}

/**
 * NOTE: the error bodies follow OAuth2 (RFC 6749), not a recorded Discord response; Discord's
 * documentation does not show them.
 */
function answerToken(persona: DiscordPersona, request: HttpRequestData): HttpResponseData {
  const form = new Map(parseQuery(request.body ?? ''));
  const basic = /^basic\s+\S+/i.test(headerValue(request.headers, 'Authorization') ?? '');
  if (!basic && !form.has('client_id')) {
    return jsonResponse(401, { error: 'invalid_client' });
  }

  const grant = form.get('grant_type');
  if (grant === 'authorization_code' && !form.get('code')) {
    return jsonResponse(400, {
      error: 'invalid_request',
      error_description: 'Missing "code" in request.',
    });
  }
  if (grant !== 'authorization_code' && grant !== 'refresh_token') {
    return jsonResponse(400, { error: 'unsupported_grant_type' });
  }

  return jsonResponse(200, { ...persona.discord.token });
}

function answerApi(
  persona: DiscordPersona,
  route: Extract<DiscordRoute, { endpoint: 'user' | 'guilds' | 'member' }>,
  request: HttpRequestData,
): HttpResponseData {
  const token = persona.discord.token;
  const authorization = (headerValue(request.headers, 'Authorization') ?? '').trim();
  const presented = /^bearer\s+(.+)$/i.exec(authorization)?.[1];
  if (presented !== token.access_token) {
    return jsonResponse(401, UNAUTHORIZED_BODY);
  }

  switch (route.endpoint) {
    case 'user':
      if (!hasScope(token.scope, 'identify')) {
        return jsonResponse(401, UNAUTHORIZED_BODY);
      }
      return jsonResponse(200, userObject(persona.discord.user, hasScope(token.scope, 'email')));
    case 'guilds':
      if (!hasScope(token.scope, 'guilds')) {
        return jsonResponse(401, UNAUTHORIZED_BODY);
      }
      return jsonResponse(200, guildList(persona, request.url));
    case 'member': {
      if (!hasScope(token.scope, 'guilds.members.read')) {
        return jsonResponse(401, UNAUTHORIZED_BODY);
      }

      const member = persona.discord.members[route.guildId];
      if (member === undefined) {
        return jsonResponse(404, UNKNOWN_GUILD_BODY);
      }
      return jsonResponse(200, {
        ...stripUndefined(member),
        user: userObject(persona.discord.user, false),
      });
    }
  }
}

/** Returns the user object as sent: `email` and `verified` only with the `email` scope. */
function userObject(user: DiscordUserData, withEmail: boolean): JsonValue {
  const object = stripUndefined(user);
  if (!withEmail) {
    delete object.email;
    delete object.verified;
  }

  return object;
}

// Discord's `limit` query parameter: 1 to 200 guilds, 200 by default.
function guildList(persona: DiscordPersona, url: string): JsonValue {
  const query = new Map(splitUrl(url)?.query ?? []);
  const requested = Number(query.get('limit') ?? '200');
  const limit = Number.isInteger(requested) ? Math.min(Math.max(requested, 1), 200) : 200;

  return persona.discord.guilds.slice(0, limit).map((guild) => stripUndefined(guild));
}

/**
 * NOTE: Discord's CDN converts a static avatar to the requested format. Here every static
 * avatar is served as the same PNG whatever the extension. A GIF of a static avatar gets 415,
 * which is not checked against the real CDN.
 */
function answerAvatar(
  persona: DiscordPersona,
  route: Extract<DiscordRoute, { endpoint: 'avatar' }>,
): HttpResponseData {
  if ('defaultIndex' in route) {
    return route.defaultIndex <= 5 ? image(PLACEHOLDER_PNG_BASE64, 'image/png') : notFound();
  }

  const user = persona.discord.user;
  if (route.userId !== user.id || user.avatar === null || route.hash !== user.avatar) {
    return notFound();
  }

  const animated = user.avatar.startsWith('a_');
  if (route.extension === 'gif' && !animated) {
    return {
      status: 415,
      headers: { 'Content-Type': 'text/plain' },
      body: { text: 'Unsupported Media Type' },
    };
  }

  const own = persona.discord.avatarImages?.[user.avatar];
  if (route.extension === 'gif') {
    return image(own ?? PLACEHOLDER_GIF_BASE64, 'image/gif');
  }

  return image(own ?? PLACEHOLDER_PNG_BASE64, 'image/png');
}

function image(base64: string, contentType: string): HttpResponseData {
  return { status: 200, headers: { 'Content-Type': contentType }, body: { base64 } };
}

function notFound(): HttpResponseData {
  return {
    status: 404,
    headers: { 'Content-Type': 'text/plain' },
    body: { text: '404: Not Found' },
  };
}

function stripUndefined(object: Record<string, JsonValue | undefined>): Record<string, JsonValue> {
  const copy: Record<string, JsonValue> = {};
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined) {
      copy[key] = cloneJson(value);
    }
  }

  return copy;
}
