/**
 * authentik's Discord source type (authentik/sources/oauth/types/discord.py), in the variant of
 * the simulated version:
 * - up to 2025.12 (commit 2fee5de6): username and name are the Discord username, email is the
 *   email or None;
 * - newer (the commit that added `discord_guild_id`): name is `global_name`, falling back to the
 *   username only when the key is absent, so a null `global_name` leaves no name;
 *   `attributes.discord_avatar` is the avatar URL or None; with `discord_guild_id` set, the
 *   redirect also asks for `guilds.members.read`, and when the token's scope string contains it,
 *   the guild member's role ids become groups named `<role id>@discord`.
 * Both send the token request with HTTP Basic client authentication and the profile request with
 * the token in the header and in `?access_token=`.
 */
import { ruleFor } from '../../../shared/simulator/rules.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import { asText, isJsonMap } from '../json.js';
import { recordFinding } from './advice.js';
import type { ProviderCall, ProviderType } from './providers.js';
import { infoGet, registerProviderType } from './providers.js';

/** The guild-member endpoint the newer type calls, with an explicit API version. */
export const DISCORD_MEMBER_URL = 'https://discord.com/api/v10/users/@me/guilds/{guild}/member';

/** Tells whether the simulated version derives properties the newer way. */
export function usesNewDiscordProperties(call: Pick<ProviderCall, 'version' | 'state'>): boolean {
  const rule = ruleFor('discordUserProperties', call.version);
  call.state.recorder.useRule(rule);

  return rule.tag !== 'before-2026.5';
}

async function guildRoles(call: ProviderCall, guildId: string): Promise<JsonMap[string][]> {
  const token = asText(call.token.access_token);
  const url = `${DISCORD_MEMBER_URL.replace('{guild}', guildId)}?access_token=${encodeURIComponent(token)}`;
  const result = await call.http.send(
    {
      method: 'GET',
      url,
      headers: { Authorization: `${asText(call.token.token_type, 'Bearer')} ${token}` },
      body: null,
    },
    call.by,
  );

  // get_guild_member returns {} only when the request itself fails; an error body such as
  // 404 code 10004 is returned as it is, and `.get("roles", [])` finds no roles in it.
  const body = result.response?.body;
  if (body === undefined || body === null || !('json' in body) || !isJsonMap(body.json)) {
    return [];
  }

  const roles = body.json.roles;
  return Array.isArray(roles) ? roles : [];
}

// The newer type reads `info.get("global_name", username)`: a present null wins over the
// username, and the None is then dropped from the properties.
function reportDroppedName(call: ProviderCall, username: JsonMap[string]): void {
  recordFinding(
    call.state,
    'warning',
    'source-name-dropped',
    `Discord account ${asText(username)} has no display name (global_name is null). This authentik version takes the name from global_name and drops the None, so the user gets no name.`,
    'Add a property mapping that returns {"name": info.get("global_name") or info["username"]}, or target 2025.12, which uses the username.',
  );
}

const discord: ProviderType = {
  name: 'discord',
  label: 'Discord',
  urlsCustomizable: false,
  authorizationUrl: 'https://discord.com/api/oauth2/authorize',
  accessTokenUrl: 'https://discord.com/api/oauth2/token',
  profileUrl: 'https://discord.com/api/users/@me',
  scopes: (config, version) => {
    const scopes = ['email', 'identify'];
    const newer = ruleFor('discordUserProperties', version).tag !== 'before-2026.5';
    if (newer && config.discordGuildId !== undefined) {
      scopes.push('guilds.members.read');
    }

    return scopes;
  },
  extraParameters: { prompt: 'none' },
  tokenAuthMethod: () => 'basic_auth',
  pkce: () => 'none',
  profileAuth: 'header-and-query',
  userId: (info) => {
    const id = info.id;
    if (id === undefined || id === null) {
      return undefined;
    }

    return typeof id === 'string' ? id : JSON.stringify(id);
  },
  baseUserProperties: async (call): Promise<JsonMap> => {
    const info = call.info;
    const username = infoGet(info, 'username');
    if (!usesNewDiscordProperties(call)) {
      return { username, email: infoGet(info, 'email'), name: username };
    }

    const guild = call.config.discordGuildId;
    const scope = asText(call.token.scope);
    // The newer type tests the scope with a substring check on the whole scope string.
    const roles =
      guild !== undefined && scope.includes('guilds.members.read')
        ? await guildRoles(call, guild)
        : [];
    if ('global_name' in info && info.global_name === null) {
      reportDroppedName(call, username);
    }

    const avatar = info.avatar;
    const avatarUrl =
      avatar === null || avatar === undefined
        ? null
        : `https://cdn.discordapp.com/avatars/${asText(info.id)}/${asText(avatar)}.png?size=64`;

    return {
      username,
      email: infoGet(info, 'email'),
      name: 'global_name' in info ? infoGet(info, 'global_name') : username,
      groups: roles,
      attributes: { discord_avatar: avatarUrl },
    };
  },
  baseGroupProperties: (groupId, call) =>
    usesNewDiscordProperties(call) ? { name: `${groupId}@discord` } : { name: groupId },
};

registerProviderType(discord);

/** The Discord type, registered under `discord`. */
export const DISCORD_TYPE = discord;
