/**
 * `stagecraft export`: whole projects and chosen flows, references to other flows, secrets that
 * must never be written, output names, and output folders that cannot be written.
 */
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CliResult } from '../support/cli.js';
import { isRoot } from '../support/unprivileged.js';
import {
  hashFile,
  makeCliFolder,
  parseBlueprintText,
  parseJsonOutput,
  runStagecraft,
  spawnStagecraft,
} from '../support/cli.js';
import { corpusRoot, sharedPath } from '../unit/validate-support.js';

// Root passes every permission check, so permission tests spawn the command as this user.

interface Entry {
  model: string;
  id?: string;
  identifiers: Record<string, unknown>;
  attrs?: Record<string, unknown>;
}

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

function stagecraft(...argv: string[]): Promise<CliResult> {
  return runStagecraft(argv, { cwd: folder });
}

async function importFiles(...files: string[]): Promise<void> {
  const result = await stagecraft('import', ...files, '--project', project);
  if (result.code !== 0) {
    throw new Error(`import failed with exit ${result.code}:\n${result.stderr}`);
  }
}

async function importCorpus(...files: string[]): Promise<void> {
  await importFiles(...files.map((file) => join(corpusRoot(), 'default', file)));
}

function entriesOf(text: string): Entry[] {
  return parseBlueprintText(text).entries as Entry[];
}

function slugsOf(entries: Entry[]): unknown[] {
  return entries
    .filter((entry) => entry.model === 'authentik_flows.flow')
    .map((entry) => entry.identifiers.slug);
}

function countModels(entries: Entry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) {
    counts[entry.model] = (counts[entry.model] ?? 0) + 1;
  }

  return counts;
}

describe('export of a whole project', () => {
  beforeEach(async () => {
    await importCorpus(
      'flow-default-source-enrollment.yaml',
      'flow-default-source-authentication.yaml',
    );
  });

  it('writes the blueprint to standard output', async () => {
    const result = await stagecraft('export', '--project', project);
    const document = parseBlueprintText(result.stdout);

    expect(result.code).toBe(0);
    expect(document.version).toBe(1);
    expect(document.metadata).toEqual({ name: 'demo' });
    expect(entriesOf(result.stdout)).toHaveLength(17);
  });

  it('uses --name as the metadata name', async () => {
    const result = await stagecraft('export', '--project', project, '--name', 'Discord login');

    expect(parseBlueprintText(result.stdout).metadata).toEqual({ name: 'Discord login' });
  });

  it('writes --out and prints a summary', async () => {
    const result = await stagecraft('export', '--project', project, '--out', 'login.yaml');

    expect(result.code).toBe(0);
    expect(result.stdout).toBe('Wrote login.yaml: 17 entries.\n');
    expect(entriesOf(readFileSync(join(folder, 'login.yaml'), 'utf8'))).toHaveLength(17);
  });

  it('prints warnings of the output on stderr', async () => {
    const result = await stagecraft('export', '--project', project, '--out', 'login.yaml');

    expect(result.stderr).toMatch(/^login\.yaml:\d+:\d+: warning field-required: /m);
  });

  it('prints the result as JSON', async () => {
    const result = await stagecraft('export', '--project', project, '--json');
    const output = parseJsonOutput(result);

    expect(output.ok).toBe(true);
    expect(output.out).toBeNull();
    expect(output.objectCount).toBe(17);
    expect(output.env).toEqual([]);
    expect(entriesOf(output.text as string)).toHaveLength(17);
  });

  it('gives each JSON problem a location', async () => {
    const result = await stagecraft('export', '--project', project, '--out', 'x.yaml', '--json');
    const output = parseJsonOutput(result);
    const problems = output.problems as Record<string, unknown>[];

    expect(output.out).toBe(join(folder, 'x.yaml'));
    expect(output.text).toBeUndefined();
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) {
      expect(problem.file).toBe('x.yaml');
      expect(typeof problem.line).toBe('number');
      expect(typeof problem.column).toBe('number');
    }
  });

  it('rejects a missing project', async () => {
    const result = await stagecraft('export', '--project', 'missing.stagecraft', '--json');
    const { error } = parseJsonOutput(result) as { error: { code: string; message: string } };

    expect(result.code).toBe(3);
    expect(error.code).toBe('project-not-found');
    expect(error.message).toContain('stagecraft import FILE --project missing.stagecraft');
  });
});

describe('export --flow', () => {
  beforeEach(async () => {
    await importCorpus(
      'flow-password-change.yaml',
      'flow-default-authentication-flow.yaml',
      'flow-default-authenticator-totp-setup.yaml',
    );
  });

  it('selects the flow with its stages, bindings and policies', async () => {
    const result = await stagecraft(
      'export',
      '--project',
      project,
      '--flow',
      'default-authentication-flow',
    );
    const entries = entriesOf(result.stdout);

    expect(result.code).toBe(0);
    expect(slugsOf(entries)).toEqual(['default-authentication-flow']);
    expect(countModels(entries)).toEqual({
      'authentik_flows.flow': 1,
      'authentik_flows.flowstagebinding': 4,
      'authentik_policies.policybinding': 1,
      'authentik_policies_expression.expressionpolicy': 1,
      'authentik_stages_authenticator_validate.authenticatorvalidatestage': 1,
      'authentik_stages_identification.identificationstage': 1,
      'authentik_stages_password.passwordstage': 1,
      'authentik_stages_user_login.userloginstage': 1,
    });
  });

  it('writes a reference to another flow as !Find', async () => {
    const result = await stagecraft(
      'export',
      '--project',
      project,
      '--flow',
      'default-authentication-flow',
    );
    const password = entriesOf(result.stdout).find(
      (entry) => entry.model === 'authentik_stages_password.passwordstage',
    );

    expect(password?.attrs?.configure_flow).toEqual({
      $tag: 'Find',
      value: ['authentik_flows.flow', ['slug', 'default-password-change']],
    });
  });

  it('refers to its own flow with !KeyOf', async () => {
    const result = await stagecraft(
      'export',
      '--project',
      project,
      '--flow',
      'default-authenticator-totp-setup',
    );
    const entries = entriesOf(result.stdout);
    const flow = entries.find((entry) => entry.model === 'authentik_flows.flow');
    const stage = entries.find((entry) => entry.model.includes('authenticatortotpstage'));

    expect(stage?.attrs?.configure_flow).toEqual({ $tag: 'KeyOf', value: flow?.id });
  });

  it('takes several flows', async () => {
    const result = await stagecraft(
      'export',
      '--project',
      project,
      '--flow',
      'default-password-change',
      '--flow',
      'default-authenticator-totp-setup',
    );

    expect(slugsOf(entriesOf(result.stdout)).sort()).toEqual([
      'default-authenticator-totp-setup',
      'default-password-change',
    ]);
  });

  it('lists the known slugs for an unknown flow', async () => {
    const result = await stagecraft('export', '--project', project, '--flow', 'nope');

    expect(result.code).toBe(3);
    expect(result.stderr).toBe(
      'stagecraft: no flow with slug "nope"; the project has: default-authentication-flow, ' +
        'default-authenticator-totp-setup, default-password-change\n',
    );
  });

  it('lists the known slugs in JSON', async () => {
    const result = await stagecraft('export', '--project', project, '--flow', 'nope', '--json');
    const { ok, error } = parseJsonOutput(result) as {
      ok: boolean;
      error: { code: string; data: { known: string[] } };
    };

    expect(ok).toBe(false);
    expect(error.code).toBe('flow-not-found');
    expect(error.data.known).toEqual([
      'default-authentication-flow',
      'default-authenticator-totp-setup',
      'default-password-change',
    ]);
  });
});

describe('export of secrets', () => {
  const LITERAL_SECRET = 's3cr3t-value';

  function literalSecretBlueprint(): string {
    const path = join(folder, 'literal-secret.yaml');
    writeFileSync(
      path,
      [
        'version: 1',
        'metadata:',
        '  name: Literal secret',
        'entries:',
        '  - model: authentik_sources_oauth.oauthsource',
        '    identifiers:',
        '      slug: discord',
        '    attrs:',
        '      name: Discord',
        '      provider_type: discord',
        '      consumer_key: "900000000000000007"',
        `      consumer_secret: ${LITERAL_SECRET}`,
        '',
      ].join('\n'),
    );

    return path;
  }

  /** Reads the bytes of the project file and of any SQLite side file next to it. */
  function projectBytes(): Buffer {
    const names = readdirSync(folder).filter((name) => name.startsWith('demo.stagecraft'));

    return Buffer.concat(names.map((name) => readFileSync(join(folder, name))));
  }

  it('writes a missing secret as !Env', async () => {
    await importFiles(sharedPath('cases/07-export-omits-write-only-secret/exported-source.yaml'));
    const result = await stagecraft('export', '--project', project);
    const [source] = entriesOf(result.stdout);

    expect(result.code).toBe(0);
    expect(source?.attrs?.consumer_secret).toEqual({
      $tag: 'Env',
      value: ['DISCORD_CLIENT_SECRET'],
    });
  });

  it('lists the variable on stderr', async () => {
    await importFiles(sharedPath('cases/07-export-omits-write-only-secret/exported-source.yaml'));
    const result = await stagecraft('export', '--project', project);

    expect(result.stderr).toContain(
      'The blueprint reads these environment variables on the server:\n' +
        '  DISCORD_CLIENT_SECRET  (authentik_sources_oauth.oauthsource discord: consumer_secret)\n',
    );
  });

  it('lists the variable in JSON', async () => {
    await importFiles(sharedPath('cases/07-export-omits-write-only-secret/exported-source.yaml'));
    const result = await stagecraft('export', '--project', project, '--json');
    const env = parseJsonOutput(result).env as Record<string, unknown>[];

    expect(env).toHaveLength(1);
    expect(env[0]).toMatchObject({
      name: 'DISCORD_CLIENT_SECRET',
      model: 'authentik_sources_oauth.oauthsource',
      field: 'consumer_secret',
    });
  });

  it('warns on import that a literal secret is not stored', async () => {
    const result = await stagecraft('import', literalSecretBlueprint(), '--project', project);

    expect(result.stderr).toContain(
      'warning: authentik_sources_oauth.oauthsource consumer_secret in literal-secret.yaml ' +
        'was not stored; exports read it from the environment variable DISCORD_CLIENT_SECRET\n',
    );
  });

  it('keeps a literal secret out of the project file', async () => {
    await importFiles(literalSecretBlueprint());

    expect(projectBytes().includes(LITERAL_SECRET)).toBe(false);
  });

  it('keeps a literal secret out of the output', async () => {
    await importFiles(literalSecretBlueprint());
    const stdout = await stagecraft('export', '--project', project);
    const file = await stagecraft('export', '--project', project, '--out', 'out.yaml');
    const json = await stagecraft('export', '--project', project, '--json');
    const written = readFileSync(join(folder, 'out.yaml'), 'utf8');

    expect(stdout.stdout + stdout.stderr).not.toContain(LITERAL_SECRET);
    expect(file.stdout + file.stderr).not.toContain(LITERAL_SECRET);
    expect(json.stdout).not.toContain(LITERAL_SECRET);
    expect(written).not.toContain(LITERAL_SECRET);
    expect(written).toContain('consumer_secret: !Env [DISCORD_CLIENT_SECRET]');
  });
});

describe('export output names', () => {
  beforeEach(async () => {
    await importCorpus('flow-default-source-authentication.yaml');
  });

  it('rejects --out with .akflow', async () => {
    const result = await stagecraft('export', '--project', project, '--out', 'login.akflow');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('use --out login.yaml');
    expect(existsSync(join(folder, 'login.akflow'))).toBe(false);
  });

  it('rejects --out with .yml', async () => {
    const result = await stagecraft('export', '--project', project, '--out', 'login.yml');

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('use --out login.yaml');
  });
});

describe('export with validation errors', () => {
  const file = (): string => sharedPath('cases/06-exported-flow-hardcoded-pk/blueprint.yaml');

  beforeEach(async () => {
    await importFiles(file());
  });

  it('rejects writing an invalid blueprint', async () => {
    const result = await stagecraft('export', '--project', project, '--out', 'x.yaml');

    expect(result.code).toBe(5);
    expect(result.stderr).toContain('pass --allow-errors');
    expect(existsSync(join(folder, 'x.yaml'))).toBe(false);
  });

  it('writes it with --allow-errors', async () => {
    const result = await stagecraft(
      'export',
      '--project',
      project,
      '--out',
      'x.yaml',
      '--allow-errors',
    );

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^x\.yaml:\d+:\d+: error pk-dangling: /m);
    expect(existsSync(join(folder, 'x.yaml'))).toBe(true);
  });
});

describe('export reordering', () => {
  it('moves entries so that !KeyOf points up', async () => {
    await importFiles(sharedPath('cases/01-keyof-forward-reference/blueprint.yaml'));
    const result = await stagecraft('export', '--project', project);
    const models = entriesOf(result.stdout).map((entry) => entry.model);

    expect(result.code).toBe(0);
    expect(models.at(-1)).toBe('authentik_flows.flowstagebinding');
  });
});

describe('export into a folder that cannot be written', () => {
  // A folder only root may write, readable by everyone, with the project next to it and an
  // earlier export inside it.
  function lockedFolder(): { locked: string; previous: string } {
    chmodSync(folder, 0o755);
    const locked = join(folder, 'locked');
    mkdirSync(locked);
    const previous = join(locked, 'login.yaml');
    writeFileSync(previous, 'version: 1\nentries: []\n');
    // The file stays writable, so that only the folder blocks writing.
    chmodSync(previous, 0o666);
    chmodSync(locked, 0o555);

    return { locked, previous };
  }

  async function exportAsUser(out: string): Promise<CliResult> {
    const argv = ['export', '--project', 'demo.stagecraft', '--out', out, '--json'];
    if (isRoot) {
      return spawnStagecraft(argv, { cwd: folder, obeyPermissions: true });
    }

    return runStagecraft(argv, { cwd: folder });
  }

  beforeEach(async () => {
    await importCorpus('flow-default-source-authentication.yaml');
    chmodSync(project, 0o666);
  });

  it('fails with write-failed', async () => {
    const { locked } = lockedFolder();

    try {
      const result = await exportAsUser('locked/login.yaml');
      const { error } = parseJsonOutput(result) as { error: { code: string; message: string } };

      expect(result.code).toBe(3);
      expect(error.code).toBe('write-failed');
      expect(error.message).toContain(join(locked, 'login.yaml'));
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('leaves the earlier file whole', async () => {
    const { locked, previous } = lockedFolder();
    const before = hashFile(previous);

    try {
      await exportAsUser('locked/login.yaml');

      expect(hashFile(previous)).toBe(before);
      expect(readdirSync(locked)).toEqual(['login.yaml']);
    } finally {
      chmodSync(locked, 0o755);
    }
  });

  it('leaves no file behind', async () => {
    const { locked } = lockedFolder();

    try {
      await exportAsUser('locked/new.yaml');

      expect(readdirSync(locked)).toEqual(['login.yaml']);
    } finally {
      chmodSync(locked, 0o755);
    }
  });
});

describe('export into a missing folder', () => {
  beforeEach(async () => {
    await importCorpus('flow-default-source-authentication.yaml');
  });

  it('names the missing folder', async () => {
    const result = await stagecraft(
      'export',
      '--project',
      'demo.stagecraft',
      '--out',
      'gone/x.yaml',
    );

    expect(result.code).toBe(3);
    expect(result.stderr).toContain(`the folder ${join(folder, 'gone')} does not exist`);
  });

  it('leaves the temporary name out', async () => {
    const result = await stagecraft(
      'export',
      '--project',
      'demo.stagecraft',
      '--out',
      'gone/x.yaml',
    );

    expect(result.stderr).not.toContain('.tmp');
  });
});
