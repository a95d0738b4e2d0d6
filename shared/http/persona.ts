/**
 * Discord personas: editable bundles that respond like Discord for one person. A persona contains
 * the token response (whose `scope` decides which endpoints respond), the user object of
 * `users/@me`, the partial guilds of `users/@me/guilds`, the member objects per guild, and
 * optional fixed error responses and rate limits per endpoint.
 *
 * A Discord persona is also a simulator persona (see shared/simulator/persona.ts): its `user`
 * is the authentik user the identity becomes, derived from `discord.user` the way authentik
 * 2025.12's Discord source maps it (username, email, and the username as name). Both kinds are
 * stored in the project's `personas` table.
 */
import { StagecraftError } from '../errors.js';
import type { JsonValue } from '../simulator/evaluation.js';
import type { DiscordEndpoint } from './discord.js';
import { DISCORD_ENDPOINTS } from './discord.js';
import { cloneJson } from './exchange.js';

/** The version of the `discord` section this Stagecraft reads and writes. */
export const DISCORD_PERSONA_VERSION = 1;

/** The token endpoint's response body (Discord's access token response). */
export interface DiscordTokenData {
  access_token: string;
  token_type: string;
  /** Seconds, e.g. 604800. */
  expires_in: number;
  refresh_token: string;
  /** Granted scopes, space-separated, e.g. `identify email guilds`. */
  scope: string;
}

/** Discord's user object as `users/@me` returns it; unknown keys pass through. */
export interface DiscordUserData {
  /** Snowflake id as a string. */
  id: string;
  username: string;
  /** `"0"` on the new username system, four digits for a legacy tag. */
  discriminator: string;
  global_name: string | null;
  /** Avatar hash; an `a_` prefix marks an animated avatar. */
  avatar: string | null;
  /** Sent only with the `email` scope; null when the account has no email. */
  email?: string | null;
  /** Sent only with the `email` scope. */
  verified?: boolean;
  [key: string]: JsonValue | undefined;
}

/** A partial guild as `users/@me/guilds` returns it; unknown keys pass through. */
export interface DiscordGuildData {
  id: string;
  name: string;
  icon: string | null;
  owner: boolean;
  /** Permission bit set as a decimal string. */
  permissions: string;
  features: string[];
  [key: string]: JsonValue | undefined;
}

/** A guild member object as `users/@me/guilds/{id}/member` returns it, without `user`. */
export interface DiscordMemberData {
  /** Role ids. */
  roles: string[];
  joined_at: string | null;
  deaf: boolean;
  mute: boolean;
  flags: number;
  [key: string]: JsonValue | undefined;
}

/** A fixed response that replaces an endpoint's normal one, e.g. a 502. */
export interface FixedAnswer {
  status: number;
  body: JsonValue;
  headers?: Record<string, string>;
}

/** A rate-limit bucket of an endpoint. */
export interface PersonaRateLimit {
  /** Discord's bucket id, sent as `X-RateLimit-Bucket`. */
  bucket: string;
  /** Calls per period. */
  limit: number;
  /** Calls left at the start of a run; default `limit`. 0 makes the first call a 429. */
  remaining?: number;
  /** Seconds until the bucket refills. */
  resetAfter: number;
}

/** The Discord data of a persona. */
export interface DiscordPersonaData {
  version: typeof DISCORD_PERSONA_VERSION;
  token: DiscordTokenData;
  user: DiscordUserData;
  guilds: DiscordGuildData[];
  /** Member objects by guild id. A guild missing here gets 404 with code 10004. */
  members: Record<string, DiscordMemberData>;
  /** Fixed responses by endpoint, returned whatever the request. */
  errors?: Partial<Record<DiscordEndpoint, FixedAnswer>>;
  rateLimits?: Partial<Record<DiscordEndpoint, PersonaRateLimit>>;
  /** Avatar images by hash, base64-encoded; a hash without one gets a built-in 1x1 image. */
  avatarImages?: Record<string, string>;
}

/** The authentik user a Discord identity becomes. */
export interface PersonaIdentity {
  username: string;
  email?: string;
  name?: string;
}

/** A Discord persona. */
export interface DiscordPersona {
  name: string;
  description?: string;
  /** Derived from `discord.user` whenever the persona is checked; edit `discord.user` instead. */
  user: PersonaIdentity;
  /** Whether a local user of that name already exists; false for a Discord identity. */
  inDirectory?: boolean;
  discord: DiscordPersonaData;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const SNOWFLAKE = /^\d{1,20}$/;

class PersonaChecker {
  constructor(private readonly persona: string) {}

  fail(path: string, expected: string, value: unknown): never {
    const problem = value === undefined ? 'is missing' : `is ${JSON.stringify(value)}`;
    throw new StagecraftError(
      'persona-invalid',
      `Persona "${this.persona}" is invalid: ${path} ${problem}; set it to ${expected}.`,
      { persona: this.persona, field: path },
    );
  }

  object(parent: Record<string, unknown>, key: string, path: string): Record<string, unknown> {
    const value = parent[key];
    if (!isRecord(value)) {
      this.fail(path, 'a JSON object', value);
    }

    return value;
  }

  string(parent: Record<string, unknown>, key: string, path: string, pattern?: RegExp): string {
    const value = parent[key];
    if (typeof value !== 'string' || value === '' || (pattern && !pattern.test(value))) {
      this.fail(
        path,
        pattern === SNOWFLAKE ? 'a Discord id (digits, as a string)' : 'a non-empty string',
        value,
      );
    }

    return value;
  }

  nullableString(parent: Record<string, unknown>, key: string, path: string): void {
    const value = parent[key];
    if (value !== null && typeof value !== 'string') {
      this.fail(path, 'a string or null (the key must be present)', value);
    }
  }

  boolean(parent: Record<string, unknown>, key: string, path: string): void {
    if (typeof parent[key] !== 'boolean') {
      this.fail(path, 'true or false', parent[key]);
    }
  }

  integer(parent: Record<string, unknown>, key: string, path: string, min = 0): number {
    const value = parent[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      this.fail(path, `a whole number of at least ${min}`, value);
    }

    return value;
  }
}

/**
 * Checks persona JSON and returns it typed, with `user` derived from `discord.user`. Throws
 * `persona-invalid` naming the persona and the first invalid field.
 */
export function parseDiscordPersona(data: unknown, where: string): DiscordPersona {
  const check: PersonaChecker = new PersonaChecker(where);
  if (!isRecord(data)) {
    check.fail('the persona', 'a JSON object', data);
  }

  const name = check.string(data, 'name', 'name');
  if (data.description !== undefined && typeof data.description !== 'string') {
    check.fail('description', 'a string', data.description);
  }
  if (data.inDirectory !== undefined && typeof data.inDirectory !== 'boolean') {
    check.fail('inDirectory', 'true or false', data.inDirectory);
  }

  const discord = check.object(data, 'discord', 'discord');
  if (discord.version !== DISCORD_PERSONA_VERSION) {
    check.fail('discord.version', String(DISCORD_PERSONA_VERSION), discord.version);
  }

  checkToken(check, check.object(discord, 'token', 'discord.token'));
  const user = checkUser(check, check.object(discord, 'user', 'discord.user'));
  checkGuilds(check, discord.guilds);
  checkMembers(check, check.object(discord, 'members', 'discord.members'));
  checkErrors(check, discord.errors);
  checkRateLimits(check, discord.rateLimits);
  checkAvatarImages(check, discord.avatarImages);

  const persona = cloneJson(data) as unknown as DiscordPersona;
  persona.name = name;
  persona.user = identityOf(user as unknown as DiscordUserData);
  return persona;
}

function checkToken(check: PersonaChecker, token: Record<string, unknown>): void {
  check.string(token, 'access_token', 'discord.token.access_token');
  check.string(token, 'token_type', 'discord.token.token_type');
  check.integer(token, 'expires_in', 'discord.token.expires_in');
  check.string(token, 'refresh_token', 'discord.token.refresh_token');
  if (typeof token.scope !== 'string') {
    check.fail(
      'discord.token.scope',
      'the granted scopes, e.g. "identify email guilds"',
      token.scope,
    );
  }
}

function checkUser(check: PersonaChecker, user: Record<string, unknown>): Record<string, unknown> {
  check.string(user, 'id', 'discord.user.id', SNOWFLAKE);
  check.string(user, 'username', 'discord.user.username');
  const discriminator = user.discriminator;
  if (typeof discriminator !== 'string' || !/^(0|\d{4})$/.test(discriminator)) {
    check.fail('discord.user.discriminator', '"0" (new usernames) or four digits', discriminator);
  }
  check.nullableString(user, 'global_name', 'discord.user.global_name');
  check.nullableString(user, 'avatar', 'discord.user.avatar');
  if ('email' in user) {
    check.nullableString(user, 'email', 'discord.user.email');
  }
  if ('verified' in user) {
    check.boolean(user, 'verified', 'discord.user.verified');
  }

  return user;
}

function checkGuilds(check: PersonaChecker, guilds: unknown): void {
  if (!Array.isArray(guilds)) {
    check.fail('discord.guilds', 'a list of partial guilds ([] for none)', guilds);
  }

  for (const [index, guild] of guilds.entries()) {
    const path = `discord.guilds[${index}]`;
    if (!isRecord(guild)) {
      check.fail(path, 'a partial guild object', guild);
    }

    check.string(guild, 'id', `${path}.id`, SNOWFLAKE);
    check.string(guild, 'name', `${path}.name`);
    check.nullableString(guild, 'icon', `${path}.icon`);
    check.boolean(guild, 'owner', `${path}.owner`);
    if (typeof guild.permissions !== 'string' || !/^\d+$/.test(guild.permissions)) {
      check.fail(
        `${path}.permissions`,
        'the permission bits as a decimal string',
        guild.permissions,
      );
    }
    if (!Array.isArray(guild.features) || !guild.features.every((f) => typeof f === 'string')) {
      check.fail(`${path}.features`, 'a list of feature names', guild.features);
    }
  }
}

function checkMembers(check: PersonaChecker, members: Record<string, unknown>): void {
  for (const [guildId, member] of Object.entries(members)) {
    const path = `discord.members.${guildId}`;
    if (!SNOWFLAKE.test(guildId)) {
      check.fail(path, 'a member object under a guild id (digits)', guildId);
    }
    if (!isRecord(member)) {
      check.fail(path, 'a guild member object', member);
    }

    const roles = member.roles;
    if (
      !Array.isArray(roles) ||
      !roles.every((role) => typeof role === 'string' && SNOWFLAKE.test(role))
    ) {
      check.fail(`${path}.roles`, 'a list of role ids (strings of digits)', roles);
    }
    check.nullableString(member, 'joined_at', `${path}.joined_at`);
    check.boolean(member, 'deaf', `${path}.deaf`);
    check.boolean(member, 'mute', `${path}.mute`);
    check.integer(member, 'flags', `${path}.flags`);
  }
}

function checkEndpointKeys(check: PersonaChecker, map: Record<string, unknown>, path: string) {
  for (const key of Object.keys(map)) {
    if (!(DISCORD_ENDPOINTS as readonly string[]).includes(key)) {
      check.fail(`${path}.${key}`, `an entry under one of ${DISCORD_ENDPOINTS.join(', ')}`, key);
    }
  }
}

function checkErrors(check: PersonaChecker, errors: unknown): void {
  if (errors === undefined) {
    return;
  }
  if (!isRecord(errors)) {
    check.fail('discord.errors', 'an object of endpoint names to fixed responses', errors);
  }

  checkEndpointKeys(check, errors, 'discord.errors');
  for (const [endpoint, answer] of Object.entries(errors)) {
    const path = `discord.errors.${endpoint}`;
    if (!isRecord(answer)) {
      check.fail(path, 'an object with status and body', answer);
    }

    const status = check.integer(answer, 'status', `${path}.status`, 100);
    if (status > 599) {
      check.fail(`${path}.status`, 'an HTTP status from 100 to 599', status);
    }
    if (!('body' in answer)) {
      check.fail(`${path}.body`, 'the JSON body of the response', undefined);
    }

    const headers = answer.headers;
    if (
      headers !== undefined &&
      (!isRecord(headers) || !Object.values(headers).every((v) => typeof v === 'string'))
    ) {
      check.fail(`${path}.headers`, 'an object of header names to string values', headers);
    }
  }
}

function checkRateLimits(check: PersonaChecker, limits: unknown): void {
  if (limits === undefined) {
    return;
  }
  if (!isRecord(limits)) {
    check.fail('discord.rateLimits', 'an object of endpoint names to buckets', limits);
  }

  checkEndpointKeys(check, limits, 'discord.rateLimits');
  for (const [endpoint, limit] of Object.entries(limits)) {
    const path = `discord.rateLimits.${endpoint}`;
    if (!isRecord(limit)) {
      check.fail(path, 'an object with bucket, limit and resetAfter', limit);
    }

    check.string(limit, 'bucket', `${path}.bucket`);
    const size = check.integer(limit, 'limit', `${path}.limit`, 1);
    if (limit.remaining !== undefined) {
      const remaining = check.integer(limit, 'remaining', `${path}.remaining`);
      if (remaining > size) {
        check.fail(`${path}.remaining`, `a number from 0 to the limit ${size}`, remaining);
      }
    }

    const resetAfter = limit.resetAfter;
    if (typeof resetAfter !== 'number' || !(resetAfter > 0)) {
      check.fail(
        `${path}.resetAfter`,
        'the seconds until the bucket refills (above 0)',
        resetAfter,
      );
    }
  }
}

function checkAvatarImages(check: PersonaChecker, images: unknown): void {
  if (images === undefined) {
    return;
  }

  const valid =
    isRecord(images) &&
    Object.values(images).every(
      (value) => typeof value === 'string' && /^[A-Za-z0-9+/]*={0,2}$/.test(value),
    );
  if (!valid) {
    check.fail('discord.avatarImages', 'an object of avatar hashes to base64 images', images);
  }
}

/** Returns the authentik user a Discord user becomes under authentik 2025.12's mapping. */
export function identityOf(user: DiscordUserData): PersonaIdentity {
  const identity: PersonaIdentity = { username: user.username, name: user.username };
  if (typeof user.email === 'string' && user.email !== '') {
    identity.email = user.email;
  }

  return identity;
}

/**
 * Returns a copy of the persona with the field at `path` set to `value`, checked. `path` is
 * dot-separated (`discord.user.global_name`, `discord.guilds.0.name`,
 * `discord.members.123456789123456789.roles`); missing objects on the way are created, and
 * `undefined` removes the field. Throws `persona-invalid` naming the field when the result is
 * not a valid persona. `user` cannot be set because it is derived from `discord.user`.
 */
export function setPersonaField(
  persona: DiscordPersona,
  path: string,
  value: JsonValue | undefined,
): DiscordPersona {
  const segments = path.split('.').filter((segment) => segment !== '');
  const invalid = (detail: string): StagecraftError =>
    new StagecraftError(
      'persona-invalid',
      `Cannot set ${path} of persona "${persona.name}": ${detail}.`,
      {
        persona: persona.name,
        field: path,
      },
    );

  const first = segments[0];
  if (first === undefined) {
    throw invalid('the path is empty; name a field such as discord.user.username');
  }
  if (first === 'user') {
    throw invalid(
      'user is derived from discord.user; set discord.user.username or discord.user.email instead',
    );
  }
  if (!['name', 'description', 'inDirectory', 'discord'].includes(first)) {
    throw invalid('only name, description, inDirectory and fields under discord can be set');
  }

  const copy = cloneJson(persona) as unknown as Record<string, unknown>;
  let parent: unknown = copy;
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (Array.isArray(parent)) {
      const position = Number(segment);
      if (!Number.isInteger(position) || position < 0 || position > parent.length) {
        throw invalid(`${segment} is not an index of the list (0 to ${parent.length})`);
      }
      if (last) {
        setItem(parent, position, value);
        break;
      }
      parent[position] ??= {};
      parent = parent[position];
      continue;
    }

    if (!isRecord(parent)) {
      throw invalid(`the value before ${segment} is not an object or a list`);
    }
    if (last) {
      if (value === undefined) {
        delete parent[segment];
      } else {
        parent[segment] = value;
      }
      break;
    }
    parent[segment] ??= {};
    parent = parent[segment];
  }

  return parseDiscordPersona(copy, persona.name);
}

function setItem(list: unknown[], position: number, value: JsonValue | undefined): void {
  if (value === undefined) {
    list.splice(position, 1);
    return;
  }

  list[position] = value;
}

/** Tells whether stored persona JSON has a Discord section, so it responds as Discord. */
export function hasDiscordSection(data: unknown): boolean {
  return isRecord(data) && isRecord(data.discord);
}
