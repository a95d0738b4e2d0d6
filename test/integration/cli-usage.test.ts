/**
 * Invalid command lines exit 2 and show how to call the command; `--help` and `--version` exit 0.
 */
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { ProjectStore } from '../../main/project/index.js';

import type { CliResult } from '../support/cli.js';
import { makeCliFolder, parseJsonOutput, runStagecraft } from '../support/cli.js';

const GENERAL_USAGE = 'Usage: stagecraft <command> [options]';

let folder: string;
let removeFolder: () => void;

beforeEach(() => {
  ({ folder, remove: removeFolder } = makeCliFolder());
});

afterEach(() => {
  removeFolder();
});

function stagecraft(...argv: string[]): Promise<CliResult> {
  return runStagecraft(argv, { cwd: folder });
}

describe('unknown command', () => {
  it('exits 2 with the command list', async () => {
    const result = await stagecraft('simulat');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      'stagecraft: unknown command "simulat"; the commands are import, export, validate, info',
    );
    expect(result.stderr).toContain('Run `stagecraft --help` for the commands.');
  });

  it('leaves the general help out', async () => {
    const result = await stagecraft('simulat');

    expect(result.stderr).not.toContain(GENERAL_USAGE);
  });

  it('reports usage in JSON', async () => {
    const result = await stagecraft('simulat', '--json');
    const { ok, error } = parseJsonOutput(result) as {
      ok: boolean;
      error: { code: string; message: string; data: unknown };
    };

    expect(result.code).toBe(2);
    expect(ok).toBe(false);
    expect(error.code).toBe('usage');
    expect(error.data).toEqual({});
  });
});

describe('missing --project', () => {
  const commands: [string, string[]][] = [
    ['import', ['import', 'flow.yaml']],
    ['export', ['export']],
    ['info', ['info']],
  ];

  for (const [name, argv] of commands) {
    it(`exits 2 for ${name}`, async () => {
      const result = await stagecraft(...argv);

      expect(result.code).toBe(2);
      expect(result.stderr).toContain('missing --project FILE');
      expect(result.stderr).toContain(`Run \`stagecraft ${name} --help\` for the options.`);
    });
  }

  it('exits 2 for validate without files', async () => {
    const result = await stagecraft('validate');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('name at least one blueprint file, or --project P');
    expect(result.stderr).toContain('Run `stagecraft validate --help` for the options.');
  });

  it('exits 2 for import without files', async () => {
    const result = await stagecraft('import', '--project', 'demo.stagecraft');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('name at least one blueprint file to import');
  });
});

describe('unknown option', () => {
  it('exits 2 with a pointer to help', async () => {
    const result = await stagecraft('info', '--project', 'demo.stagecraft', '--bogus');

    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      'stagecraft: unknown option --bogus; run `stagecraft info --help` for the options\n',
    );
  });

  it('exits 2 for a missing option value', async () => {
    const result = await stagecraft('info', '--project');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('option --project needs a value (--project VALUE)');
  });

  it('rejects a value for a flag', async () => {
    const result = await stagecraft('info', '--project', 'demo.stagecraft', '--json=yes');

    expect(result.stderr).toContain('option --json takes no value');
  });

  it('leaves the command help out', async () => {
    const result = await stagecraft('export', '--project', 'demo.stagecraft', '--output', 'x');

    expect(result.stderr).not.toContain('Usage: stagecraft export ');
  });

  it('reports usage in JSON', async () => {
    const result = await stagecraft('info', '--frob', '--json');
    const { error } = parseJsonOutput(result) as { error: { code: string; message: string } };

    expect(result.code).toBe(2);
    expect(error.code).toBe('usage');
    expect(error.message).toContain('unknown option --frob');
  });
});

describe('help and version', () => {
  it('exits 2 with the usage when no command is given', async () => {
    const result = await stagecraft();

    expect(result.code).toBe(2);
    expect(result.stdout).toContain(GENERAL_USAGE);
  });

  it('prints the usage for --help', async () => {
    const result = await stagecraft('--help');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain(GENERAL_USAGE);
  });

  for (const command of ['import', 'export', 'validate', 'info']) {
    it(`prints the options of ${command}`, async () => {
      const result = await stagecraft(command, '--help');

      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(new RegExp(`^Usage: stagecraft ${command} `));
    });
  }

  it('prints the version', async () => {
    const result = await stagecraft('--version');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^stagecraft \d+\.\d+\.\d+\n$/);
  });
});

describe('hints', () => {
  it('repeats the project path as given', async () => {
    const result = await stagecraft('info', '--project', 'sub/missing.stagecraft');

    expect(result.code).toBe(3);
    expect(result.stderr).toContain('stagecraft import FILE --project sub/missing.stagecraft');
  });

  it('tells how to save a first scenario', async () => {
    ProjectStore.create(join(folder, 'empty.stagecraft'), { name: 'empty' }).close();
    const result = await stagecraft('test', '--project', 'empty.stagecraft');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('--save-scenario NAME');
  });
});
