/**
 * Finding the API token of a server. The token is never written in plain text: the desktop app
 * keeps it in the secret store (encrypted with the OS key store, or in memory only), and the
 * command line reads it from an environment variable or prompts for it without echo.
 */
import { StagecraftError } from '../../shared/errors.js';
import type { ServerProfile, TokenSource } from '../../shared/server/types.js';
import { DEFAULT_TOKEN_VARIABLE } from '../../shared/server/types.js';
import type { SecretStore } from '../services/secrets.js';

/** Returns the secret-store name of a profile's token. */
export function tokenSecretName(profileName: string): string {
  return `server-token:${profileName}`;
}

/**
 * Returns the environment variable a profile's token is read from. A profile that names a
 * variable reads only that one, so a token meant for another server is never sent to this one.
 */
export function tokenVariableOf(profile: Pick<ServerProfile, 'tokenVariable'>): string {
  return profile.tokenVariable ?? DEFAULT_TOKEN_VARIABLE;
}

/** The sources of a token, in the order they are tried. */
export interface TokenSources {
  /** The app's secret store; the command line has none. */
  secrets?: SecretStore;
  env: Record<string, string | undefined>;
  /** Asks the user without echo; undefined when no terminal is attached. */
  prompt?: (question: string) => Promise<string>;
}

/** Tells where a profile's token would come from now, without asking anyone. */
export function tokenSourceOf(
  profile: Pick<ServerProfile, 'name' | 'tokenVariable'>,
  sources: Omit<TokenSources, 'prompt'>,
): TokenSource {
  if (profile.name !== '' && sources.secrets?.get(tokenSecretName(profile.name)) !== undefined) {
    return 'secret-store';
  }

  const value = sources.env[tokenVariableOf(profile)];
  return value !== undefined && value.trim() !== '' ? 'environment' : 'none';
}

/**
 * Returns the token of a profile: from the secret store, then the profile's environment
 * variable, then a prompt. Throws `server-token-missing` naming the ways to give one.
 */
export async function resolveToken(
  profile: Pick<ServerProfile, 'name' | 'url' | 'tokenVariable'>,
  sources: TokenSources,
): Promise<string> {
  if (profile.name !== '') {
    const stored = sources.secrets?.get(tokenSecretName(profile.name));
    if (stored !== undefined && stored !== '') {
      return stored;
    }
  }

  const variable = tokenVariableOf(profile);
  const fromEnvironment = sources.env[variable]?.trim();
  if (fromEnvironment !== undefined && fromEnvironment !== '') {
    return fromEnvironment;
  }

  if (sources.prompt !== undefined) {
    const typed = (await sources.prompt(`API token for ${profile.url}: `)).trim();
    if (typed !== '') {
      return typed;
    }
  }

  const ways =
    sources.secrets === undefined
      ? `set the environment variable ${variable}, or run in a terminal to be asked for it`
      : `enter it in the server dialog, or start Stagecraft with ${variable} set`;
  throw new StagecraftError(
    'server-token-missing',
    `No API token for ${profile.url}: ${ways}. Create the token in authentik under Directory > ` +
      'Tokens and App passwords with the intent "API".',
    { url: profile.url, variable },
  );
}
