// The HTTP layer in live mode against the fake Discord over real HTTP on 127.0.0.1: responses,
// limits and faults. After each failure the same layer must still work.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { HttpLayer } from '../../main/http/layer.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { HttpResponseData } from '../../shared/http/exchange.js';
import type { FakeDiscord } from '../support/fake-discord.js';
import { startFakeDiscord } from '../support/fake-discord.js';

let fake: FakeDiscord;
let layer: HttpLayer;

beforeAll(async () => {
  fake = await startFakeDiscord();
  layer = new HttpLayer({
    mode: 'live',
    hostOverrides: fake.hostOverrides,
    limits: { headersTimeoutMs: 500, bodyTimeoutMs: 500, maxBodyBytes: 1024 * 1024 },
  });
});

afterAll(async () => {
  await layer.close();
  await fake.close();
});

function me(): Promise<HttpResponseData> {
  return layer.send({
    method: 'GET',
    url: 'https://discord.com/api/users/@me',
    headers: { Authorization: `Bearer ${fake.persona.discord.token.access_token}` },
  });
}

async function failure(action: () => Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await action();
  } catch (error) {
    if (isStagecraftError(error)) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected a StagecraftError');
}

function withFault(...args: Parameters<FakeDiscord['setFault']>): void {
  fake.setFault(...args);
}

describe('live answers', () => {
  it('user call returns the persona user', async () => {
    const response = await me();

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      json: expect.objectContaining({ username: 'willow.member' }) as unknown,
    });
  });

  it('request reaches the override host with the real path', async () => {
    await me();

    expect(fake.requests.at(-1)?.path).toBe('/api/users/@me');
  });

  it('versioned path reaches the server unchanged', async () => {
    await layer.send({
      method: 'GET',
      url: 'https://discord.com/api/v10/users/@me/guilds/123456789123456789/member',
      headers: { Authorization: `Bearer ${fake.persona.discord.token.access_token}` },
    });

    expect(fake.requests.at(-1)?.path).toBe('/api/v10/users/@me/guilds/123456789123456789/member');
  });

  it('avatar comes back as base64', async () => {
    const user = fake.persona.discord.user;
    const response = await layer.send({
      method: 'GET',
      url: `https://cdn.discordapp.com/avatars/${user.id}/${user.avatar}.png?size=64`,
    });

    expect(response.body).toHaveProperty('base64');
  });

  it('error status is returned, not thrown', async () => {
    const response = await layer.send({
      method: 'GET',
      url: 'https://discord.com/api/users/@me',
      headers: { Authorization: 'Bearer wrong' },
    });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ json: { message: '401: Unauthorized', code: 0 } });
  });
});

describe('live faults', () => {
  it('non-JSON body is kept as text', async () => {
    withFault({ kind: 'non-json' });
    try {
      const response = await me();

      expect(response.body).toEqual({ text: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
    } finally {
      withFault(null);
    }
  });

  it('rate limit fault passes status and headers', async () => {
    withFault({ kind: 'rate-limit' }, 'user');
    try {
      const response = await me();

      expect(response.status).toBe(429);
      expect(response.headers['retry-after']).toBe('65');
      expect(response.headers['x-ratelimit-bucket']).toBe('fake-bucket');
    } finally {
      withFault(null, 'user');
    }
  });

  it('server error passes through', async () => {
    withFault({ kind: 'server-error', status: 503 });
    try {
      expect((await me()).status).toBe(503);
    } finally {
      withFault(null);
    }
  });

  it('10 MB body is cut off', async () => {
    withFault({ kind: 'huge-body' });
    try {
      const error = await failure(me);

      expect(error.code).toBe('http-too-large');
      expect(error.message).toContain('GET https://discord.com/api/users/@me');
      expect(error.message).toContain('1.0 MiB');
    } finally {
      withFault(null);
    }
  });

  it('declared 10 MB body is refused before reading', async () => {
    withFault({ kind: 'huge-body', declareLength: true });
    try {
      expect((await failure(me)).code).toBe('http-too-large');
    } finally {
      withFault(null);
    }
  });

  it('slow response times out', async () => {
    withFault({ kind: 'slow', delayMs: 3000 });
    try {
      const error = await failure(me);

      expect(error.code).toBe('http-timeout');
      expect(error.message).toContain('response headers');
    } finally {
      withFault(null);
    }
  });

  it('stalled body times out', async () => {
    withFault({ kind: 'slow-body', delayMs: 3000 });
    try {
      const error = await failure(me);

      expect(error.code).toBe('http-timeout');
      expect(error.message).toContain('response body');
    } finally {
      withFault(null);
    }
  });

  it('redirect to another host is reported', async () => {
    withFault({ kind: 'redirect' });
    try {
      const error = await failure(me);

      expect(error.code).toBe('http-redirect');
      expect(error.message).toContain('https://elsewhere.example/api/users/@me');
      expect(fake.requests.some((request) => request.path.includes('elsewhere'))).toBe(false);
    } finally {
      withFault(null);
    }
  });

  it('redirect on the same host is returned as is', async () => {
    withFault({ kind: 'redirect', location: '/api/v10/users/@me' });
    try {
      const response = await me();

      expect(response.status).toBe(302);
      expect(response.headers.location).toBe('/api/v10/users/@me');
    } finally {
      withFault(null);
    }
  });

  it('connection reset is reported', async () => {
    withFault({ kind: 'reset' });
    try {
      expect((await failure(me)).code).toBe('http-connection-failed');
    } finally {
      withFault(null);
    }
  });

  it('layer works again after the faults', async () => {
    expect((await me()).status).toBe(200);
  });
});

describe('live input checks', () => {
  it('relative url is an invalid request', async () => {
    const error = await failure(() => layer.send({ method: 'GET', url: '/api/users/@me' }));

    expect(error.code).toBe('http-invalid-request');
  });

  it('other scheme is an invalid request', async () => {
    const error = await failure(() => layer.send({ method: 'GET', url: 'file:///etc/passwd' }));

    expect(error.code).toBe('http-invalid-request');
  });

  it('header with a line break is an invalid request', async () => {
    const error = await failure(() =>
      layer.send({
        method: 'GET',
        url: 'https://discord.com/api/users/@me',
        headers: { 'X-Test': 'a\r\nInjected: yes' },
      }),
    );

    expect(error.code).toBe('http-invalid-request');
  });

  it('limit outside its range is rejected', () => {
    expect(() => new HttpLayer({ mode: 'live', limits: { maxBodyBytes: 10 } })).toThrow(
      /maxBodyBytes is 10; set a whole number from 1024/,
    );
  });

  it('token in the query stays out of messages', async () => {
    withFault({ kind: 'reset' });
    try {
      const error = await failure(() =>
        layer.send({ method: 'GET', url: 'https://discord.com/api/users/@me?access_token=s3cr3t' }),
      );

      expect(error.message).not.toContain('s3cr3t');
    } finally {
      withFault(null);
    }
  });
});

describe('compressed bodies', () => {
  it('gzip body is decoded', async () => {
    const server = createServer((_request, response) => {
      const body = gzipSync(JSON.stringify({ compressed: true }));
      response.writeHead(200, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const gzipLayer = new HttpLayer({
      mode: 'live',
      hostOverrides: { 'api.example': `http://127.0.0.1:${port}` },
    });
    try {
      const response = await gzipLayer.send({
        method: 'GET',
        url: 'https://api.example/x',
        headers: { 'Accept-Encoding': 'gzip' },
      });

      expect(response.body).toEqual({ json: { compressed: true } });
      expect(response.headers['content-encoding']).toBeUndefined();
    } finally {
      await gzipLayer.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
