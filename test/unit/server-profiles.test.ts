/**
 * Server addresses, saved profiles, token sources and the hidden prompt.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ServerProfiles } from '../../main/server/profiles.js';
import { readHidden } from '../../main/server/prompt.js';
import { resolveToken, tokenSourceOf } from '../../main/server/token.js';
import { apiUrl, normalizeServerUrl } from '../../main/server/url.js';
import { SecretStore } from '../../main/services/secrets.js';

describe('server address', () => {
  it.each([
    ['https://auth.example.com', 'https://auth.example.com'],
    ['https://auth.example.com/', 'https://auth.example.com'],
    ['https://auth.example.com/api/v3/', 'https://auth.example.com'],
    ['auth.example.com', 'https://auth.example.com'],
    ['https://example.com/authentik/', 'https://example.com/authentik'],
    ['HTTPS://Auth.Example.com:8443', 'https://auth.example.com:8443'],
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000'],
    ['http://localhost:9000/', 'http://localhost:9000'],
    ['http://[::1]:9000', 'http://[::1]:9000'],
  ])('%s becomes %s', (input, expected) => {
    expect(normalizeServerUrl(input)).toBe(expected);
  });

  it.each([
    ['http://auth.example.com', /unencrypted/],
    ['ftp://auth.example.com', /scheme ftp:/],
    ['https://user:secret@auth.example.com', /credentials/],
    ['https://auth.example.com/?a=1', /query or fragment/],
    ['https://', /not a URL/],
  ])('%s is rejected', (input, reason) => {
    expect(() => normalizeServerUrl(input)).toThrow(reason);
  });

  it('builds API URLs with encoded query values', () => {
    expect(
      apiUrl('https://a.example/sub', '/flows/instances/', {
        slug: 'a b',
        page: 2,
        none: undefined,
      }),
    ).toBe('https://a.example/sub/api/v3/flows/instances/?slug=a+b&page=2');
  });
});

describe('profiles', () => {
  let folder: string;
  let profiles: ServerProfiles;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'stagecraft-profiles-'));
    profiles = new ServerProfiles(folder);
  });

  afterEach(() => {
    rmSync(folder, { recursive: true, force: true });
  });

  it('saves normalised and lists sorted', () => {
    profiles.save({ name: 'prod', url: 'https://auth.example.com/api/v3/' });
    profiles.save({ name: 'lab', url: 'http://127.0.0.1:9000', tokenVariable: 'LAB_TOKEN' });

    expect(profiles.list()).toEqual([
      { name: 'lab', url: 'http://127.0.0.1:9000', tokenVariable: 'LAB_TOKEN' },
      { name: 'prod', url: 'https://auth.example.com' },
    ]);
  });

  it('replaces a profile of the same name', () => {
    profiles.save({ name: 'prod', url: 'https://a.example.com' });
    profiles.save({ name: 'prod', url: 'https://b.example.com' });

    expect(profiles.list()).toEqual([{ name: 'prod', url: 'https://b.example.com' }]);
  });

  it('removes a profile', () => {
    profiles.save({ name: 'prod', url: 'https://a.example.com' });

    expect(profiles.remove('prod')).toBe(true);
    expect(profiles.remove('prod')).toBe(false);
    expect(profiles.list()).toEqual([]);
  });

  it.each([
    [{ name: 'has space', url: 'https://a.example.com' }, /profile name/],
    [{ name: 'ok', url: 'https://a.example.com', caFile: 'ca.pem' }, /not an absolute path/],
    [
      { name: 'ok', url: 'https://a.example.com', tokenVariable: '1TOKEN' },
      /environment variable name/,
    ],
  ])('rejects %o', (profile, reason) => {
    expect(() => profiles.save(profile)).toThrow(reason);
  });

  it('unknown name lists the saved ones', () => {
    profiles.save({ name: 'prod', url: 'https://a.example.com' });

    expect(() => profiles.get('lab')).toThrow(/the saved profiles are prod/);
  });

  it('skips hand-edited entries that fail the checks', () => {
    writeFileSync(
      profiles.file,
      JSON.stringify({
        version: 1,
        profiles: [
          { name: 'good', url: 'https://a.example.com' },
          { name: 'bad', url: 'http://remote.example.com' },
          { url: 'https://nameless.example.com' },
        ],
      }),
    );

    expect(profiles.list().map((profile) => profile.name)).toEqual(['good']);
  });

  it('a damaged file reads as empty', () => {
    writeFileSync(profiles.file, '{ not json');

    expect(profiles.list()).toEqual([]);
  });
});

describe('token', () => {
  const profile = { name: 'lab', url: 'https://a.example.com' };

  it('stored token comes first', async () => {
    const secrets = new SecretStore('/nonexistent/secrets.json');
    secrets.set('server-token:lab', 'stored');

    const token = await resolveToken(profile, { secrets, env: { STAGECRAFT_TOKEN: 'env' } });

    expect(token).toBe('stored');
  });

  it('then the default variable', async () => {
    expect(await resolveToken(profile, { env: { STAGECRAFT_TOKEN: ' env ' } })).toBe('env');
  });

  it('a profile variable replaces the default one', async () => {
    const named = { ...profile, tokenVariable: 'LAB_TOKEN' };

    await expect(resolveToken(named, { env: { STAGECRAFT_TOKEN: 'other' } })).rejects.toMatchObject(
      {
        code: 'server-token-missing',
        message: expect.stringMatching(/LAB_TOKEN/) as unknown,
      },
    );
  });

  it('then the prompt', async () => {
    const token = await resolveToken(profile, { env: {}, prompt: () => Promise.resolve('typed') });

    expect(token).toBe('typed');
  });

  it('reports where the token comes from', () => {
    expect(tokenSourceOf(profile, { env: { STAGECRAFT_TOKEN: 'x' } })).toBe('environment');
    expect(tokenSourceOf(profile, { env: {} })).toBe('none');
  });
});

describe('hidden prompt', () => {
  it('reads a line without echo, with backspace', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk: Buffer) => (written += chunk.toString()));

    const answer = readHidden(input, output, 'Token: ');
    input.write('secrxt\u007f\u007fet\r');

    expect(await answer).toBe('secret');
    expect(written).toBe('Token: \n');
  });

  it('Ctrl+C cancels', async () => {
    const input = new PassThrough();
    const answer = readHidden(input, new PassThrough(), 'Token: ');
    input.write('abc\u0003');

    await expect(answer).rejects.toMatchObject({ code: 'usage' });
  });
});
