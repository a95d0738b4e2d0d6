import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isStagecraftError } from '../../shared/errors.js';
import type { Change } from '../../shared/model/changes.js';
import { ProjectStore, SCHEMA_VERSION } from '../../main/project/index.js';
import { flowObject, makeTempFolder, policyObject } from '../support/project-fixtures.js';

let folder: string;
let removeFolder: () => void;
let path: string;
const open: ProjectStore[] = [];

beforeEach(() => {
  ({ folder, remove: removeFolder } = makeTempFolder());
  path = join(folder, 'demo.stagecraft');
});

afterEach(() => {
  for (const store of open.splice(0)) {
    store.close();
  }
  removeFolder();
});

function track(store: ProjectStore): ProjectStore {
  open.push(store);
  return store;
}

function createStore(options: { historyLimit?: number } = {}): ProjectStore {
  return track(ProjectStore.create(path, { name: 'Demo' }, options));
}

function reopen(store: ProjectStore, options: { readOnly?: boolean } = {}): ProjectStore {
  store.close();
  return track(ProjectStore.open(path, options));
}

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isStagecraftError(error) ? error.code : `not coded: ${String(error)}`;
  }
  return undefined;
}

function create(uid: string): Change {
  return { kind: 'object.create', object: flowObject(uid) };
}

function move(uid: string, from: number | null, to: number | null): Change {
  return {
    kind: 'position.set',
    view: 'flow-main',
    uid,
    before: from === null ? null : { x: from, y: 0 },
    after: to === null ? null : { x: to, y: 0 },
  };
}

describe('ProjectStore.create', () => {
  it('writes the settings', () => {
    const info = createStore().info();

    expect(info.name).toBe('Demo');
    expect(info.authentikVersion).toBe('2025.12');
    expect(info.schemaVersion).toBe(SCHEMA_VERSION);
    expect(info.objectCount).toBe(0);
  });

  it('sets the application id', () => {
    createStore().close();
    const db = new Database(path, { readonly: true });
    const applicationId = db.pragma('application_id', { simple: true });
    db.close();

    expect(applicationId).toBe(0x53544743);
  });

  it('rejects an existing file', () => {
    createStore().close();

    expect(errorCode(() => ProjectStore.create(path, { name: 'Again' }))).toBe('project-exists');
  });

  it('rejects an empty name', () => {
    expect(errorCode(() => ProjectStore.create(path, { name: ' ' }))).toBe('project-value-invalid');
  });

  it('rejects a missing folder', () => {
    const inside = join(folder, 'missing', 'demo.stagecraft');

    expect(errorCode(() => ProjectStore.create(inside, { name: 'Demo' }))).toBe('write-failed');
  });
});

describe('ProjectStore objects', () => {
  it('keeps objects across reopen', () => {
    const store = createStore();
    store.apply([create('b'), create('a')]);
    const reopened = reopen(store);

    expect(reopened.listObjects().map((object) => object.uid)).toEqual(['b', 'a']);
    expect(reopened.getObject('a')).toEqual(flowObject('a'));
  });

  it('returns undefined for a missing uid', () => {
    expect(createStore().getObject('nope')).toBeUndefined();
  });

  it('deletes and recreates by undo', () => {
    const store = createStore();
    store.apply([create('a')]);
    store.apply([{ kind: 'object.delete', object: flowObject('a') }]);

    expect(store.getObject('a')).toBeUndefined();
    store.undo();
    expect(store.getObject('a')).toEqual(flowObject('a'));
  });

  it('replaces and restores by undo', () => {
    const store = createStore();
    store.apply([create('a')]);
    const after = flowObject('a', 'Renamed');
    store.apply([{ kind: 'object.replace', uid: 'a', before: flowObject('a'), after }]);

    expect(store.getObject('a')).toEqual(after);
    store.undo();
    expect(store.getObject('a')).toEqual(flowObject('a'));
  });

  it('sets a field and removes it by undo', () => {
    const store = createStore();
    store.apply([create('a')]);
    store.apply([{ kind: 'field.set', uid: 'a', section: 'attrs', field: 'title', after: 'Hi' }]);

    expect(store.getObject('a')?.attrs.title).toBe('Hi');
    store.undo();
    expect(store.getObject('a')?.attrs).not.toHaveProperty('title');
  });

  it('counts objects in info', () => {
    const store = createStore();
    store.apply([create('a'), create('b')]);

    expect(store.info().objectCount).toBe(2);
  });
});

describe('ProjectStore positions', () => {
  it('stores one position per view', () => {
    const store = createStore();
    store.apply([
      move('stage', null, 10),
      {
        kind: 'position.set',
        view: 'flow-other',
        uid: 'stage',
        before: null,
        after: { x: 1, y: 2 },
      },
    ]);

    expect(store.positions('flow-main')).toEqual([
      { view: 'flow-main', uid: 'stage', x: 10, y: 0 },
    ]);
    expect(store.positions()).toHaveLength(2);
  });

  it('removes a position by undo', () => {
    const store = createStore();
    store.apply([move('stage', null, 10)]);
    store.undo();

    expect(store.positions()).toEqual([]);
  });
});

describe('ProjectStore settings', () => {
  it('sets the name and restores it by undo', () => {
    const store = createStore();
    store.apply([{ kind: 'project.set', key: 'name', before: 'Demo', after: 'Login' }]);

    expect(store.info().name).toBe('Login');
    store.undo();
    expect(store.info().name).toBe('Demo');
  });

  it('moves updatedAt forward on apply', async () => {
    const store = createStore();
    const before = store.info().updatedAt;
    await new Promise((resolve) => setTimeout(resolve, 5));
    store.apply([create('a')]);

    expect(store.info().updatedAt > before).toBe(true);
  });
});

describe('ProjectStore undo and redo', () => {
  it('returns the applied changes', () => {
    const store = createStore();
    store.apply([create('a')]);

    expect(store.undo()).toEqual([{ kind: 'object.delete', object: flowObject('a') }]);
    expect(store.redo()).toEqual([create('a')]);
  });

  it('survives reopen', () => {
    const store = createStore();
    store.apply([create('a')], { label: 'Add flow a' });
    store.apply([create('b')], { label: 'Add flow b' });
    store.undo();
    const reopened = reopen(store);

    expect(reopened.canUndo()).toBe(true);
    expect(reopened.canRedo()).toBe(true);
    reopened.redo();
    expect(reopened.getObject('b')).toBeDefined();
    reopened.undo();
    reopened.undo();
    expect(reopened.listObjects()).toEqual([]);
  });

  it('lists steps with labels', () => {
    const store = createStore();
    store.apply([create('a')], { label: 'Add flow a' });
    store.apply([create('b')]);
    store.undo();
    const history = store.history();

    expect(history.map((entry) => entry.label)).toEqual([
      'Add flow a',
      'Create authentik_flows.flow',
    ]);
    expect(history.map((entry) => entry.undone)).toEqual([false, true]);
  });

  it('drops the redo branch on a new apply', () => {
    const store = createStore();
    store.apply([create('a')]);
    store.apply([create('b')]);
    store.undo();
    store.apply([create('c')]);

    expect(store.canRedo()).toBe(false);
    expect(store.history()).toHaveLength(2);
    expect(store.listObjects().map((object) => object.uid)).toEqual(['a', 'c']);
  });

  it('rejects undo with no history', () => {
    expect(errorCode(() => createStore().undo())).toBe('nothing-to-undo');
  });

  it('rejects redo with nothing undone', () => {
    const store = createStore();
    store.apply([create('a')]);

    expect(errorCode(() => store.redo())).toBe('nothing-to-redo');
  });

  it('keeps at most the history limit', () => {
    const store = createStore({ historyLimit: 3 });
    for (const uid of ['a', 'b', 'c', 'd', 'e']) {
      store.apply([create(uid)]);
    }

    expect(store.history()).toHaveLength(3);
    store.undo();
    store.undo();
    store.undo();
    expect(store.canUndo()).toBe(false);
    expect(store.listObjects().map((object) => object.uid)).toEqual(['a', 'b']);
  });

  it('records nothing for an empty list', () => {
    const store = createStore();
    store.apply([]);

    expect(store.history()).toEqual([]);
  });
});

describe('ProjectStore mergeKey', () => {
  it('squashes a drag into one step', () => {
    const store = createStore();
    store.apply([move('stage', null, 0)]);
    store.apply([move('stage', 0, 1)], { mergeKey: 'drag' });
    store.apply([move('stage', 1, 2)], { mergeKey: 'drag' });
    store.apply([move('stage', 2, 3)], { mergeKey: 'drag' });

    expect(store.history()).toHaveLength(2);
    expect(store.undo()).toEqual([move('stage', 3, 0)]);
    expect(store.positions()[0]?.x).toBe(0);
  });

  it('starts a new step for another key', () => {
    const store = createStore();
    store.apply([move('stage', null, 0)], { mergeKey: 'drag-1' });
    store.apply([move('stage', 0, 1)], { mergeKey: 'drag-2' });

    expect(store.history()).toHaveLength(2);
  });

  it('starts a new step after undo', () => {
    const store = createStore();
    store.apply([move('stage', null, 0)], { mergeKey: 'drag' });
    store.apply([move('stage', 0, 1)], { mergeKey: 'drag' });
    store.undo();
    store.apply([move('stage', null, 5)], { mergeKey: 'drag' });

    expect(store.history().map((entry) => entry.undone)).toEqual([false]);
    store.undo();
    expect(store.positions()).toEqual([]);
  });

  it('starts a new step after reopen', () => {
    const store = createStore();
    store.apply([move('stage', null, 0)], { mergeKey: 'drag' });
    const reopened = reopen(store);
    reopened.apply([move('stage', 0, 1)], { mergeKey: 'drag' });

    expect(reopened.history()).toHaveLength(2);
  });
});

describe('ProjectStore conflicts', () => {
  it('rejects a stale field and writes nothing', () => {
    const store = createStore();
    store.apply([create('a')]);
    const run = (): void =>
      store.apply([
        create('b'),
        { kind: 'field.set', uid: 'a', section: 'attrs', field: 'name', before: 'Old', after: 'X' },
      ]);

    expect(errorCode(run)).toBe('project-conflict');
    expect(store.getObject('b')).toBeUndefined();
    expect(store.history()).toHaveLength(1);
  });

  it('detects a change made by another store', () => {
    const first = createStore();
    first.apply([create('a')]);
    const second = track(ProjectStore.open(path));
    second.apply([
      {
        kind: 'field.set',
        uid: 'a',
        section: 'attrs',
        field: 'name',
        before: 'Flow a',
        after: 'B',
      },
    ]);
    const stale: Change = {
      kind: 'field.set',
      uid: 'a',
      section: 'attrs',
      field: 'name',
      before: 'Flow a',
      after: 'C',
    };

    expect(errorCode(() => first.apply([stale]))).toBe('project-conflict');
  });

  it('rejects a malformed change', () => {
    const store = createStore();
    const malformed = { kind: 'field.set', uid: 'a', section: 'attrs' } as unknown as Change;

    expect(errorCode(() => store.apply([malformed]))).toBe('project-value-invalid');
  });
});

describe('ProjectStore read-only', () => {
  it('reads objects', () => {
    const store = createStore();
    store.apply([create('a')]);
    const readOnly = reopen(store, { readOnly: true });

    expect(readOnly.getObject('a')).toEqual(flowObject('a'));
  });

  it('rejects apply', () => {
    const readOnly = reopen(createStore(), { readOnly: true });

    expect(errorCode(() => readOnly.apply([create('a')]))).toBe('project-read-only');
  });

  it('rejects undo', () => {
    const store = createStore();
    store.apply([create('a')]);
    const readOnly = reopen(store, { readOnly: true });

    expect(errorCode(() => readOnly.undo())).toBe('project-read-only');
  });

  it('rejects record writes', () => {
    const readOnly = reopen(createStore(), { readOnly: true });

    expect(errorCode(() => readOnly.personas.put({ name: 'Ann', data: {} }))).toBe(
      'project-read-only',
    );
  });
});

describe('ProjectStore records', () => {
  it('creates a record with a new id', () => {
    const store = createStore();
    const stored = store.personas.put({ name: 'Guild member', data: { roles: ['admin'] } });

    expect(stored.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(store.personas.get(stored.id)?.data).toEqual({ roles: ['admin'] });
  });

  it('updates a record in place', () => {
    const store = createStore();
    const first = store.scenarios.put({ name: 'Login', data: 1 });
    store.scenarios.put({ name: 'Other', data: 0 });
    const updated = store.scenarios.put({ id: first.id, name: 'Login again', data: 2 });

    expect(updated.createdAt).toBe(first.createdAt);
    expect(store.scenarios.list().map((record) => record.name)).toEqual(['Login again', 'Other']);
  });

  it('lists records without data', () => {
    const store = createStore();
    store.recordings.put({ name: 'Token exchange', data: { status: 200 } });

    expect(store.recordings.list()[0]).not.toHaveProperty('data');
  });

  it('removes a record', () => {
    const store = createStore();
    const stored = store.personas.put({ name: 'Ann', data: null });

    expect(store.personas.remove(stored.id)).toBe(true);
    expect(store.personas.remove(stored.id)).toBe(false);
    expect(store.personas.get(stored.id)).toBeUndefined();
  });

  it('keeps records in their own tables', () => {
    const store = createStore();
    store.personas.put({ id: 'same', name: 'Persona', data: 1 });
    store.scenarios.put({ id: 'same', name: 'Scenario', data: 2 });

    expect(store.personas.get('same')?.name).toBe('Persona');
    expect(store.scenarios.get('same')?.name).toBe('Scenario');
  });

  it('survives reopen', () => {
    const store = createStore();
    store.personas.put({ id: 'ann', name: 'Ann', data: { email: 'ann@example.com' } });
    const reopened = reopen(store);

    expect(reopened.personas.get('ann')?.data).toEqual({ email: 'ann@example.com' });
  });

  it.each([
    ['an empty name', { name: '', data: 1 }],
    ['a non-finite number', { name: 'x', data: { n: Number.POSITIVE_INFINITY } }],
    ['undefined data', { name: 'x', data: undefined }],
    ['a class instance', { name: 'x', data: new Map() }],
  ])('rejects %s', (_name, input) => {
    const store = createStore();

    expect(errorCode(() => store.personas.put(input))).toBe('project-value-invalid');
  });

  it('rejects a cycle', () => {
    const store = createStore();
    const data: Record<string, unknown> = {};
    data.self = data;

    expect(errorCode(() => store.personas.put({ name: 'x', data }))).toBe('project-value-invalid');
  });
});

describe('ProjectStore imports', () => {
  const hash = 'AB'.repeat(32);

  it('logs imports in order', () => {
    const store = createStore();
    store.imports.record('flows/login.yaml', hash, 12);
    store.imports.record('flows/enroll.yaml', hash, 3);
    const list = reopen(store).imports.list();

    expect(list.map((entry) => entry.file)).toEqual(['flows/login.yaml', 'flows/enroll.yaml']);
    expect(list[0]?.sha256).toBe('ab'.repeat(32));
    expect(list[0]?.entryCount).toBe(12);
  });

  it('rejects a malformed hash', () => {
    const store = createStore();

    expect(errorCode(() => store.imports.record('a.yaml', 'abc', 1))).toBe('project-value-invalid');
  });

  it('rejects a negative entry count', () => {
    const store = createStore();

    expect(errorCode(() => store.imports.record('a.yaml', hash, -1))).toBe('project-value-invalid');
  });

  it('commits with apply in one transaction', () => {
    const store = createStore();
    store.apply([create('a')]);
    const run = (): void =>
      store.transaction(() => {
        store.imports.record('b.yaml', hash, 1);
        store.apply([create('a')]);
      });

    expect(errorCode(run)).toBe('project-conflict');
    expect(store.imports.list()).toEqual([]);
  });
});

describe('ProjectStore with other objects', () => {
  it('keeps models apart', () => {
    const store = createStore();
    store.apply([create('a'), { kind: 'object.create', object: policyObject('p') }]);

    expect(store.getObject('p')?.model).toBe('authentik_policies_expression.expressionpolicy');
  });
});

describe('ProjectStore lifetime', () => {
  it('rejects reads after close', () => {
    const store = createStore();
    store.close();

    expect(errorCode(() => store.listObjects())).toBe('internal');
  });

  it('rejects a zero history limit', () => {
    createStore().close();

    expect(errorCode(() => ProjectStore.open(path, { historyLimit: 0 }))).toBe(
      'project-value-invalid',
    );
  });
});
