/** `stagecraft info`: flows, objects by model and history of a project, as text and as JSON. */
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { CliResult } from '../support/cli.js';
import { hashFile, makeCliFolder, parseJsonOutput, runStagecraft } from '../support/cli.js';
import { corpusRoot } from '../unit/validate-support.js';

let folder: string;
let removeFolder: () => void;
let project: string;

beforeEach(async () => {
  ({ folder, remove: removeFolder } = makeCliFolder());
  project = join(folder, 'demo.stagecraft');
  const files = [
    'flow-default-source-enrollment.yaml',
    'flow-default-source-authentication.yaml',
  ].map((file) => join(corpusRoot(), 'default', file));
  const result = await stagecraft('import', ...files, '--project', project);
  if (result.code !== 0) {
    throw new Error(`import failed with exit ${result.code}:\n${result.stderr}`);
  }
});

afterEach(() => {
  removeFolder();
});

function stagecraft(...argv: string[]): Promise<CliResult> {
  return runStagecraft(argv, { cwd: folder });
}

describe('info', () => {
  it('shows the project summary', async () => {
    const result = await stagecraft('info', '--project', 'demo.stagecraft');

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Project     demo (demo.stagecraft)\n');
    expect(result.stdout).toContain('authentik   2025.12\n');
    expect(result.stdout).toContain('Objects     17\n');
    expect(result.stdout).toContain('History     1 step\n');
  });

  it('lists the flows with their bindings', async () => {
    const result = await stagecraft('info', '--project', 'demo.stagecraft');

    expect(result.stdout).toMatch(
      /^ {2}default-source-enrollment +enrollment +3 stages, 2 policy bindings$/m,
    );
    expect(result.stdout).toMatch(
      /^ {2}default-source-authentication +authentication +1 stage, 1 policy binding$/m,
    );
  });

  it('counts the objects by model', async () => {
    const result = await stagecraft('info', '--project', 'demo.stagecraft');

    expect(result.stdout).toMatch(/^ {2}authentik_flows\.flowstagebinding +4$/m);
  });

  it('prints the project as JSON', async () => {
    const output = parseJsonOutput(await stagecraft('info', '--project', project, '--json'));

    expect(output.ok).toBe(true);
    expect(output.project).toBe(project);
    expect(output.name).toBe('demo');
    expect(output.objectCount).toBe(17);
    expect(output.history).toBe(1);
    expect(output.flows).toEqual([
      {
        slug: 'default-source-enrollment',
        name: 'Welcome to authentik! Please select a username.',
        designation: 'enrollment',
        stageBindings: 3,
        policyBindings: 2,
      },
      {
        slug: 'default-source-authentication',
        name: 'Welcome to authentik!',
        designation: 'authentication',
        stageBindings: 1,
        policyBindings: 1,
      },
    ]);
    expect(output.models).toMatchObject({
      'authentik_flows.flow': 2,
      'authentik_flows.flowstagebinding': 4,
      'authentik_policies.policybinding': 3,
    });
  });

  it('leaves the project byte-identical', async () => {
    const before = hashFile(project);
    await stagecraft('info', '--project', project);

    expect(hashFile(project)).toBe(before);
  });

  it('rejects a missing project', async () => {
    const result = await stagecraft('info', '--project', 'missing.stagecraft', '--json');
    const { error } = parseJsonOutput(result) as { error: { code: string } };

    expect(result.code).toBe(3);
    expect(error.code).toBe('project-not-found');
  });
});
