/**
 * `stagecraft server`, `pull`, `diff` and `push` against the fake authentik server, run
 * in-process with captured output, real project files and a temporary app data folder.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { textField } from '../../main/blueprints/references.js';
import { ProjectStore } from '../../main/project/index.js';
import { tag } from '../../shared/model/values.js';
import type { Value } from '../../shared/model/values.js';
import { makeCliFolder, parseJsonOutput, runStagecraft, spawnStagecraft } from '../support/cli.js';
import { FakeAuthentik } from '../support/fake-authentik.js';
import { SEED_BLUEPRINT } from '../support/server-fixtures.js';

let fake: FakeAuthentik;
let folder: string;
let removeFolder: () => void;
let env: Record<string, string>;

beforeEach(async () => {
  fake = await FakeAuthentik.start();
  fake.seed(SEED_BLUEPRINT);
  ({ folder, remove: removeFolder } = makeCliFolder());
  env = { STAGECRAFT_HOME: join(folder, 'home'), STAGECRAFT_TOKEN: fake.token };
});

afterEach(async () => {
  removeFolder();
  await fake.close();
});

function run(argv: string[], extraEnv: Record<string, string | undefined> = {}) {
  return runStagecraft(argv, { cwd: folder, env: { ...env, ...extraEnv } });
}

async function pullLogin(): Promise<void> {
  const result = await run([
    'pull',
    '--server',
    fake.url,
    '--flow',
    'login',
    '--project',
    'p.stagecraft',
  ]);
  expect(result.code, result.stderr).toBe(0);
}

function setFlowAttr(field: string, value: Value): void {
  const store = ProjectStore.open(join(folder, 'p.stagecraft'));
  try {
    const flow = store
      .listObjects()
      .find(
        (object) =>
          object.model === 'authentik_flows.flow' && textField(object, 'slug') === 'login',
      )!;
    store.apply([
      {
        kind: 'field.set',
        uid: flow.uid,
        section: 'attrs',
        field,
        before: flow.attrs[field],
        after: value,
      },
    ]);
  } finally {
    store.close();
  }
}

/** Returns an http URL on 127.0.0.1 whose port was just released, so connecting is refused. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));

  return `http://127.0.0.1:${port}`;
}

function posts(): string[] {
  return fake.requests
    .filter((request) => request.method === 'POST')
    .map((request) => request.path);
}

describe('server command', () => {
  it('saves, lists, tests and removes a profile', async () => {
    const added = await run([
      'server',
      'add',
      'lab',
      '--url',
      fake.url,
      '--token-env',
      'LAB_TOKEN',
    ]);
    const listed = await run(['server', 'list', '--json']);
    const tested = await run(['server', 'test', 'lab'], { LAB_TOKEN: fake.token });
    const removed = await run(['server', 'remove', 'lab']);

    expect(added.code).toBe(0);
    expect(parseJsonOutput(listed).profiles).toEqual([
      { name: 'lab', url: fake.url, tokenVariable: 'LAB_TOKEN', tokenSource: 'none' },
    ]);
    expect(tested.stdout).toBe(
      `Connected to ${fake.url}: authentik 2025.12.1, token of akadmin (authentik Default Admin), superuser.\n`,
    );
    expect(removed.code).toBe(0);
  });

  it('profile reads only its own token variable', async () => {
    await run(['server', 'add', 'lab', '--url', fake.url, '--token-env', 'LAB_TOKEN']);

    const tested = await run(['server', 'test', 'lab']);

    expect(tested.code).toBe(15);
    expect(tested.stderr).toMatch(/set the environment variable LAB_TOKEN/);
  });

  it('unknown profile names the saved ones', async () => {
    await run(['server', 'add', 'lab', '--url', fake.url]);

    const result = await run(['server', 'test', 'prod']);

    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/the saved profiles are lab/);
  });

  it('self-signed server needs --ca', async () => {
    const secure = await FakeAuthentik.start({ tls: true });
    try {
      const without = await run(['server', 'test', '--server', secure.url], {
        STAGECRAFT_TOKEN: secure.token,
      });
      const withCa = await run(['server', 'test', '--server', secure.url, '--ca', secure.caFile!], {
        STAGECRAFT_TOKEN: secure.token,
      });

      expect(without.code).toBe(14);
      expect(without.stderr).toMatch(/Cannot verify the TLS certificate of 127\.0\.0\.1/);
      expect(withCa.code, withCa.stderr).toBe(0);
    } finally {
      await secure.close();
    }
  });

  it('closed port prints no library warning', async () => {
    const url = await closedPortUrl();
    // The spawned command inherits this process's environment, so set its token there.
    const saved = process.env.STAGECRAFT_TOKEN;
    process.env.STAGECRAFT_TOKEN = 'unused-token';
    let result;
    try {
      result = spawnStagecraft(['server', 'test', '--server', url], { cwd: folder });
    } finally {
      if (saved === undefined) {
        delete process.env.STAGECRAFT_TOKEN;
      } else {
        process.env.STAGECRAFT_TOKEN = saved;
      }
    }

    expect(result.code).toBe(14);
    expect(result.stderr).not.toContain('WARN');
    expect(result.stderr).toMatch(/^stagecraft: /);
  });

  it('plain http to another host is rejected', async () => {
    const result = await run(['server', 'add', 'remote', '--url', 'http://auth.example.com']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/send the API token unencrypted/);
  });
});

describe('pull command', () => {
  it('lists flows and instances', async () => {
    const result = await run(['pull', '--server', fake.url, '--list', '--json']);
    const output = parseJsonOutput(result);

    expect(result.code).toBe(0);
    expect((output.flows as { slug: string }[]).map((flow) => flow.slug).sort()).toEqual([
      'default-authenticator-totp-setup',
      'login',
    ]);
  });

  it('creates the project from the flow', async () => {
    const result = await run([
      'pull',
      '--server',
      fake.url,
      '--flow',
      'login',
      '--project',
      'p.stagecraft',
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /^Pulled login from .* into p\.stagecraft: 14 entries, 14 objects created, 0 updated\.\n$/,
    );
    expect(result.stderr).toMatch(/configuration_stages now reads !Find/);
  });

  it('missing token exits 15 and creates no project', async () => {
    const result = await run(
      ['pull', '--server', fake.url, '--flow', 'login', '--project', 'p.stagecraft'],
      { STAGECRAFT_TOKEN: undefined },
    );

    expect(result.code).toBe(15);
    expect(result.stderr).toMatch(/No API token/);
    expect(existsSync(join(folder, 'p.stagecraft'))).toBe(false);
  });
});

describe('diff command', () => {
  it('pulled project has no changes', async () => {
    await pullLogin();

    const result = await run([
      'diff',
      '--server',
      fake.url,
      '--project',
      'p.stagecraft',
      '--exit-code',
    ]);

    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toMatch(/0 to create, 0 to change, 14 unchanged/);
  });

  it('prints changed fields and exits 1 with --exit-code', async () => {
    await pullLogin();
    setFlowAttr('title', 'Hello again');

    const result = await run([
      'diff',
      '--server',
      fake.url,
      '--project',
      'p.stagecraft',
      '--exit-code',
    ]);

    expect(result.code).toBe(1);
    expect(result.stdout).toContain(
      '  ~ change: flow login\n      title: Welcome back → Hello again\n',
    );
  });
});

describe('push command', () => {
  it('pushes a change', async () => {
    await pullLogin();
    setFlowAttr('title', 'Hello again');

    const result = await run(['push', '--server', fake.url, '--project', 'p.stagecraft']);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      /Pushed 14 entries to .* \(\/api\/v3\/flows\/instances\/import\/\)\./,
    );
    expect(fake.flow('login')?.fields.title).toBe('Hello again');
  });

  it('rejected push exits 16 and prints the log', async () => {
    await pullLogin();
    fake.rejections.push({
      model: 'authentik_stages_password.passwordstage',
      message:
        "Serializer errors {'backends': [ErrorDetail(string='Not a valid choice.', code='invalid_choice')]}",
    });

    const result = await run(['push', '--server', fake.url, '--project', 'p.stagecraft']);

    expect(result.code).toBe(16);
    expect(result.stderr).toContain(
      'server: warning: Entry invalid: backends: Not a valid choice.',
    );
    expect(result.stderr).toContain('server: warning: Blueprint validation failed');
    expect(result.stderr).toMatch(/rejected the blueprint: .*Nothing was applied/);
  });

  it('rejected push with --json carries the logs', async () => {
    await pullLogin();
    fake.rejections.push({ model: 'authentik_flows.flow', message: 'flow refused' });

    const result = await run(['push', '--server', fake.url, '--project', 'p.stagecraft', '--json']);
    const output = parseJsonOutput(result);
    const error = output.error as { code: string; data: { logs: { event: string }[] } };

    expect(result.code).toBe(16);
    expect(error.code).toBe('server-rejected');
    expect(error.data.logs[0]?.event).toBe('Entry invalid: flow refused');
  });

  it('dry run sends nothing', async () => {
    await pullLogin();

    const result = await run([
      'push',
      '--server',
      fake.url,
      '--project',
      'p.stagecraft',
      '--dry-run',
    ]);

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Dry run: the blueprint is valid and nothing was sent.');
    expect(posts()).toEqual([]);
  });

  it('validation errors stop it before any request', async () => {
    await pullLogin();
    setFlowAttr('designation', 'nonsense');
    const before = fake.requests.length;

    const result = await run(['push', '--server', fake.url, '--project', 'p.stagecraft']);

    expect(result.code).toBe(5);
    expect(result.stderr).toMatch(/Nothing was pushed/);
    expect(fake.requests.length).toBe(before);
  });

  it('explains !Env and sends a value with --env', async () => {
    await pullLogin();
    setFlowAttr('title', tag('Env', ['LOGIN_TITLE']));

    const result = await run(
      ['push', '--server', fake.url, '--project', 'p.stagecraft', '--env', 'LOGIN_TITLE'],
      { LOGIN_TITLE: 'From this shell' },
    );

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('LOGIN_TITLE: authentik_flows.flow login: attrs/title');
    expect(result.stdout).toMatch(/reads the environment of the authentik server process/);
    expect(fake.flow('login')?.fields.title).toBe('From this shell');
  });

  it('managed push applies the instance', async () => {
    await pullLogin();
    setFlowAttr('title', 'Managed');

    const result = await run([
      'push',
      '--server',
      fake.url,
      '--project',
      'p.stagecraft',
      '--managed',
      'login',
    ]);

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/\(instance login\)/);
    expect(fake.store.instances[0]?.status).toBe('successful');
  });

  it('bad token exits 15', async () => {
    await pullLogin();

    const result = await run(['push', '--server', fake.url, '--project', 'p.stagecraft'], {
      STAGECRAFT_TOKEN: 'wrong',
    });

    expect(result.code).toBe(15);
    expect(result.stderr).toMatch(/rejected the API token/);
  });

  it('dropped connection exits 14', async () => {
    await pullLogin();
    fake.inject({ method: 'POST', path: /import\/$/, action: 'drop' });

    const result = await run(['push', '--server', fake.url, '--project', 'p.stagecraft']);

    expect(result.code).toBe(14);
    expect(result.stderr).toMatch(/run `stagecraft diff` to see which/);
  });
});
