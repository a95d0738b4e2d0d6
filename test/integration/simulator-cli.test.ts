/**
 * `stagecraft simulate` end to end through the in-process CLI with the real Pyodide pool:
 * authentik's own default flows, the real failure cases, syntax errors and runaway policies.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { runCli } from '../../main/cli/main.js';
import { useSimulatorEvaluator } from '../../main/cli/simulate.js';
import { importBlueprints } from '../../main/blueprints/import.js';
import { loadBlueprints } from '../../main/blueprints/load.js';
import { ProjectStore } from '../../main/project/index.js';
import { createPythonPool } from '../../main/python/pool.js';
import type { PythonPool } from '../../main/python/pool.js';
import { savePersona } from '../../main/simulator/personas.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { SHARED, readShared } from '../unit/simulator-helpers.js';

const DEFAULTS = join(SHARED, 'corpus/authentik/blueprints/default');
const AUTHENTICATION = join(DEFAULTS, 'flow-default-authentication-flow.yaml');
const SOURCE_AUTHENTICATION = join(DEFAULTS, 'flow-default-source-authentication.yaml');
const SOURCE_ENROLLMENT = join(DEFAULTS, 'flow-default-source-enrollment.yaml');
const PASSWORD_CHANGE = join(DEFAULTS, 'flow-password-change.yaml');
const CASE_13 = join(SHARED, 'cases/13-policy-exception-failure-result/blueprint.yaml');

let pool: PythonPool;
let folder: string;

const USERS = `version: 1
metadata: {name: users}
entries:
  - model: authentik_core.user
    identifiers: {username: akadmin}
    attrs: {name: Admin, email: admin@example.org}
  - model: authentik_core.user
    identifiers: {username: quietheron}
    attrs: {name: Quiet Heron, email: heron@mail.glade.example, attributes: {}}
`;

beforeAll(async () => {
  readShared('corpus/authentik/blueprints/default/flow-default-authentication-flow.yaml');
  folder = mkdtempSync(join(tmpdir(), 'stagecraft-simulate-test-'));
  writeFileSync(join(folder, 'users.yaml'), USERS);
  pool = createPythonPool({ size: 1 });
  useSimulatorEvaluator(pool);
  await pool.ready;
});

afterAll(async () => {
  useSimulatorEvaluator(undefined);
  await pool.close();
  rmSync(folder, { recursive: true, force: true });
});

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(...argv: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    cwd: folder,
    env: {},
  });

  return { code, stdout, stderr };
}

async function traceOf(...argv: string[]): Promise<{ code: number; trace: SimulationTrace }> {
  const result = await cli(...argv, '--json');
  const parsed = JSON.parse(result.stdout) as { trace: SimulationTrace };

  return { code: result.code, trace: parsed.trace };
}

function writeFile(name: string, text: string): string {
  const path = join(folder, name);
  writeFileSync(path, text);
  return path;
}

async function project(
  name: string,
  files: string[],
  personas: { persona: Persona; password?: string }[],
): Promise<string> {
  const path = join(folder, `${name}.stagecraft`);
  const store = ProjectStore.create(path, { name });
  try {
    importBlueprints(store, await loadBlueprints(files, { rejectFatal: true }));
    for (const entry of personas) {
      savePersona(
        store,
        entry.persona,
        entry.password === undefined ? {} : { password: entry.password },
      );
    }
  } finally {
    store.close();
  }

  return path;
}

function flowPolicy(name: string, expression: string, flowSlug: string, extra = ''): string {
  return `version: 1
metadata: {name: ${name}}
entries:
  - model: authentik_policies_expression.expressionpolicy
    id: policy
    identifiers: {name: ${name}}
    attrs:
      expression: ${JSON.stringify(expression)}
  - model: authentik_policies.policybinding
    identifiers:
      target: !Find [authentik_flows.flow, [slug, ${flowSlug}]]
      policy: !KeyOf policy
      order: 50
${extra}`;
}

describe('default authentication flow', () => {
  it('logs in a matching user', async () => {
    const result = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      '--flow',
      'default-authentication-flow',
      '--user',
      'akadmin',
      '--password',
      'pw',
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Completed: flow default-authentication-flow redirects to /');
  });

  it('rejects a wrong password', async () => {
    const result = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      '--flow',
      'default-authentication-flow',
      '--user',
      'akadmin',
      '--password',
      'pw',
      '--input',
      'password=wrong',
    );

    expect(result.code).toBe(11);
    expect(result.stdout).toContain(
      'Rejected at stage default-authentication-password: Invalid password',
    );
  });

  it('ends the rejection reason with a full stop', async () => {
    const result = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      '--flow',
      'default-authentication-flow',
      '--user',
      'akadmin',
      '--password',
      'pw',
      '--input',
      'password=wrong',
    );

    expect(result.stdout).toContain('why: Invalid password. The stage shows its form again');
    expect(result.stdout).toContain('Invalid password. The form would be shown again.');
  });

  it('prints a re-evaluation once per step', async () => {
    const result = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      '--flow',
      'default-authentication-flow',
      '--input',
      'username=nobody',
      '--input',
      'password=x',
    );
    const step = result.stdout.split('\n 4. ')[0]?.split('\n 3. ')[1] ?? '';

    expect(step.match(/policies \(re-evaluate\)/g)).toHaveLength(1);
    expect(step).toContain('(ran 2 times, once per request: GET, POST)');
  });

  it('names the parts of the header', async () => {
    const result = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      '--flow',
      'default-authentication-flow',
      '--user',
      'akadmin',
      '--password',
      'pw',
    );

    expect(result.stdout).toMatch(
      /^Simulating flow default-authentication-flow \(designation authentication, authentication requirement none\) as akadmin \(directory user\)/,
    );
  });

  it('explains where users come from', async () => {
    const result = await cli(
      'simulate',
      AUTHENTICATION,
      '--flow',
      'default-authentication-flow',
      '--user',
      'alice',
    );

    expect(result.code).toBe(3);
    expect(result.stderr).toContain("Users come from the project's authentik_core.user entries");
    expect(result.stderr).toContain('use them with --source SLUG --persona NAME');
  });

  it('denies after five wrong passwords', async () => {
    const wrong = ['a', 'b', 'c', 'd', 'e'].flatMap((value) => ['--input', `password=${value}`]);
    const result = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      '--flow',
      'default-authentication-flow',
      '--user',
      'akadmin',
      ...wrong,
    );

    expect(result.code).toBe(10);
  });

  it('rejects an unknown user at the password stage', async () => {
    const result = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      '--flow',
      'default-authentication-flow',
      '--input',
      'username=nobody',
      '--input',
      'password=x',
    );

    expect(result.code).toBe(11);
  });

  it('denies when a flow policy fails', async () => {
    const policy = writeFile(
      'closed.yaml',
      flowPolicy(
        'closed',
        'ak_message("Closed for maintenance.")\nreturn False',
        'default-authentication-flow',
      ),
    );
    const result = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      policy,
      '--flow',
      'default-authentication-flow',
      '--user',
      'akadmin',
      '--password',
      'pw',
    );

    expect(result.code).toBe(10);
    expect(result.stdout).toContain(
      'Denied at flow default-authentication-flow: Closed for maintenance.',
    );
  });

  it('shows the password binding policy deciding to show the stage', async () => {
    const { trace } = await traceOf(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      '--flow',
      'default-authentication-flow',
      '--user',
      'akadmin',
      '--password',
      'pw',
    );
    const passwordStep = trace.steps.find(
      (step) => step.stage?.name === 'default-authentication-password',
    );

    expect(passwordStep?.engines[0]?.policies[0]?.rawResult?.repr).toBe('True');
  });
});

describe('flow authentication', () => {
  it('denies an anonymous visitor a flow that requires a login', async () => {
    const result = await cli('simulate', PASSWORD_CHANGE, '--flow', 'default-password-change');

    expect(result.code).toBe(10);
    expect(result.stdout).toContain('Flow does not apply to current user.');
  });
});

describe('default source flows', () => {
  it('log in a connected user through the source authentication flow', async () => {
    const path = await project(
      'source-auth',
      [SOURCE_AUTHENTICATION, join(folder, 'users.yaml')],
      [
        {
          persona: {
            name: 'heron',
            user: { username: 'quietheron' },
            sourceConnections: ['discord'],
          },
        },
      ],
    );
    const result = await cli(
      'simulate',
      '--project',
      path,
      '--flow',
      'default-source-authentication',
      '--user',
      'heron',
      '--via-source',
      'discord',
    );

    expect(result.code).toBe(0);
    expect(result.stdout).toContain('redirects to /if/user/');
  });

  it('deny the source authentication flow outside a source login', async () => {
    const path = await project(
      'source-direct',
      [SOURCE_AUTHENTICATION, join(folder, 'users.yaml')],
      [],
    );
    const result = await cli(
      'simulate',
      '--project',
      path,
      '--flow',
      'default-source-authentication',
      '--user',
      'quietheron',
    );

    expect(result.code).toBe(10);
  });

  it('enroll a new identity without a username prompt', async () => {
    const path = await project(
      'source-enroll',
      [SOURCE_ENROLLMENT, join(folder, 'users.yaml')],
      [
        {
          persona: {
            name: 'newcomer',
            user: { username: 'newcomer', email: 'new@example.org' },
            inDirectory: false,
          },
        },
      ],
    );
    const { code, trace } = await traceOf(
      'simulate',
      '--project',
      path,
      '--flow',
      'default-source-enrollment',
      '--user',
      'newcomer',
      '--via-source',
      'discord',
    );

    expect(code).toBe(0);
    expect(
      trace.steps.find((step) => step.stage?.name === 'default-source-enrollment-prompt')?.status,
    ).toBe('skipped');
    expect(trace.effects.users[0]).toMatchObject({ action: 'created', username: 'newcomer' });
  });
});

describe('failure cases', () => {
  it('drops the password stage when its policy raises', async () => {
    const { code, trace } = await traceOf(
      'simulate',
      CASE_13,
      'users.yaml',
      '--flow',
      'case13-login',
      '--user',
      'quietheron',
    );
    const critical = trace.findings.filter((finding) => finding.severity === 'critical');

    expect(code).toBe(0);
    expect(critical.map((finding) => finding.code)).toEqual(['stage-skipped-by-policy-error']);
    expect(critical[0]?.message).toContain("KeyError: 'passkey_only'");
  });

  it('reports a syntax error with the server message and line', async () => {
    const expression = readShared(
      'cases/13-policy-exception-failure-result/policy-syntax-error.py',
    );
    const policy = writeFile(
      'syntax.yaml',
      flowPolicy('case13-syntax', expression, 'default-authentication-flow'),
    );
    const { trace } = await traceOf(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      policy,
      '--flow',
      'default-authentication-flow',
    );
    const finding = trace.findings.find((candidate) => candidate.code === 'policy-syntax-error');
    const evaluation = trace.steps[0]?.engines[0]?.policies[0];

    expect(finding?.message).toContain(
      "Expression Syntax Error: expected ':' (temp-policy, line 2)",
    );
    expect(evaluation?.error?.message).toBe("expected ':' (case13-syntax, line 2)");
  });

  it('stops a policy that never returns, and the next run works', async () => {
    const policy = writeFile(
      'loop.yaml',
      flowPolicy('runaway', 'while True:\n    pass', 'default-authentication-flow'),
    );
    const stopped = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      policy,
      '--flow',
      'default-authentication-flow',
      '--policy-timeout',
      '1',
    );
    const next = await cli(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      '--flow',
      'default-authentication-flow',
      '--user',
      'akadmin',
      '--password',
      'pw',
    );

    expect(stopped.code).toBe(13);
    expect(stopped.stdout).toContain('Policy "runaway" ran longer than 1 s and was stopped');
    expect(next.code).toBe(0);
  });

  it('fails a policy that reads the anonymous user in enrollment', async () => {
    const expression = readShared('cases/10-policy-anonymous-user-in-enrollment/policy.py');
    // Under the flow's default mode "any" the passing SSO policy would hide the failure.
    const strict = `  - model: authentik_flows.flow
    identifiers: {slug: default-source-enrollment}
    attrs: {policy_engine_mode: all}
`;
    const policy = writeFile(
      'case10.yaml',
      flowPolicy('case10-store-discord-profile', expression, 'default-source-enrollment', strict),
    );
    const path = await project(
      'case10-enroll',
      [SOURCE_ENROLLMENT, policy],
      [
        {
          persona: {
            name: 'heron',
            user: { username: 'quietheron', email: 'heron@mail.glade.example' },
            inDirectory: false,
          },
        },
      ],
    );
    const { code, trace } = await traceOf(
      'simulate',
      '--project',
      path,
      '--flow',
      'default-source-enrollment',
      '--user',
      'heron',
      '--via-source',
      'discord',
    );

    expect(code).toBe(10);
    expect(trace.findings.map((finding) => finding.code)).toContain('policy-anonymous-user');
  });

  it('passes the same policy for a linked user and only lists the write', async () => {
    const expression = readShared('cases/10-policy-anonymous-user-in-enrollment/policy.py');
    const policy = writeFile(
      'case10-auth.yaml',
      flowPolicy('case10-store-discord-profile', expression, 'default-source-authentication'),
    );
    const path = await project(
      'case10-auth',
      [SOURCE_AUTHENTICATION, join(folder, 'users.yaml'), policy],
      [
        {
          persona: {
            name: 'heron',
            user: { username: 'quietheron' },
            sourceConnections: ['discord'],
          },
        },
      ],
    );
    const { code, trace } = await traceOf(
      'simulate',
      '--project',
      path,
      '--flow',
      'default-source-authentication',
      '--user',
      'heron',
      '--via-source',
      'discord',
    );
    const store = ProjectStore.open(path, { readOnly: true });
    const heron = store
      .listObjects()
      .find((object) => object.identifiers.username === 'quietheron');
    store.close();

    expect(code).toBe(0);
    expect(trace.effects.users[0]?.changes[0]?.after).toMatchObject({
      discord_handle: 'quietheron',
    });
    expect(heron?.attrs.attributes).toEqual({});
  });

  it('fails a bare context["source"] on a password login', async () => {
    const expression = readShared('cases/11-policy-source-missing-or-not-oauth/policy.py');
    const policy = writeFile(
      'case11.yaml',
      flowPolicy('case11-discord-only-check', expression, 'default-authentication-flow'),
    );
    const { code, trace } = await traceOf(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      policy,
      '--flow',
      'default-authentication-flow',
    );

    expect(code).toBe(10);
    expect(trace.outcome).toMatchObject({ kind: 'denied', message: "'source'" });
    expect(trace.findings.map((finding) => finding.code)).toContain('policy-context-key-missing');
  });

  it('passes the Discord check on a Discord login', async () => {
    const expression = readShared('cases/11-policy-source-missing-or-not-oauth/policy.py');
    const policy = writeFile(
      'case11-auth.yaml',
      flowPolicy('case11-discord-only-check', expression, 'default-source-authentication'),
    );
    const path = await project(
      'case11',
      [SOURCE_AUTHENTICATION, join(folder, 'users.yaml'), policy],
      [
        {
          persona: {
            name: 'heron',
            user: { username: 'quietheron' },
            sourceConnections: ['discord'],
          },
        },
      ],
    );
    const { trace } = await traceOf(
      'simulate',
      '--project',
      path,
      '--flow',
      'default-source-authentication',
      '--user',
      'heron',
      '--via-source',
      'discord',
    );
    const plan = trace.steps.find((step) => step.kind === 'plan');
    const evaluation = plan?.engines[0]?.policies.find(
      (candidate) => candidate.binding.label === 'case11-discord-only-check',
    );

    expect(evaluation?.passing).toBe(true);
  });

  it('applies Python truthiness to non-bool results', async () => {
    const bodies: Record<string, string> = {
      'case14-b': 'member_roles = ["1199887766554433221"]\n"1199887766554433221" in member_roles',
      'case14-c': 'return "False"',
      'case14-d': 'return []',
    };
    const files = Object.entries(bodies).map(([name, body]) =>
      writeFile(`${name}.yaml`, flowPolicy(name, body, 'default-authentication-flow')),
    );
    const { trace } = await traceOf(
      'simulate',
      AUTHENTICATION,
      'users.yaml',
      ...files,
      '--flow',
      'default-authentication-flow',
    );
    const results = Object.fromEntries(
      (trace.steps[0]?.engines[0]?.policies ?? []).map((evaluation) => [
        evaluation.binding.label,
        evaluation.passing,
      ]),
    );

    expect(results).toEqual({ 'case14-b': false, 'case14-c': true, 'case14-d': false });
    expect(trace.findings.map((finding) => finding.code)).toEqual(
      expect.arrayContaining(['policy-returned-none', 'policy-non-bool']),
    );
  });
});
