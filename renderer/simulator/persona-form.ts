/**
 * The fields of the persona editor: which fields a persona shows, how each field's text maps to
 * its JSON value, and the check of one edit. Discord personas are checked with
 * `setPersonaField`, the same rules the Node side applies when it stores them. Personas without
 * a Discord section are checked with `parsePersona`.
 */
import type { JsonValue } from '../../shared/api/services.js';
import { isStagecraftError } from '../../shared/errors.js';
import { DISCORD_ENDPOINTS } from '../../shared/http/discord.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import { hasDiscordSection, setPersonaField } from '../../shared/http/persona.js';
import { parsePersona } from '../../shared/simulator/persona.js';

/** A persona's JSON as the editor keeps it. */
export type PersonaJson = Record<string, JsonValue>;

/**
 * The conversion of a field's text to its value. `text` keeps the text as typed. `optional` and
 * `nullable` turn empty text into no field or null. `boolean` is a checkbox. `integer` and
 * `number` parse digits. `list` splits on commas and spaces. `json` parses JSON, and there
 * empty text removes the field.
 */
export type FieldKind =
  'text' | 'optional' | 'nullable' | 'boolean' | 'integer' | 'number' | 'list' | 'json';

/** One editable field: its dot-separated path in the persona JSON. */
export interface FieldSpec {
  path: string;
  label: string;
  kind: FieldKind;
  help?: string;
}

/** A titled group of fields. `guild` marks a guild's section, which can be removed. */
export interface FieldSection {
  title: string;
  fields: FieldSpec[];
  guild?: { index: number; id: string; member: boolean };
}

/** The outcome of one edit: the new persona, or the message that rejects the value. */
export type EditOutcome = { persona: PersonaJson } | { error: string };

function isRecord(value: unknown): value is Record<string, JsonValue> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Returns the value at a dot-separated path, or undefined. */
export function valueAt(persona: PersonaJson, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = persona;
  for (const segment of path.split('.')) {
    if (Array.isArray(current)) {
      current = current[Number(segment)];
    } else if (isRecord(current)) {
      current = current[segment];
    } else {
      return undefined;
    }
  }

  return current;
}

/** Returns the text an input shows for a value of this kind. */
export function textOf(kind: FieldKind, value: JsonValue | undefined): string {
  if (value === undefined || value === null) {
    return '';
  }
  if (kind === 'list' && Array.isArray(value)) {
    return value.map((item) => (typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
  }
  if (kind === 'json') {
    return JSON.stringify(value, null, 2);
  }

  return typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * Turns typed text into the field's value. Text that is not a number stays text in number
 * fields, so the persona check rejects it with the field's own message.
 */
export function parseFieldText(
  kind: FieldKind,
  text: string,
): { value: JsonValue | undefined } | { error: string } {
  const trimmed = text.trim();
  switch (kind) {
    case 'text':
      return { value: text };
    case 'optional':
      return { value: text === '' ? undefined : text };
    case 'nullable':
      return { value: text === '' ? null : text };
    case 'boolean':
      return { value: text === 'true' };
    case 'integer':
      return { value: /^-?\d+$/.test(trimmed) ? Number(trimmed) : text };
    case 'number':
      return { value: trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : text };
    case 'list':
      return { value: trimmed.split(/[\s,]+/).filter((item) => item !== '') };
    case 'json':
      if (trimmed === '') {
        return { value: undefined };
      }
      try {
        return { value: JSON.parse(trimmed) as JsonValue };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { error: `Invalid JSON: ${reason}. Fix the text or clear it to remove the field.` };
      }
  }
}

function messageOf(error: unknown): string {
  return isStagecraftError(error) || error instanceof Error ? error.message : String(error);
}

// Sets a field of a persona without a Discord section with the path rules of `setPersonaField`,
// and checks the result with `parsePersona`.
function setDirectoryField(
  persona: PersonaJson,
  path: string,
  value: JsonValue | undefined,
): PersonaJson {
  const copy = structuredClone(persona);
  const segments = path.split('.');
  let parent: Record<string, JsonValue> = copy;
  for (const segment of segments.slice(0, -1)) {
    const next = parent[segment];
    parent[segment] = isRecord(next) ? next : {};
    parent = parent[segment];
  }

  const last = segments[segments.length - 1]!;
  if (value === undefined) {
    delete parent[last];
  } else {
    parent[last] = value;
  }
  const name = typeof persona.name === 'string' ? persona.name : '(unnamed)';
  return parsePersona(copy, name) as unknown as PersonaJson;
}

/** Applies one edit and checks the result as the Node side will when it stores the persona. */
export function applyEdit(
  persona: PersonaJson,
  path: string,
  value: JsonValue | undefined,
): EditOutcome {
  try {
    if (hasDiscordSection(persona)) {
      const next = setPersonaField(persona as unknown as DiscordPersona, path, value);
      return { persona: next as unknown as PersonaJson };
    }
    return { persona: setDirectoryField(persona, path, value) };
  } catch (error) {
    return { error: messageOf(error) };
  }
}

const COMMON_FIELDS: FieldSpec[] = [
  { path: 'name', label: 'Name', kind: 'text' },
  { path: 'description', label: 'Description', kind: 'optional' },
  {
    path: 'inDirectory',
    label: 'In the directory',
    kind: 'boolean',
    help: 'Whether a user of this name already exists in authentik.',
  },
];

const DIRECTORY_USER_FIELDS: FieldSpec[] = [
  { path: 'user.username', label: 'Username', kind: 'text' },
  { path: 'user.name', label: 'Display name', kind: 'optional' },
  { path: 'user.email', label: 'Email', kind: 'optional' },
  {
    path: 'authenticated',
    label: 'Already logged in',
    kind: 'boolean',
    help: 'The browser session is logged in as the user when the run starts.',
  },
  { path: 'acceptAnyPassword', label: 'Accept any password', kind: 'boolean' },
];

const DISCORD_USER_FIELDS: FieldSpec[] = [
  { path: 'discord.user.id', label: 'User id', kind: 'text', help: 'A snowflake: digits only.' },
  { path: 'discord.user.username', label: 'Username', kind: 'text' },
  { path: 'discord.user.global_name', label: 'Global name', kind: 'nullable' },
  {
    path: 'discord.user.discriminator',
    label: 'Discriminator',
    kind: 'text',
    help: '"0" on the new username system, four digits for a legacy tag.',
  },
  {
    path: 'discord.user.email',
    label: 'Email',
    kind: 'nullable',
    help: 'Empty means null: the account has no email.',
  },
  { path: 'discord.user.verified', label: 'Email verified', kind: 'boolean' },
  {
    path: 'discord.user.avatar',
    label: 'Avatar hash',
    kind: 'nullable',
    help: 'Empty means no avatar. An a_ prefix marks an animated one.',
  },
];

const TOKEN_FIELDS: FieldSpec[] = [
  {
    path: 'discord.token.scope',
    label: 'Token scopes',
    kind: 'text',
    help: 'Space-separated, e.g. identify email guilds guilds.members.read. An endpoint whose scope is missing responds 401.',
  },
  { path: 'discord.token.access_token', label: 'Access token', kind: 'text' },
  { path: 'discord.token.expires_in', label: 'Expires in (seconds)', kind: 'integer' },
];

function guildSections(persona: PersonaJson): FieldSection[] {
  const discord = isRecord(persona.discord) ? persona.discord : {};
  const guilds = Array.isArray(discord.guilds) ? discord.guilds : [];
  const members = isRecord(discord.members) ? discord.members : {};

  return guilds.map((guild, index) => {
    const id = isRecord(guild) && typeof guild.id === 'string' ? guild.id : '';
    const name = isRecord(guild) && typeof guild.name === 'string' ? guild.name : id;
    const base = `discord.guilds.${index}`;
    const fields: FieldSpec[] = [
      { path: `${base}.id`, label: 'Guild id', kind: 'text' },
      { path: `${base}.name`, label: 'Guild name', kind: 'text' },
      { path: `${base}.owner`, label: 'Owner', kind: 'boolean' },
      { path: `${base}.permissions`, label: 'Permissions', kind: 'text' },
      { path: `${base}.features`, label: 'Features', kind: 'list' },
    ];
    const member = id !== '' && isRecord(members[id]);
    if (member) {
      const at = `discord.members.${id}`;
      fields.push(
        { path: `${at}.roles`, label: 'Member roles', kind: 'list', help: 'Role ids.' },
        { path: `${at}.joined_at`, label: 'Joined at', kind: 'nullable' },
        { path: `${at}.deaf`, label: 'Deaf', kind: 'boolean' },
        { path: `${at}.mute`, label: 'Muted', kind: 'boolean' },
        { path: `${at}.flags`, label: 'Member flags', kind: 'integer' },
      );
    }
    return { title: `Guild ${name}`, fields, guild: { index, id, member } };
  });
}

/** Returns the sections of fields the editor shows for a persona. */
export function sectionsOf(persona: PersonaJson): FieldSection[] {
  if (!hasDiscordSection(persona)) {
    return [
      { title: 'Persona', fields: COMMON_FIELDS },
      { title: 'Directory user', fields: DIRECTORY_USER_FIELDS },
    ];
  }

  const endpointFields = (key: 'errors' | 'rateLimits', help: string): FieldSpec[] =>
    DISCORD_ENDPOINTS.map((endpoint) => ({
      path: `discord.${key}.${endpoint}`,
      label: endpoint,
      kind: 'json' as const,
      help,
    }));
  return [
    { title: 'Persona', fields: COMMON_FIELDS },
    { title: 'Discord user', fields: DISCORD_USER_FIELDS },
    { title: 'Token', fields: TOKEN_FIELDS },
    ...guildSections(persona),
    {
      title: 'Error responses',
      fields: endpointFields(
        'errors',
        'A fixed response {"status", "body", "headers"?} sent instead of the normal one; empty for none.',
      ),
    },
    {
      title: 'Rate limits',
      fields: endpointFields(
        'rateLimits',
        'A bucket {"bucket", "limit", "remaining"?, "resetAfter"} in seconds; empty for none.',
      ),
    },
  ];
}

/** Returns a guild id that no guild of the persona uses, for a new guild. */
export function unusedGuildId(persona: PersonaJson): string {
  const discord = isRecord(persona.discord) ? persona.discord : {};
  const guilds = Array.isArray(discord.guilds) ? discord.guilds : [];
  const used = new Set(
    guilds.map((guild) => (isRecord(guild) && typeof guild.id === 'string' ? guild.id : '')),
  );
  let id = 100_000_000_000_000_000n;
  while (used.has(String(id))) {
    id += 1n;
  }
  return String(id);
}

/** A new partial guild, shaped as `users/@me/guilds` returns one. */
export function newGuild(id: string): JsonValue {
  return { id, name: 'New guild', icon: null, owner: false, permissions: '0', features: [] };
}

/** A new member object, shaped as `users/@me/guilds/{id}/member` returns one. */
export function newMember(): JsonValue {
  return { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 };
}
