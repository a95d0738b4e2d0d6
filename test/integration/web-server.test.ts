import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startWebServer } from '../../main/web/server.js';
import type { WebServer } from '../../main/web/server.js';
import { createWebClient, parseEventBlock } from '../../renderer/transport/web.js';
import type { ServiceEvent } from '../../shared/api/services.js';
import { createServiceFixture, LOGIN_BLUEPRINT } from '../support/services.js';
import type { ServiceFixture } from '../support/services.js';

let fixture: ServiceFixture;
let server: WebServer;
let rendererFolder: string;

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends a request with exactly the given headers (fetch would not let a test set Host). */
function send(
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: '127.0.0.1', port: server.port, method, path, headers },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: Buffer.concat(chunks).toString('utf8'),
          }),
        );
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

function callHeaders(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    Host: `127.0.0.1:${server.port}`,
    'Content-Type': 'application/json',
    'X-Stagecraft-Token': server.token,
    ...overrides,
  };
}

beforeAll(async () => {
  fixture = createServiceFixture();
  rendererFolder = join(fixture.folder, 'renderer-dist');
  mkdirSync(join(rendererFolder, 'assets'), { recursive: true });
  writeFileSync(join(rendererFolder, 'index.html'), '<!doctype html><title>Stagecraft</title>');
  writeFileSync(join(rendererFolder, 'assets', 'app-1234.js'), 'export {};');
  writeFileSync(join(fixture.folder, 'secret.txt'), 'outside the renderer folder');

  server = await startWebServer({ services: fixture.services, rendererFolder });
});

afterAll(async () => {
  await server.close();
  fixture.dispose();
});

describe('web server security', () => {
  it('listens on loopback with a 32-byte token', () => {
    expect(server.origin).toBe(`http://127.0.0.1:${server.port}`);
    expect(Buffer.from(server.token, 'base64url')).toHaveLength(32);
    expect(server.pageUrl).toBe(`${server.origin}/#token=${server.token}`);
  });

  it('refuses a call without the token', async () => {
    const headers = callHeaders();
    delete headers['X-Stagecraft-Token'];

    const response = await send('POST', '/api/app/info', headers, '{}');

    expect(response.status).toBe(403);
    expect(JSON.parse(response.body)).toMatchObject({ error: { code: 'request-forbidden' } });
  });

  it('refuses a call with a wrong token', async () => {
    const wrong = callHeaders({ 'X-Stagecraft-Token': 'x'.repeat(server.token.length) });

    expect((await send('POST', '/api/app/info', wrong, '{}')).status).toBe(403);
  });

  it('refuses a foreign Origin', async () => {
    const headers = callHeaders({ Origin: 'http://evil.example' });

    expect((await send('POST', '/api/app/info', headers, '{}')).status).toBe(403);
  });

  it('refuses an Origin of the other loopback name', async () => {
    const headers = callHeaders({ Origin: `http://localhost:${server.port}` });

    expect((await send('POST', '/api/app/info', headers, '{}')).status).toBe(403);
  });

  it('refuses a foreign Host', async () => {
    const headers = callHeaders({ Host: `evil.example:${server.port}` });

    expect((await send('POST', '/api/app/info', headers, '{}')).status).toBe(403);
  });

  it('refuses a foreign Host for page files', async () => {
    const response = await send('GET', '/', { Host: `rebound.example:${server.port}` });

    expect(response.status).toBe(403);
  });

  it('refuses cross-site fetches of page files', async () => {
    const headers = { Host: `127.0.0.1:${server.port}`, 'Sec-Fetch-Site': 'cross-site' };

    expect((await send('GET', '/', headers)).status).toBe(403);
  });

  it('refuses the event stream without the token', async () => {
    const response = await send('GET', '/api/events', { Host: `127.0.0.1:${server.port}` });

    expect(response.status).toBe(403);
  });

  it('refuses a body that is not JSON', async () => {
    const headers = callHeaders({ 'Content-Type': 'text/plain' });

    expect((await send('POST', '/api/app/info', headers, '{}')).status).toBe(415);
  });
});

describe('web server calls', () => {
  it('answers a valid call', async () => {
    const response = await send('POST', '/api/app/info', callHeaders(), '{}');

    expect(response.status).toBe(200);
    expect(JSON.parse(response.body)).toMatchObject({ ok: true, value: { mode: 'web' } });
    expect(response.headers['cache-control']).toBe('no-store');
  });

  it('accepts the localhost name with its own Origin', async () => {
    const host = `localhost:${server.port}`;
    const headers = callHeaders({ Host: host, Origin: `http://${host}` });

    expect((await send('POST', '/api/app/info', headers, '{}')).status).toBe(200);
  });

  it('rejects a bad argument with a clear message', async () => {
    const body = JSON.stringify({ path: 5 });
    const response = await send('POST', '/api/project/open', callHeaders(), body);

    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toMatchObject({
      ok: false,
      error: {
        code: 'invalid-argument',
        message:
          'project.open: path must be a non-empty string of at most 4096 characters, but is number 5.',
      },
    });
  });

  it('answers an unknown method with 404', async () => {
    const response = await send('POST', '/api/project/format', callHeaders(), '{}');

    expect(response.status).toBe(404);
  });

  it('answers invalid JSON with 400', async () => {
    expect((await send('POST', '/api/app/info', callHeaders(), '{')).status).toBe(400);
  });
});

describe('web server files', () => {
  it('serves the page with a strict policy', async () => {
    const response = await send('GET', '/', { Host: `127.0.0.1:${server.port}` });

    expect(response.status).toBe(200);
    expect(response.body).toContain('<title>Stagecraft</title>');
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
    expect(response.headers['referrer-policy']).toBe('no-referrer');
    expect(response.headers['x-frame-options']).toBe('DENY');
  });

  it('serves hashed assets as immutable', async () => {
    const response = await send('GET', '/assets/app-1234.js', {
      Host: `127.0.0.1:${server.port}`,
    });

    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toContain('immutable');
  });

  it('does not serve files outside the renderer folder', async () => {
    const host = { Host: `127.0.0.1:${server.port}` };

    expect((await send('GET', '/../secret.txt', host)).status).toBe(404);
    expect((await send('GET', '/%2e%2e/secret.txt', host)).status).toBe(404);
    expect((await send('GET', '/assets/%2e%2e/%2e%2e/secret.txt', host)).status).toBe(404);
  });
});

describe('web client', () => {
  it('calls services over HTTP', async () => {
    const client = createWebClient({ baseUrl: server.origin, token: server.token });

    const info = await client.app.info({});

    expect(info.mode).toBe('web');
  });

  it('raises coded errors', async () => {
    const client = createWebClient({ baseUrl: server.origin, token: server.token });

    await expect(client.project.open({ path: 'relative.stagecraft' })).rejects.toMatchObject({
      name: 'StagecraftError',
      code: 'invalid-argument',
    });
  });

  it('reports a missing token without calling', async () => {
    const client = createWebClient({ baseUrl: server.origin });

    await expect(client.app.info({})).rejects.toMatchObject({ code: 'request-forbidden' });
  });

  it('reports an unreachable server', async () => {
    const client = createWebClient({ baseUrl: 'http://127.0.0.1:9', token: 'x' });

    await expect(client.app.info({})).rejects.toMatchObject({ code: 'backend-unreachable' });
  });

  it('receives progress events of an import', async () => {
    const client = createWebClient({ baseUrl: server.origin, token: server.token });
    const received: ServiceEvent[] = [];
    const connected = new Promise<void>((resolve) => {
      const stop = client.events.subscribe((event) => {
        received.push(event);
        if (event.type === 'progress' && event.finished) {
          resolve();
        }
      });
      afterAll(stop);
    });
    // Give the stream a moment to connect before the call that emits the events.
    await new Promise((resolve) => setTimeout(resolve, 200));

    await client.project.open({ path: join(fixture.folder, 'web.stagecraft'), create: true });
    const summary = await client.blueprints.importFiles({
      files: [{ name: 'login.yaml', text: LOGIN_BLUEPRINT }],
    });
    await connected;

    expect(summary.created).toBe(3);
    expect(received.some((event) => event.type === 'project')).toBe(true);
    expect(received.filter((event) => event.type === 'progress').at(-1)).toMatchObject({
      finished: true,
      title: 'Import login.yaml',
    });
  });
});

describe('event block parser', () => {
  it('joins data lines and skips comments', () => {
    expect(parseEventBlock(': keep-alive')).toBeUndefined();
    expect(parseEventBlock('data: {"type":"project","reason":"closed"}')).toEqual({
      type: 'project',
      reason: 'closed',
    });
  });
});
