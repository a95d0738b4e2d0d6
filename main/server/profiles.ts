/**
 * Server profiles: saved connections (name, address, CA file, token variable) in the app data
 * folder, shared by the desktop app and the command line. A profile never contains the token.
 */
import { isAbsolute, join } from 'node:path';

import { StagecraftError } from '../../shared/errors.js';
import type { ServerProfile } from '../../shared/server/types.js';
import { isRecord, readJsonFile, writeJsonFile } from '../services/json-file.js';
import { normalizeServerUrl } from './url.js';

/** The file name of the profiles inside the app data folder. */
export const PROFILES_FILE = 'servers.json';

/** A profile name: what `--server NAME` accepts. */
export const PROFILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A POSIX environment variable name, as shells accept it. */
export const VARIABLE_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

interface ProfilesFile {
  version: 1;
  profiles: ServerProfile[];
}

function invalid(message: string, field: string, value: string): StagecraftError {
  return new StagecraftError('server-profile-invalid', message, { field, value });
}

/**
 * Checks a profile and returns it with its address normalised. Throws `server-profile-invalid`
 * naming the field, or `server-url-invalid` for the address.
 */
export function checkProfile(profile: ServerProfile): ServerProfile {
  if (!PROFILE_NAME_PATTERN.test(profile.name)) {
    throw invalid(
      `The profile name "${profile.name}" is invalid: use 1 to 64 letters, digits, ".", "_" or ` +
        '"-", starting with a letter or digit.',
      'name',
      profile.name,
    );
  }

  const checked: ServerProfile = { name: profile.name, url: normalizeServerUrl(profile.url) };

  if (profile.caFile !== undefined && profile.caFile !== '') {
    if (!isAbsolute(profile.caFile)) {
      throw invalid(
        `The CA file "${profile.caFile}" of profile ${profile.name} is not an absolute path; ` +
          'give the full path of the PEM file.',
        'caFile',
        profile.caFile,
      );
    }
    checked.caFile = profile.caFile;
  }

  if (profile.tokenVariable !== undefined && profile.tokenVariable !== '') {
    if (!VARIABLE_NAME_PATTERN.test(profile.tokenVariable)) {
      throw invalid(
        `The token variable "${profile.tokenVariable}" of profile ${profile.name} is not an ` +
          'environment variable name: use letters, digits and "_", not starting with a digit.',
        'tokenVariable',
        profile.tokenVariable,
      );
    }
    checked.tokenVariable = profile.tokenVariable;
  }

  return checked;
}

function parseProfilesFile(data: unknown): ProfilesFile | undefined {
  if (!isRecord(data) || data.version !== 1 || !Array.isArray(data.profiles)) {
    return undefined;
  }

  const profiles: ServerProfile[] = [];
  for (const item of data.profiles) {
    if (!isRecord(item) || typeof item.name !== 'string' || typeof item.url !== 'string') {
      continue;
    }

    const profile: ServerProfile = { name: item.name, url: item.url };
    if (typeof item.caFile === 'string') {
      profile.caFile = item.caFile;
    }
    if (typeof item.tokenVariable === 'string') {
      profile.tokenVariable = item.tokenVariable;
    }

    try {
      profiles.push(checkProfile(profile));
    } catch {
      // A hand-edited profile that no longer passes the checks is left out rather than used.
    }
  }

  return { version: 1, profiles };
}

/** The saved profiles of one app data folder. */
export class ServerProfiles {
  readonly file: string;

  constructor(dataFolder: string) {
    this.file = join(dataFolder, PROFILES_FILE);
  }

  /** Returns the profiles sorted by name. */
  list(): ServerProfile[] {
    const { profiles } = readJsonFile(this.file, parseProfilesFile, { version: 1, profiles: [] });

    return [...profiles].sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Returns one profile, or undefined. */
  find(name: string): ServerProfile | undefined {
    return this.list().find((profile) => profile.name === name);
  }

  /** Returns one profile or throws `server-profile-not-found` listing the saved ones. */
  get(name: string): ServerProfile {
    const profile = this.find(name);
    if (profile === undefined) {
      const names = this.list().map((candidate) => candidate.name);
      const known =
        names.length > 0 ? `the saved profiles are ${names.join(', ')}` : 'none is saved';
      throw new StagecraftError(
        'server-profile-not-found',
        `No server profile named "${name}" (${known}). Save one with ` +
          '`stagecraft server add NAME --url https://…`, or give the address itself.',
        { name, known: names },
      );
    }

    return profile;
  }

  /** Adds or replaces a profile after checking it; returns the stored form. */
  save(profile: ServerProfile): ServerProfile {
    const checked = checkProfile(profile);
    const others = this.list().filter((candidate) => candidate.name !== checked.name);
    writeJsonFile(this.file, { version: 1, profiles: [...others, checked] });

    return checked;
  }

  /** Removes a profile; returns false when there was none of that name. */
  remove(name: string): boolean {
    const profiles = this.list();
    const remaining = profiles.filter((profile) => profile.name !== name);
    if (remaining.length === profiles.length) {
      return false;
    }

    writeJsonFile(this.file, { version: 1, profiles: remaining });
    return true;
  }
}
