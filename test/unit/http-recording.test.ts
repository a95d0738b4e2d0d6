// The recording file format: a valid file round-trips, and every kind of bad file is rejected
// whole with a coded error that names the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { readRecordingFile, writeRecordingFile } from '../../main/http/recording-file.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { Recording } from '../../shared/http/recording.js';
import { parseRecording, serializeRecording } from '../../shared/http/recording.js';

const folder = mkdtempSync(join(tmpdir(), 'stagecraft-recording-'));

afterAll(() => {
  rmSync(folder, { recursive: true, force: true });
});

function sample(): Recording {
  return {
    format: 'stagecraft-http-recording',
    version: 1,
    source: 'discord',
    providerType: 'discord',
    apiBase: 'https://discord.com/api',
    createdAt: '2026-01-01T00:00:00.000Z',
    exchanges: [
      {
        request: {
          method: 'GET',
          url: 'https://discord.com/api/users/@me',
          headers: { Authorization: 'Bearer <access-token-1>' },
          body: null,
        },
        response: {
          status: 200,
          headers: { 'Content-Type': 'application/json' },
          body: { json: { id: '1', username: 'a' } },
        },
      },
      {
        request: {
          method: 'GET',
          url: 'https://cdn.discordapp.com/avatars/1/abc.png',
          headers: {},
          body: null,
        },
        response: { status: 200, headers: {}, body: { base64: 'iVBORw0KGgo=' } },
      },
    ],
  };
}

function errorOf(action: () => unknown): { code: string; message: string } {
  try {
    action();
  } catch (error) {
    if (isStagecraftError(error)) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected a StagecraftError');
}

function writeText(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

describe('recording files', () => {
  it('round trip keeps every field', () => {
    const path = join(folder, 'round-trip.json');
    writeRecordingFile(path, sample());

    expect(readRecordingFile(path)).toEqual(sample());
  });

  it('serialised form ends with a newline', () => {
    expect(serializeRecording(sample()).endsWith('}\n')).toBe(true);
  });

  it('truncated file is recording-invalid', () => {
    const text = serializeRecording(sample());
    const path = writeText('truncated.json', text.slice(0, text.length / 2));
    const error = errorOf(() => readRecordingFile(path));

    expect(error.code).toBe('recording-invalid');
    expect(error.message).toContain(path);
    expect(error.message).toContain('truncated');
    expect(error.message).toContain('stagecraft record');
  });

  it('malformed JSON is recording-invalid', () => {
    const error = errorOf(() => parseRecording('{"format": nope}', 'bad.json'));

    expect(error.code).toBe('recording-invalid');
    expect(error.message).toContain('not valid JSON');
  });

  it('empty file is recording-invalid', () => {
    expect(errorOf(() => parseRecording('', 'empty.json')).code).toBe('recording-invalid');
  });

  it('other format is recording-invalid', () => {
    const error = errorOf(() =>
      parseRecording(JSON.stringify({ ...sample(), format: 'har' }), 'other.json'),
    );

    expect(error.code).toBe('recording-invalid');
    expect(error.message).toContain('"har"');
  });

  it('other version is recording-version', () => {
    const error = errorOf(() =>
      parseRecording(JSON.stringify({ ...sample(), version: 2 }), 'v2.json'),
    );

    expect(error.code).toBe('recording-version');
    expect(error.message).toContain('v2.json');
    expect(error.message).toContain('version 2');
  });

  it('missing status names its path', () => {
    const data = sample() as unknown as { exchanges: { response: Record<string, unknown> }[] };
    delete data.exchanges[1]!.response.status;
    const error = errorOf(() => parseRecording(JSON.stringify(data), 'status.json'));

    expect(error.code).toBe('recording-invalid');
    expect(error.message).toContain('exchanges[1].response.status');
  });

  it('body with two forms is rejected', () => {
    const data = sample() as unknown as { exchanges: { response: Record<string, unknown> }[] };
    data.exchanges[0]!.response.body = { json: {}, text: 'x' };
    const error = errorOf(() => parseRecording(JSON.stringify(data), 'body.json'));

    expect(error.message).toContain('exchanges[0].response.body');
  });

  it('header with a number value is rejected', () => {
    const data = sample() as unknown as { exchanges: { request: Record<string, unknown> }[] };
    data.exchanges[0]!.request.headers = { 'X-Count': 3 };
    const error = errorOf(() => parseRecording(JSON.stringify(data), 'headers.json'));

    expect(error.message).toContain('exchanges[0].request.headers');
  });

  it('other source is recording-mismatch', () => {
    const error = errorOf(() =>
      parseRecording(serializeRecording(sample()), 'source.json', { source: 'discord-staff' }),
    );

    expect(error.code).toBe('recording-mismatch');
    expect(error.message).toContain('"discord-staff"');
  });

  it('other provider is recording-mismatch', () => {
    const error = errorOf(() =>
      parseRecording(serializeRecording(sample()), 'provider.json', { providerType: 'github' }),
    );

    expect(error.code).toBe('recording-mismatch');
  });

  it('other API version is recording-mismatch', () => {
    const error = errorOf(() =>
      parseRecording(serializeRecording(sample()), 'api.json', {
        apiBase: 'https://discord.com/api/v10',
      }),
    );

    expect(error.code).toBe('recording-mismatch');
    expect(error.message).toContain('https://discord.com/api/v10');
  });

  it('trailing slash of the API base does not count', () => {
    const recording = parseRecording(serializeRecording(sample()), 'slash.json', {
      apiBase: 'https://discord.com/api/',
    });

    expect(recording.apiBase).toBe('https://discord.com/api');
  });

  it('missing file is file-not-found', () => {
    const error = errorOf(() => readRecordingFile(join(folder, 'absent.json')));

    expect(error.code).toBe('file-not-found');
  });

  it('a failed write leaves no file', () => {
    const path = join(folder, 'no-such-folder', 'out.json');
    const error = errorOf(() => writeRecordingFile(path, sample()));

    expect(error.code).toBe('write-failed');
  });
});
