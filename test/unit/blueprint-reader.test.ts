import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import type { MapNode, TagNode, TreeNode } from '../../shared/blueprint/tree.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { StagecraftError } from '../../shared/errors.js';
import type { ModelObject } from '../../shared/model/object.js';

const SHARED = '../shared';

if (!existsSync(join(SHARED, 'corpus')) || !existsSync(join(SHARED, 'cases'))) {
  throw new Error(
    `${SHARED}/corpus or ${SHARED}/cases is missing: these tests read authentik's blueprints and the failure cases from the shared reference folder next to the repository`,
  );
}

function read(text: string) {
  return readBlueprint(text, { file: 'test.yaml' });
}

function readError(text: string): StagecraftError {
  try {
    read(text);
  } catch (error) {
    if (isStagecraftError(error)) {
      return error;
    }
    throw error;
  }
  throw new Error('expected readBlueprint to throw');
}

function item(node: TreeNode | undefined, key: string): TreeNode {
  if (node?.kind !== 'map') {
    throw new Error(`expected a map holding ${key}`);
  }
  const found = node.items.find((candidate) => candidate.key === key);
  if (!found) {
    throw new Error(`no key ${key}`);
  }
  return found.value;
}

function attr(text: string, key: string): TreeNode {
  const doc = read(`version: 1\nentries:\n  - model: x\n    attrs:\n      ${key}: ${text}\n`);
  return item(doc.entries[0]?.attrs, key);
}

function resolve(text: string): ModelObject[] {
  let next = 0;
  const doc = read(text);
  return resolveDocument(doc, { uid: () => `uid-${(next += 1)}` }).objects;
}

describe('readBlueprint positions', () => {
  const path = join(
    SHARED,
    'corpus/authentik/blueprints/default/flow-default-authentication-flow.yaml',
  );
  const doc = readBlueprint(readFileSync(path, 'utf8'), { file: path });

  it('locates the entries key', () => {
    expect(doc.entriesPos).toMatchObject({ line: 4, column: 1 });
  });

  it('locates an entry map', () => {
    expect(doc.entries[1]?.node.pos).toMatchObject({ line: 10, column: 3 });
  });

  it('locates an entry id value', () => {
    expect(doc.entries[1]?.id?.pos).toMatchObject({ line: 18, column: 7 });
  });

  it('locates a key', () => {
    const key = doc.entries[2]?.node.items.find((candidate) => candidate.key === 'model');
    expect(key?.keyPos).toMatchObject({ line: 29, column: 3 });
  });

  it('locates a tag at its exclamation mark', () => {
    const find = item(doc.entries[2]?.attrs, 'configure_flow');
    expect(find).toMatchObject({ kind: 'tag', tag: 'Find', pos: { line: 25, column: 21 } });
  });

  it('keeps the file name', () => {
    expect(doc.file).toBe(path);
  });
});

describe('readBlueprint tags', () => {
  const scalarForms: Array<[string, string]> = [
    ['KeyOf', 'flow'],
    ['Env', 'SECRET_NAME'],
    ['Context', 'goauthentik.io/enterprise/licensed'],
    ['File', '/run/secrets/key'],
    ['Index', '0'],
    ['Value', '1'],
    ['ParseJSON', '{"a": 1}'],
  ];

  for (const [tag, argument] of scalarForms) {
    it(`reads !${tag} with a scalar`, () => {
      const node = attr(`!${tag} '${argument}'`, 'field');
      expect(node).toMatchObject({
        kind: 'tag',
        tag,
        argument: { kind: 'scalar', value: argument },
      });
    });
  }

  const seqForms = [
    'Env',
    'Context',
    'File',
    'Find',
    'FindObject',
    'Format',
    'If',
    'Condition',
    'Enumerate',
    'AtIndex',
  ];

  for (const tag of seqForms) {
    it(`reads !${tag} with a list`, () => {
      const node = attr(`!${tag} [a, [b, c]]`, 'field');
      expect(node).toMatchObject({ kind: 'tag', tag, argument: { kind: 'seq' } });
    });
  }

  it('keeps a scalar argument as text', () => {
    const node = attr('!KeyOf 5', 'field') as TagNode;
    expect(node.argument).toMatchObject({ kind: 'scalar', value: '5' });
  });

  it('types the items of a list argument', () => {
    const node = attr('!Find [authentik_flows.flow, [order, 10]]', 'field') as TagNode;
    const pair = node.argument.kind === 'seq' ? node.argument.items[1] : undefined;
    expect(pair).toMatchObject({ kind: 'seq', items: [{ value: 'order' }, { value: 10 }] });
  });

  it('reads nested tags', () => {
    const node = attr('!Format ["%s-%s", !Context slug, !Env [SUFFIX, x]]', 'field') as TagNode;
    const items = node.argument.kind === 'seq' ? node.argument.items : [];
    expect(items.map((inner) => (inner.kind === 'tag' ? inner.tag : inner.kind))).toEqual([
      'scalar',
      'Context',
      'Env',
    ]);
  });

  it('reads a block list argument', () => {
    const doc = read(
      'version: 1\nentries:\n  - model: x\n    attrs:\n      f: !If\n        - true\n        - a: 1\n        - b\n',
    );
    const node = item(doc.entries[0]?.attrs, 'f') as TagNode;
    expect(node.argument.kind === 'seq' ? node.argument.items.length : 0).toBe(3);
  });

  it('reads an empty scalar argument as empty text', () => {
    const node = attr('!Context', 'field') as TagNode;
    expect(node.argument).toMatchObject({ kind: 'scalar', value: '' });
  });

  it('rejects an unknown tag with its place', () => {
    const error = readError(
      'version: 1\nentries:\n  - model: x\n    attrs:\n      f: !Lookup abc\n',
    );
    expect(error.code).toBe('yaml-unknown-tag');
    expect(error.message).toContain('test.yaml:5:10');
    expect(error.message).toContain('!Lookup');
    expect(error.message).toContain('!KeyOf');
    expect(error.data).toMatchObject({ file: 'test.yaml', line: 5, column: 10, tag: '!Lookup' });
  });

  it('rejects a tag on a map key', () => {
    const error = readError('version: 1\n!KeyOf a: 1\n');
    expect(error.code).toBe('blueprint-shape');
  });

  it('rejects a map argument', () => {
    const error = readError(
      'version: 1\nentries:\n  - model: x\n    attrs:\n      f: !Env {a: 1}\n',
    );
    expect(error.code).toBe('yaml-tag-argument');
    expect(error.data).toMatchObject({ line: 5, column: 10 });
  });

  it('accepts core tags', () => {
    expect(attr('!!str 12', 'f')).toMatchObject({ kind: 'scalar', value: '12' });
    expect(attr('!!int "12"', 'f')).toMatchObject({ kind: 'scalar', value: 12 });
  });

  it('rejects a core tag that does not fit', () => {
    expect(readError('a: !!int abc\n').code).toBe('yaml-syntax');
  });
});

describe('readBlueprint scalars as PyYAML reads them', () => {
  const cases: Array<[string, unknown]> = [
    ['yes', true],
    ['No', false],
    ['on', true],
    ['OFF', false],
    ['y', 'y'],
    ['n', 'n'],
    ['true', true],
    ['"yes"', 'yes'],
    ["'on'", 'on'],
    ['0755', 493],
    ['0o755', '0o755'],
    ['0x1F', 31],
    ['0b101', 5],
    ['1_000', 1000],
    ['-12', -12],
    ['1:30', 90],
    ['1e5', '1e5'],
    ['1.5e+3', 1500],
    ['3.25', 3.25],
    ['.inf', Infinity],
    ['-.inf', -Infinity],
    ['~', null],
    ['null', null],
    ['', null],
    ['2024-01-31', '2024-01-31'],
    ['900000000000000002', '900000000000000002'],
    ['"900000000000000002"', '900000000000000002'],
    ['9007199254740991', 9007199254740991],
  ];

  for (const [text, expected] of cases) {
    it(`reads ${text || 'an empty value'}`, () => {
      expect(attr(text, 'f')).toMatchObject({ kind: 'scalar', value: expected });
    });
  }

  it('reads .nan', () => {
    const node = attr('.nan', 'f');
    expect(node.kind).toBe('scalar');
    expect(Number.isNaN((node as { value: unknown }).value)).toBe(true);
  });

  it('keeps block scalars as text', () => {
    const doc = read('a: |\n  yes\n  no\n');
    expect(item(doc.root, 'a')).toMatchObject({ kind: 'scalar', value: 'yes\nno\n' });
  });
});

describe('readBlueprint document shape', () => {
  it('splits the known top-level keys', () => {
    const doc = read('version: 1\nmetadata:\n  name: a\ncontext:\n  k: v\nentries: []\n');
    expect(doc.version).toMatchObject({ value: 1 });
    expect(doc.metadata?.kind).toBe('map');
    expect(doc.context?.kind).toBe('map');
    expect(doc.entriesForm).toBe('list');
    expect(doc.entries).toEqual([]);
  });

  it('collects unknown top-level keys', () => {
    const doc = read('version: 1\nentries: []\nentry:\n  - model: x\n');
    expect(doc.unknownTopLevelKeys).toEqual([
      { key: 'entry', pos: { line: 3, column: 1, offset: 23 } },
    ]);
  });

  it('splits known entry keys', () => {
    const doc = read(
      'entries:\n  - model: m\n    id: i\n    state: absent\n    conditions: [true]\n    identifiers: {a: 1}\n    attrs: {b: 2}\n    permissions: []\n',
    );
    const entry = doc.entries[0];
    expect(entry?.model).toMatchObject({ value: 'm' });
    expect(entry?.id).toMatchObject({ value: 'i' });
    expect(entry?.state).toMatchObject({ value: 'absent' });
    expect(entry?.conditions?.kind).toBe('seq');
    expect(entry?.identifiers?.kind).toBe('map');
    expect(entry?.attrs?.kind).toBe('map');
    expect(entry?.permissions?.kind).toBe('seq');
    expect(entry?.unknownKeys).toEqual([]);
  });

  it('collects unknown entry keys with their place', () => {
    const doc = read('entries:\n  - model: m\n    attr:\n      name: x\n');
    expect(doc.entries[0]?.unknownKeys).toEqual([
      { key: 'attr', pos: { line: 3, column: 5, offset: 26 } },
    ]);
  });

  it('reads entries as sections', () => {
    const doc = read(
      'entries:\n  first:\n    - model: a\n    - model: b\n  second:\n    - model: c\n',
    );
    expect(doc.entriesForm).toBe('sections');
    expect(doc.entries.map((entry) => [entry.section, entry.index])).toEqual([
      ['first', 0],
      ['first', 1],
      ['second', 2],
    ]);
  });

  it('counts items that are not maps in entry indexes', () => {
    const doc = read('entries:\n  - just text\n  - model: b\n');
    expect(doc.entries.map((entry) => entry.index)).toEqual([1]);
  });

  it('leaves a wrongly shaped entries value to validation', () => {
    const doc = read('version: 1\nentries: 5\n');
    expect(doc.entries).toEqual([]);
  });

  it('places a missing entries key at the document start', () => {
    const doc = read('version: 1\n');
    expect(doc.entriesPos).toEqual({ line: 1, column: 1, offset: 0 });
  });

  it('rejects a top level that is not a map', () => {
    const error = readError('- model: a\n');
    expect(error.code).toBe('blueprint-shape');
    expect(error.message).toContain('test.yaml:1:1');
  });

  it('reads JSON like YAML', () => {
    const yaml = read(
      'version: 1\nentries:\n  - model: m\n    identifiers:\n      slug: s\n      order: 3\n',
    );
    const json = read(
      '{"version": 1, "entries": [{"model": "m", "identifiers": {"slug": "s", "order": 3}}]}',
    );
    const shape = (doc: typeof yaml) =>
      JSON.stringify(doc.entries[0]?.node, (key, value: unknown) =>
        key === 'pos' || key === 'keyPos' ? undefined : value,
      );
    expect(shape(json)).toBe(shape(yaml));
  });

  it('strips a byte order mark', () => {
    const doc = read('\uFEFFversion: 1\n');
    expect(doc.version).toMatchObject({ value: 1, pos: { line: 1, column: 10 } });
  });

  it('resolves aliases', () => {
    const doc = read('base: &base {a: 1}\ncopy: *base\n');
    expect(item(doc.root, 'copy')).toMatchObject({ kind: 'map', items: [{ key: 'a' }] });
  });

  it('merges maps with <<', () => {
    const doc = read('base: &base {a: 1, b: 2}\ncopy:\n  <<: *base\n  b: 3\n');
    const copy = item(doc.root, 'copy') as MapNode;
    expect(
      copy.items.map((entry) => [entry.key, (entry.value as { value: unknown }).value]),
    ).toEqual([
      ['a', 1],
      ['b', 3],
    ]);
  });

  it('rejects a duplicate key naming both lines', () => {
    const error = readError(
      'version: 1\nentries:\n  - model: a\n    attrs: {}\n    attrs: {b: 1}\n',
    );
    expect(error.code).toBe('yaml-duplicate-key');
    expect(error.message).toContain('lines 4 and 5');
    expect(error.data).toMatchObject({ line: 5, column: 5, firstLine: 4, key: 'attrs' });
  });

  it('rejects several documents', () => {
    const error = readError('version: 1\n---\nversion: 1\n');
    expect(error.code).toBe('yaml-syntax');
    expect(error.message).toContain('more than one YAML document');
  });
});

describe('readBlueprint comments', () => {
  const text = [
    '# Header line one',
    '# Header line two',
    'version: 1',
    'entries:',
    '  # The flow',
    '  - model: authentik_flows.flow # the model',
    '    identifiers:',
    '      # above slug',
    '      slug: a',
    '  # second entry',
    '  - model: b',
    '',
  ].join('\n');
  const doc = read(text);

  it('keeps the header comment', () => {
    expect(doc.headerComment).toBe(' Header line one\n Header line two');
  });

  it('keeps the comment above an entry', () => {
    expect(doc.entries[0]?.node.comments?.before).toBe(' The flow');
  });

  it('keeps a trailing comment', () => {
    expect(doc.entries[0]?.node.items[0]?.comments?.after).toBe(' the model');
  });

  it('keeps the comment above a nested key', () => {
    const identifiers = doc.entries[0]?.identifiers as MapNode;
    expect(identifiers.items[0]?.comments?.before).toBe(' above slug');
  });

  it('keeps the comment above a later entry', () => {
    expect(doc.entries[1]?.node.comments?.before).toBe(' second entry');
  });
});

describe('resolveDocument', () => {
  it('resolves !KeyOf to the first entry with the id', () => {
    const objects = resolve(
      'entries:\n  - model: a\n    attrs: {x: !KeyOf t}\n  - model: b\n    id: t\n  - model: c\n    id: t\n',
    );
    expect(objects[0]?.attrs.x).toEqual({ $ref: 'uid-2' });
  });

  it('keeps !KeyOf of an unknown id as a tag', () => {
    const objects = resolve('entries:\n  - model: a\n    attrs: {x: !KeyOf nowhere}\n');
    expect(objects[0]?.attrs.x).toEqual({ $tag: 'KeyOf', value: 'nowhere' });
  });

  it('resolves !Find that matches one entry', () => {
    const objects = resolve(
      'entries:\n  - model: authentik_stages_password.passwordstage\n    attrs:\n      configure_flow: !Find [authentik_flows.flow, [slug, change]]\n  - model: authentik_flows.flow\n    identifiers: {slug: change}\n',
    );
    expect(objects[0]?.attrs.configure_flow).toEqual({ $ref: 'uid-2' });
  });

  it('keeps !Find that matches no entry', () => {
    const objects = resolve(
      'entries:\n  - model: a\n    attrs:\n      f: !Find [authentik_flows.flow, [slug, elsewhere]]\n',
    );
    expect(objects[0]?.attrs.f).toEqual({
      $tag: 'Find',
      value: ['authentik_flows.flow', ['slug', 'elsewhere']],
    });
  });

  it('keeps !Find with a lookup suffix', () => {
    const objects = resolve(
      'entries:\n  - model: a\n    attrs:\n      f: !Find [authentik_flows.flow, [slug__iexact, x]]\n  - model: authentik_flows.flow\n    identifiers: {slug: x}\n',
    );
    expect(objects[0]?.attrs.f).toMatchObject({ $tag: 'Find' });
  });

  it('keeps !FindObject as a tag', () => {
    const objects = resolve(
      'entries:\n  - model: a\n    attrs:\n      f: !FindObject [authentik_flows.flow, [slug, x]]\n  - model: authentik_flows.flow\n    identifiers: {slug: x}\n',
    );
    expect(objects[0]?.attrs.f).toMatchObject({ $tag: 'FindObject' });
  });

  it('lower-cases the model', () => {
    const objects = resolve('entries:\n  - model: authentik_stages_x.XStage\n');
    expect(objects[0]?.model).toBe('authentik_stages_x.xstage');
  });

  it('keeps a tagged model apart', () => {
    const objects = resolve('entries:\n  - model: !Context model\n');
    expect(objects[0]?.modelTag).toEqual({ $tag: 'Context', value: 'model' });
  });

  it('fills the origin', () => {
    const objects = resolve('entries:\n  s:\n    - model: a\n');
    expect(objects[0]?.origin).toEqual({
      file: 'test.yaml',
      line: 3,
      column: 7,
      index: 0,
      section: 's',
    });
  });

  it('keeps comments by path', () => {
    const objects = resolve(
      'entries:\n  # entry\n  - model: a\n    attrs:\n      # above\n      expression: x # after\n',
    );
    expect(objects[0]?.comments).toEqual({
      '': { before: ' entry' },
      'attrs/expression': { before: ' above', after: ' after' },
    });
  });

  it('keeps an invalid state as an extra key', () => {
    const objects = resolve('entries:\n  - model: a\n    state: presnt\n');
    expect(objects[0]?.state).toBe('present');
    expect(objects[0]?.extraKeys).toEqual({ state: 'presnt' });
  });

  it('keeps unknown entry keys', () => {
    const objects = resolve('entries:\n  - model: a\n    attr: {name: x}\n');
    expect(objects[0]?.extraKeys).toEqual({ attr: { name: 'x' } });
  });

  it('keeps a __proto__ key as data', () => {
    const objects = resolve('entries:\n  - model: a\n    attrs:\n      __proto__: {polluted: 1}\n');
    const attrs = objects[0]?.attrs ?? {};
    expect(Object.keys(attrs)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('replaces a literal secret with !Env', () => {
    let next = 0;
    const doc = read(
      'entries:\n  - model: authentik_sources_oauth.oauthsource\n    identifiers: {slug: discord}\n    attrs:\n      consumer_secret: s3cret\n',
    );
    const result = resolveDocument(doc, { uid: () => `uid-${(next += 1)}` });
    expect(result.objects[0]?.attrs.consumer_secret).toEqual({
      $tag: 'Env',
      value: ['DISCORD_CLIENT_SECRET'],
    });
    expect(result.removedSecrets).toEqual([
      {
        uid: 'uid-1',
        model: 'authentik_sources_oauth.oauthsource',
        field: 'consumer_secret',
        variable: 'DISCORD_CLIENT_SECRET',
      },
    ]);
  });

  it('keeps a secret that is already !Env', () => {
    let next = 0;
    const doc = read(
      'entries:\n  - model: authentik_stages_email.emailstage\n    identifiers: {name: mail}\n    attrs:\n      password: !Env [SMTP_PASSWORD, ""]\n',
    );
    const result = resolveDocument(doc, { uid: () => `uid-${(next += 1)}` });
    expect(result.objects[0]?.attrs.password).toEqual({
      $tag: 'Env',
      value: ['SMTP_PASSWORD', ''],
    });
    expect(result.removedSecrets).toEqual([]);
  });

  it('does not reuse a variable name the file already reads', () => {
    let next = 0;
    const doc = read(
      'entries:\n  - model: authentik_sources_oauth.oauthsource\n    identifiers: {slug: discord}\n    attrs:\n      consumer_secret: s3cret\n      consumer_key: !Env DISCORD_CLIENT_SECRET\n',
    );
    const result = resolveDocument(doc, { uid: () => `uid-${(next += 1)}` });
    expect(result.removedSecrets[0]?.variable).toBe('DISCORD_CLIENT_SECRET_2');
  });
});

describe('resolveDocument on an exported flow with hard-coded primary keys', () => {
  const path = join(SHARED, 'cases/06-exported-flow-hardcoded-pk/blueprint.yaml');
  let next = 0;
  const doc = readBlueprint(readFileSync(path, 'utf8'), { file: path });
  const { objects } = resolveDocument(doc, { uid: () => `uid-${(next += 1)}` });
  const [flow, stage, binding] = objects;

  it('resolves the binding target to the flow', () => {
    expect(binding?.identifiers.target).toEqual({ $ref: flow?.uid });
  });

  it('resolves the binding stage to the stage', () => {
    expect(binding?.identifiers.stage).toEqual({ $ref: stage?.uid });
  });

  it('keeps the dangling configuration stage as text', () => {
    expect(stage?.attrs.configuration_stages).toEqual(['1f4a7c2e-88d0-4b5a-a3e9-2c6b0d9e7f45']);
  });

  it('keeps the pk identifiers', () => {
    expect(flow?.identifiers.pk).toBe('5d0f6a4e-2b7c-4c1e-9a61-0c3f2d7e8a11');
  });

  it('remaps primary keys only in later entries', () => {
    const reversed = resolve(
      'entries:\n  - model: a\n    attrs: {ref: p1}\n  - model: b\n    identifiers: {pk: p1, name: b}\n  - model: c\n    attrs: {ref: p1, deep: {inner: {x: p1}}}\n',
    );
    expect(reversed[0]?.attrs.ref).toBe('p1');
    expect(reversed[2]?.attrs.ref).toEqual({ $ref: 'uid-2' });
    expect(reversed[2]?.attrs.deep).toEqual({ inner: { x: 'p1' } });
  });
});
