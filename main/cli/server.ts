/**
 * `stagecraft server list|add|remove|test`: saved server profiles, and the connection options
 * that `pull`, `diff` and `push` share (`--server`, `--ca`, `--token-env`, `--timeout`).
 */
import { homedir } from 'node:os';
import { resolve } from 'node:path';

import { StagecraftError } from '../../shared/errors.js';
import type { ServerProfile } from '../../shared/server/types.js';
import { DEFAULT_TOKEN_VARIABLE } from '../../shared/server/types.js';
import { AuthentikApi } from '../server/api.js';
import { AuthentikClient } from '../server/client.js';
import { ServerProfiles } from '../server/profiles.js';
import { terminalPrompt } from '../server/prompt.js';
import { resolveToken, tokenSourceOf, tokenVariableOf } from '../server/token.js';
import { resolveDataFolder } from '../services/home.js';
import type { Command, CommandArgs, CommandIo } from './command.js';
import { printJson, stringOption } from './command.js';

/** The options of every command that talks to a server. */
export const CONNECTION_OPTIONS = {
  server: { type: 'string' },
  ca: { type: 'string' },
  'token-env': { type: 'string' },
  timeout: { type: 'string' },
} as const;

/** The help lines of {@link CONNECTION_OPTIONS}. */
export const CONNECTION_HELP = [
  '  --server S           a saved profile (stagecraft server add) or the server address,',
  '                       e.g. https://auth.example.com',
  '  --ca FILE            PEM file of a CA to trust besides the built-in ones',
  "  --token-env VAR      read the API token from VAR (default: the profile's variable, else",
  `                       ${DEFAULT_TOKEN_VARIABLE}); without one, a terminal asks for it`,
  '  --timeout SEC        time limit of each request in seconds (default 30)',
];

/** The exit codes of the server commands, for their help texts. */
export const SERVER_EXIT_HELP = [
  'Exit codes:',
  '  0   done',
  '  2   invalid command line, address or profile',
  '  3   unknown profile, flow or project, or unreadable CA file',
  '  5   the blueprint has validation errors (nothing was sent)',
  '  14  server unreachable, timed out, TLS certificate not trusted, connection dropped',
  '  15  no token, token rejected, or a permission missing',
  '  16  the server rejected the blueprint (its log is printed)',
  '  17  server error (5xx), unexpected answer, missing endpoint or apply not reported in time',
];

/** Returns the app data folder as the command line's environment sets it. */
function dataFolder(io: CommandIo): string {
  return resolveDataFolder({ env: io.env, platform: process.platform, homeDirectory: homedir() });
}

/** Opens the saved profiles of the data folder the command line uses. */
export function cliProfiles(io: CommandIo): ServerProfiles {
  return new ServerProfiles(dataFolder(io));
}

function looksLikeAddress(value: string): boolean {
  return (
    value.includes('://') || value.includes('.') || value.includes(':') || value === 'localhost'
  );
}

/** Reads `--server` as a saved profile or an address, with `--ca` and `--token-env` applied. */
export function serverTarget(args: CommandArgs, io: CommandIo): ServerProfile {
  const value = stringOption(args, 'server');
  if (value === undefined || value === '') {
    throw new StagecraftError(
      'usage',
      'missing --server S: a saved profile name or the address of the authentik server',
    );
  }

  const profiles = cliProfiles(io);
  const saved = value.includes('://') ? undefined : profiles.find(value);
  const profile: ServerProfile =
    saved ?? (looksLikeAddress(value) ? { name: '', url: value } : profiles.get(value));

  const ca = stringOption(args, 'ca');
  const tokenVariable = stringOption(args, 'token-env');
  return {
    ...profile,
    ...(ca === undefined ? {} : { caFile: resolve(io.cwd, ca) }),
    ...(tokenVariable === undefined ? {} : { tokenVariable }),
  };
}

function timeoutOption(args: CommandArgs): number | undefined {
  const value = stringOption(args, 'timeout');
  if (value === undefined) {
    return undefined;
  }

  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new StagecraftError(
      'usage',
      `--timeout ${value}: give the seconds as a number from 1 to 3600`,
    );
  }
  return seconds * 1000;
}

/** Opens the API of the server that `--server` names, asking for the token when needed. */
export async function connectServer(args: CommandArgs, io: CommandIo): Promise<AuthentikApi> {
  const profile = serverTarget(args, io);
  const timeoutMs = timeoutOption(args);
  const prompt = terminalPrompt();
  const token = await resolveToken(profile, {
    env: io.env,
    ...(prompt === undefined ? {} : { prompt }),
  });

  return new AuthentikApi(
    new AuthentikClient({
      url: profile.url,
      token,
      ...(profile.caFile === undefined ? {} : { caFile: profile.caFile }),
      ...(timeoutMs === undefined ? {} : { timeoutMs }),
    }),
  );
}

/** Runs work with an API and closes its connections afterwards, also when the work fails. */
export async function withServer<T>(
  args: CommandArgs,
  io: CommandIo,
  work: (api: AuthentikApi) => Promise<T>,
): Promise<T> {
  const api = await connectServer(args, io);
  try {
    return await work(api);
  } finally {
    await api.client.close();
  }
}

async function testServer(
  args: CommandArgs,
  io: CommandIo,
  name: string | undefined,
): Promise<number> {
  const withName =
    name === undefined ? args : { ...args, values: { ...args.values, server: name } };
  const identity = await withServer(withName, io, (api) => api.identity());

  if (args.json) {
    printJson(io, { ok: true, identity });
    return 0;
  }

  const role = identity.user.isSuperuser ? ', superuser' : '';
  io.stdout(
    `Connected to ${identity.url}: authentik ${identity.version ?? '(release unknown)'}, ` +
      `token of ${identity.user.username}${identity.user.name === '' ? '' : ` (${identity.user.name})`}${role}.\n`,
  );
  return 0;
}

function listProfiles(args: CommandArgs, io: CommandIo): number {
  const profiles = cliProfiles(io)
    .list()
    .map((profile) => ({ ...profile, tokenSource: tokenSourceOf(profile, { env: io.env }) }));

  if (args.json) {
    printJson(io, { ok: true, profiles });
    return 0;
  }
  if (profiles.length === 0) {
    io.stdout('No server profiles. Add one with `stagecraft server add NAME --url URL`.\n');
    return 0;
  }

  for (const profile of profiles) {
    const variable = tokenVariableOf(profile);
    const token =
      profile.tokenSource === 'environment' ? `${variable} is set` : `${variable} is not set`;
    const ca = profile.caFile === undefined ? '' : `, CA ${profile.caFile}`;
    io.stdout(`${profile.name}  ${profile.url}  (token: ${token}${ca})\n`);
  }
  return 0;
}

function addProfile(args: CommandArgs, io: CommandIo, name: string | undefined): number {
  const url = stringOption(args, 'url');
  if (name === undefined || url === undefined) {
    throw new StagecraftError(
      'usage',
      'give a name and an address: stagecraft server add NAME --url URL',
    );
  }

  const ca = stringOption(args, 'ca');
  const tokenVariable = stringOption(args, 'token-env');
  const saved = cliProfiles(io).save({
    name,
    url,
    ...(ca === undefined ? {} : { caFile: resolve(io.cwd, ca) }),
    ...(tokenVariable === undefined ? {} : { tokenVariable }),
  });

  if (args.json) {
    printJson(io, { ok: true, profile: saved });
  } else {
    io.stdout(
      `Saved profile ${saved.name} for ${saved.url}; the token is read from ${tokenVariableOf(saved)}.\n`,
    );
  }
  return 0;
}

function removeProfile(args: CommandArgs, io: CommandIo, name: string | undefined): number {
  if (name === undefined) {
    throw new StagecraftError('usage', 'name the profile to remove: stagecraft server remove NAME');
  }

  const removed = cliProfiles(io).remove(name);
  if (!removed) {
    cliProfiles(io).get(name);
  }
  if (args.json) {
    printJson(io, { ok: true, removed: name });
  } else {
    io.stdout(`Removed profile ${name}.\n`);
  }
  return 0;
}

export const serverCommand: Command = {
  name: 'server',
  summary: 'Save, list, remove and test authentik server profiles',
  usage: [
    'Usage: stagecraft server list [--json]',
    '       stagecraft server add NAME --url URL [--ca FILE] [--token-env VAR] [--json]',
    '       stagecraft server remove NAME [--json]',
    '       stagecraft server test [NAME | --server S] [--json]',
    '',
    'A profile is a name for a server address, with an optional CA file and the environment',
    `variable holding its API token (default ${DEFAULT_TOKEN_VARIABLE}). Profiles are kept in the`,
    'app data folder (servers.json) and never contain the token. `test` shows the server',
    "release and the token's user.",
    '',
    'Options:',
    '  --url URL            the server address, e.g. https://auth.example.com (http only',
    '                       for localhost)',
    ...CONNECTION_HELP,
    '  --json               print the result as JSON',
    '',
    ...SERVER_EXIT_HELP,
  ].join('\n'),
  options: { ...CONNECTION_OPTIONS, url: { type: 'string' } },

  async run(args, io) {
    const [action, name, ...extra] = args.positionals;
    if (extra.length > 0) {
      throw new StagecraftError('usage', `unexpected arguments: ${extra.join(' ')}`);
    }

    if (action === 'list') {
      return listProfiles(args, io);
    }
    if (action === 'add') {
      return addProfile(args, io, name);
    }
    if (action === 'remove') {
      return removeProfile(args, io, name);
    }
    if (action === 'test') {
      return testServer(args, io, name);
    }

    const problem = action === undefined ? 'missing action' : `unknown action "${action}"`;
    throw new StagecraftError('usage', `${problem}; use list, add, remove or test`);
  },
};
