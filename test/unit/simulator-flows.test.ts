/**
 * Planner and executor rules: who the policies see, how failed policies remove stages or deny,
 * what reaches the plan context, inserted stages, authentication requirements, retries and
 * restarts, and the final redirect.
 */
import { describe, expect, it } from 'vitest';

import { simulateFlow } from '../../main/simulator/simulate.js';
import type { SimulationOptions } from '../../main/simulator/simulate.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { DIRECTORY, binding, loginFlow, persona, policy } from './simulator-fixtures.js';
import {
  ScriptedEvaluator,
  objectsFromYaml,
  passedStages,
  raises,
  returns,
  stageSteps,
} from './simulator-helpers.js';

function run(
  yaml: string,
  options: Partial<SimulationOptions> = {},
  evaluator = new ScriptedEvaluator(),
): Promise<SimulationTrace> {
  return simulateFlow({
    objects: objectsFromYaml(yaml + DIRECTORY),
    flow: 'login',
    evaluator,
    personas: [persona('alice', 'pw-alice'), persona('bob', 'pw-bob', { authenticated: true })],
    actor: 'alice',
    inputs: { password: ['pw-alice'] },
    ...options,
  });
}

const stage = (model: string, id: string, attrs = '{}'): string => `  - model: ${model}
    id: ${id}
    identifiers: {name: ${id}}
    attrs: ${attrs}
`;

const stageBinding = (
  id: string,
  stageId: string,
  order: number,
  attrs = '{}',
): string => `  - model: authentik_flows.flowstagebinding
    id: ${id}
    identifiers: {target: !KeyOf flow, stage: !KeyOf ${stageId}, order: ${order}}
    attrs: ${attrs}
`;

describe('flow executor', () => {
  it('logs in a user with the right password', async () => {
    const trace = await run(loginFlow());

    expect(passedStages(trace)).toEqual(['ident', 'pw', 'login-stage']);
    expect(trace.outcome).toMatchObject({ kind: 'completed', redirect: '/' });
    expect(trace.effects.sessions[0]).toMatchObject({ action: 'login', username: 'alice' });
  });

  it('rejects a wrong password and asks again', async () => {
    const trace = await run(loginFlow(), { inputs: { password: ['wrong'] } });

    expect(trace.outcome).toMatchObject({
      kind: 'rejected',
      errors: { password: ['Invalid password'] },
    });
  });

  it('accepts the password on a retry', async () => {
    const trace = await run(loginFlow(), { inputs: { password: ['wrong', 'pw-alice'] } });

    expect(stageSteps(trace, 'pw').map((step) => step.status)).toEqual(['rejected', 'passed']);
    expect(trace.outcome.kind).toBe('completed');
  });

  it('denies on the fifth wrong password', async () => {
    const trace = await run(loginFlow(), { inputs: { password: ['a', 'b', 'c', 'd', 'e'] } });

    expect(trace.outcome).toMatchObject({ kind: 'denied', message: 'Invalid password' });
    expect(trace.rules.map((rule) => rule.id)).toContain('password-attempts@2023.10');
  });

  it('denies only on the sixth wrong password before 2023.10', async () => {
    const five = await run(loginFlow(), {
      inputs: { password: ['a', 'b', 'c', 'd', 'e'] },
      authentikVersion: '2023.8.3',
    });
    const six = await run(loginFlow(), {
      inputs: { password: ['a', 'b', 'c', 'd', 'e', 'f'] },
      authentikVersion: '2023.8.3',
    });

    expect(five.outcome.kind).toBe('rejected');
    expect(six.outcome.kind).toBe('denied');
  });

  it('rejects an unknown user at the password stage', async () => {
    const trace = await run(loginFlow(), { inputs: { username: ['nobody'], password: ['x'] } });

    expect(passedStages(trace)).toEqual(['ident']);
    expect(trace.outcome).toMatchObject({
      kind: 'rejected',
      errors: { password: ['Invalid password'] },
    });
  });

  it('keeps an unknown identifier as an unsaved pending user', async () => {
    const trace = await run(loginFlow(), { inputs: { username: ['nobody'], password: ['x'] } });
    const pending = stageSteps(trace, 'ident')[0]?.contextAfter?.pending_user;

    expect(pending).toMatchObject({ pk: null, username: 'nobody', email: 'nobody' });
  });

  it('waits for a missing input', async () => {
    const trace = await run(loginFlow(), { inputs: {} });

    expect(trace.outcome).toMatchObject({ kind: 'input-required', inputs: ['password'] });
  });

  it('restarts the flow when the binding says so', async () => {
    const yaml = loginFlow().replace(
      'identifiers: {target: !KeyOf flow, stage: !KeyOf pw, order: 20}',
      'identifiers: {target: !KeyOf flow, stage: !KeyOf pw, order: 20}\n    attrs: {invalid_response_action: restart}',
    );
    const trace = await run(yaml, {
      inputs: { username: ['alice', 'alice'], password: ['wrong', 'pw-alice'] },
    });

    expect(stageSteps(trace, 'pw')[0]?.status).toBe('restarted');
    expect(trace.steps.filter((step) => step.kind === 'plan')).toHaveLength(2);
    expect(trace.outcome.kind).toBe('completed');
  });

  it('runs policies as the right user', async () => {
    const yaml = loginFlow(
      policy('check') +
        binding('flow', 'policy: !KeyOf check', 0) +
        binding('pw-binding', 'policy: !KeyOf check', 0),
    );
    const evaluator = new ScriptedEvaluator({ check: returns(true) });
    await run(yaml, {}, evaluator);

    const [flowCall, stageCall] = evaluator.callsOf('check');
    expect(flowCall?.user).toBeNull();
    expect(stageCall?.user?.username).toBe('alice');
  });

  it('gives flow policies no flow_plan', async () => {
    const yaml = loginFlow(
      policy('check') +
        binding('flow', 'policy: !KeyOf check', 0) +
        binding('pw-binding', 'policy: !KeyOf check', 0),
    );
    const evaluator = new ScriptedEvaluator({ check: returns(true) });
    await run(yaml, {}, evaluator);

    const [flowCall, stageCall] = evaluator.callsOf('check');
    expect(flowCall?.context).not.toHaveProperty('flow_plan');
    expect(stageCall?.context).toHaveProperty('flow_plan');
  });

  it('skips a stage silently when re-evaluation fails', async () => {
    const yaml = loginFlow(policy('skip-pw') + binding('pw-binding', 'policy: !KeyOf skip-pw', 0));
    const evaluator = new ScriptedEvaluator({
      'skip-pw': () => ({ passing: false, messages: ['hidden'] }),
    });
    const trace = await run(yaml, { inputs: {} }, evaluator);

    expect(stageSteps(trace, 'pw')[0]?.status).toBe('skipped');
    expect(trace.effects.messages.map((message) => message.text)).not.toContain('hidden');
    expect(trace.outcome.kind).toBe('completed');
  });

  it('reports a stage skipped because its policy raised', async () => {
    const yaml = loginFlow(
      policy('needs-key') + binding('pw-binding', 'policy: !KeyOf needs-key', 0),
    );
    const evaluator = new ScriptedEvaluator({ 'needs-key': raises('KeyError', "'passkey_only'") });
    const trace = await run(yaml, { inputs: {} }, evaluator);
    const finding = trace.findings.find(
      (candidate) => candidate.code === 'stage-skipped-by-policy-error',
    );

    expect(finding?.severity).toBe('critical');
    expect(passedStages(trace)).toEqual(['ident', 'login-stage']);
  });

  it('re-evaluates before the GET and again before the POST', async () => {
    const yaml = loginFlow(policy('check') + binding('pw-binding', 'policy: !KeyOf check', 0));
    const evaluator = new ScriptedEvaluator({ check: returns(true) });
    const trace = await run(yaml, {}, evaluator);

    expect(stageSteps(trace, 'pw')[0]?.engines).toHaveLength(2);
    expect(evaluator.callsOf('check')).toHaveLength(2);
  });

  it('omits a stage whose evaluate_on_plan policies fail', async () => {
    const yaml = loginFlow(
      policy('refuse') + binding('pw-binding', 'policy: !KeyOf refuse', 0),
    ).replace(
      'identifiers: {target: !KeyOf flow, stage: !KeyOf pw, order: 20}',
      'identifiers: {target: !KeyOf flow, stage: !KeyOf pw, order: 20}\n    attrs: {evaluate_on_plan: true, re_evaluate_policies: false}',
    );
    const trace = await run(
      yaml,
      { inputs: {} },
      new ScriptedEvaluator({ refuse: returns(false) }),
    );
    const planned = trace.steps[0]?.plan?.bindings.find((entry) => entry.stage.name === 'pw');

    expect(planned?.decision).toBe('omitted');
    expect(stageSteps(trace, 'pw')).toHaveLength(0);
  });

  it('shows flow policy messages when the flow does not apply', async () => {
    const yaml = loginFlow(policy('refuse') + binding('flow', 'policy: !KeyOf refuse', 0));
    const evaluator = new ScriptedEvaluator({
      refuse: () => ({ passing: false, messages: ['Only staff.'] }),
    });
    const trace = await run(yaml, {}, evaluator);

    expect(trace.outcome).toMatchObject({ kind: 'denied', message: 'Only staff.' });
  });

  it('sends the browser to / for denied_action continue', async () => {
    const yaml = loginFlow(
      policy('refuse') + binding('flow', 'policy: !KeyOf refuse', 0),
      'denied_action: continue',
    );
    const trace = await run(yaml, {}, new ScriptedEvaluator({ refuse: returns(false) }));

    expect(trace.outcome).toMatchObject({ kind: 'denied', message: '' });
    expect(trace.outcome).toMatchObject({
      why: expect.stringContaining('denied_action "continue"') as unknown,
    });
  });

  it('keeps flow_plan context writes and drops plain context writes', async () => {
    const yaml = loginFlow(
      policy('writer') +
        policy('reader') +
        binding('pw-binding', 'policy: !KeyOf writer', 0) +
        binding('login-binding', 'policy: !KeyOf reader', 0),
    );
    const evaluator = new ScriptedEvaluator({
      writer: (request) => {
        const { flow_plan: plan, ...requestContext } = request.context;
        const planContext = { ...requestContext, kept: 'yes' };
        const flowPlan = { ...(plan as Record<string, JsonValue>), context: planContext };
        return {
          passing: true,
          context: { ...requestContext, dropped: 'yes', flow_plan: flowPlan },
        };
      },
      reader: returns(true),
    });
    await run(yaml, {}, evaluator);

    const readerContext = evaluator.callsOf('reader')[0]?.context;
    expect(readerContext).toHaveProperty('kept', 'yes');
    expect(readerContext).not.toHaveProperty('dropped');
  });

  it('runs an inserted configuration stage next', async () => {
    const extra =
      stage(
        'authentik_stages_authenticator_totp.authenticatortotpstage',
        'totp-setup',
        '{digits: "6"}',
      ) +
      stage(
        'authentik_stages_authenticator_validate.authenticatorvalidatestage',
        'mfa',
        '{not_configured_action: configure, configuration_stages: [!KeyOf totp-setup]}',
      ) +
      stageBinding('mfa-binding', 'mfa', 30);
    const trace = await run(loginFlow(extra), {
      inputs: { password: ['pw-alice'], 'stage:totp-setup': ['pass'] },
    });

    expect(passedStages(trace)).toEqual(['ident', 'pw', 'mfa', 'totp-setup', 'login-stage']);
  });

  it('runs a stage an expression inserts next', async () => {
    const extra = stage(
      'authentik_stages_deny.denystage',
      'late-deny',
      '{deny_message: Inserted.}',
    );
    const yaml = loginFlow(
      extra + policy('inserter') + binding('pw-binding', 'policy: !KeyOf inserter', 0),
    );
    const insert = {
      kind: 'plan_changed',
      action: 'insert_stage',
      stage: { $model: 'authentik_stages_deny.denystage', name: 'late-deny' },
    } as const;
    const evaluator = new ScriptedEvaluator({
      inserter: () => ({ passing: true, effects: [insert] }),
    });
    const trace = await run(yaml, { inputs: { password: ['pw-alice', 'pw-alice'] } }, evaluator);

    expect(trace.outcome).toMatchObject({ kind: 'denied', stage: { name: 'late-deny' } });
  });

  it('follows a redirect an expression adds to the plan', async () => {
    const yaml = loginFlow(
      policy('redirector') + binding('pw-binding', 'policy: !KeyOf redirector', 0),
    );
    const redirect = {
      kind: 'plan_changed',
      action: 'redirect',
      stage: {
        $model: 'authentik_stages_redirect.redirectstage',
        mode: 'static',
        target_static: '/away/',
      },
    } as const;
    const evaluator = new ScriptedEvaluator({
      redirector: () => ({ passing: true, effects: [redirect] }),
    });
    const trace = await run(yaml, {}, evaluator);

    expect(trace.outcome).toMatchObject({ kind: 'completed', redirect: '/away/' });
  });

  it('asks for a stage it does not simulate', async () => {
    const extra =
      stage('authentik_stages_invitation.invitationstage', 'invite') +
      stageBinding('invite-binding', 'invite', 5);
    const trace = await run(loginFlow(extra));

    expect(trace.outcome).toMatchObject({ kind: 'input-required', inputs: ['stage:invite'] });
    expect(trace.findings.map((finding) => finding.code)).toContain('stage-not-simulated');
  });

  it('denies at a deny stage with its message', async () => {
    const extra =
      stage('authentik_stages_deny.denystage', 'stop', '{deny_message: Go away.}') +
      stageBinding('stop-binding', 'stop', 50);
    const trace = await run(loginFlow(extra));

    expect(trace.outcome).toMatchObject({ kind: 'denied', message: 'Go away.' });
  });

  it('validates a device from the persona', async () => {
    const extra =
      stage('authentik_stages_authenticator_validate.authenticatorvalidatestage', 'mfa') +
      stageBinding('mfa-binding', 'mfa', 30);
    const personas = [persona('alice', 'pw-alice', { devices: [{ type: 'totp', name: 'phone' }] })];
    const trace = await run(loginFlow(extra), { personas });

    expect(stageSteps(trace, 'mfa')[0]?.contextAfter?.auth_method_args).toEqual({
      mfa_devices: [{ type: 'totp', name: 'phone' }],
    });
    expect(trace.outcome.kind).toBe('completed');
  });

  it('rejects a failed device check', async () => {
    const extra =
      stage('authentik_stages_authenticator_validate.authenticatorvalidatestage', 'mfa') +
      stageBinding('mfa-binding', 'mfa', 30);
    const personas = [persona('alice', 'pw-alice', { devices: [{ type: 'totp' }], mfa: 'fail' })];
    const trace = await run(loginFlow(extra), { personas });

    expect(trace.outcome.kind).toBe('rejected');
  });

  it('denies a user without a device when configured to deny', async () => {
    const extra =
      stage(
        'authentik_stages_authenticator_validate.authenticatorvalidatestage',
        'mfa',
        '{not_configured_action: deny}',
      ) + stageBinding('mfa-binding', 'mfa', 30);
    const trace = await run(loginFlow(extra));

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: 'No (allowed) MFA authenticator configured.',
    });
  });

  it('rejects a visitor the captcha provider refuses', async () => {
    const extra =
      stage('authentik_stages_captcha.captchastage', 'captcha', '{public_key: k, private_key: s}') +
      stageBinding('captcha-binding', 'captcha', 5);
    const trace = await run(loginFlow(extra), {
      personas: [persona('alice', 'pw-alice', { captcha: 'fail' })],
    });

    expect(trace.outcome).toMatchObject({ kind: 'rejected', stage: { name: 'captcha' } });
  });

  it('denies when consent is declined', async () => {
    const extra =
      stage('authentik_stages_consent.consentstage', 'consent', '{mode: always_require}') +
      stageBinding('consent-binding', 'consent', 50);
    const trace = await run(loginFlow(extra), {
      inputs: { password: ['pw-alice'], consent: ['no'] },
    });

    expect(trace.outcome).toMatchObject({ kind: 'denied', stage: { name: 'consent' } });
  });

  it('sends an email and waits for the link', async () => {
    const extra =
      stage('authentik_stages_email.emailstage', 'mail', '{subject: Confirm}') +
      stageBinding('mail-binding', 'mail', 50);
    const trace = await run(loginFlow(extra));

    expect(trace.effects.emails[0]).toMatchObject({
      to: ['alice@example.org'],
      subject: 'Confirm',
    });
    expect(trace.outcome).toMatchObject({ kind: 'input-required', inputs: ['email_link'] });
  });

  it('logs out at a user logout stage', async () => {
    const extra =
      stage('authentik_stages_user_logout.userlogoutstage', 'bye') +
      stageBinding('bye-binding', 'bye', 200);
    const trace = await run(loginFlow(extra));

    expect(trace.effects.sessions.map((session) => session.action)).toEqual(['login', 'logout']);
  });

  it('leaves the flow at a static redirect stage', async () => {
    const extra =
      stage(
        'authentik_stages_redirect.redirectstage',
        'away',
        '{mode: static, target_static: "https://example.org/x"}',
      ) + stageBinding('away-binding', 'away', 50);
    const trace = await run(loginFlow(extra));

    expect(trace.outcome).toMatchObject({ kind: 'completed', redirect: 'https://example.org/x' });
    expect(passedStages(trace)).not.toContain('login-stage');
  });
});

describe('flow authentication and redirects', () => {
  it('denies an anonymous user a flow that requires authentication', async () => {
    const trace = await run(loginFlow('', 'authentication: require_authenticated'));

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: 'Flow does not apply to current user.',
    });
  });

  it('denies a logged-in user a flow for anonymous users', async () => {
    const yaml = loginFlow('', 'authentication: require_unauthenticated').replace(
      'designation: authentication',
      'designation: enrollment',
    );
    const trace = await run(yaml, { actor: 'bob', inputs: {} });

    expect(trace.outcome.kind).toBe('denied');
  });

  it('finishes an authentication flow for a logged-in user', async () => {
    const trace = await run(loginFlow('', 'authentication: require_unauthenticated'), {
      actor: 'bob',
      inputs: {},
    });

    expect(trace.outcome).toMatchObject({ kind: 'completed', redirect: '/' });
  });

  it('lets a superuser through require_superuser', async () => {
    const trace = await run(loginFlow('', 'authentication: require_superuser'), {
      personas: [persona('alice', 'pw-alice', { authenticated: true })],
    });

    expect(trace.steps[0]?.plan?.authentication.met).toBe(true);
  });

  it('redirects to next at the end', async () => {
    const trace = await run(loginFlow(), { next: '/application/o/app/' });

    expect(trace.outcome).toMatchObject({ kind: 'completed', redirect: '/application/o/app/' });
  });

  it('refuses an absolute next', async () => {
    const trace = await run(loginFlow(), { next: 'https://evil.example/' });

    expect(trace.outcome).toMatchObject({ kind: 'denied', message: 'Invalid next URL' });
  });

  it('prefers the context redirect over next', async () => {
    const yaml = loginFlow(
      policy('set-redirect') + binding('login-binding', 'policy: !KeyOf set-redirect', 0),
    );
    const evaluator = new ScriptedEvaluator({
      'set-redirect': (request) => {
        const plan = request.context.flow_plan as { context: Record<string, unknown> | null };
        const { flow_plan: _plan, ...planContext } = request.context;
        return {
          passing: true,
          context: {
            ...request.context,
            flow_plan: { ...plan, context: { ...planContext, redirect: 'https://any.example/' } },
          },
        };
      },
    });
    const trace = await run(yaml, { next: '/x/' }, evaluator);

    expect(trace.outcome).toMatchObject({ kind: 'completed', redirect: 'https://any.example/' });
  });
});
