/**
 * `stagecraft record --source SLUG --project P --out FILE`: a live Discord login whose HTTP
 * exchanges are saved as a recording with every secret replaced by a placeholder.
 */
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

import { StagecraftError } from '../../shared/errors.js';
import { DISCORD_API_BASE, DISCORD_CDN_BASE, requestedScopes } from '../../shared/http/discord.js';
import type { ModelObject } from '../../shared/model/object.js';
import { envVariableName } from '../../shared/model/secrets.js';
import type { Value } from '../../shared/model/values.js';
import { isTag } from '../../shared/model/values.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type { DiscordLoginSettings } from '../http/discord-login.js';
import { discordAuthorizeUrl, runDiscordLogin } from '../http/discord-login.js';
import { HttpLayer } from '../http/layer.js';
import { openInBrowser, startLoopback } from '../http/loopback.js';
import { checkOutputFolder } from '../files/write-error.js';
import { writeRecordingFile } from '../http/recording-file.js';
import type { Command, CommandArgs, CommandIo } from './command.js';
import { listOption, printJson, stringOption } from './command.js';
import { openProject, projectPath, saveProjectRecording } from './project.js';

const OAUTH_SOURCE = 'authentik_sources_oauth.oauthsource';

const DEFAULT_TIMEOUT_S = 300;

/** Letters and digits, as authentik's 32-character OAuth `state`. */
function randomState(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return [...randomBytes(32)].map((byte) => alphabet[byte % alphabet.length]).join('');
}

function findSource(objects: ModelObject[], slug: string): ModelObject {
  const sources = objects.filter((object) => object.model === OAUTH_SOURCE);
  const source = sources.find((object) => mergeEntryData(object).slug === slug);
  if (source !== undefined) {
    return source;
  }

  const known = sources
    .map((object) => mergeEntryData(object).slug)
    .filter((value) => typeof value === 'string')
    .join(', ');
  throw new StagecraftError(
    'source-not-found',
    `The project has no OAuth source with slug "${slug}"` +
      (known === '' ? '; import the blueprint that defines it.' : `; its OAuth sources: ${known}.`),
    { slug },
  );
}

/** Returns the environment variable an `!Env` tag reads, or undefined for other values. */
function envName(value: Value | undefined): string | undefined {
  if (!isTag(value) || value.$tag !== 'Env') {
    return undefined;
  }

  const argument = Array.isArray(value.value) ? value.value[0] : value.value;
  return typeof argument === 'string' ? argument : undefined;
}

/**
 * Reads the client id and secret. The secret always comes from the environment: from the
 * variable of the source's `!Env` tag, or from the one `stagecraft export` would name
 * (`<SLUG>_CLIENT_SECRET`), never from the project file.
 */
function readCredentials(
  source: ModelObject,
  slug: string,
  env: CommandIo['env'],
): { clientId: string; clientSecret: string } {
  const data = mergeEntryData(source);
  const idVariable = envName(data.consumer_key);
  const clientId = idVariable === undefined ? data.consumer_key : env[idVariable];
  if (typeof clientId !== 'string' || clientId === '') {
    throw new StagecraftError(
      'credentials-missing',
      idVariable === undefined
        ? `Source "${slug}" has no consumer_key (the Discord client id); set it in the project.`
        : `The client id of source "${slug}" is read from the environment variable ` +
            `${idVariable}, which is not set. Set it to the Discord application's client id.`,
      { slug, ...(idVariable === undefined ? {} : { variable: idVariable }) },
    );
  }

  const secretVariable =
    envName(data.consumer_secret) ?? envVariableName(source, 'consumer_secret', new Set());
  const clientSecret = env[secretVariable];
  if (clientSecret === undefined || clientSecret === '') {
    throw new StagecraftError(
      'credentials-missing',
      `The client secret of source "${slug}" is read from the environment variable ` +
        `${secretVariable}, which is not set. Set it to the Discord application's client ` +
        'secret and run again.',
      { slug, variable: secretVariable },
    );
  }

  return { clientId, clientSecret };
}

function numberOption(args: CommandArgs, name: string, fallback: number, max: number): number {
  const text = stringOption(args, name);
  if (text === undefined) {
    return fallback;
  }

  const value = Number(text);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new StagecraftError('usage', `--${name} ${text}: give a whole number from 0 to ${max}`);
  }

  return value;
}

function baseOption(args: CommandArgs, name: string, fallback: string): string {
  const text = stringOption(args, name) ?? fallback;
  if (!/^https?:\/\/[^/]/.test(text)) {
    throw new StagecraftError('usage', `--${name} ${text}: give an http or https URL`);
  }

  return text.replace(/\/+$/, '');
}

export const recordCommand: Command = {
  name: 'record',
  summary: 'Log in to Discord through a source and save the calls as a redacted recording',
  usage: [
    'Usage: stagecraft record --source SLUG --project P [--out FILE] [--name NAME] [options]',
    '',
    'Runs a real Discord login with the client id of the source SLUG: prints the authorization',
    'URL (and opens it in a browser), receives the redirect on 127.0.0.1, exchanges the code,',
    'then calls users/@me, users/@me/guilds, the guild-member endpoint of each --guild and the',
    'avatar. Tokens, codes, client credentials, state and emails are replaced by placeholders',
    'before the recording is written, so the file can be shared. Give --out, --name or both.',
    '',
    'The client secret is read from the environment variable the source names with !Env, or',
    'else <SLUG>_CLIENT_SECRET (e.g. DISCORD_CLIENT_SECRET), as `stagecraft export` names it.',
    '',
    'Options:',
    '  --source SLUG      the Discord OAuth source of the project',
    '  --project P        the .stagecraft project',
    '  --out FILE         where to write the recording (JSON)',
    '  --name NAME        store the recording in the project under NAME (replacing one of that',
    '                     name), for `simulate --recording NAME` and saved scenarios',
    `  --api-base URL     Discord's API base (default ${DISCORD_API_BASE})`,
    `  --cdn-base URL     Discord's image CDN (default ${DISCORD_CDN_BASE})`,
    '  --guild ID         also fetch the member object of this guild; repeatable',
    '  --port N           port of the redirect on 127.0.0.1 (default: a free port). The redirect',
    '                     URI http://127.0.0.1:N/source/oauth/callback/SLUG/ must be registered',
    "                     in the Discord application's OAuth2 redirects",
    `  --timeout SECONDS  how long to wait for the login (default ${DEFAULT_TIMEOUT_S})`,
    '  --no-browser       only print the URL, do not open a browser',
    '',
    'Exit codes: 0 recorded, 2 usage or not a Discord source, 3 project or source not found,',
    '8 the login or an HTTP call failed, 9 the client secret variable is not set.',
  ].join('\n'),
  options: {
    source: { type: 'string' },
    project: { type: 'string' },
    out: { type: 'string' },
    name: { type: 'string' },
    'api-base': { type: 'string' },
    'cdn-base': { type: 'string' },
    guild: { type: 'string', multiple: true },
    port: { type: 'string' },
    timeout: { type: 'string' },
    'no-browser': { type: 'boolean' },
  },

  async run(args, io) {
    const slug = stringOption(args, 'source');
    if (slug === undefined || slug === '') {
      throw new StagecraftError(
        'usage',
        'missing --source SLUG (the Discord source to log in with)',
      );
    }
    const out = stringOption(args, 'out') || undefined;
    const name = stringOption(args, 'name')?.trim() || undefined;
    if (out === undefined && name === undefined) {
      throw new StagecraftError(
        'usage',
        'missing --out FILE or --name NAME (where to keep the recording)',
      );
    }

    const apiBase = baseOption(args, 'api-base', DISCORD_API_BASE);
    const cdnBase = baseOption(args, 'cdn-base', DISCORD_CDN_BASE);
    const port = numberOption(args, 'port', 0, 65_535);
    const timeoutS = numberOption(args, 'timeout', DEFAULT_TIMEOUT_S, 86_400);
    const guildIds = listOption(args, 'guild');
    for (const guild of guildIds) {
      if (!/^\d{1,20}$/.test(guild)) {
        throw new StagecraftError('usage', `--guild ${guild}: give a Discord guild id (digits)`);
      }
    }

    const project = projectPath(args, io);
    if (out !== undefined) {
      // The login takes minutes of the user's time, so a folder that is missing stops it first.
      checkOutputFolder(resolve(io.cwd, out), 'recording');
    }
    const store = openProject(project, { readOnly: true });
    let source: ModelObject;
    try {
      source = findSource(store.listObjects(), slug);
    } finally {
      store.close();
    }

    const data = mergeEntryData(source);
    if (data.provider_type !== 'discord') {
      throw new StagecraftError(
        'source-unsupported',
        `Source "${slug}" has provider type ${JSON.stringify(data.provider_type ?? null)}; only ` +
          'Discord sources can be recorded.',
        { slug },
      );
    }

    const credentials = readCredentials(source, slug, io.env);
    const scopes = requestedScopes(
      typeof data.additional_scopes === 'string' ? data.additional_scopes : undefined,
    );
    // Newer authentik releases read the member object of discord_guild_id with this scope.
    if (typeof data.discord_guild_id === 'string' && data.discord_guild_id !== '') {
      guildIds.push(data.discord_guild_id);
      scopes.push('guilds.members.read');
    }

    const state = randomState();
    const loopback = await startLoopback({
      port,
      path: `/source/oauth/callback/${encodeURIComponent(slug)}/`,
      expectedState: state,
    });
    const layer = new HttpLayer({
      mode: 'record',
      recordAs: { source: slug, providerType: 'discord', apiBase },
    });

    try {
      const settings: DiscordLoginSettings = {
        apiBase,
        cdnBase,
        ...credentials,
        redirectUri: loopback.redirectUri,
        scopes: [...new Set(scopes)].sort(),
        guildIds: [...new Set(guildIds)],
      };
      const url = discordAuthorizeUrl(settings, state);
      io.stderr(
        `Open this URL in a browser and log in to Discord:\n  ${url}\n` +
          `Waiting up to ${timeoutS} s for the redirect to ${loopback.redirectUri} ` +
          "(it must be listed in the Discord application's OAuth2 redirects).\n",
      );
      if (args.values['no-browser'] !== true) {
        openInBrowser(url);
      }

      const callback = await loopback.waitForCallback(timeoutS * 1000);
      const summary = await runDiscordLogin(layer, settings, callback.code);
      const recording = layer.toRecording();
      const file = out === undefined ? undefined : resolve(io.cwd, out);
      if (file !== undefined) {
        writeRecordingFile(file, recording);
      }
      if (name !== undefined) {
        const writable = openProject(project);
        try {
          saveProjectRecording(writable, name, recording);
        } finally {
          writable.close();
        }
      }

      const places = [
        ...(file === undefined ? [] : [file]),
        ...(name === undefined ? [] : [`the project as "${name}"`]),
      ].join(' and ');
      if (args.json) {
        printJson(io, {
          ok: true,
          ...(file === undefined ? {} : { file }),
          ...(name === undefined ? {} : { name }),
          source: slug,
          exchanges: recording.exchanges.length,
          scope: summary.scope,
        });
      } else {
        io.stdout(
          `Recorded ${recording.exchanges.length} exchanges of source "${slug}" to ${places} ` +
            `(granted scopes: ${summary.scope || 'none'}). Secrets are replaced by placeholders.\n`,
        );
      }
      return 0;
    } finally {
      await loopback.close();
      await layer.close();
    }
  },
};
