/**
 * Discord's API as the simulator needs it: hosts, endpoint paths, scopes and the error bodies
 * Discord sends. Sources: Discord's API documentation (discord/discord-api-docs: the user and
 * guild resources, rate limits, JSON error codes) and authentik's Discord source type
 * (authentik/sources/oauth/types/discord.py).
 */
import type { JsonValue } from '../simulator/evaluation.js';
import { splitUrl } from './url.js';

/** The API base authentik's Discord source type calls (no version: Discord's default). */
export const DISCORD_API_BASE = 'https://discord.com/api';

/** The host of Discord's image CDN. */
export const DISCORD_CDN_BASE = 'https://cdn.discordapp.com';

/** The scopes authentik's Discord source type always requests. */
export const DISCORD_DEFAULT_SCOPES = ['email', 'identify'] as const;

/** Hosts that serve Discord's API. */
export const DISCORD_API_HOSTS = ['discord.com', 'discordapp.com'] as const;

/** Hosts that serve Discord's images. */
export const DISCORD_CDN_HOSTS = ['cdn.discordapp.com', 'media.discordapp.net'] as const;

/** The Discord endpoints a persona responds to. */
export const DISCORD_ENDPOINTS = ['token', 'user', 'guilds', 'member', 'avatar'] as const;

/** One Discord endpoint a persona responds to. */
export type DiscordEndpoint = (typeof DISCORD_ENDPOINTS)[number];

/** A request sorted onto a Discord endpoint, with the ids its path carries. */
export type DiscordRoute =
  | { endpoint: 'token' }
  | { endpoint: 'user' }
  | { endpoint: 'guilds' }
  | { endpoint: 'member'; guildId: string }
  | { endpoint: 'avatar'; userId: string; hash: string; extension: string }
  | { endpoint: 'avatar'; defaultIndex: number };

/** The body of HTTP 401: bad or expired token, or a token without the endpoint's scope. */
export const UNAUTHORIZED_BODY: JsonValue = { message: '401: Unauthorized', code: 0 };

/** The body of HTTP 404 from the guild-member endpoint for a user outside the guild (10004). */
export const UNKNOWN_GUILD_BODY: JsonValue = { message: 'Unknown Guild', code: 10004 };

/** The message of a 429 response when the user's bucket is exhausted. */
export const RATE_LIMITED_MESSAGE = 'You are being rate limited.';

// `/api`, optionally followed by a version segment such as `/v10`.
const API_PREFIX = /^\/api(?:\/v\d+)?(\/.*)$/;

/**
 * Sorts a request onto the Discord endpoint it calls, or returns undefined when it calls none
 * that a persona responds to. The API path may carry a version (`/api/v10/users/@me`).
 */
export function routeDiscordRequest(method: string, url: string): DiscordRoute | undefined {
  const parts = splitUrl(url);
  if (parts === undefined) {
    return undefined;
  }

  const upper = method.toUpperCase();
  if ((DISCORD_CDN_HOSTS as readonly string[]).includes(parts.host)) {
    return upper === 'GET' ? routeCdnPath(parts.path) : undefined;
  }
  if (!(DISCORD_API_HOSTS as readonly string[]).includes(parts.host)) {
    return undefined;
  }

  const api = API_PREFIX.exec(parts.path);
  const path = api?.[1]?.replace(/\/+$/, '');
  if (path === undefined) {
    return undefined;
  }

  if (upper === 'POST' && path === '/oauth2/token') {
    return { endpoint: 'token' };
  }
  if (upper !== 'GET') {
    return undefined;
  }
  if (path === '/users/@me') {
    return { endpoint: 'user' };
  }
  if (path === '/users/@me/guilds') {
    return { endpoint: 'guilds' };
  }

  const member = /^\/users\/@me\/guilds\/([^/]+)\/member$/.exec(path);
  if (member !== null) {
    return { endpoint: 'member', guildId: decodeURIComponent(member[1]!) };
  }

  return undefined;
}

function routeCdnPath(path: string): DiscordRoute | undefined {
  const custom = /^\/avatars\/(\d+)\/([A-Za-z0-9_]+)\.(png|jpg|jpeg|webp|gif)$/.exec(path);
  if (custom !== null) {
    return { endpoint: 'avatar', userId: custom[1]!, hash: custom[2]!, extension: custom[3]! };
  }

  const fallback = /^\/embed\/avatars\/(\d+)\.png$/.exec(path);
  if (fallback !== null) {
    return { endpoint: 'avatar', defaultIndex: Number(fallback[1]) };
  }

  return undefined;
}

/** Tells whether a space-separated OAuth scope string contains `scope`. */
export function hasScope(scopeString: string, scope: string): boolean {
  return scopeString.split(/\s+/).includes(scope);
}

/**
 * Returns the scopes an authentik source requests: the type's defaults plus the source's
 * `additional_scopes`, or only the additional scopes when they start with `*`. Sorted and
 * without repeats, as authentik's OAuth client sends them.
 */
export function requestedScopes(additionalScopes: string | undefined): string[] {
  const extra = (additionalScopes ?? '').trim();
  const replaces = extra.startsWith('*');
  const listed = (replaces ? extra.slice(1) : extra).split(/\s+/).filter((s) => s !== '');
  const scopes = replaces ? listed : [...DISCORD_DEFAULT_SCOPES, ...listed];

  return [...new Set(scopes)].sort();
}
