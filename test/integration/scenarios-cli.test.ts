/**
 * Saved scenarios end to end: `stagecraft simulate --source ... --save-scenario`, then
 * `stagecraft test` on the Discord sample project with scenarios that pass and scenarios that
 * fail, through the in-process CLI and the real Python pool. Also the scenario format's checks.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { useSimulatorEvaluator } from '../../main/cli/simulate.js';
import { ProjectStore } from '../../main/project/index.js';
import { createPythonPool } from '../../main/python/pool.js';
import type { PythonPool } from '../../main/python/pool.js';
import type { Scenario } from '../../main/scenarios/scenario.js';
import { parseScenario } from '../../main/scenarios/scenario.js';
import { loadScenario, saveScenario } from '../../main/scenarios/store.js';
import { makeCliFolder, parseJsonOutput, runStagecraft } from '../support/cli.js';
import { SAMPLE_FILE } from './discord-support.js';

let pool: PythonPool;
let folder: string;
let remove: () => void;
let project: string;
let openProject: string;

const MAPPING_ERROR = "Failed to evaluate property mapping: 'discord-avatar-attributes'";

function cli(...argv: string[]) {
  return runStagecraft(argv, { cwd: folder });
}

function editScenario(path: string, name: string, change: (scenario: Scenario) => void): void {
  const store = ProjectStore.open(path);
  try {
    const scenario = loadScenario(store, name);
    change(scenario);
    saveScenario(store, scenario);
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  ({ folder, remove } = makeCliFolder());
  pool = createPythonPool({ size: 1 });
  useSimulatorEvaluator(pool);
  await pool.ready;

  project = join(folder, 'sample.stagecraft');
  const imported = await cli('import', SAMPLE_FILE, '--project', project);
  if (imported.code !== 0) {
    throw new Error(`Importing the sample failed: ${imported.stderr}`);
  }

  // The sample without its property mapping: the login reaches the flows and their policies.
  const withoutMapping = readFileSync(SAMPLE_FILE, 'utf8').replace(
    /\n {6}user_property_mappings:\n {8}- !KeyOf avatar-mapping/,
    '',
  );
  writeFileSync(join(folder, 'open.yaml'), withoutMapping);
  openProject = join(folder, 'open.stagecraft');
  await cli('import', join(folder, 'open.yaml'), '--project', openProject);
});

afterAll(async () => {
  useSimulatorEvaluator(undefined);
  await pool.close();
  remove();
});

describe('saving a run as a scenario', () => {
  it('saves the outcome of a source login', async () => {
    const result = await cli(
      'simulate',
      '--project',
      project,
      '--source',
      'discord',
      '--persona',
      'member-with-role',
      '--save-scenario',
      'member hits the mapping error',
    );

    expect(result.stdout).toContain(
      `Saved scenario "member hits the mapping error" expecting: error with "${MAPPING_ERROR}"`,
    );
  });

  it('stores persona, source and expectation', async () => {
    await cli(
      'simulate',
      '--project',
      project,
      '--source',
      'discord',
      '--persona',
      'not-a-member',
      '--save-scenario',
      'outsider',
    );
    const store = ProjectStore.open(project, { readOnly: true });
    const scenario = loadScenario(store, 'outsider');
    store.close();

    expect(scenario).toMatchObject({
      version: 1,
      persona: 'not-a-member',
      source: 'discord',
      flow: 'default-source-authentication',
      http: { mode: 'persona' },
      expect: { outcome: 'error', message: MAPPING_ERROR },
    });
  });

  it('needs a project to save into', async () => {
    const result = await cli(
      'simulate',
      SAMPLE_FILE,
      '--flow',
      'default-source-authentication',
      '--save-scenario',
      'x',
    );

    expect(result.code).toBe(2);
  });
});

describe('stagecraft test', () => {
  it('passes scenarios that run as saved', async () => {
    await cli(
      'simulate',
      '--project',
      project,
      '--source',
      'discord',
      '--persona',
      'no-email',
      '--save-scenario',
      'no email',
    );
    const result = await cli('test', '--project', project, '--scenario', 'no email');

    expect([result.code, result.stdout.split('\n')[0]?.startsWith('PASS no email')]).toEqual([
      0,
      true,
    ]);
  });

  it('fails a scenario whose expectation differs', async () => {
    await cli(
      'simulate',
      '--project',
      project,
      '--source',
      'discord',
      '--persona',
      'not-a-member',
      '--save-scenario',
      'outsider is stopped',
    );
    editScenario(project, 'outsider is stopped', (scenario) => {
      scenario.expect = {
        outcome: 'denied',
        message: 'User is not a member of The desired server/guild name in the error message..',
      };
    });
    const result = await cli('test', '--project', project, '--scenario', 'outsider is stopped');

    expect(result.code).toBe(18);
  });

  it('prints each field that differs', async () => {
    const result = await cli('test', '--project', project, '--scenario', 'outsider is stopped');

    expect(result.stdout).toContain('    outcome: expected "denied", got "error"');
  });

  it('counts passed and failed scenarios', async () => {
    const result = await cli(
      'test',
      '--project',
      project,
      '--scenario',
      'no email',
      '--scenario',
      'outsider is stopped',
    );

    expect(result.stdout.trim().split('\n').at(-1)).toBe('2 scenarios: 1 passed, 1 failed.');
  });

  it('reports JSON for scripts', async () => {
    const result = await cli(
      'test',
      '--project',
      project,
      '--scenario',
      'outsider is stopped',
      '--json',
    );
    const json = parseJsonOutput(result) as {
      ok: boolean;
      failed: number;
      results: { differences: unknown[] }[];
    };

    expect([json.ok, json.failed, json.results[0]?.differences.length]).toEqual([false, 1, 2]);
  });

  it('compares the groups of the user after the run', async () => {
    await cli(
      'simulate',
      '--project',
      openProject,
      '--source',
      'discord',
      '--persona',
      'member-with-role',
      '--save-scenario',
      'member joins',
    );
    editScenario(openProject, 'member joins', (scenario) => {
      scenario.expect.groups = ['discord-members'];
    });
    const result = await cli('test', '--project', openProject, '--scenario', 'member joins');

    expect(result.stdout).toContain('    groups: expected ["discord-members"], got []');
  });

  it('passes the completed enrollment it saved', async () => {
    await cli(
      'simulate',
      '--project',
      openProject,
      '--source',
      'discord',
      '--persona',
      'not-a-member',
      '--save-scenario',
      'outsider gets in',
    );
    const result = await cli(
      'test',
      '--project',
      openProject,
      '--scenario',
      'outsider gets in',
      '--json',
    );
    const json = parseJsonOutput(result) as { results: { passed: boolean }[] };

    expect(json.results[0]?.passed).toBe(true);
  });

  it('names an unknown scenario', async () => {
    const result = await cli('test', '--project', project, '--scenario', 'nope');

    expect([result.code, result.stderr]).toEqual([
      3,
      expect.stringContaining('no scenario named "nope"'),
    ]);
  });

  it('rejects a scenario of another format version', async () => {
    const store = ProjectStore.open(project);
    store.scenarios.put({ name: 'future', data: { version: 2, name: 'future' } });
    store.close();
    const result = await cli('test', '--project', project);

    expect([result.code, result.stderr]).toEqual([6, expect.stringContaining('format version 2')]);
  });
});

describe('simulate options', () => {
  it('needs an answer source with --source', async () => {
    const result = await cli('simulate', '--project', openProject, '--source', 'discord');

    expect(result.code).toBe(2);
  });

  it('needs --source for --persona', async () => {
    const result = await cli(
      'simulate',
      '--project',
      openProject,
      '--flow',
      'default-source-enrollment',
      '--persona',
      'not-a-member',
    );

    expect(result.code).toBe(2);
  });

  it('refuses a live login without the client secret', async () => {
    const result = await cli('simulate', '--project', openProject, '--source', 'discord', '--live');

    expect([result.code, result.stderr]).toEqual([
      9,
      expect.stringContaining('$DISCORD_CLIENT_SECRET'),
    ]);
  });

  it('names an unknown source', async () => {
    const result = await cli(
      'simulate',
      '--project',
      openProject,
      '--source',
      'github',
      '--persona',
      'not-a-member',
    );

    expect(result.code).toBe(3);
  });

  it('puts the source login into the JSON trace', async () => {
    const result = await cli(
      'simulate',
      '--project',
      openProject,
      '--source',
      'discord',
      '--persona',
      'member-with-role',
      '--json',
    );
    const json = parseJsonOutput(result) as {
      trace: { source: { action: string; grantedScope: string } };
    };

    expect(json.trace.source).toMatchObject({
      action: 'enroll',
      grantedScope: 'identify email guilds guilds.members.read',
    });
  });
});

describe('scenario format', () => {
  const valid = {
    version: 1,
    name: 'member',
    persona: 'member-with-role',
    source: 'discord',
    expect: { outcome: 'completed' },
  };

  it('accepts a source login without a flow', () => {
    expect(parseScenario(valid, 'member').source).toBe('discord');
  });

  it('needs a flow or a source', () => {
    expect(() => parseScenario({ ...valid, source: undefined }, 'member')).toThrow(
      /flow is missing/,
    );
  });

  it('refuses passwords in inputs', () => {
    expect(() => parseScenario({ ...valid, inputs: { password: ['hunter2'] } }, 'member')).toThrow(
      /scenarios store no secrets/,
    );
  });

  it('refuses an unknown outcome', () => {
    expect(() => parseScenario({ ...valid, expect: { outcome: 'maybe' } }, 'member')).toThrow(
      /expect.outcome/,
    );
  });

  it('names a recording for replay', () => {
    expect(() => parseScenario({ ...valid, http: { mode: 'recording' } }, 'member')).toThrow(
      /http.recording/,
    );
  });
});
