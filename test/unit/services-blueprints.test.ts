import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { SecretStore } from '../../main/services/secrets.js';
import type { SecretCipher } from '../../main/services/secrets.js';
import { createServiceFixture, LOGIN_BLUEPRINT } from '../support/services.js';
import type { ServiceFixture } from '../support/services.js';

let fixture: ServiceFixture;

beforeEach(async () => {
  fixture = createServiceFixture();
  await fixture.services.handlers.project.open({
    path: join(fixture.folder, 'demo.stagecraft'),
    create: true,
  });
});

afterEach(() => {
  fixture.dispose();
});

describe('blueprint import', () => {
  it('imports text files in one step', async () => {
    const summary = await fixture.services.handlers.blueprints.importFiles({
      files: [{ name: 'login.yaml', text: LOGIN_BLUEPRINT }],
    });

    expect(summary.created).toBe(3);
    expect(summary.files).toEqual([{ name: 'login.yaml', entries: 3, problems: [] }]);
    expect(summary.snapshot.objects).toHaveLength(3);
    expect(await fixture.services.handlers.project.history({})).toHaveLength(1);
  });

  it('reports progress per file', async () => {
    await fixture.services.handlers.blueprints.importFiles({
      files: [
        { name: 'a.yaml', text: LOGIN_BLUEPRINT },
        { name: 'b.yaml', text: LOGIN_BLUEPRINT },
      ],
    });

    const progress = fixture.events.filter((event) => event.type === 'progress');
    expect(progress.map((event) => event.detail)).toEqual([
      'Reading a.yaml',
      'Reading b.yaml',
      'Saving the imported objects',
      'Done',
    ]);
    expect(progress.at(-1)).toMatchObject({ finished: true, done: 3, total: 3 });
  });

  it('leaves the project untouched when one file is fatal', async () => {
    const attempt = fixture.services.handlers.blueprints.importFiles({
      files: [
        { name: 'good.yaml', text: LOGIN_BLUEPRINT },
        { name: 'bad.yaml', text: 'version: 2\nentries: []\n' },
      ],
    });

    await expect(attempt).rejects.toMatchObject({ code: 'blueprint-invalid' });
    expect((await fixture.services.handlers.project.current({}))?.objects).toEqual([]);
    expect(fixture.events.filter((event) => event.type === 'progress').at(-1)).toMatchObject({
      finished: true,
    });
  });

  it('rejects unreadable YAML with its location', async () => {
    const attempt = fixture.services.handlers.blueprints.importFiles({
      files: [{ name: 'broken.yaml', text: 'version: 1\nentries: [\n' }],
    });

    await expect(attempt).rejects.toMatchObject({ code: 'yaml-syntax' });
  });

  it('rejects a file name that is not a blueprint', async () => {
    const attempt = fixture.services.handlers.blueprints.importFiles({
      files: [{ name: 'notes.txt', text: LOGIN_BLUEPRINT }],
    });

    await expect(attempt).rejects.toMatchObject({ code: 'file-extension' });
  });

  it('rejects binary text', async () => {
    const attempt = fixture.services.handlers.blueprints.importFiles({
      files: [{ name: 'x.yaml', text: 'version: 1\0' }],
    });

    await expect(attempt).rejects.toMatchObject({ code: 'file-binary' });
  });
});

describe('blueprint export', () => {
  beforeEach(async () => {
    await fixture.services.handlers.blueprints.importFiles({
      files: [{ name: 'login.yaml', text: LOGIN_BLUEPRINT }],
    });
  });

  it('previews without a diff before the first export', async () => {
    const preview = await fixture.services.handlers.blueprints.previewExport({ flows: ['login'] });

    expect(preview.objectCount).toBe(3);
    expect(preview.text).toContain('slug: login');
    expect(preview.diffToLast).toBeNull();
  });

  it('diffs against the last export of the selection', async () => {
    const blueprints = fixture.services.handlers.blueprints;
    const out = join(fixture.folder, 'login.yaml');
    const written = await blueprints.writeExport({ flows: ['login'], path: out });
    expect(readFileSync(out, 'utf8')).toBe(written.text);

    const unchanged = await blueprints.previewExport({ flows: ['login'] });
    expect(unchanged.diffToLast).toBe('');

    const snapshot = await fixture.services.handlers.project.current({});
    const flowObject = snapshot!.objects.find((object) => object.model === 'authentik_flows.flow')!;
    await fixture.services.handlers.project.apply({
      changes: [
        {
          kind: 'field.set',
          uid: flowObject.uid,
          section: 'attrs',
          field: 'title',
          before: 'Login',
          after: 'Welcome',
        },
      ],
    });

    const changed = await blueprints.previewExport({ flows: ['login'] });
    expect(changed.diffToLast).toContain('-      title: Login');
    expect(changed.diffToLast).toContain('+      title: Welcome');
    expect(changed.diffToLast).toMatch(/^--- last export \(.+\)\n\+\+\+ this export\n@@ /);
  });

  it('keeps selections apart', async () => {
    const blueprints = fixture.services.handlers.blueprints;
    await blueprints.writeExport({ flows: ['login'] });

    expect((await blueprints.previewExport({})).diffToLast).toBeNull();
    expect((await blueprints.previewExport({ flows: ['login'] })).diffToLast).toBe('');
  });

  it('returns the text without a path in web mode', async () => {
    const result = await fixture.services.handlers.blueprints.writeExport({});

    expect(result.path).toBeNull();
    expect(result.text).toContain('version: 1');
  });

  it('writes only .yaml files', async () => {
    const attempt = fixture.services.handlers.blueprints.writeExport({
      path: join(fixture.folder, 'login.yml'),
    });

    await expect(attempt).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('rejects an unknown flow', async () => {
    const attempt = fixture.services.handlers.blueprints.previewExport({ flows: ['nope'] });

    await expect(attempt).rejects.toMatchObject({ code: 'flow-not-found' });
  });

  it('rejects an unknown uid', async () => {
    const attempt = fixture.services.handlers.blueprints.previewExport({ uids: ['nope'] });

    await expect(attempt).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('validates the project', async () => {
    const problems = await fixture.services.handlers.blueprints.validateProject({});

    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
  });
});

describe('export dialog', () => {
  it('returns null when the save dialog is cancelled', async () => {
    const local = createServiceFixture({
      mode: 'electron',
      dialogs: {
        chooseProject: () => Promise.resolve(null),
        chooseExportPath: () => Promise.resolve(null),
      },
    });
    try {
      await local.services.handlers.project.open({
        path: join(local.folder, 'demo.stagecraft'),
        create: true,
      });
      const result = await local.services.handlers.blueprints.writeExport({});

      expect(result.path).toBeNull();
      expect((await local.services.handlers.blueprints.previewExport({})).diffToLast).toBeNull();
    } finally {
      local.dispose();
    }
  });
});

describe('app service', () => {
  it('rejects native dialogs in web mode', async () => {
    const attempt = fixture.services.handlers.app.chooseProject({ purpose: 'open' });

    await expect(attempt).rejects.toMatchObject({ code: 'unsupported' });
  });

  it('describes the app', async () => {
    const info = await fixture.services.handlers.app.info({});

    expect(info.mode).toBe('web');
    expect(info.dataFolder).toBe(fixture.environment.home.folder);
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
  });
});

// A reversible stand-in for safeStorage; real encryption is the OS's job.
function fakeCipher(available: boolean): SecretCipher {
  return {
    isAvailable: () => available,
    encrypt: (text) => Buffer.from(`enc:${Buffer.from(text).toString('base64')}`),
    decrypt: (data) =>
      Buffer.from(Buffer.from(data).toString().replace(/^enc:/, ''), 'base64').toString(),
  };
}

describe('secret store', () => {
  it('keeps secrets in memory without a cipher', async () => {
    const secrets = fixture.services.handlers.secrets;
    await secrets.set({ name: 'token', value: 'hunter2' });

    expect(await secrets.status({})).toEqual({ persistent: false, backend: 'memory' });
    expect(await secrets.list({})).toEqual(['token']);
    expect(fixture.environment.secrets.get('token')).toBe('hunter2');
    expect(() => readFileSync(fixture.environment.home.secretsFile)).toThrow();
  });

  it('refuses to persist without encryption', () => {
    expect(() => fixture.environment.secrets.setPersistent('token', 'x')).toThrow(
      expect.objectContaining({ code: 'secret-storage-unavailable' }),
    );
  });

  it('writes only encrypted values', () => {
    const file = join(fixture.folder, 'secrets.json');
    const store = new SecretStore(file, fakeCipher(true));
    store.set('discord', 'hunter2');

    expect(readFileSync(file, 'utf8')).not.toContain('hunter2');
    expect(new SecretStore(file, fakeCipher(true)).get('discord')).toBe('hunter2');
  });

  it('treats __proto__ as an ordinary name', () => {
    const store = new SecretStore(join(fixture.folder, 'secrets.json'), fakeCipher(true));
    store.set('__proto__', 'value');

    expect(store.list()).toEqual(['__proto__']);
    expect(store.get('__proto__')).toBe('value');
    expect(store.remove('__proto__')).toBe(true);
  });

  it('removes secrets', async () => {
    const secrets = fixture.services.handlers.secrets;
    await secrets.set({ name: 'token', value: 'x' });

    expect(await secrets.remove({ name: 'token' })).toBe(true);
    expect(await secrets.remove({ name: 'token' })).toBe(false);
  });
});
