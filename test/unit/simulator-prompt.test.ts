/** The prompt and user write stages: field types, validation, policies and the written user. */
import { describe, expect, it } from 'vitest';

import { simulateFlow } from '../../main/simulator/simulate.js';
import type { SimulationOptions } from '../../main/simulator/simulate.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { DIRECTORY, policy } from './simulator-fixtures.js';
import { ScriptedEvaluator, objectsFromYaml, returns, stageSteps } from './simulator-helpers.js';

const field = (
  id: string,
  key: string,
  type: string,
  attrs = '',
): string => `  - model: authentik_stages_prompt.prompt
    id: ${id}
    identifiers: {name: ${id}}
    attrs: {field_key: ${key}, label: ${key}, type: ${type}${attrs === '' ? '' : `, ${attrs}`}}
`;

function enrollment(writeAttrs = '{}', stageAttrs = '', extra = ''): string {
  return `version: 1
entries:
  - model: authentik_flows.flow
    id: flow
    identifiers: {slug: signup}
    attrs: {name: Sign up, title: Sign up, designation: enrollment}
${field('f-username', 'username', 'username', 'order: 1')}${field('f-email', 'email', 'email', 'order: 2')}${field('f-password', 'password', 'password', 'order: 3')}${field('f-repeat', 'password_repeat', 'password', 'order: 4')}${field('f-name', 'name', 'text', 'order: 5, required: false')}${field('f-age', 'attributes.age', 'number', 'order: 6, required: false')}${field('f-news', 'attributes.news_letter', 'checkbox', 'order: 7')}${field('f-hidden', 'attributes.origin', 'hidden', 'placeholder: signup-page, order: 8')}${field('f-color', 'attributes.color', 'dropdown', 'placeholder: blue, order: 9')}
  - model: authentik_stages_prompt.promptstage
    id: prompt
    identifiers: {name: prompt}
    attrs:
      fields: [!KeyOf f-username, !KeyOf f-email, !KeyOf f-password, !KeyOf f-repeat, !KeyOf f-name, !KeyOf f-age, !KeyOf f-news, !KeyOf f-hidden, !KeyOf f-color]
${stageAttrs}
  - model: authentik_stages_user_write.userwritestage
    id: write
    identifiers: {name: write}
    attrs: ${writeAttrs}
  - model: authentik_stages_user_login.userloginstage
    id: login
    identifiers: {name: login}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf flow, stage: !KeyOf prompt, order: 0}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf flow, stage: !KeyOf write, order: 1}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf flow, stage: !KeyOf login, order: 2}
${extra}${DIRECTORY}`;
}

const ANSWERS: Record<string, string[]> = {
  username: ['carol'],
  email: ['carol@example.org'],
  password: ['Secret-1'],
  password_repeat: ['Secret-1'],
  'attributes.age': ['41'],
};

function run(
  yaml: string,
  inputs: Record<string, string[]> = ANSWERS,
  options: Partial<SimulationOptions> = {},
  evaluator = new ScriptedEvaluator(),
): Promise<SimulationTrace> {
  return simulateFlow({
    objects: objectsFromYaml(yaml),
    flow: 'signup',
    evaluator,
    inputs,
    ...options,
  });
}

function errorsOf(trace: SimulationTrace): Record<string, string[]> {
  return trace.outcome.kind === 'rejected' ? trace.outcome.errors : {};
}

describe('prompt stage', () => {
  it('creates the user from the answers', async () => {
    const trace = await run(enrollment());
    const created = trace.effects.users[0];

    expect(created?.action).toBe('created');
    expect(created?.changes.find((change) => change.field === 'attributes')?.after).toEqual({
      age: 41,
      news: { letter: false },
      origin: 'signup-page',
      color: 'blue',
    });
    expect(trace.outcome.kind).toBe('completed');
  });

  it('never shows the password in the effects', async () => {
    const trace = await run(enrollment());

    expect(JSON.stringify(trace)).not.toContain('Secret-1');
  });

  it('stores the answers with the component in prompt_data', async () => {
    const trace = await run(enrollment());
    const promptData = stageSteps(trace, 'prompt')[0]?.contextAfter?.prompt_data;

    expect(promptData).toMatchObject({
      username: 'carol',
      component: 'ak-stage-prompt',
      'attributes.age': 41,
    });
  });

  it('rejects passwords that differ', async () => {
    const trace = await run(enrollment(), { ...ANSWERS, password_repeat: ['other'] });

    expect(errorsOf(trace)).toEqual({ non_field_errors: ["Passwords don't match."] });
  });

  it('rejects a taken username', async () => {
    const trace = await run(enrollment(), { ...ANSWERS, username: ['alice'] });

    expect(errorsOf(trace)).toEqual({ username: ['Username is already taken.'] });
  });

  it('rejects an invalid email', async () => {
    const trace = await run(enrollment(), { ...ANSWERS, email: ['not-an-address'] });

    expect(errorsOf(trace)).toEqual({ email: ['Enter a valid email address.'] });
  });

  it('rejects a number that is not an integer', async () => {
    const trace = await run(enrollment(), { ...ANSWERS, 'attributes.age': ['forty'] });

    expect(errorsOf(trace)).toEqual({ 'attributes.age': ['A valid integer is required.'] });
  });

  it('rejects a blank required field', async () => {
    const trace = await run(enrollment(), { ...ANSWERS, username: ['  '] });

    expect(errorsOf(trace)).toEqual({ username: ['This field may not be blank.'] });
  });

  it('rejects a choice that is not offered', async () => {
    const trace = await run(enrollment(), { ...ANSWERS, 'attributes.color': ['green'] });

    expect(errorsOf(trace)).toEqual({ 'attributes.color': ['"green" is not a valid choice.'] });
  });

  it('asks for a required field without an answer', async () => {
    const { username: _username, ...rest } = ANSWERS;
    const trace = await run(enrollment(), rest);

    expect(trace.outcome).toMatchObject({ kind: 'input-required', inputs: ['username'] });
  });

  it('keeps the hidden value whatever is sent', async () => {
    const trace = await run(enrollment(), { ...ANSWERS, 'attributes.origin': ['forged'] });
    const promptData = stageSteps(trace, 'prompt')[0]?.contextAfter?.prompt_data;

    expect(promptData).toMatchObject({ 'attributes.origin': 'signup-page' });
  });

  it('makes a field with an initial value optional', async () => {
    const yaml = enrollment().replace(
      'field_key: email, label: email, type: email',
      'field_key: email, label: email, type: email, initial_value: pre@example.org',
    );
    const { email: _email, ...rest } = ANSWERS;
    const trace = await run(yaml, rest);

    expect(stageSteps(trace, 'prompt')[0]?.contextAfter?.prompt_data).toMatchObject({
      email: 'pre@example.org',
    });
  });

  it('rejects the answers when a validation policy fails', async () => {
    const yaml = enrollment('{}', '      validation_policies: [!KeyOf strong]', policy('strong'));
    const evaluator = new ScriptedEvaluator({
      strong: () => ({ passing: false, messages: ['Too weak.'] }),
    });
    const trace = await run(yaml, ANSWERS, {}, evaluator);

    expect(errorsOf(trace)).toEqual({ non_field_errors: ['Too weak.'] });
    expect(evaluator.callsOf('strong')[0]?.context).toEqual({
      prompt_data: expect.objectContaining({ username: 'carol' }) as unknown,
    });
  });

  it('shows messages of passing validation policies', async () => {
    const yaml = enrollment('{}', '      validation_policies: [!KeyOf strong]', policy('strong'));
    const evaluator = new ScriptedEvaluator({
      strong: () => ({ passing: true, messages: ['Nice password.'] }),
    });
    const trace = await run(yaml, ANSWERS, {}, evaluator);

    expect(trace.effects.messages.map((message) => message.text)).toContain('Nice password.');
  });

  it('checks a password policy against the answer', async () => {
    const rule = `  - model: authentik_policies_password.passwordpolicy
    id: length
    identifiers: {name: length}
    attrs: {length_min: 12, error_message: At least 12 characters.}
`;
    const trace = await run(
      enrollment('{}', '      validation_policies: [!KeyOf length]', rule),
      ANSWERS,
      {},
      new ScriptedEvaluator({ unused: returns(true) }),
    );

    expect(errorsOf(trace)).toEqual({ non_field_errors: ['At least 12 characters.'] });
  });
});

describe('user write stage', () => {
  it('adds the create_users_group', async () => {
    const trace = await run(enrollment('{create_users_group: !KeyOf staff}'));

    expect(trace.effects.memberships[0]).toMatchObject({
      username: 'carol',
      before: [],
      after: ['staff'],
    });
  });

  it('refuses to create a user in never_create mode', async () => {
    const trace = await run(enrollment('{user_creation_mode: never_create}'));

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: "No user found and can't create new user.",
    });
  });

  it('fails on a username another user has', async () => {
    const yaml = enrollment().replace(
      'field_key: username, label: username, type: username',
      'field_key: username, label: username, type: text',
    );
    const trace = await run(yaml, { ...ANSWERS, username: ['bob'] });

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: 'Failed to update user. Please try again later.',
    });
  });

  it('logs in the user it created', async () => {
    const trace = await run(enrollment());

    expect(trace.effects.sessions[0]).toMatchObject({ action: 'login', username: 'carol' });
  });
});
