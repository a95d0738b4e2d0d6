/**
 * `stagecraft import` on authentik's own blueprints and on files that must be rejected: exit
 * codes, messages, `--json` output, and project files left untouched by every failure.
 */
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CliResult } from '../support/cli.js';
import { isRoot } from '../support/unprivileged.js';
import {
  hashFile,
  makeCliFolder,
  parseJsonOutput,
  runStagecraft,
  spawnStagecraft,
} from '../support/cli.js';
import { corpusRoot, sharedPath } from '../unit/validate-support.js';

// Root passes every permission check, so permission tests spawn the command as this user.

const ENROLLMENT = 'default/flow-default-source-enrollment.yaml';
const AUTHENTICATION = 'default/flow-default-source-authentication.yaml';

let folder: string;
let removeFolder: () => void;
let project: string;

beforeEach(() => {
  ({ folder, remove: removeFolder } = makeCliFolder());
  project = join(folder, 'demo.stagecraft');
});

afterEach(() => {
  removeFolder();
});

function corpusFile(file: string): string {
  return join(corpusRoot(), file);
}

function stagecraft(...argv: string[]): ReturnType<typeof runStagecraft> {
  return runStagecraft(argv, { cwd: folder });
}

async function importFiles(...files: string[]): Promise<Record<string, unknown>> {
  const result = await stagecraft('import', ...files, '--project', project, '--json');
  if (result.code !== 0) {
    throw new Error(`import failed with exit ${result.code}:\n${result.stdout}${result.stderr}`);
  }

  return parseJsonOutput(result);
}

async function objectCount(path = project): Promise<number> {
  const info = parseJsonOutput(await stagecraft('info', '--project', path, '--json'));

  return info.objectCount as number;
}

/** The `error` member of a failed `--json` run. */
interface ErrorOutput {
  code: string;
  message: string;
  data: Record<string, unknown>;
}

/** Files next to the project: the project itself and any SQLite side files. */
function projectFiles(): string[] {
  return readdirSync(folder).filter((name) => name.startsWith('demo.stagecraft'));
}

describe('import of corpus files', () => {
  it('creates the project and reports the counts', async () => {
    const result = await stagecraft(
      'import',
      corpusFile(ENROLLMENT),
      corpusFile(AUTHENTICATION),
      '--project',
      'demo.stagecraft',
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'Created demo.stagecraft: imported 2 files, 17 objects created, 0 updated.\n',
    );
    expect(existsSync(project)).toBe(true);
  });

  it('prints warnings with file, line and column', async () => {
    const result = await stagecraft('import', corpusFile(ENROLLMENT), '--project', project);

    expect(result.stderr).toContain(
      'flow-default-source-enrollment.yaml:15:5: warning field-required:',
    );
    expect(result.stderr).toContain(
      'flow-default-source-enrollment.yaml:19:5: warning field-unknown:',
    );
  });

  it('prints the result as JSON', async () => {
    const output = await importFiles(corpusFile(ENROLLMENT), corpusFile(AUTHENTICATION));

    expect(output.ok).toBe(true);
    expect(output.projectCreated).toBe(true);
    expect(output.created).toBe(17);
    expect(output.updated).toBe(0);
    expect(output.files).toEqual([
      { path: corpusFile(ENROLLMENT), entries: 12 },
      { path: corpusFile(AUTHENTICATION), entries: 5 },
    ]);
  });

  it('gives each JSON problem a location', async () => {
    const output = await importFiles(corpusFile(ENROLLMENT));
    const problems = output.problems as Record<string, unknown>[];

    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.file).toBe(corpusFile(ENROLLMENT));
      expect(typeof problem.line).toBe('number');
      expect(typeof problem.column).toBe('number');
      expect(typeof problem.code).toBe('string');
    }
  });

  it('updates objects on a second import', async () => {
    await importFiles(corpusFile(ENROLLMENT));
    const second = await importFiles(corpusFile(ENROLLMENT));

    expect(second.projectCreated).toBe(false);
    expect(second.created).toBe(0);
    expect(second.updated).toBe(12);
    expect(await objectCount()).toBe(12);
  });

  it('does not duplicate a file without identifiers', async () => {
    // This file starts with a metaapplyblueprint entry, which has no identifiers.
    const files = [
      corpusFile('default/flow-password-change.yaml'),
      corpusFile('default/flow-default-authentication-flow.yaml'),
    ];
    const first = await importFiles(...files);
    const second = await importFiles(...files);

    expect(second.created).toBe(0);
    expect(second.updated).toBe(first.created);
    expect(await objectCount()).toBe(first.created);
  });

  it('says Updated for an existing project', async () => {
    await importFiles(corpusFile(ENROLLMENT));
    const result = await stagecraft('import', corpusFile(ENROLLMENT), '--project', project);

    expect(result.stdout).toBe(
      'Updated demo.stagecraft: imported 1 file, 0 objects created, 12 updated.\n',
    );
  });

  it('imports an .akflow file', async () => {
    const output = await importFiles(corpusFile('default/default-source-authentication.akflow'));
    const info = parseJsonOutput(await stagecraft('info', '--project', project, '--json'));
    const flows = info.flows as { slug: string }[];

    expect(output.created).toBeGreaterThan(0);
    expect(flows.map((flow) => flow.slug)).toEqual(['default-source-authentication']);
  });

  it('imports a file with validation errors by default', async () => {
    const file = sharedPath('cases/01-keyof-forward-reference/blueprint.yaml');
    const result = await stagecraft('import', file, '--project', project);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('blueprint.yaml:9:15: error keyof-forward:');
  });
});

describe('import --strict', () => {
  const file = (): string => sharedPath('cases/01-keyof-forward-reference/blueprint.yaml');

  it('rejects a file with a validation error', async () => {
    const result = await stagecraft('import', file(), '--project', project, '--strict');

    expect(result.code).toBe(5);
    expect(result.stderr).toContain('blueprint.yaml:9:15:');
    expect(result.stderr).toContain('nothing was imported');
  });

  it('leaves no project behind', async () => {
    await stagecraft('import', file(), '--project', project, '--strict');

    expect(projectFiles()).toEqual([]);
  });

  it('reports the problems in JSON', async () => {
    const result = await stagecraft('import', file(), '--project', project, '--strict', '--json');
    const { ok, error } = parseJsonOutput(result) as {
      ok: boolean;
      error: { code: string; message: string; data: { problems: unknown[] } };
    };

    expect(ok).toBe(false);
    expect(error.code).toBe('blueprint-invalid');
    expect(error.data.problems).toHaveLength(2);
  });

  it('accepts a file with warnings only', async () => {
    const result = await stagecraft(
      'import',
      corpusFile(ENROLLMENT),
      '--project',
      project,
      '--strict',
    );

    expect(result.code).toBe(0);
  });
});

interface BadInput {
  name: string;
  /** Writes the file into the folder and returns its path, or returns a reference file's path. */
  create: (folder: string) => string;
  exit: number;
  code: string;
  /** Text the message must contain besides the file name. */
  message: string;
}

function aliasBomb(): string {
  const lines = ['version: 1', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
  for (let level = 1; level <= 8; level++) {
    const previous = `*a${level - 1}`;
    lines.push(`a${level}: &a${level} [${Array(10).fill(previous).join(', ')}]`);
  }
  lines.push('entries: []', '');

  return lines.join('\n');
}

function largeBlueprint(bytes: number): string {
  const entry =
    '  - model: authentik_stages_user_login.userloginstage\n    identifiers: {name: login}\n';
  const count = Math.ceil(bytes / entry.length);

  return `version: 1\nentries:\n${entry.repeat(count)}`;
}

function binaryBytes(): Buffer {
  return Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 31 + 7) % 256));
}

const BAD_INPUTS: BadInput[] = [
  {
    name: 'a version 2 file',
    create: () => corpusFile('test.yaml'),
    exit: 5,
    code: 'blueprint-invalid',
    message: 'Set `version: 1`',
  },
  {
    name: 'malformed YAML',
    create: (folder) => write(folder, 'malformed.yaml', 'version: 1\nentries: [\n'),
    exit: 4,
    code: 'yaml-syntax',
    message: 'invalid YAML',
  },
  {
    name: 'an unknown tag',
    create: (folder) =>
      write(folder, 'tag.yaml', 'version: 1\nentries:\n  - model: !Lookup flow\n'),
    exit: 4,
    code: 'yaml-unknown-tag',
    message: 'unknown YAML tag !Lookup',
  },
  {
    name: 'an alias bomb',
    create: (folder) => write(folder, 'bomb.yaml', aliasBomb()),
    exit: 4,
    code: 'yaml-alias-limit',
    message: 'aliases',
  },
  {
    name: 'a 50 MB file',
    create: (folder) => write(folder, 'large.yaml', largeBlueprint(50 * 1024 * 1024)),
    exit: 4,
    code: 'file-too-large',
    message: 'more than the 16.0 MiB',
  },
  {
    name: 'binary data',
    create: (folder) => write(folder, 'binary.yaml', binaryBytes()),
    exit: 4,
    code: 'file-binary',
    message: 'not UTF-8 text',
  },
  {
    name: 'an empty file',
    create: (folder) => write(folder, 'empty.yaml', ''),
    exit: 4,
    code: 'file-empty',
    message: 'no YAML content',
  },
  {
    name: 'a missing file',
    create: (folder) => join(folder, 'missing.yaml'),
    exit: 3,
    code: 'file-not-found',
    message: 'does not exist',
  },
];

function write(folder: string, name: string, content: string | Buffer): string {
  const path = join(folder, name);
  writeFileSync(path, content);

  return path;
}

function fileName(path: string): string {
  return path.split('/').pop() ?? path;
}

describe('import of files that must be rejected', () => {
  for (const input of BAD_INPUTS) {
    describe(input.name, () => {
      it('exits with the documented code', async () => {
        const file = input.create(folder);
        const result = await stagecraft('import', file, '--project', project);

        expect(result.code).toBe(input.exit);
      });

      it('names the file and the fault', async () => {
        const file = input.create(folder);
        const result = await stagecraft('import', file, '--project', project);

        expect(result.stderr).toMatch(/^stagecraft: /);
        expect(result.stderr).toContain(fileName(file));
        expect(result.stderr).toContain(input.message);
      });

      it('reports the error code in JSON', async () => {
        const file = input.create(folder);
        const result = await stagecraft('import', file, '--project', project, '--json');
        const output = parseJsonOutput(result) as {
          ok: boolean;
          error: { code: string; message: string; data: Record<string, unknown> };
        };

        expect(output.ok).toBe(false);
        expect(output.error.code).toBe(input.code);
        expect(output.error.message).toContain(fileName(file));
        expect(typeof output.error.data).toBe('object');
      });

      it('leaves an existing project byte-identical', async () => {
        await importFiles(corpusFile(ENROLLMENT));
        const before = hashFile(project);
        const file = input.create(folder);
        await stagecraft('import', corpusFile(AUTHENTICATION), file, '--project', project);

        expect(hashFile(project)).toBe(before);
        expect(projectFiles()).toEqual(['demo.stagecraft']);
      });

      it('creates no project file', async () => {
        const file = input.create(folder);
        await stagecraft('import', corpusFile(AUTHENTICATION), file, '--project', project);

        expect(projectFiles()).toEqual([]);
      });
    });
  }
});

describe('import into a damaged project', () => {
  async function damagedCopy(damage: (path: string) => void): Promise<string> {
    await importFiles(corpusFile(ENROLLMENT));
    const copy = join(folder, 'damaged.stagecraft');
    copyFileSync(project, copy);
    damage(copy);

    return copy;
  }

  // Overwrites the first bytes of an index's root page. Reading rows never touches that index,
  // so only SQLite's integrity check notices.
  function damageIndexPage(path: string): void {
    const db = new Database(path, { readonly: true });
    const index = db
      .prepare<[], { rootpage: number }>(
        "SELECT rootpage FROM sqlite_schema WHERE name = 'sqlite_autoindex_objects_1'",
      )
      .get();
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    if (index === undefined) {
      throw new Error('the project has no index sqlite_autoindex_objects_1 to damage');
    }

    const descriptor = openSync(path, 'r+');
    writeSync(descriptor, Buffer.alloc(4, 0xff), 0, 4, (index.rootpage - 1) * pageSize);
    closeSync(descriptor);
  }

  function damageRowData(path: string): void {
    const db = new Database(path);
    db.exec('UPDATE objects SET data = \'{"uid":\'');
    db.close();
  }

  async function importInto(copy: string): Promise<{ code: number; error: ErrorOutput }> {
    const result = await stagecraft(
      'import',
      corpusFile(AUTHENTICATION),
      '--project',
      copy,
      '--json',
    );
    const { error } = parseJsonOutput(result) as { error: ErrorOutput };

    return { code: result.code, error };
  }

  const damages: [string, (path: string) => void][] = [
    ['a truncated file', (path) => truncateSync(path, Math.floor(statSync(path).size / 3))],
    ['a damaged index page', damageIndexPage],
  ];

  for (const [name, damage] of damages) {
    it(`rejects ${name} unchanged`, async () => {
      const copy = await damagedCopy(damage);
      const before = hashFile(copy);
      const { code, error } = await importInto(copy);

      expect(code).toBe(6);
      expect(error.code).toBe('project-corrupt');
      expect(error.message).toContain('restore it from a backup');
      expect(hashFile(copy)).toBe(before);
    });
  }

  it('rejects a blueprint as not a project', async () => {
    const copy = await damagedCopy((path) => writeFileSync(path, 'version: 1\nentries: []\n'));
    const before = hashFile(copy);
    const { code, error } = await importInto(copy);

    expect(code).toBe(6);
    expect(error.code).toBe('project-not-stagecraft');
    expect(error.message).toContain('looks like a blueprint YAML file');
    expect(hashFile(copy)).toBe(before);
  });

  it('rejects damaged row data', async () => {
    const copy = await damagedCopy(damageRowData);
    const { code, error } = await importInto(copy);

    expect(code).toBe(6);
    expect(error.code).toBe('project-corrupt');
    expect(error.message).toContain('table objects, row');
  });

  it('leaves damaged row data byte-identical', async () => {
    const copy = await damagedCopy(damageRowData);
    const before = hashFile(copy);
    await importInto(copy);

    expect(hashFile(copy)).toBe(before);
  });
});

describe('import into a read-only folder', () => {
  // Prepares a folder that only root may write, readable by everyone, with the inputs inside.
  function lockedFolder(withProject: boolean): string {
    chmodSync(folder, 0o755);
    const locked = join(folder, 'locked');
    mkdirSync(locked);
    copyFileSync(corpusFile(AUTHENTICATION), join(folder, 'authentication.yaml'));
    if (withProject) {
      copyFileSync(project, join(locked, 'demo.stagecraft'));
      // The file stays writable, so that only the folder blocks writing.
      chmodSync(join(locked, 'demo.stagecraft'), 0o666);
    }
    chmodSync(locked, 0o555);

    return locked;
  }

  // Runs the import so that permission bits apply: a child without root's overrides under root,
  // in-process otherwise.
  async function importAsUser(projectPath: string): Promise<CliResult> {
    const argv = ['import', 'authentication.yaml', '--project', projectPath, '--json'];
    if (isRoot) {
      return spawnStagecraft(argv, { cwd: folder, obeyPermissions: true });
    }

    return runStagecraft(argv, { cwd: folder });
  }

  it('rejects an existing project unchanged', async () => {
    await importFiles(corpusFile(ENROLLMENT));
    const locked = lockedFolder(true);
    const before = hashFile(join(locked, 'demo.stagecraft'));

    try {
      const result = await importAsUser(join(locked, 'demo.stagecraft'));
      const output = parseJsonOutput(result) as { error: { code: string } };

      expect(result.code).toBe(6);
      expect(output.error.code).toBe('project-read-only');
      expect(hashFile(join(locked, 'demo.stagecraft'))).toBe(before);
      expect(readdirSync(locked)).toEqual(['demo.stagecraft']);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('creates no new project', async () => {
    const locked = lockedFolder(false);

    try {
      const result = await importAsUser(join(locked, 'new.stagecraft'));
      const output = parseJsonOutput(result) as { error: { code: string } };

      expect(result.code).toBe(6);
      expect(output.error.code).toBe('project-read-only');
      expect(readdirSync(locked)).toEqual([]);
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});
