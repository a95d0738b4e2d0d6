import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BLUEPRINT_BYTES, readBlueprintFile } from '../../main/files/blueprint-file.js';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { StagecraftError } from '../../shared/errors.js';

let folder: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'stagecraft-bad-input-'));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function textError(text: string): StagecraftError {
  try {
    readBlueprint(text, { file: 'bad.yaml' });
  } catch (error) {
    if (isStagecraftError(error)) {
      return error;
    }
    throw error;
  }
  throw new Error('expected readBlueprint to throw');
}

async function fileError(path: string): Promise<StagecraftError> {
  try {
    await readBlueprintFile(path);
  } catch (error) {
    if (isStagecraftError(error)) {
      return error;
    }
    throw error;
  }
  throw new Error(`expected reading ${path} to throw`);
}

/** Nine levels of nine aliases each: 9^9 (387 million) nodes when expanded. */
function aliasBomb(): string {
  const lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
  for (let level = 1; level <= 9; level += 1) {
    const previous = `*a${level - 1}`;
    lines.push(`a${level}: &a${level} [${Array(9).fill(previous).join(', ')}]`);
  }
  lines.push('version: 1', 'entries: []');
  return lines.join('\n') + '\n';
}

describe('malformed blueprint text', () => {
  it('stops an alias bomb quickly', () => {
    const started = performance.now();
    const error = textError(aliasBomb());

    expect(error.code).toBe('yaml-alias-limit');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('names the place of the alias that exceeds the limit', () => {
    const error = textError(aliasBomb());
    expect(error.message).toMatch(/^bad\.yaml:\d+:\d+: /);
  });

  it('rejects an alias that contains itself', () => {
    expect(textError('a: &loop [1, *loop]\n').code).toBe('yaml-alias-limit');
  });

  it('rejects an alias without anchor', () => {
    const error = textError('version: 1\nentries: *missing\n');
    expect(error.code).toBe('yaml-syntax');
    expect(error.message).toContain('bad.yaml:2:10');
  });

  it('names file, line and column of a syntax error', () => {
    const error = textError('version: 1\nentries:\n  - model: a\n    attrs: {name: x\n');
    expect(error.code).toBe('yaml-syntax');
    expect(error.message).toMatch(/^bad\.yaml:\d+:\d+: invalid YAML: /);
    expect(error.data).toMatchObject({ file: 'bad.yaml' });
  });

  it('reports a nested mapping on one line', () => {
    const error = textError('version: 1\nentries:\n  - model: a: b\n');
    expect(error.code).toBe('yaml-syntax');
    expect(error.data).toMatchObject({ line: 3 });
  });

  it('rejects an empty text', () => {
    expect(textError('').code).toBe('file-empty');
  });

  it('rejects a text of comments only', () => {
    expect(textError('# nothing here\n\n   \n# still nothing\n').code).toBe('file-empty');
  });

  it('rejects a lone document marker', () => {
    expect(textError('---\n').code).toBe('file-empty');
  });

  it('rejects a scalar document', () => {
    expect(textError('just text\n').code).toBe('blueprint-shape');
  });
});

describe('readBlueprintFile', () => {
  it('reads a blueprint file', async () => {
    const path = join(folder, 'good.yaml');
    await writeFile(path, 'version: 1\nentries:\n  - model: authentik_flows.flow\n');

    const doc = await readBlueprintFile(path);
    expect(doc.entries.length).toBe(1);
    expect(doc.file).toBe(path);
  });

  it('reads an .akflow file with JSON', async () => {
    const path = join(folder, 'old.akflow');
    await writeFile(path, '{"version": 1, "entries": [{"model": "authentik_flows.flow"}]}');

    const doc = await readBlueprintFile(path);
    expect(doc.entries[0]?.model).toMatchObject({ value: 'authentik_flows.flow' });
  });

  it('strips a byte order mark', async () => {
    const path = join(folder, 'bom.yml');
    await writeFile(path, '\uFEFFversion: 1\n');

    const doc = await readBlueprintFile(path);
    expect(doc.version).toMatchObject({ value: 1, pos: { line: 1, column: 10 } });
  });

  it('rejects a missing file', async () => {
    const error = await fileError(join(folder, 'missing.yaml'));
    expect(error.code).toBe('file-not-found');
  });

  it('rejects a folder', async () => {
    const path = join(folder, 'folder.yaml');
    await mkdir(path);
    expect((await fileError(path)).code).toBe('file-unreadable');
  });

  it('rejects another file extension', async () => {
    const path = join(folder, 'notes.txt');
    await writeFile(path, 'version: 1\n');
    expect((await fileError(path)).code).toBe('file-extension');
  });

  it('rejects random bytes as binary', async () => {
    const path = join(folder, 'random.yaml');
    const bytes = randomBytes(4096);
    bytes[10] = 0;
    await writeFile(path, bytes);

    const error = await fileError(path);
    expect(error.code).toBe('file-binary');
    expect(error.message).toContain('is binary, not a YAML blueprint');
  });

  it('rejects a PNG as binary', async () => {
    const path = join(folder, 'image.yaml');
    const header = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    await writeFile(path, Buffer.concat([header, Buffer.from('IHDR')]));

    expect((await fileError(path)).code).toBe('file-binary');
  });

  it('rejects invalid UTF-8 without NUL bytes', async () => {
    const path = join(folder, 'latin1.yaml');
    await writeFile(path, Buffer.from([0x61, 0x3a, 0x20, 0xe9, 0x74, 0xe9, 0x0a]));

    expect((await fileError(path)).code).toBe('file-binary');
  });

  it('rejects an empty file', async () => {
    const path = join(folder, 'empty.yaml');
    await writeFile(path, '');

    expect((await fileError(path)).code).toBe('file-empty');
  });

  it('rejects a 50 MB file quickly', async () => {
    const path = join(folder, 'huge.yaml');
    const handle = await open(path, 'w');
    await handle.close();
    await truncate(path, 50 * 1024 * 1024);

    const started = performance.now();
    const error = await fileError(path);

    expect(error.code).toBe('file-too-large');
    expect(error.data).toMatchObject({ size: 50 * 1024 * 1024, limit: MAX_BLUEPRINT_BYTES });
    expect(error.message).toContain('50.0 MiB');
    expect(performance.now() - started).toBeLessThan(500);
  });

  it('accepts a file at the size limit', async () => {
    const path = join(folder, 'limit.yaml');
    const head = 'version: 1\nentries: []\n';
    await writeFile(path, head + '#'.repeat(MAX_BLUEPRINT_BYTES - head.length - 1) + '\n');

    const doc = await readBlueprintFile(path);
    expect(doc.entries).toEqual([]);
  });

  it('passes syntax errors through with the path', async () => {
    const path = join(folder, 'broken.yaml');
    await writeFile(path, 'version: 1\nentries: [\n');

    const error = await fileError(path);
    expect(error.code).toBe('yaml-syntax');
    expect(error.message.startsWith(`${path}:`)).toBe(true);
  });
});
