/**
 * Flows started by a source login: the source flow manager's decision (authenticate, link,
 * enroll, deny), the context it passes, and where the browser ends up.
 */
import { describe, expect, it } from 'vitest';

import { simulateFlow } from '../../main/simulator/simulate.js';
import type { SimulationOptions } from '../../main/simulator/simulate.js';
import type { EvaluationRequest } from '../../shared/simulator/evaluation.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { DIRECTORY, policy } from './simulator-fixtures.js';
import { ScriptedEvaluator, objectsFromYaml, stageSteps } from './simulator-helpers.js';

function sourceProject(matching = 'identifier'): string {
  return `version: 1
entries:
  - model: authentik_flows.flow
    id: auth-flow
    identifiers: {slug: src-auth}
    attrs: {name: Source login, title: Source login, designation: authentication, authentication: require_unauthenticated}
  - model: authentik_flows.flow
    id: enroll-flow
    identifiers: {slug: src-enroll}
    attrs: {name: Source enrollment, title: Source enrollment, designation: enrollment}
${policy('if-sso')}${policy('if-username')}
  - model: authentik_stages_user_login.userloginstage
    id: login
    identifiers: {name: login}
  - model: authentik_stages_prompt.prompt
    id: username-field
    identifiers: {name: username-field}
    attrs: {field_key: username, label: Username, type: text}
  - model: authentik_stages_prompt.promptstage
    id: prompt
    identifiers: {name: prompt}
    attrs: {fields: [!KeyOf username-field]}
  - model: authentik_stages_user_write.userwritestage
    id: write
    identifiers: {name: write}
    attrs: {user_creation_mode: always_create}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf auth-flow, stage: !KeyOf login, order: 0}
  - model: authentik_flows.flowstagebinding
    id: prompt-binding
    identifiers: {target: !KeyOf enroll-flow, stage: !KeyOf prompt, order: 0}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf enroll-flow, stage: !KeyOf write, order: 1}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf enroll-flow, stage: !KeyOf login, order: 2}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf auth-flow, policy: !KeyOf if-sso, order: 0}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf enroll-flow, policy: !KeyOf if-sso, order: 0}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf prompt-binding, policy: !KeyOf if-username, order: 0}
  - model: authentik_sources_oauth.oauthsource
    id: discord
    identifiers: {slug: discord}
    attrs:
      name: Discord
      provider_type: discord
      user_matching_mode: ${matching}
      authentication_flow: !KeyOf auth-flow
      enrollment_flow: !KeyOf enroll-flow
${DIRECTORY}`;
}

// The two default source policies: `return ak_is_sso_flow` and "username not in prompt_data".
function evaluator(): ScriptedEvaluator {
  const promptData = (request: EvaluationRequest): Record<string, unknown> =>
    (request.context.prompt_data ?? {}) as Record<string, unknown>;

  return new ScriptedEvaluator({
    'if-sso': (request) => ({ passing: request.context.is_sso === true }),
    'if-username': (request) => ({ passing: !('username' in promptData(request)) }),
  });
}

function run(
  persona: Persona,
  matching = 'identifier',
  options: Partial<SimulationOptions> = {},
  scripted = evaluator(),
): Promise<SimulationTrace> {
  return simulateFlow({
    objects: objectsFromYaml(sourceProject(matching)),
    flow: 'src-auth',
    evaluator: scripted,
    personas: [persona],
    actor: persona.name,
    viaSource: 'discord',
    ...options,
  });
}

describe('source logins', () => {
  it('authenticates a connected user through the authentication flow', async () => {
    const trace = await run({
      name: 'alice',
      user: { username: 'alice' },
      sourceConnections: ['discord'],
    });

    expect(trace.outcome).toMatchObject({
      kind: 'completed',
      flow: 'src-auth',
      redirect: '/if/user/',
    });
    expect(trace.effects.sessions[0]?.username).toBe('alice');
  });

  it('runs flow policies as the connected user', async () => {
    const scripted = evaluator();
    await run(
      { name: 'alice', user: { username: 'alice' }, sourceConnections: ['discord'] },
      'identifier',
      {},
      scripted,
    );

    expect(scripted.callsOf('if-sso')[0]?.user?.username).toBe('alice');
  });

  it('shows the source success message', async () => {
    const trace = await run({
      name: 'alice',
      user: { username: 'alice' },
      sourceConnections: ['discord'],
    });

    expect(trace.effects.messages.map((message) => message.text)).toEqual([
      'Successfully authenticated with Discord!',
    ]);
  });

  it('links a user whose username matches exactly', async () => {
    const trace = await run({ name: 'alice', user: { username: 'alice' } }, 'username_link');

    expect(trace.outcome).toMatchObject({ kind: 'completed', flow: 'src-auth' });
  });

  it('matches usernames case-sensitively', async () => {
    const trace = await run(
      { name: 'Alice', user: { username: 'Alice' }, inDirectory: false },
      'username_link',
    );

    expect(trace.outcome).toMatchObject({ kind: 'completed', flow: 'src-enroll' });
  });

  it('denies a login without the email an email mode needs', async () => {
    const trace = await run(
      { name: 'dave', user: { username: 'dave' }, inDirectory: false },
      'email_link',
    );

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: expect.stringContaining('has been denied') as unknown,
    });
  });

  it('denies a matching user in a deny mode', async () => {
    const trace = await run(
      { name: 'alice', user: { username: 'alice', email: 'alice@example.org' } },
      'email_deny',
    );

    expect(trace.outcome.kind).toBe('denied');
  });

  it('enrolls a new identity without asking for the username', async () => {
    const trace = await run({
      name: 'erin',
      user: { username: 'erin', email: 'erin@example.org' },
      inDirectory: false,
    });

    expect(stageSteps(trace, 'prompt')[0]?.status).toBe('skipped');
    expect(trace.effects.users[0]).toMatchObject({ action: 'created', username: 'erin' });
  });

  it('fails in user write when the supplied username is taken', async () => {
    const trace = await run({
      name: 'bob-elsewhere',
      user: { username: 'bob' },
      inDirectory: false,
    });

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: 'Failed to update user. Please try again later.',
    });
  });

  it('ends at the original next', async () => {
    const trace = await run(
      { name: 'alice', user: { username: 'alice' }, sourceConnections: ['discord'] },
      'identifier',
      {
        next: '/application/o/app/',
      },
    );

    expect(trace.outcome).toMatchObject({ kind: 'completed', redirect: '/application/o/app/' });
  });

  it('does not check the context redirect', async () => {
    const trace = await run(
      { name: 'alice', user: { username: 'alice' }, sourceConnections: ['discord'] },
      'identifier',
      {
        next: 'https://elsewhere.example/',
      },
    );

    expect(trace.outcome).toMatchObject({
      kind: 'completed',
      redirect: 'https://elsewhere.example/',
    });
  });
});
