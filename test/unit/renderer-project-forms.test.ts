import { describe, expect, it } from 'vitest';

import { isAbsolutePath, resolveProjectPath } from '../../renderer/app/project-path.js';
import {
  checkProfileForm,
  describeTokenStorage,
  fieldProblemOf,
} from '../../renderer/server/profile-form.js';
import { StagecraftError } from '../../shared/errors.js';

const LINUX = { startFolder: '/home/ana/work', platform: 'linux', create: false };
const VALID_PROFILE = {
  name: 'lab',
  url: 'https://auth.example.com',
  caFile: '',
  tokenVariable: '',
  token: '',
};

describe('project path', () => {
  it('keeps an absolute path', () => {
    expect(resolveProjectPath('/srv/login.stagecraft', LINUX)).toBe('/srv/login.stagecraft');
  });

  it('joins a relative path to the start folder', () => {
    expect(resolveProjectPath(' flows/login.stagecraft ', LINUX)).toBe(
      '/home/ana/work/flows/login.stagecraft',
    );
  });

  it('adds the extension to a new name', () => {
    expect(resolveProjectPath('discord', { ...LINUX, create: true })).toBe(
      '/home/ana/work/discord.stagecraft',
    );
  });

  it('leaves the extension of an opened name', () => {
    expect(resolveProjectPath('discord', LINUX)).toBe('/home/ana/work/discord');
  });

  it('returns null for blank input', () => {
    expect(resolveProjectPath('   ', LINUX)).toBeNull();
  });

  it('joins with backslashes on Windows', () => {
    const windows = { startFolder: 'C:\\Users\\ana\\', platform: 'win32', create: true };
    expect(resolveProjectPath('login', windows)).toBe('C:\\Users\\ana\\login.stagecraft');
  });

  it('knows absolute Windows paths', () => {
    expect(isAbsolutePath('D:/flows/a.stagecraft', 'win32')).toBe(true);
    expect(isAbsolutePath('\\\\server\\share\\a.stagecraft', 'win32')).toBe(true);
    expect(isAbsolutePath('/flows/a.stagecraft', 'win32')).toBe(false);
  });
});

describe('profile form', () => {
  it('accepts a valid profile', () => {
    expect(checkProfileForm(VALID_PROFILE)).toEqual({});
  });

  it('requires a name', () => {
    expect(checkProfileForm({ ...VALID_PROFILE, name: '  ' }).name).toBe(
      'Enter a name for this profile, e.g. production.',
    );
  });

  it('rejects a name with spaces', () => {
    expect(checkProfileForm({ ...VALID_PROFILE, name: 'my lab' }).name).toMatch(/^Use only/);
  });

  it('requires an address', () => {
    expect(checkProfileForm({ ...VALID_PROFILE, url: 'https://' }).url).toMatch(/^Enter the/);
  });

  it('rejects plain http to another host', () => {
    expect(checkProfileForm({ ...VALID_PROFILE, url: 'http://auth.example.com' }).url).toMatch(
      /^Use https:\/\//,
    );
  });

  it('accepts plain http to this computer', () => {
    expect(checkProfileForm({ ...VALID_PROFILE, url: 'http://127.0.0.1:9000' })).toEqual({});
  });

  it('rejects a relative CA file', () => {
    expect(checkProfileForm({ ...VALID_PROFILE, caFile: 'ca.pem' }).caFile).toMatch(/full path/);
  });

  it('rejects a bad token variable', () => {
    expect(checkProfileForm({ ...VALID_PROFILE, tokenVariable: '1TOKEN' }).tokenVariable).toMatch(
      /environment variable name/,
    );
  });

  it('maps a contract error to its field', () => {
    const error = new StagecraftError('invalid-argument', 'server.saveProfile: profile.name …', {
      field: 'profile.name',
    });
    const problems = fieldProblemOf(error);
    expect(problems?.name).toBeDefined();
    expect(problems?.name).not.toContain('saveProfile');
  });

  it('leaves other errors to the form', () => {
    expect(fieldProblemOf(new StagecraftError('write-failed', 'disk full'))).toBeUndefined();
  });
});

describe('token storage text', () => {
  it('says memory only without encryption', () => {
    const text = describeTokenStorage({ tokenSource: 'secret-store' }, false, 'STAGECRAFT_TOKEN');
    expect(text).toContain('held in memory until Stagecraft stops');
    expect(text).not.toContain('stored, encrypted');
  });

  it('says encrypted with safe storage', () => {
    const text = describeTokenStorage({ tokenSource: 'secret-store' }, true, 'STAGECRAFT_TOKEN');
    expect(text).toContain('encrypted with the system key store');
    expect(text).not.toContain('memory');
  });

  it('names the variable of an environment token', () => {
    const profile = { tokenSource: 'environment' as const, tokenVariable: 'LAB_TOKEN' };
    expect(describeTokenStorage(profile, false, 'STAGECRAFT_TOKEN')).toContain('LAB_TOKEN');
  });
});
