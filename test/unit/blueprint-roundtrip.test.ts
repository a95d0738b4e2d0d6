import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import { writeBlueprint } from '../../shared/blueprint/writer.js';
import type { ModelObject } from '../../shared/model/object.js';
import { isRef, isTag } from '../../shared/model/values.js';
import type { Value } from '../../shared/model/values.js';

const CORPUS = '../shared/corpus/authentik/blueprints';

if (!existsSync(CORPUS)) {
  throw new Error(
    `${CORPUS} is missing: these tests read authentik's blueprint files from the shared reference folder next to the repository`,
  );
}

function corpusFiles(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) {
      return corpusFiles(path);
    }
    return /\.(yaml|akflow)$/.test(name) ? [path] : [];
  });
}

function counter(prefix: string): () => string {
  let next = 0;
  return () => `${prefix}${(next += 1)}`;
}

function readObjects(text: string, file: string, prefix: string): ModelObject[] {
  const doc = readBlueprint(text, { file });
  return resolveDocument(doc, { uid: counter(prefix) }).objects;
}

/**
 * Describes the object a reference points at by model and identifiers (or attrs for objects
 * without identifiers), so that references compare equal across two readings with other uids.
 */
function signature(object: ModelObject, byUid: Map<string, ModelObject>, depth = 0): string {
  const fields = Object.keys(object.identifiers).length > 0 ? object.identifiers : object.attrs;
  return `${object.model} ${JSON.stringify(normaliseValue(withoutPk(fields), byUid, depth + 1))}`;
}

function normaliseValue(value: Value, byUid: Map<string, ModelObject>, depth: number): unknown {
  if (Array.isArray(value)) {
    return value.map((item) => normaliseValue(item, byUid, depth));
  }
  if (isRef(value)) {
    const target = byUid.get(value.$ref);
    if (!target || depth > 3) {
      return { ref: target ? target.model : 'missing' };
    }
    return { ref: signature(target, byUid, depth) };
  }
  if (isTag(value)) {
    return { tag: value.$tag, value: normaliseValue(value.value, byUid, depth) };
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([left], [right]) => left.localeCompare(right))
        .map(([key, inner]) => [key, normaliseValue(inner, byUid, depth)]),
    );
  }
  return value;
}

function withoutPk(identifiers: Record<string, Value>): Record<string, Value> {
  if (Object.keys(identifiers).length <= 1) {
    return identifiers;
  }
  const { pk: _pk, ...rest } = identifiers;
  return rest;
}

/** Normalises each entry to its compared form: model, state, identifiers, attrs and the rest. */
function normaliseObjects(objects: ModelObject[]): string[] {
  const byUid = new Map(objects.map((object) => [object.uid, object]));
  return objects
    .map((object) =>
      JSON.stringify({
        model: object.model,
        modelTag: object.modelTag ? normaliseValue(object.modelTag, byUid, 0) : null,
        state: normaliseValue(object.state, byUid, 0),
        conditions: normaliseValue(object.conditions, byUid, 0),
        identifiers: normaliseValue(withoutPk(object.identifiers), byUid, 0),
        attrs: normaliseValue(object.attrs, byUid, 0),
        permissions: normaliseValue(object.permissions, byUid, 0),
        extraKeys: normaliseValue(object.extraKeys ?? {}, byUid, 0),
      }),
    )
    .sort();
}

const files = corpusFiles(CORPUS).filter((path) => !path.endsWith('/test.yaml'));

describe('blueprint round trip over the corpus', () => {
  it('finds the corpus files', () => {
    expect(files.length).toBeGreaterThan(80);
  });

  for (const path of files) {
    const name = relative(CORPUS, path);

    it(`keeps the entries of ${name}`, () => {
      const original = readObjects(readFileSync(path, 'utf8'), path, 'a');
      const written = writeBlueprint(original, { name });
      const reread = readObjects(written.text, 'written.yaml', 'b');

      expect(normaliseObjects(reread)).toEqual(normaliseObjects(original));
    });

    it(`keeps the ids of ${name}`, () => {
      const original = readObjects(readFileSync(path, 'utf8'), path, 'a');
      const written = writeBlueprint(original, { name });
      const reread = readObjects(written.text, 'written.yaml', 'b');
      const writtenIds = new Set(reread.map((object) => object.id));

      for (const object of original) {
        if (object.id !== undefined) {
          expect(writtenIds.has(object.id), `id ${object.id}`).toBe(true);
        }
      }
    });

    it(`orders the references of ${name}`, () => {
      const original = readObjects(readFileSync(path, 'utf8'), path, 'a');
      const written = writeBlueprint(original, { name });
      const reread = readObjects(written.text, 'written.yaml', 'b');
      const seen = new Set<string>();

      for (const object of reread) {
        seen.add(object.uid);
        for (const target of referencesOf(object)) {
          expect(seen.has(target), `${object.model} refers down to ${target}`).toBe(true);
        }
      }
    });

    it(`keeps the comments of ${name}`, () => {
      const original = readObjects(readFileSync(path, 'utf8'), path, 'a');
      const reread = readObjects(writeBlueprint(original, { name }).text, 'written.yaml', 'b');
      const comments = (objects: ModelObject[]) =>
        objects.map((object) => JSON.stringify(object.comments ?? {})).sort();

      expect(comments(reread)).toEqual(comments(original));
    });

    it(`writes the same bytes twice for ${name}`, () => {
      const text = readFileSync(path, 'utf8');
      const first = writeBlueprint(readObjects(text, path, 'a'), { name }).text;
      const second = writeBlueprint(readObjects(text, path, 'a'), { name }).text;

      expect(second).toBe(first);
    });
  }

  it('reads test.yaml, whose version is the text v2', () => {
    const path = join(CORPUS, 'test.yaml');
    const doc = readBlueprint(readFileSync(path, 'utf8'), { file: path });

    expect(doc.version).toMatchObject({
      kind: 'scalar',
      value: 'v2',
      pos: { line: 1, column: 10 },
    });
  });
});

function referencesOf(object: ModelObject): string[] {
  const found: string[] = [];
  const walk = (value: Value | undefined): void => {
    if (Array.isArray(value)) {
      value.forEach(walk);
    } else if (isRef(value)) {
      if (value.$ref !== object.uid) {
        found.push(value.$ref);
      }
    } else if (isTag(value)) {
      walk(value.value);
    } else if (value !== null && typeof value === 'object') {
      Object.values(value).forEach(walk);
    }
  };
  walk(object.conditions);
  walk(object.identifiers);
  walk(object.attrs);
  walk(object.permissions);
  return found;
}
