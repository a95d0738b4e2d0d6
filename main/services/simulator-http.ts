/**
 * Recorded HTTP responses for the `requests` module of an expression test: from a Discord
 * persona (the responses Discord would send that person) or from a stored recording. The sandbox
 * matches them by method and full URL, and a request without a response raises ConnectionError
 * naming the URL, so nothing ever reaches the network.
 */
import type { JsonValue, RecordedExchange } from '../../shared/simulator/evaluation.js';

const API_BASES = [
  'https://discord.com/api',
  'https://discord.com/api/v10',
  'https://discord.com/api/v9',
];

// Discord's 401 body for a token without the endpoint's scope, and the body of a guild the
// user is not a member of (HTTP 404, JSON error code 10004).
const UNAUTHORIZED = { message: '401: Unauthorized', code: 0 };
const UNKNOWN_GUILD = { message: 'Unknown Guild', code: 10004 };

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function scopeList(token: Record<string, JsonValue>): string[] {
  return typeof token.scope === 'string' ? token.scope.split(/\s+/).filter(Boolean) : [];
}

/**
 * Returns the responses of a Discord persona (a persona with a `discord` section holding `token`,
 * `user`, `guilds` and `members`) for the user, guild list and guild member endpoints, under
 * every API base authentik's guides use. Guild ids named in `expression` that the persona is not
 * a member of get 404 with code 10004, and endpoints outside the token's scopes get 401.
 * Returns an empty list for a persona without a `discord` section.
 */
export function discordPersonaExchanges(persona: unknown, expression: string): RecordedExchange[] {
  if (!isRecord(persona) || !isRecord(persona.discord)) {
    return [];
  }

  const discord = persona.discord;
  const token = isRecord(discord.token) ? discord.token : {};
  const scopes = scopeList(token);
  const members = isRecord(discord.members) ? discord.members : {};
  const guilds = Array.isArray(discord.guilds) ? discord.guilds : [];
  const user = isRecord(discord.user) ? discord.user : {};

  const respond = (
    scope: string,
    status: number,
    json: JsonValue,
  ): { status: number; json: JsonValue } =>
    scopes.includes(scope) ? { status, json } : { status: 401, json: UNAUTHORIZED };

  const guildIds = new Set<string>(Object.keys(members));
  for (const guild of guilds) {
    if (isRecord(guild) && typeof guild.id === 'string') {
      guildIds.add(guild.id);
    }
  }
  // Snowflakes written in the expression, e.g. ACCEPTED_GUILD_ID = "123456789123456789".
  for (const match of expression.matchAll(/\b\d{17,20}\b/g)) {
    guildIds.add(match[0]);
  }

  const exchanges: RecordedExchange[] = [];
  for (const base of API_BASES) {
    const me = respond('identify', 200, user);
    exchanges.push({ method: 'GET', url: `${base}/users/@me`, ...me });
    exchanges.push({
      method: 'GET',
      url: `${base}/users/@me/guilds`,
      ...respond('guilds', 200, guilds),
    });

    for (const id of guildIds) {
      const member = members[id];
      const found = isRecord(member)
        ? respond('guilds.members.read', 200, member)
        : respond('guilds.members.read', 404, UNKNOWN_GUILD);
      exchanges.push({ method: 'GET', url: `${base}/users/@me/guilds/${id}/member`, ...found });
    }
  }

  return exchanges;
}

/**
 * Returns the exchanges of a stored recording (`{exchanges: [{request, response}]}`) as responses
 * for the sandbox. Bodies stored as JSON, text or base64 are all kept; exchanges that lack a
 * method, URL or status are skipped.
 */
export function recordingExchanges(recording: unknown): RecordedExchange[] {
  if (!isRecord(recording) || !Array.isArray(recording.exchanges)) {
    return [];
  }

  const exchanges: RecordedExchange[] = [];
  for (const item of recording.exchanges) {
    if (!isRecord(item) || !isRecord(item.request) || !isRecord(item.response)) {
      continue;
    }
    const { method, url } = item.request;
    const { status, headers, body } = item.response;
    if (typeof method !== 'string' || typeof url !== 'string' || typeof status !== 'number') {
      continue;
    }

    const exchange: RecordedExchange = { method: method.toUpperCase(), url, status };
    if (isRecord(headers)) {
      exchange.headers = Object.fromEntries(
        Object.entries(headers).map(([key, value]) => [
          key,
          typeof value === 'string' ? value : JSON.stringify(value),
        ]),
      );
    }
    if (isRecord(body) && 'json' in body) {
      exchange.json = body.json ?? null;
    } else if (isRecord(body) && typeof body.text === 'string') {
      exchange.body = body.text;
    } else if (isRecord(body) && typeof body.base64 === 'string') {
      exchange.body = Buffer.from(body.base64, 'base64').toString('latin1');
    }
    exchanges.push(exchange);
  }

  return exchanges;
}
