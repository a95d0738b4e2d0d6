/**
 * How the authentik client reports each fault of a real local server: token and permission
 * failures, missing endpoints, server errors, timeouts, TLS without the right CA, responses that
 * are not the API, and the HTTP 200 `success: false` response to a blueprint that points at an
 * object the server does not have.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import { afterEach, describe, expect, it } from 'vitest';

import { AuthentikApi } from '../../main/server/api.js';
import { AuthentikClient } from '../../main/server/client.js';
import { sharedPath } from '../unit/validate-support.js';
import { FakeAuthentik } from '../support/fake-authentik.js';
import { apiFor, SEED_BLUEPRINT } from '../support/server-fixtures.js';

const started: FakeAuthentik[] = [];
const clients: AuthentikApi[] = [];

async function startFake(
  options: Parameters<typeof FakeAuthentik.start>[0] = {},
): Promise<FakeAuthentik> {
  const fake = await FakeAuthentik.start(options);
  fake.seed(SEED_BLUEPRINT);
  started.push(fake);
  return fake;
}

function api(fake: FakeAuthentik, options: Parameters<typeof apiFor>[1] = {}): AuthentikApi {
  const created = apiFor(fake, options);
  clients.push(created);
  return created;
}

afterEach(async () => {
  for (const client of clients.splice(0)) {
    await client.client.close();
  }
  for (const fake of started.splice(0)) {
    await fake.close();
  }
});

describe('server faults', () => {
  it('identity reports version and user', async () => {
    const fake = await startFake({ version: '2025.12.3' });

    const identity = await api(fake).identity();

    expect(identity).toEqual({
      url: fake.url,
      version: '2025.12.3',
      user: { username: 'akadmin', name: 'authentik Default Admin', isSuperuser: true },
    });
  });

  it('bad token is rejected with the fix', async () => {
    const fake = await startFake();

    const call = api(fake, { token: 'wrong' }).listFlows();

    await expect(call).rejects.toMatchObject({ code: 'server-token-rejected' });
    await expect(call).rejects.toThrow(/Token invalid\/expired.*intent "API"/);
  });

  it('401 from a proxy is named as such', async () => {
    const fake = await startFake();
    fake.inject({
      path: '/api/v3/core/users/me/',
      action: 'status',
      status: 401,
      body: { detail: 'Proxy authentication required' },
    });

    const call = api(fake).identity();

    await expect(call).rejects.toMatchObject({ code: 'server-token-rejected' });
    await expect(call).rejects.toThrow(/HTTP 401, which authentik's API does not send/);
  });

  it('basic authentication header is a rejected token', async () => {
    const fake = await startFake();
    fake.inject({
      path: '/api/v3/flows/instances/',
      action: 'status',
      status: 403,
      body: { detail: 'Unsupported authentication type' },
    });

    await expect(api(fake).listFlows()).rejects.toMatchObject({ code: 'server-token-rejected' });
  });

  it('403 without token trouble names the permission', async () => {
    const fake = await startFake();
    fake.inject({
      path: '/api/v3/flows/instances/login/export/',
      action: 'status',
      status: 403,
      body: { detail: 'You do not have permission to perform this action.' },
    });

    const call = api(fake).exportFlow('login');

    await expect(call).rejects.toMatchObject({ code: 'server-forbidden' });
    await expect(call).rejects.toThrow(/permission to export flows/);
  });

  it('5xx is a server error', async () => {
    const fake = await startFake();
    fake.inject({
      path: '/api/v3/flows/instances/',
      action: 'status',
      status: 502,
      body: 'Bad gateway',
    });

    await expect(api(fake).listFlows()).rejects.toMatchObject({ code: 'server-error' });
  });

  it('slow response times out', async () => {
    const fake = await startFake();
    fake.inject({ path: '/api/v3/flows/instances/', action: 'delay', delayMs: 1500 });

    const call = api(fake, { timeoutMs: 300 }).listFlows();

    await expect(call).rejects.toMatchObject({ code: 'server-timeout' });
    await expect(call).rejects.toThrow(/within 0.3 s/);
  });

  it('web page instead of JSON is reported', async () => {
    const fake = await startFake();
    fake.inject({ path: '/api/v3/flows/instances/', action: 'html' });

    await expect(api(fake).listFlows()).rejects.toMatchObject({ code: 'server-response-invalid' });
  });

  it('redirect is reported, not followed', async () => {
    const fake = await startFake();
    fake.inject({
      path: '/api/v3/core/users/me/',
      action: 'status',
      status: 302,
      body: {},
    });

    await expect(api(fake).identity()).rejects.toMatchObject({ code: 'server-url-invalid' });
  });

  it('closed port is unreachable', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as AddressInfo;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const unreachable = new AuthentikApi(
      new AuthentikClient({ url: `http://127.0.0.1:${port}`, token: 'x', timeoutMs: 2000 }),
    );
    clients.push(unreachable);

    await expect(unreachable.listFlows()).rejects.toMatchObject({ code: 'server-unreachable' });
  });

  it('missing import endpoints are reported', async () => {
    const fake = await startFake({ flowImport: false, managedImport: false });

    await expect(api(fake).importBlueprint('version: 1\nentries: []\n')).rejects.toMatchObject({
      code: 'server-endpoint-missing',
    });
  });

  it('unparsable upload is an HTTP 500', async () => {
    const fake = await startFake();

    await expect(api(fake).importBlueprint('version: 1\nentries: [\n')).rejects.toMatchObject({
      code: 'server-error',
    });
  });

  it('dangling key import fails with log', async () => {
    const fake = await startFake();
    const text = readFileSync(
      sharedPath('cases/06-exported-flow-hardcoded-pk/blueprint.yaml'),
      'utf8',
    );
    const expected = JSON.parse(
      readFileSync(sharedPath('cases/09-api-import-200-success-false/exchange.json'), 'utf8'),
    ) as { body: { success: boolean; logs: { event: string }[] } };

    const response = await api(fake).importBlueprint(text);

    expect(response.success).toBe(expected.body.success);
    expect(response.logs.map((event) => event.event)).toEqual(
      expected.body.logs.map((event) => event.event),
    );
    expect(fake.flow('case06-mfa-login')).toBeUndefined();
  });
});

describe('TLS', () => {
  it('self-signed certificate without CA fails', async () => {
    const fake = await startFake({ tls: true });

    const call = api(fake).identity();

    await expect(call).rejects.toMatchObject({ code: 'server-tls' });
    await expect(call).rejects.toThrow(/CA file/);
  });

  it('certificate of the given CA works', async () => {
    const fake = await startFake({ tls: true });

    const identity = await api(fake, { caFile: fake.caFile! }).identity();

    expect(identity.user.username).toBe('akadmin');
  });

  it('unreadable CA file is reported', () => {
    expect(
      () =>
        new AuthentikClient({
          url: 'https://127.0.0.1:1',
          token: 'x',
          caFile: '/nonexistent/ca.pem',
        }),
    ).toThrow(expect.objectContaining({ code: 'server-ca-unreadable' }));
  });
});
