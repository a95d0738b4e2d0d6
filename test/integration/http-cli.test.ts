// `stagecraft personas` and `stagecraft record`, run in-process with real project files. The
// record run logs in against the fake Discord, with the test acting as the browser.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeRecordingFile } from '../../main/http/recording-file.js';
import { runCli } from '../../main/cli/main.js';
import { readRecordingFile } from '../../main/http/recording-file.js';
import { saveProjectRecording } from '../../main/cli/project.js';
import { discordAuthorizeUrl, runDiscordLogin } from '../../main/http/discord-login.js';
import { HttpLayer } from '../../main/http/layer.js';
import { ProjectStore } from '../../main/project/index.js';
import { DISCORD_API_BASE, DISCORD_CDN_BASE } from '../../shared/http/discord.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import { SAMPLE_FILE } from './discord-support.js';
import type { FakeDiscord } from '../support/fake-discord.js';
import { startFakeDiscord } from '../support/fake-discord.js';
import { makeCliFolder, parseJsonOutput, runStagecraft } from '../support/cli.js';
import { caseRecording, readCaseExchanges } from './http-support.js';

const temp = makeCliFolder();
let fake: FakeDiscord;
let project: string;

beforeAll(async () => {
  fake = await startFakeDiscord();
  const blueprint = join(temp.folder, 'sources.yaml');
  writeFileSync(
    blueprint,
    [
      'version: 1',
      'metadata:',
      '  name: discord sources',
      'entries:',
      '  - model: authentik_sources_oauth.oauthsource',
      '    identifiers:',
      '      slug: discord',
      '    attrs:',
      '      name: Discord',
      '      provider_type: discord',
      `      consumer_key: "${fake.clientId}"`,
      '      consumer_secret: !Env [GLADE_DISCORD_SECRET]',
      '      additional_scopes: guilds guilds.members.read',
      '  - model: authentik_sources_oauth.oauthsource',
      '    identifiers:',
      '      slug: discord-two',
      '    attrs:',
      '      name: Discord two',
      '      provider_type: discord',
      '      consumer_key: "123"',
      '      consumer_secret: literal-secret-value',
      '  - model: authentik_sources_oauth.oauthsource',
      '    identifiers:',
      '      slug: github',
      '    attrs:',
      '      name: GitHub',
      '      provider_type: github',
      '      consumer_key: gh',
      '      consumer_secret: !Env [GITHUB_SECRET]',
      '',
    ].join('\n'),
  );
  project = join(temp.folder, 'login.stagecraft');
  const imported = await runStagecraft(['import', blueprint, '--project', project], {
    cwd: temp.folder,
  });
  if (imported.code !== 0) {
    throw new Error(`import failed: ${imported.stderr}`);
  }
});

afterAll(async () => {
  await fake.close();
  temp.remove();
});

describe('personas command', () => {
  it('lists the built-in personas', async () => {
    const result = await runStagecraft(['personas'], { cwd: temp.folder });

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('member-with-role');
    expect(result.stdout).toContain('built-in, discord');
  });

  it('json list has twelve built-ins', async () => {
    const result = await runStagecraft(['personas', '--json'], { cwd: temp.folder });
    const personas = parseJsonOutput(result).personas as { origin: string }[];

    expect(personas.filter((persona) => persona.origin === 'built-in')).toHaveLength(12);
  });

  it('show prints the persona', async () => {
    const result = await runStagecraft(['personas', 'show', 'new-username', '--json'], {
      cwd: temp.folder,
    });
    const persona = parseJsonOutput(result).persona as { discord: { user: { global_name: null } } };

    expect(result.code).toBe(0);
    expect(persona.discord.user.global_name).toBeNull();
  });

  it('unknown persona exits 3', async () => {
    const result = await runStagecraft(['personas', 'show', 'nobody'], { cwd: temp.folder });

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('No Discord persona named "nobody"');
  });

  it('unknown subcommand exits 2', async () => {
    const result = await runStagecraft(['personas', 'delete'], { cwd: temp.folder });

    expect(result.code).toBe(2);
  });

  it('import-recording adds a project persona', async () => {
    const file = join(temp.folder, 'case18.json');
    const exchanges = readCaseExchanges(
      'cases/18-discord-new-username-global-name-null/exchanges.json',
    );
    writeRecordingFile(file, caseRecording(exchanges));
    const imported = await runStagecraft(
      ['personas', 'import-recording', file, '--project', project, '--name', 'lantern'],
      { cwd: temp.folder },
    );
    const listed = await runStagecraft(['personas', '--project', project, '--json'], {
      cwd: temp.folder,
    });
    const shown = await runStagecraft(
      ['personas', 'show', 'lantern', '--project', project, '--json'],
      { cwd: temp.folder },
    );
    const persona = parseJsonOutput(shown).persona as { user: { username: string } };

    expect(imported.code).toBe(0);
    expect(parseJsonOutput(listed).personas).toContainEqual(
      expect.objectContaining({ name: 'lantern', origin: 'project', kind: 'discord' }),
    );
    expect(persona.user.username).toBe('mossy.lantern');
  });

  it('import of a truncated recording exits 4', async () => {
    const file = join(temp.folder, 'truncated.json');
    writeFileSync(file, '{"format": "stagecraft-http-recording", "version": 1, "exch');
    const result = await runStagecraft(
      ['personas', 'import-recording', file, '--project', project, '--name', 'broken'],
      { cwd: temp.folder },
    );

    expect(result.code).toBe(4);
    expect(result.stderr).toContain('truncated');
  });
});

/** Runs `record` in-process; `browse` gets the printed authorization URL while it waits. */
async function record(
  argv: string[],
  env: Record<string, string>,
  browse?: (url: string) => Promise<void>,
): Promise<{ code: number; stdout: string; stderr: string; browsed?: Promise<void> }> {
  let stdout = '';
  let stderr = '';
  let browsed: Promise<void> | undefined;
  const code = await runCli(['record', ...argv], {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
      const url = /https?:\/\/\S+\/oauth2\/authorize\?\S+/.exec(text)?.[0];
      if (url !== undefined && browse !== undefined) {
        browsed = browse(url);
      }
    },
    cwd: temp.folder,
    env,
  });

  return { code, stdout, stderr, ...(browsed === undefined ? {} : { browsed }) };
}

// Plays the browser: opens the authorization URL, which redirects to the loopback with a code.
async function actAsBrowser(url: string): Promise<void> {
  const authorize = await fetch(url, { redirect: 'manual' });
  const callback = authorize.headers.get('location');
  if (callback === null) {
    throw new Error(`authorize did not redirect: ${authorize.status}`);
  }

  const page = await fetch(callback);
  if (page.status !== 200) {
    throw new Error(`loopback answered ${page.status}: ${await page.text()}`);
  }
}

describe('record command', () => {
  const base = (out: string) => [
    '--source',
    'discord',
    '--project',
    project,
    '--out',
    out,
    '--api-base',
    fake.apiBase,
    '--cdn-base',
    fake.url,
    '--guild',
    '123456789123456789',
    '--no-browser',
    '--timeout',
    '20',
  ];

  it('live login is recorded without secrets', async () => {
    const out = join(temp.folder, 'live.json');
    const result = await record(
      base(out),
      { GLADE_DISCORD_SECRET: fake.clientSecret },
      actAsBrowser,
    );
    await result.browsed;
    const text = readFileSync(out, 'utf8');
    const recording = readRecordingFile(out, { source: 'discord', apiBase: fake.apiBase });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Recorded 6 exchanges of source "discord"');
    expect(recording.exchanges.map((exchange) => exchange.response.status)).toEqual([
      200, 200, 200, 200, 200, 200,
    ]);
    for (const secret of [
      fake.clientId,
      fake.clientSecret,
      fake.persona.discord.token.access_token,
      fake.persona.discord.token.refresh_token,
      fake.persona.discord.user.email ?? 'no email',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('authorization URL asks for the source scopes', async () => {
    let seen = '';
    const out = join(temp.folder, 'scopes.json');
    const result = await record(base(out), { GLADE_DISCORD_SECRET: fake.clientSecret }, (url) => {
      seen = url;
      return actAsBrowser(url);
    });
    await result.browsed;
    const query = new URL(seen).searchParams;

    expect(query.get('scope')).toBe('email guilds guilds.members.read identify');
    expect(query.get('redirect_uri')).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/source\/oauth\/callback\/discord\/$/,
    );
    expect(query.get('state')).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('missing secret names the variable of the tag', async () => {
    const result = await record(base(join(temp.folder, 'none.json')), {});

    expect(result.code).toBe(9);
    expect(result.stderr).toContain('GLADE_DISCORD_SECRET');
  });

  it('missing secret names the export variable', async () => {
    const argv = base(join(temp.folder, 'two.json'));
    argv[1] = 'discord-two';
    const result = await record(argv, {});

    expect(result.code).toBe(9);
    expect(result.stderr).toContain('DISCORD_TWO_CLIENT_SECRET');
  });

  it('wrong secret fails at the token exchange', async () => {
    const out = join(temp.folder, 'wrong.json');
    const result = await record(
      base(out),
      { GLADE_DISCORD_SECRET: 'not-the-secret' },
      actAsBrowser,
    );
    await result.browsed;

    expect(result.code).toBe(8);
    expect(result.stderr).toContain('the token exchange');
    expect(result.stderr).toContain('invalid_client');
    expect(result.stderr).not.toContain('not-the-secret');
  });

  it('unknown source exits 3', async () => {
    const argv = base(join(temp.folder, 'x.json'));
    argv[1] = 'gitlab';
    const result = await record(argv, {});

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('discord, discord-two, github');
  });

  it('non-Discord source exits 2', async () => {
    const argv = base(join(temp.folder, 'x.json'));
    argv[1] = 'github';
    const result = await record(argv, {});

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('only Discord sources');
  });

  it('login that never arrives times out', async () => {
    const argv = base(join(temp.folder, 'late.json'));
    argv[argv.indexOf('--timeout') + 1] = '1';
    const result = await record(argv, { GLADE_DISCORD_SECRET: fake.clientSecret });

    expect(result.code).toBe(8);
    expect(result.stderr).toContain('No login arrived');
  });

  it('missing --out is a usage error', async () => {
    const result = await record(['--source', 'discord', '--project', project], {});

    expect(result.code).toBe(2);
  });
});

describe('recordings stored in the project', () => {
  let sample: string;

  beforeAll(async () => {
    // The sample, logging in with the fake's client id and without its failing property mapping.
    const text = readFileSync(SAMPLE_FILE, 'utf8')
      .replace("consumer_key: '100000000000000001'", `consumer_key: '${fake.clientId}'`)
      .replace(/\n {6}user_property_mappings:\n {8}- !KeyOf avatar-mapping/, '');
    const file = join(temp.folder, 'sample.yaml');
    writeFileSync(file, text);
    sample = join(temp.folder, 'sample.stagecraft');
    const imported = await runStagecraft(['import', file, '--project', sample], {
      cwd: temp.folder,
    });
    if (imported.code !== 0) {
      throw new Error(`import failed: ${imported.stderr}`);
    }
  });

  it('record --name stores the recording', async () => {
    const argv = ['--source', 'discord', '--project', sample, '--name', 'member login'];
    argv.push('--api-base', fake.apiBase, '--cdn-base', fake.url, '--no-browser');
    const result = await record(argv, { DISCORD_CLIENT_SECRET: fake.clientSecret }, actAsBrowser);
    await result.browsed;
    const store = ProjectStore.open(sample, { readOnly: true });
    const names = store.recordings.list().map((summary) => summary.name);
    store.close();

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('to the project as "member login"');
    expect(names).toEqual(['member login']);
    expect(existsSync(join(temp.folder, 'member login'))).toBe(false);
  });

  it('simulate replays a recording by name', async () => {
    // A recording of discord.com, made through the fake with the layer's host overrides.
    const layer = new HttpLayer({
      mode: 'record',
      hostOverrides: fake.hostOverrides,
      recordAs: { source: 'discord', providerType: 'discord', apiBase: DISCORD_API_BASE },
    });
    const settings = {
      apiBase: DISCORD_API_BASE,
      cdnBase: DISCORD_CDN_BASE,
      clientId: fake.clientId,
      clientSecret: fake.clientSecret,
      redirectUri: 'http://127.0.0.1:9/source/oauth/callback/discord/',
      scopes: ['email', 'guilds', 'guilds.members.read', 'identify'],
      guildIds: [],
    };
    const authorize = new URL(discordAuthorizeUrl(settings, 'state-1'));
    const page = await fetch(`${fake.url}${authorize.pathname}${authorize.search}`, {
      redirect: 'manual',
    });
    const code = new URL(page.headers.get('location')!).searchParams.get('code')!;
    await runDiscordLogin(layer, settings, code);
    const store = ProjectStore.open(sample);
    saveProjectRecording(store, 'member login', layer.toRecording());
    store.close();
    await layer.close();

    const result = await runStagecraft(
      ['simulate', '--project', sample, '--source', 'discord', '--recording', 'member login'],
      { cwd: temp.folder, env: {} },
    );

    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('-> 200 (recording member login)');
    expect(result.stdout).not.toContain('no response');
  });

  it('unknown recording name lists the stored ones', async () => {
    const result = await runStagecraft(
      ['simulate', '--project', sample, '--source', 'discord', '--recording', 'guest login'],
      { cwd: temp.folder, env: {} },
    );

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(
      'the project has no recording of that name (it has member login)',
    );
  });
});

describe('personas set', () => {
  function show(name: string) {
    return runStagecraft(['personas', 'show', name, '--project', project, '--json'], {
      cwd: temp.folder,
    }).then((result) => parseJsonOutput(result).persona as DiscordPersona);
  }

  it('copies a changed built-in into the project', async () => {
    const result = await runStagecraft(
      [
        'personas',
        'set',
        'no-avatar',
        'discord.user.global_name=null',
        'discord.user.id=223456789012345678',
        '--project',
        project,
      ],
      { cwd: temp.folder },
    );
    const persona = await show('no-avatar');

    expect(result.stdout).toContain(
      'Saved persona "no-avatar" in the project with 2 fields changed',
    );
    expect(persona.discord.user.global_name).toBeNull();
    expect(persona.discord.user.id).toBe('223456789012345678');
  });

  it('unsets a field', async () => {
    await runStagecraft(
      ['personas', 'set', 'no-avatar', '--unset', 'discord.user.email', '--project', project],
      { cwd: temp.folder },
    );
    const persona = await show('no-avatar');

    expect(persona.discord.user).not.toHaveProperty('email');
  });

  it('invalid value exits 6 and keeps the persona', async () => {
    const result = await runStagecraft(
      ['personas', 'set', 'no-avatar', 'discord.user.verified=maybe', '--project', project],
      { cwd: temp.folder },
    );
    const persona = await show('no-avatar');

    expect(result.code).toBe(6);
    expect(result.stderr).toContain('discord.user.verified is "maybe"; set it to true or false');
    expect(persona.discord.user.global_name).toBeNull();
  });

  it('assignment without a value is a usage error', async () => {
    const result = await runStagecraft(
      ['personas', 'set', 'no-avatar', 'discord.user.username', '--project', project],
      { cwd: temp.folder },
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('write FIELD=VALUE');
  });
});
