/**
 * The README's first commands, run through the real executable (`node bin/stagecraft.mjs`).
 * They import authentik's source enrollment and source authentication flows into a new project,
 * show it, export it and validate the export. The export is then re-imported into a second
 * project and checked against authentik's blueprint JSON schema with ajv.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { CliResult } from '../support/cli.js';
import {
  makeCliFolder,
  parseBlueprintText,
  parseJsonOutput,
  spawnStagecraft,
} from '../support/cli.js';
import { corpusRoot, sharedPath } from '../unit/validate-support.js';

// ajv-formats is CommonJS: under NodeNext the default import is its module object, whose
// `default` is the plugin (the module sets both).
const addFormats = addFormatsModule.default;

interface FirstRun {
  folder: string;
  imported: CliResult;
  info: CliResult;
  exported: CliResult;
  validated: CliResult;
  reimported: CliResult;
  firstInfo: Record<string, unknown>;
  secondInfo: Record<string, unknown>;
  text: string;
}

let run: FirstRun;
let removeFolder: () => void;

beforeAll(() => {
  const temporary = makeCliFolder();
  removeFolder = temporary.remove;
  const folder = temporary.folder;
  const stagecraft = (...argv: string[]): CliResult => spawnStagecraft(argv, { cwd: folder });

  const imported = stagecraft(
    'import',
    join(corpusRoot(), 'default/flow-default-source-enrollment.yaml'),
    join(corpusRoot(), 'default/flow-default-source-authentication.yaml'),
    '--project',
    'discord.stagecraft',
  );
  const info = stagecraft('info', '--project', 'discord.stagecraft');
  const exported = stagecraft(
    'export',
    '--project',
    'discord.stagecraft',
    '--out',
    'discord-login.yaml',
  );
  const validated = stagecraft('validate', 'discord-login.yaml');
  const reimported = stagecraft('import', 'discord-login.yaml', '--project', 'second.stagecraft');
  const firstInfo = parseJsonOutput(
    stagecraft('info', '--project', 'discord.stagecraft', '--json'),
  );
  const secondInfo = parseJsonOutput(
    stagecraft('info', '--project', 'second.stagecraft', '--json'),
  );

  run = {
    folder,
    imported,
    info,
    exported,
    validated,
    reimported,
    firstInfo,
    secondInfo,
    text: readFileSync(join(folder, 'discord-login.yaml'), 'utf8'),
  };
}, 180_000);

afterAll(() => {
  removeFolder();
});

describe('first run through the executable', () => {
  it('imports both flows into a new project', () => {
    expect(run.imported.code).toBe(0);
    expect(run.imported.stdout).toBe(
      'Created discord.stagecraft: imported 2 files, 17 objects created, 0 updated.\n',
    );
  });

  it('shows the project', () => {
    expect(run.info.code).toBe(0);
    expect(run.info.stdout).toContain('Objects     17\n');
    expect(run.info.stdout).toContain('Flows (2):\n');
  });

  it('exports the project', () => {
    expect(run.exported.code).toBe(0);
    expect(run.exported.stdout).toBe('Wrote discord-login.yaml: 17 entries.\n');
  });

  it('validates the export without errors', () => {
    expect(run.validated.code).toBe(0);
    expect(run.validated.stdout).toMatch(/^0 errors, \d+ warnings? in 1 file\.$/m);
  });

  it('re-imports the export into a new project', () => {
    expect(run.reimported.code).toBe(0);
    expect(run.reimported.stdout).toContain('17 objects created, 0 updated.');
  });

  it('keeps the object count through the round trip', () => {
    expect(run.secondInfo.objectCount).toBe(run.firstInfo.objectCount);
  });

  it('keeps the flows through the round trip', () => {
    // The export orders entries for applying, so the flows may come back in another order.
    const bySlug = (flows: unknown): unknown[] =>
      [...(flows as { slug: string }[])].sort((a, b) => a.slug.localeCompare(b.slug));

    expect(bySlug(run.secondInfo.flows)).toEqual(bySlug(run.firstInfo.flows));
  });
});

type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };
type Entry = Record<string, Record<string, Plain> | Plain>;

function containsTag(value: Plain): boolean {
  if (Array.isArray(value)) {
    return value.some(containsTag);
  }
  if (value === null || typeof value !== 'object') {
    return false;
  }

  return '$tag' in value || Object.values(value).some(containsTag);
}

/**
 * Removes every identifier and attribute whose value contains a tag, and returns how many were
 * removed. The schema types each field by the value authentik stores, such as a UUID for a
 * reference, and a tag only becomes such a value on the server, so the schema cannot judge a
 * tagged field.
 */
function dropTaggedFields(entries: Entry[]): number {
  let dropped = 0;

  for (const entry of entries) {
    for (const section of ['identifiers', 'attrs']) {
      const fields = entry[section] as Record<string, Plain> | undefined;
      for (const [key, value] of Object.entries(fields ?? {})) {
        if (containsTag(value)) {
          delete fields?.[key];
          dropped += 1;
        }
      }
    }
  }

  return dropped;
}

/** Parses the exported text without its tagged fields, as the schema can check it. */
function checkableDocument(text: string): { document: Plain; entries: Entry[]; dropped: number } {
  const document = parseBlueprintText(text);
  const entries = document.entries as Entry[];
  const dropped = dropTaggedFields(entries);

  return { document: document as Plain, entries, dropped };
}

function schemaErrors(document: Plain): ErrorObject[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  const schema = JSON.parse(
    readFileSync(sharedPath('corpus/authentik/blueprints/schema.json'), 'utf8'),
  ) as object;
  const validate = ajv.compile(schema);

  return validate(document) ? [] : (validate.errors ?? []);
}

describe('export against the JSON schema', () => {
  it('passes without its tagged fields', () => {
    const { document } = checkableDocument(run.text);

    expect(schemaErrors(document)).toEqual([]);
  });

  it('keeps every entry for the check', () => {
    const { entries } = checkableDocument(run.text);

    expect(entries).toHaveLength(17);
  });

  it('drops only the reference fields', () => {
    const { dropped } = checkableDocument(run.text);

    // Two references in each of the 7 bindings, and the prompt stage's `fields`.
    expect(dropped).toBe(15);
  });

  it('fails a changed designation', () => {
    const { document } = checkableDocument(
      run.text.replace('designation: enrollment', 'designation: signup'),
    );

    expect(schemaErrors(document)).not.toEqual([]);
  });
});
