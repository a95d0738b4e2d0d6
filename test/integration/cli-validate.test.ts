/**
 * `stagecraft validate` on authentik's own blueprints, on the failure cases and on projects:
 * exit codes, file:line:column output and the `--json` document.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CliResult } from '../support/cli.js';
import { makeCliFolder, parseJsonOutput, runStagecraft } from '../support/cli.js';
import { corpusRoot, sharedPath } from '../unit/validate-support.js';

/**
 * Files of the corpus `default` folder that have validation errors for authentik 2025.12, the
 * same list that the corpus validation unit test pins with the codes. Every other file of the
 * folder validates without errors.
 */
const DEFAULT_FILES_WITH_ERRORS = new Set([
  '20-flow-default-authenticator-webauthn-setup.yaml',
  '20-flow-default-source-enrollment.yaml',
  '90-default-tenant.yaml',
  'default-authenticator-webauthn-setup.akflow',
  'default-source-enrollment.akflow',
  'default-tenant.yaml',
  'default-user-settings-flow.akflow',
  'events-user-security-notifications.yaml',
  'flow-default-account-lockdown.yaml',
  'flow-default-account-selection-flow.yaml',
  'flow-default-authenticator-mobile-setup.yaml',
  'flow-default-authenticator-webauthn-setup.yaml',
  'flow-default-user-selection-flow.yaml',
  'rbac-role-agents.yaml',
]);

interface FileReport {
  file: string;
  problems: Record<string, unknown>[];
  error?: { code: string; message: string };
}

let folder: string;
let removeFolder: () => void;

beforeEach(() => {
  ({ folder, remove: removeFolder } = makeCliFolder());
});

afterEach(() => {
  removeFolder();
});

function validateIn(cwd: string, ...argv: string[]): Promise<CliResult> {
  return runStagecraft(['validate', ...argv], { cwd });
}

function defaultFiles(): string[] {
  return readdirSync(join(corpusRoot(), 'default'))
    .filter((name) => name.endsWith('.yaml') || name.endsWith('.akflow'))
    .sort();
}

describe('validate on the corpus default folder', () => {
  const files = defaultFiles();

  it('finds the pinned files', () => {
    expect([...DEFAULT_FILES_WITH_ERRORS].filter((file) => !files.includes(file))).toEqual([]);
  });

  for (const file of files) {
    const expected = DEFAULT_FILES_WITH_ERRORS.has(file) ? 5 : 0;

    it(`exits ${expected} for ${file}`, async () => {
      const result = await validateIn(join(corpusRoot(), 'default'), file);

      expect(result.code).toBe(expected);
    });
  }

  it('sums up all files in one run', async () => {
    const result = await validateIn(join(corpusRoot(), 'default'), ...files);
    const summary = result.stdout.trim().split('\n').at(-1);

    expect(result.code).toBe(5);
    expect(summary).toMatch(new RegExp(`^\\d+ errors, \\d+ warnings in ${files.length} files\\.$`));
  });
});

describe('validate on the failure cases', () => {
  const casesFolder = (): string => sharedPath('cases');

  it('points at both forward references of case 01', async () => {
    const result = await validateIn(casesFolder(), '01-keyof-forward-reference/blueprint.yaml');
    const lines = result.stdout.split('\n');

    expect(result.code).toBe(5);
    expect(lines[0]).toMatch(
      /^01-keyof-forward-reference\/blueprint\.yaml:9:15: error keyof-forward: /,
    );
    expect(lines[1]).toMatch(
      /^01-keyof-forward-reference\/blueprint\.yaml:10:14: error keyof-forward: /,
    );
    expect(lines[2]).toBe('2 errors, 0 warnings in 1 file.');
  });

  it('warns about the brand default of case 05', async () => {
    const result = await validateIn(
      casesFolder(),
      '05-identifiers-vs-attrs-brand-default/blueprint.yaml',
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^05-identifiers-vs-attrs-brand-default\/blueprint\.yaml:10:7: warning identifier-belongs-in-attrs: /,
    );
    expect(result.stdout).toContain('0 errors, 1 warning in 1 file.');
  });

  it('points at the dangling key of case 06', async () => {
    const result = await validateIn(casesFolder(), '06-exported-flow-hardcoded-pk/blueprint.yaml');

    expect(result.code).toBe(5);
    expect(result.stdout).toMatch(
      /^06-exported-flow-hardcoded-pk\/blueprint\.yaml:23:11: error pk-dangling: /,
    );
  });

  it('prints the problems as JSON', async () => {
    const result = await validateIn(
      casesFolder(),
      '01-keyof-forward-reference/blueprint.yaml',
      '--json',
    );
    const output = parseJsonOutput(result);
    const [report] = output.files as FileReport[];

    expect(output.ok).toBe(false);
    expect(output.errors).toBe(2);
    expect(output.warnings).toBe(0);
    expect(output.unreadable).toBe(0);
    expect(report?.file).toBe(sharedPath('cases/01-keyof-forward-reference/blueprint.yaml'));
    expect(report?.problems[0]).toMatchObject({
      code: 'keyof-forward',
      severity: 'error',
      line: 9,
      column: 15,
      path: 'identifiers/target',
    });
  });

  it('reports ok for warnings only', async () => {
    const result = await validateIn(
      casesFolder(),
      '05-identifiers-vs-attrs-brand-default/blueprint.yaml',
      '--json',
    );
    const output = parseJsonOutput(result);

    expect(output.ok).toBe(true);
    expect(output.warnings).toBe(1);
  });
});

describe('validate on unreadable files', () => {
  function writeFiles(): void {
    writeFileSync(join(folder, 'broken.yaml'), 'version: 1\nentries: [\n');
    writeFileSync(
      join(folder, 'good.yaml'),
      'version: 1\nmetadata: {name: good}\nentries:\n' +
        '  - model: authentik_stages_user_login.userloginstage\n' +
        '    identifiers: {name: login}\n',
    );
  }

  it('exits 4 and still checks the other files', async () => {
    writeFiles();
    const result = await validateIn(folder, 'broken.yaml', 'good.yaml');

    expect(result.code).toBe(4);
    expect(result.stdout).toMatch(/^broken\.yaml:\d+:\d+: error yaml-syntax: invalid YAML/);
    expect(result.stdout).toContain('1 error, 0 warnings in 2 files (1 file could not be read).');
  });

  it('prints the path once', async () => {
    writeFiles();
    const result = await validateIn(folder, 'broken.yaml');
    const firstLine = result.stdout.split('\n')[0] ?? '';

    expect(firstLine.split('broken.yaml')).toHaveLength(2);
  });

  it('hints at a cut-off file', async () => {
    writeFiles();
    const result = await validateIn(folder, 'broken.yaml');

    expect(result.stdout).toContain('The file ends here, so it may be cut off');
  });

  it('adds the top-level error in JSON', async () => {
    writeFiles();
    const result = await validateIn(folder, 'broken.yaml', 'good.yaml', '--json');
    const { error } = parseJsonOutput(result) as { error?: { code: string; message: string } };

    expect(error?.code).toBe('yaml-syntax');
    expect(error?.message).toContain('broken.yaml');
  });

  it('reports the read error in JSON', async () => {
    writeFiles();
    const result = await validateIn(folder, 'broken.yaml', 'good.yaml', '--json');
    const output = parseJsonOutput(result);
    const [broken, good] = output.files as FileReport[];

    expect(output.ok).toBe(false);
    expect(output.unreadable).toBe(1);
    expect(broken?.error?.code).toBe('yaml-syntax');
    expect(good?.error).toBeUndefined();
  });

  it('exits 4 for a missing file', async () => {
    const result = await validateIn(folder, 'missing.yaml', '--json');
    const [report] = parseJsonOutput(result).files as FileReport[];

    expect(result.code).toBe(4);
    expect(report?.error?.code).toBe('file-not-found');
  });
});

describe('validate --project', () => {
  const project = (): string => join(folder, 'demo.stagecraft');

  async function importCase(path: string): Promise<void> {
    const result = await runStagecraft(['import', sharedPath(path), '--project', project()], {
      cwd: folder,
    });
    if (result.code !== 0) {
      throw new Error(`import failed with exit ${result.code}:\n${result.stderr}`);
    }
  }

  it('exits 0 for a project without errors', async () => {
    await importCase('corpus/authentik/blueprints/default/flow-default-source-authentication.yaml');
    const result = await validateIn(folder, '--project', 'demo.stagecraft');

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/0 errors, \d+ warnings? in the project\.\n$/);
  });

  it('exits 5 for a project with errors', async () => {
    await importCase('cases/06-exported-flow-hardcoded-pk/blueprint.yaml');
    const result = await validateIn(folder, '--project', 'demo.stagecraft', '--json');
    const output = parseJsonOutput(result);
    const [report] = output.files as FileReport[];

    expect(result.code).toBe(5);
    expect(report?.file).toBe(project());
    expect(report?.problems.map((problem) => problem.code)).toContain('pk-dangling');
  });

  it('adds blueprint-invalid as the JSON error', async () => {
    await importCase('cases/06-exported-flow-hardcoded-pk/blueprint.yaml');
    const result = await validateIn(folder, '--project', 'demo.stagecraft', '--json');
    const { error } = parseJsonOutput(result) as { error?: { code: string; message: string } };

    expect(error?.code).toBe('blueprint-invalid');
    expect(error?.message).toMatch(/^validation failed: \d+ errors?, \d+ warnings? in the project/);
  });

  it('keeps ids local to each sample file', async () => {
    const samples = ['sample-flows.yaml', 'discord-guild-gate.yaml'].map((name) =>
      fileURLToPath(new URL(`../../assets/sample/${name}`, import.meta.url)),
    );
    const imported = await runStagecraft(['import', ...samples, '--project', project()], {
      cwd: folder,
    });
    expect(imported.code, imported.stderr).toBe(0);
    const result = await validateIn(folder, '--project', 'demo.stagecraft', '--json');
    const [report] = parseJsonOutput(result).files as FileReport[];
    const codes = report?.problems.map((problem) => problem.code) ?? [];

    expect(result.code).toBe(0);
    expect(codes).not.toContain('id-duplicate');
  });

  it('rejects files and --project together', async () => {
    const result = await validateIn(folder, 'x.yaml', '--project', 'demo.stagecraft');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('give either FILE... or --project P, not both');
  });

  it('rejects a missing project', async () => {
    const result = await validateIn(folder, '--project', 'missing.stagecraft');

    expect(result.code).toBe(3);
  });
});
