import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { dispatchCall } from '../../main/services/index.js';
import { resolveDataFolder } from '../../main/services/home.js';
import { openInitialProject, resolveStartProject } from '../../main/services/startup.js';
import { validateObjects } from '../../shared/blueprint/validate.js';
import type { Change } from '../../shared/model/changes.js';
import { flowObject } from '../support/project-fixtures.js';
import { createServiceFixture } from '../support/services.js';
import type { ServiceFixture } from '../support/services.js';

let fixture: ServiceFixture;

beforeEach(() => {
  fixture = createServiceFixture();
});

afterEach(() => {
  fixture.dispose();
});

function projectPath(name = 'demo.stagecraft'): string {
  return join(fixture.folder, name);
}

describe('start project', () => {
  it('resolves a relative path against the start folder', async () => {
    await fixture.services.handlers.project.open({ path: projectPath(), create: true });

    expect(resolveStartProject('demo.stagecraft', fixture.folder)).toBe(projectPath());
  });

  it('rejects a missing file with the fix', () => {
    const missing = projectPath('missing.stagecraft');

    expect(() => resolveStartProject(missing, fixture.folder)).toThrow(
      expect.objectContaining({ code: 'project-not-found' }),
    );
    expect(() => resolveStartProject(missing, fixture.folder)).toThrow(/starting creates none/);
    expect(existsSync(missing)).toBe(false);
  });

  it('normalizes the opened path', async () => {
    await fixture.services.handlers.project.open({ path: projectPath(), create: true });
    const snapshot = await fixture.services.handlers.project.open({
      path: `${fixture.folder}/sub/../demo.stagecraft`,
    });

    expect(snapshot.path).toBe(projectPath());
  });
});

describe('project service', () => {
  it('creates and opens a project', async () => {
    const snapshot = await fixture.services.handlers.project.open({
      path: projectPath(),
      create: true,
    });

    expect(existsSync(projectPath())).toBe(true);
    expect(snapshot.settings.name).toBe('demo');
    expect(snapshot.objects).toEqual([]);
    expect(snapshot.readOnly).toBe(false);
    expect(fixture.events).toContainEqual(
      expect.objectContaining({ type: 'project', reason: 'opened', path: projectPath() }),
    );
  });

  it('rejects a relative path', async () => {
    await expect(
      fixture.services.handlers.project.open({ path: 'demo.stagecraft', create: true }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('rejects creating a file without the project extension', async () => {
    await expect(
      fixture.services.handlers.project.open({ path: projectPath('demo.db'), create: true }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
  });

  it('reports a missing project file', async () => {
    await expect(
      fixture.services.handlers.project.open({ path: projectPath('missing.stagecraft') }),
    ).rejects.toMatchObject({ code: 'project-not-found' });
  });

  it('applies, undoes and redoes with revisions', async () => {
    const project = fixture.services.handlers.project;
    const opened = await project.open({ path: projectPath(), create: true });
    const change: Change = { kind: 'object.create', object: flowObject('f1') };

    const applied = await project.apply({ changes: [change], label: 'Add flow' });
    expect(applied.revision).toBe(opened.revision + 1);
    expect(applied.canUndo).toBe(true);

    const undone = await project.undo({});
    expect(undone.revision).toBe(opened.revision + 2);
    expect(undone.changes[0]?.kind).toBe('object.delete');
    expect(undone.canRedo).toBe(true);

    const redone = await project.redo({});
    expect(redone.changes[0]?.kind).toBe('object.create');

    const current = await project.current({});
    expect(current?.objects.map((object) => object.uid)).toEqual(['f1']);
    expect(current?.revision).toBe(redone.revision);

    const history = await project.history({});
    expect(history.map((step) => step.label)).toEqual(['Add flow']);
  });

  it('merges steps with the same merge key', async () => {
    const project = fixture.services.handlers.project;
    await project.open({ path: projectPath(), create: true });
    await project.apply({ changes: [{ kind: 'object.create', object: flowObject('f1') }] });
    const move = (x: number, before: { x: number; y: number } | null): Change => ({
      kind: 'position.set',
      view: 'f1',
      uid: 'f1',
      before,
      after: { x, y: 0 },
    });

    await project.apply({ changes: [move(1, null)], mergeKey: 'drag' });
    await project.apply({ changes: [move(2, { x: 1, y: 0 })], mergeKey: 'drag' });

    expect(await project.history({})).toHaveLength(2);
  });

  it('needs an open project to apply', async () => {
    await expect(fixture.services.handlers.project.apply({ changes: [] })).rejects.toMatchObject({
      code: 'no-project-open',
    });
  });

  it('returns null as current without a project', async () => {
    expect(await fixture.services.handlers.project.current({})).toBeNull();
  });

  it('keeps the recent list across environments', async () => {
    const project = fixture.services.handlers.project;
    await project.open({ path: projectPath('a.stagecraft'), create: true });
    await project.open({ path: projectPath('b.stagecraft'), create: true });
    await project.open({ path: projectPath('a.stagecraft') });

    const recent = await project.recent({});
    expect(recent.map((entry) => entry.name)).toEqual(['a', 'b']);

    const remaining = await project.forgetRecent({ path: projectPath('a.stagecraft') });
    expect(remaining.map((entry) => entry.name)).toEqual(['b']);
    expect(fixture.environment.recent.list()).toEqual(remaining);
  });

  it('closes the project', async () => {
    const project = fixture.services.handlers.project;
    await project.open({ path: projectPath(), create: true });

    await project.close({});

    expect(await project.current({})).toBeNull();
    expect(fixture.events.at(-1)).toMatchObject({ type: 'project', reason: 'closed' });
  });
});

describe('sample project', () => {
  it('opens on first start with valid flows', async () => {
    await openInitialProject(fixture.services, fixture.environment);

    const snapshot = await fixture.services.handlers.project.current({});
    expect(snapshot?.path).toBe(
      join(fixture.environment.home.sampleFolder, 'Stagecraft sample.stagecraft'),
    );

    const slugs = snapshot?.objects
      .filter((object) => object.model === 'authentik_flows.flow')
      .map((object) => object.identifiers.slug);
    expect(slugs).toEqual([
      'default-authentication-flow',
      'default-source-enrollment',
      'default-source-authentication',
    ]);

    const problems = validateObjects(snapshot?.objects ?? []);
    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
  });

  it('reports progress while opening', async () => {
    await fixture.services.handlers.project.openSample({});

    const progress = fixture.events.filter((event) => event.type === 'progress');
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress.at(-1)).toMatchObject({ finished: true, done: 2, total: 2 });
  });

  it('reuses the existing copy', async () => {
    const first = await fixture.services.handlers.project.openSample({});
    await fixture.services.handlers.project.apply({
      changes: [{ kind: 'object.create', object: flowObject('mine') }],
    });

    const second = await fixture.services.handlers.project.openSample({});

    expect(second.path).toBe(first.path);
    expect(second.objects).toHaveLength(first.objects.length + 1);
  });

  it('opens the last project on later starts', async () => {
    await fixture.services.handlers.project.open({ path: projectPath(), create: true });
    await fixture.services.handlers.project.close({});

    await openInitialProject(fixture.services, fixture.environment);

    expect((await fixture.services.handlers.project.current({}))?.path).toBe(projectPath());
  });
});

describe('service dispatch', () => {
  it('returns a payload for an invalid argument', async () => {
    const outcome = await dispatchCall(fixture.services.handlers, 'project', 'open', {
      path: 7,
    });

    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('returns a payload for an unknown method', async () => {
    const outcome = await dispatchCall(fixture.services.handlers, 'project', 'toString', {});

    expect(outcome).toMatchObject({ ok: false, error: { code: 'method-not-found' } });
  });

  it('returns the value of a call', async () => {
    const outcome = await dispatchCall(fixture.services.handlers, 'app', 'info', {});

    expect(outcome).toMatchObject({ ok: true, value: { mode: 'web' } });
  });

  it('returns null for a method without a result', async () => {
    const outcome = await dispatchCall(fixture.services.handlers, 'project', 'close', {});

    expect(outcome).toEqual({ ok: true, value: null });
  });
});

describe('data folder', () => {
  const base = { homeDirectory: '/home/ada' };

  it('follows STAGECRAFT_HOME first', () => {
    const env = { STAGECRAFT_HOME: '/data/sc', XDG_CONFIG_HOME: '/xdg' };
    expect(resolveDataFolder({ ...base, env, platform: 'linux' })).toBe('/data/sc');
  });

  it('uses XDG_CONFIG_HOME on Linux', () => {
    const env = { XDG_CONFIG_HOME: '/xdg' };
    expect(resolveDataFolder({ ...base, env, platform: 'linux' })).toBe('/xdg/stagecraft');
  });

  it('ignores a relative XDG_CONFIG_HOME', () => {
    const env = { XDG_CONFIG_HOME: 'relative' };
    expect(resolveDataFolder({ ...base, env, platform: 'linux' })).toBe(
      '/home/ada/.config/stagecraft',
    );
  });

  it('uses Application Support on macOS', () => {
    expect(resolveDataFolder({ ...base, env: {}, platform: 'darwin' })).toBe(
      '/home/ada/Library/Application Support/Stagecraft',
    );
  });

  it('uses APPDATA on Windows', () => {
    const env = { APPDATA: '/roaming' };
    expect(resolveDataFolder({ ...base, env, platform: 'win32' })).toBe(
      join('/roaming', 'Stagecraft'),
    );
  });
});
