import { describe, expect, it } from 'vitest';

import { isStagecraftError } from '../../shared/errors.js';
import { findChangeShapeError, findObjectError } from '../../shared/model/change-shape.js';
import {
  applyChangesToObjects,
  applyChangesToPositions,
  applyChangesToSettings,
  invertChange,
  invertChanges,
  mergeChanges,
  summarizeChanges,
  type Change,
  type PositionMap,
  type ProjectSettings,
} from '../../shared/model/changes.js';
import { valuesEqual } from '../../shared/model/equal.js';
import type { ModelObject } from '../../shared/model/object.js';
import { flowObject, policyObject } from '../support/project-fixtures.js';

function objectMap(...objects: ModelObject[]): Map<string, ModelObject> {
  return new Map(objects.map((object) => [object.uid, object]));
}

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to throw');
}

function conflictCode(run: () => unknown): string | undefined {
  const error = catchError(run);

  return isStagecraftError(error) ? error.code : undefined;
}

const settings: ProjectSettings = { name: 'Demo', authentikVersion: '2025.12', description: '' };

describe('invertChange', () => {
  it('turns create into delete', () => {
    const object = flowObject('a');

    expect(invertChange({ kind: 'object.create', object })).toEqual({
      kind: 'object.delete',
      object,
    });
  });

  it('turns delete into create', () => {
    const object = flowObject('a');

    expect(invertChange({ kind: 'object.delete', object })).toEqual({
      kind: 'object.create',
      object,
    });
  });

  it('swaps replace before and after', () => {
    const before = flowObject('a');
    const after = flowObject('a', 'Renamed');
    const inverse = invertChange({ kind: 'object.replace', uid: 'a', before, after });

    expect(inverse).toEqual({ kind: 'object.replace', uid: 'a', before: after, after: before });
  });

  it('turns an added field into a removed one', () => {
    const change: Change = {
      kind: 'field.set',
      uid: 'a',
      section: 'attrs',
      field: 'title',
      after: 'Welcome',
    };
    const inverse = invertChange(change);

    expect(inverse).toEqual({
      kind: 'field.set',
      uid: 'a',
      section: 'attrs',
      field: 'title',
      before: 'Welcome',
    });
    expect(Object.keys(inverse)).not.toContain('after');
  });

  it('swaps position before and after', () => {
    const change: Change = {
      kind: 'position.set',
      view: 'f',
      uid: 'a',
      before: null,
      after: { x: 1, y: 2 },
    };

    expect(invertChange(change)).toEqual({ ...change, before: { x: 1, y: 2 }, after: null });
  });

  it('swaps project setting before and after', () => {
    const change: Change = { kind: 'project.set', key: 'name', before: 'Old', after: 'New' };

    expect(invertChange(change)).toEqual({ ...change, before: 'New', after: 'Old' });
  });

  it('reverses the order of a list', () => {
    const changes: Change[] = [
      { kind: 'object.create', object: flowObject('a') },
      { kind: 'field.set', uid: 'a', section: 'attrs', field: 'title', after: 'x' },
    ];
    const inverse = invertChanges(changes);

    expect(inverse.map((change) => change.kind)).toEqual(['field.set', 'object.delete']);
  });
});

describe('applyChangesToObjects', () => {
  it('appends a created object', () => {
    const result = applyChangesToObjects(objectMap(flowObject('a')), [
      { kind: 'object.create', object: flowObject('b') },
    ]);

    expect([...result.keys()]).toEqual(['a', 'b']);
  });

  it('removes a deleted object', () => {
    const result = applyChangesToObjects(objectMap(flowObject('a'), flowObject('b')), [
      { kind: 'object.delete', object: flowObject('a') },
    ]);

    expect([...result.keys()]).toEqual(['b']);
  });

  it('replaces an object in place', () => {
    const after = flowObject('a', 'Renamed');
    const result = applyChangesToObjects(objectMap(flowObject('a'), flowObject('b')), [
      { kind: 'object.replace', uid: 'a', before: flowObject('a'), after },
    ]);

    expect([...result.keys()]).toEqual(['a', 'b']);
    expect(result.get('a')).toEqual(after);
  });

  it('sets and removes fields', () => {
    const result = applyChangesToObjects(objectMap(flowObject('a')), [
      { kind: 'field.set', uid: 'a', section: 'attrs', field: 'title', after: 'Hi' },
      {
        kind: 'field.set',
        uid: 'a',
        section: 'attrs',
        field: 'designation',
        before: 'authentication',
      },
    ]);

    expect(result.get('a')?.attrs).toEqual({ name: 'Flow a', title: 'Hi' });
  });

  it('leaves the input map and objects unchanged', () => {
    const original = flowObject('a');
    const input = objectMap(original);
    applyChangesToObjects(input, [
      {
        kind: 'field.set',
        uid: 'a',
        section: 'attrs',
        field: 'name',
        before: 'Flow a',
        after: 'X',
      },
      { kind: 'object.create', object: flowObject('b') },
    ]);

    expect(input.size).toBe(1);
    expect(original.attrs.name).toBe('Flow a');
  });

  it('ignores position and project changes', () => {
    const input = objectMap(flowObject('a'));
    const result = applyChangesToObjects(input, [
      { kind: 'position.set', view: 'a', uid: 'a', before: null, after: { x: 0, y: 0 } },
      { kind: 'project.set', key: 'name', before: 'x', after: 'y' },
    ]);

    expect(result).toEqual(input);
  });

  it('rejects creating an existing uid', () => {
    const run = (): unknown =>
      applyChangesToObjects(objectMap(flowObject('a')), [
        { kind: 'object.create', object: policyObject('a') },
      ]);

    expect(conflictCode(run)).toBe('project-conflict');
  });

  it('rejects deleting a missing object', () => {
    const run = (): unknown =>
      applyChangesToObjects(objectMap(), [{ kind: 'object.delete', object: flowObject('a') }]);

    expect(conflictCode(run)).toBe('project-conflict');
  });

  it('rejects deleting a changed object', () => {
    const run = (): unknown =>
      applyChangesToObjects(objectMap(flowObject('a', 'Edited elsewhere')), [
        { kind: 'object.delete', object: flowObject('a') },
      ]);

    expect(conflictCode(run)).toBe('project-conflict');
  });

  it('rejects replacing a changed object', () => {
    const run = (): unknown =>
      applyChangesToObjects(objectMap(flowObject('a', 'Edited elsewhere')), [
        { kind: 'object.replace', uid: 'a', before: flowObject('a'), after: flowObject('a', 'B') },
      ]);

    expect(conflictCode(run)).toBe('project-conflict');
  });

  it('rejects a field whose before differs', () => {
    const error = catchError(() =>
      applyChangesToObjects(objectMap(flowObject('a')), [
        {
          kind: 'field.set',
          uid: 'a',
          section: 'attrs',
          field: 'name',
          before: 'Other',
          after: 'X',
        },
      ]),
    );

    expect(isStagecraftError(error) && error.code).toBe('project-conflict');
    expect((error as Error).message).toContain('attrs.name');
    expect((error as Error).message).toContain('authentik_flows.flow "a"');
  });

  it('rejects a field set on a missing object', () => {
    const run = (): unknown =>
      applyChangesToObjects(objectMap(), [
        { kind: 'field.set', uid: 'gone', section: 'identifiers', field: 'slug', after: 'x' },
      ]);

    expect(conflictCode(run)).toBe('project-conflict');
  });

  it('rejects adding a field that exists', () => {
    const run = (): unknown =>
      applyChangesToObjects(objectMap(flowObject('a')), [
        { kind: 'field.set', uid: 'a', section: 'attrs', field: 'name', after: 'X' },
      ]);

    expect(conflictCode(run)).toBe('project-conflict');
  });

  it('treats key order and undefined keys as equal', () => {
    const stored: ModelObject = {
      ...flowObject('a'),
      attrs: { designation: 'authentication', name: 'Flow a' },
    };
    const expected: ModelObject = { ...flowObject('a'), id: undefined };
    const result = applyChangesToObjects(objectMap(stored), [
      { kind: 'object.delete', object: expected },
    ]);

    expect(result.size).toBe(0);
  });
});

describe('applyChangesToPositions', () => {
  const start: PositionMap = new Map([['flow', new Map([['stage', { x: 10, y: 20 }]])]]);

  it('moves a node', () => {
    const result = applyChangesToPositions(start, [
      {
        kind: 'position.set',
        view: 'flow',
        uid: 'stage',
        before: { x: 10, y: 20 },
        after: { x: 5, y: 6 },
      },
    ]);

    expect(result.get('flow')?.get('stage')).toEqual({ x: 5, y: 6 });
  });

  it('keeps one position per view', () => {
    const result = applyChangesToPositions(start, [
      { kind: 'position.set', view: 'other', uid: 'stage', before: null, after: { x: 1, y: 1 } },
    ]);

    expect(result.get('flow')?.get('stage')).toEqual({ x: 10, y: 20 });
    expect(result.get('other')?.get('stage')).toEqual({ x: 1, y: 1 });
  });

  it('removes a position and an empty view', () => {
    const result = applyChangesToPositions(start, [
      { kind: 'position.set', view: 'flow', uid: 'stage', before: { x: 10, y: 20 }, after: null },
    ]);

    expect(result.has('flow')).toBe(false);
  });

  it('leaves the input unchanged', () => {
    applyChangesToPositions(start, [
      { kind: 'position.set', view: 'flow', uid: 'stage', before: { x: 10, y: 20 }, after: null },
    ]);

    expect(start.get('flow')?.get('stage')).toEqual({ x: 10, y: 20 });
  });

  it('rejects a stale before', () => {
    const run = (): unknown =>
      applyChangesToPositions(start, [
        { kind: 'position.set', view: 'flow', uid: 'stage', before: null, after: { x: 0, y: 0 } },
      ]);

    expect(conflictCode(run)).toBe('project-conflict');
  });
});

describe('applyChangesToSettings', () => {
  it('sets a setting', () => {
    const result = applyChangesToSettings(settings, [
      { kind: 'project.set', key: 'authentikVersion', before: '2025.12', after: '2025.10' },
    ]);

    expect(result.authentikVersion).toBe('2025.10');
  });

  it('rejects a stale before', () => {
    const run = (): unknown =>
      applyChangesToSettings(settings, [
        { kind: 'project.set', key: 'name', before: 'Other', after: 'New' },
      ]);

    expect(conflictCode(run)).toBe('project-conflict');
  });
});

describe('mergeChanges', () => {
  const move = (from: number, to: number): Change => ({
    kind: 'position.set',
    view: 'flow',
    uid: 'stage',
    before: { x: from, y: 0 },
    after: { x: to, y: 0 },
  });

  it('folds moves of one node', () => {
    const merged = mergeChanges([move(0, 1)], [move(1, 2)]);

    expect(merged).toEqual([move(0, 2)]);
  });

  it('drops a fold that ends where it began', () => {
    expect(mergeChanges([move(0, 1)], [move(1, 0)])).toEqual([]);
  });

  it('appends changes to other values', () => {
    const other: Change = { ...move(0, 1), uid: 'other' } as Change;

    expect(mergeChanges([move(0, 1)], [other])).toHaveLength(2);
  });

  it('folds a field across other fields', () => {
    const set = (field: string, before: string | undefined, after: string): Change => ({
      kind: 'field.set',
      uid: 'a',
      section: 'attrs',
      field,
      ...(before === undefined ? {} : { before }),
      after,
    });
    const merged = mergeChanges(
      [set('name', 'A', 'B'), set('title', undefined, 'T')],
      [set('name', 'B', 'C')],
    );

    expect(merged).toEqual([set('name', 'A', 'C'), set('title', undefined, 'T')]);
  });

  it('does not fold a field across a replace', () => {
    const field: Change = {
      kind: 'field.set',
      uid: 'a',
      section: 'attrs',
      field: 'name',
      before: 'A',
      after: 'B',
    };
    const replace: Change = {
      kind: 'object.replace',
      uid: 'a',
      before: flowObject('a'),
      after: flowObject('a'),
    };

    expect(mergeChanges([field, replace], [field])).toHaveLength(3);
  });
});

describe('summarizeChanges', () => {
  it('names a single field', () => {
    const label = summarizeChanges([
      { kind: 'field.set', uid: 'a', section: 'attrs', field: 'name', before: 'A', after: 'B' },
    ]);

    expect(label).toBe('Set attrs.name');
  });

  it('counts created objects', () => {
    const label = summarizeChanges([
      { kind: 'object.create', object: flowObject('a') },
      { kind: 'object.create', object: flowObject('b') },
    ]);

    expect(label).toBe('Create 2 objects');
  });
});

describe('findChangeShapeError', () => {
  it('accepts each change kind', () => {
    const changes: Change[] = [
      { kind: 'object.create', object: flowObject('a') },
      { kind: 'object.delete', object: flowObject('a') },
      { kind: 'object.replace', uid: 'a', before: flowObject('a'), after: flowObject('a', 'B') },
      { kind: 'field.set', uid: 'a', section: 'identifiers', field: 'slug', before: 'a' },
      { kind: 'position.set', view: 'f', uid: 'a', before: null, after: { x: 1.5, y: -2 } },
      { kind: 'project.set', key: 'description', before: '', after: 'Login flows' },
    ];

    for (const change of changes) {
      expect(findChangeShapeError(change), change.kind).toBeUndefined();
    }
  });

  it.each([
    ['an unknown kind', { kind: 'object.rename' }],
    [
      'a replace that changes the uid',
      { kind: 'object.replace', uid: 'a', before: flowObject('a'), after: flowObject('b') },
    ],
    ['an unknown section', { kind: 'field.set', uid: 'a', section: 'meta', field: 'x' }],
    [
      'a non-finite value',
      { kind: 'field.set', uid: 'a', section: 'attrs', field: 'x', after: Number.NaN },
    ],
    [
      'a malformed reference',
      { kind: 'field.set', uid: 'a', section: 'attrs', field: 'x', after: { $ref: 1 } },
    ],
    [
      'an unknown tag',
      {
        kind: 'field.set',
        uid: 'a',
        section: 'attrs',
        field: 'x',
        after: { $tag: 'Nope', value: 1 },
      },
    ],
    [
      'a point without y',
      { kind: 'position.set', view: 'f', uid: 'a', before: null, after: { x: 1 } },
    ],
    ['an empty project name', { kind: 'project.set', key: 'name', before: 'A', after: '' }],
    ['an unknown setting', { kind: 'project.set', key: 'colour', before: 'a', after: 'b' }],
    [
      'a date value',
      { kind: 'field.set', uid: 'a', section: 'attrs', field: 'x', after: new Date() },
    ],
  ])('rejects %s', (_name, change) => {
    expect(findChangeShapeError(change)).toBeTypeOf('string');
  });
});

describe('findObjectError', () => {
  it('accepts an object with origin and comments', () => {
    const object: ModelObject = {
      ...flowObject('a'),
      id: 'flow',
      comments: { '': { before: 'The login flow' } },
      origin: { file: 'flow.yaml', line: 3, column: 3, index: 0 },
    };

    expect(findObjectError(object)).toBeUndefined();
  });

  it('accepts a tag as state', () => {
    const object = { ...flowObject('a'), state: { $tag: 'Env', value: 'STATE' } };

    expect(findObjectError(object)).toBeUndefined();
  });

  it('accepts a model written as a tag', () => {
    const object = { ...flowObject('a'), model: '', modelTag: { $tag: 'Env', value: 'MODEL' } };

    expect(findObjectError(object)).toBeUndefined();
  });

  it('rejects an empty model without a tag', () => {
    expect(findObjectError({ ...flowObject('a'), model: '' })).toContain('model');
  });

  it('rejects a missing uid', () => {
    const { uid: _uid, ...object } = flowObject('a');

    expect(findObjectError(object)).toContain('uid');
  });

  it('rejects an unknown state', () => {
    expect(findObjectError({ ...flowObject('a'), state: 'gone' })).toContain('state');
  });
});

describe('valuesEqual', () => {
  it('compares nested lists in order', () => {
    expect(valuesEqual([1, [2, 3]], [1, [3, 2]])).toBe(false);
  });

  it('ignores map key order', () => {
    expect(valuesEqual({ a: 1, b: { c: 2 } }, { b: { c: 2 }, a: 1 })).toBe(true);
  });

  it('tells a list from a map', () => {
    expect(valuesEqual([], {})).toBe(false);
  });
});
