/**
 * Every corpus blueprint, read and written back by Stagecraft, is checked against authentik's
 * blueprint JSON schema with ajv. Tagged values count as wildcards: they are dropped from the
 * instance before ajv sees it (no attrs key is required by the schema, so a dropped key matches
 * anything). A written file may only fail the schema where its source file already does, and the
 * offline validator finds no error in the output that it did not find in the input.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';

import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import type { TreeNode } from '../../shared/blueprint/tree.js';
import { validateDocument } from '../../shared/blueprint/validate.js';
import { writeBlueprint } from '../../shared/blueprint/writer.js';
import { corpusRoot, listCorpusFiles, sharedPath } from './validate-support.js';

const addFormats = addFormatsModule.default;
const SCHEMA_ID = 'https://goauthentik.io/blueprints/schema.json';

/** Converts a syntax tree to plain JSON, leaving out every tagged value. */
function withoutTags(node: TreeNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'tag':
      return undefined;
    case 'seq':
      return node.items.map(withoutTags).filter((item) => item !== undefined);
    case 'map': {
      const result: Record<string, unknown> = {};
      for (const item of node.items) {
        const value = withoutTags(item.value);
        if (value !== undefined) {
          result[item.key] = value;
        }
      }
      return result;
    }
  }
}

/** Returns the schema failures of a blueprint text as `model identifiers: path message` lines. */
function schemaFailures(ajv: Ajv, text: string, file: string): string[] {
  const document = readBlueprint(text, { file });
  const validate = ajv.getSchema(SCHEMA_ID);
  if (validate === undefined) {
    throw new Error('the blueprint schema did not load');
  }

  const failures: string[] = [];
  for (const entry of document.entries) {
    if (entry.model?.kind !== 'scalar') {
      continue;
    }
    const instance = {
      version: 1,
      entries: [withoutTags(entry.node)],
    };
    if (!validate(instance)) {
      const identifiers = entry.identifiers === undefined ? {} : withoutTags(entry.identifiers);
      failures.push(`${String(entry.model.value).toLowerCase()} ${JSON.stringify(identifiers)}`);
    }
  }

  return [...new Set(failures)].sort();
}

function errorCodes(text: string, file: string): string[] {
  const problems = validateDocument(readBlueprint(text, { file }));
  return [
    ...new Set(problems.filter((p) => p.severity === 'error').map((p) => `${p.code} ${p.model}`)),
  ].sort();
}

describe('written corpus blueprints', () => {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(
    JSON.parse(
      readFileSync(sharedPath('corpus/authentik/blueprints/schema.json'), 'utf8'),
    ) as object,
  );

  const files = listCorpusFiles().filter((file) => !file.endsWith('test.yaml'));

  it('covers the whole corpus', () => {
    expect(files.length).toBeGreaterThan(70);
  });

  for (const file of files) {
    it(`keep to the schema: ${file}`, () => {
      const text = readFileSync(join(corpusRoot(), file), 'utf8');
      let next = 0;
      const { objects } = resolveDocument(readBlueprint(text, { file }), {
        uid: () => `uid-${(next += 1)}`,
      });
      const written = writeBlueprint(objects, { name: file }).text;

      const before = schemaFailures(ajv, text, file);
      const after = schemaFailures(ajv, written, `${file} (written)`);
      expect(after.filter((failure) => !before.includes(failure))).toEqual([]);
    });

    it(`add no validation errors: ${file}`, () => {
      const text = readFileSync(join(corpusRoot(), file), 'utf8');
      let next = 0;
      const { objects } = resolveDocument(readBlueprint(text, { file }), {
        uid: () => `uid-${(next += 1)}`,
      });
      const written = writeBlueprint(objects, { name: file }).text;

      const before = errorCodes(text, file);
      const after = errorCodes(written, `${file} (written)`);
      expect(after.filter((code) => !before.includes(code))).toEqual([]);
    });
  }
});
