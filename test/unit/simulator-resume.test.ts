import { describe, expect, it } from 'vitest';

import type { ModelObject } from '../../shared/model/object.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { HttpRequestData, HttpResponseData, HttpSender } from '../../shared/http/exchange.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { hashPassword } from '../../main/simulator/passwords.js';
import { personaLogin, withBuiltInPersonas } from '../../main/simulator/oauth/run-options.js';
import { findDiscordPersona } from '../../main/http/personas.js';
import type { RunSetup } from '../../main/services/simulator-runs.js';
import { SteppedRuns } from '../../main/services/simulator-stepper.js';
import type { LiveLogin } from '../../main/services/simulator-live.js';
import { loginFlow } from './simulator-fixtures.js';
import { ScriptedEvaluator, objectsFromYaml } from './simulator-helpers.js';

// The login flow with a flow policy (evaluated when the flow is planned), a second password
// stage, and a policy on the login stage's binding that runs only right before that stage.
const GATED_FLOW = loginFlow(`  - model: authentik_stages_password.passwordstage
    id: pw-again
    identifiers: {name: pw-again}
    attrs: {backends: [authentik.core.auth.InbuiltBackend]}
  - model: authentik_flows.flowstagebinding
    id: pw-again-binding
    identifiers: {target: !KeyOf flow, stage: !KeyOf pw-again, order: 30}
  - model: authentik_policies_expression.expressionpolicy
    id: flow-gate
    identifiers: {name: flow-gate}
    attrs: {expression: return True}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf flow, policy: !KeyOf flow-gate, order: 0}
  - model: authentik_policies_expression.expressionpolicy
    id: login-gate
    identifiers: {name: login-gate}
    attrs: {expression: return True}
  - model: authentik_flows.flowstagebinding
    id: login-binding-gated
    identifiers: {target: !KeyOf flow, stage: !KeyOf login-stage, order: 100}
    attrs: {evaluate_on_plan: false, re_evaluate_policies: true}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf login-binding-gated, policy: !KeyOf login-gate, order: 0}
`);

const ALICE: Persona = {
  name: 'Alice',
  user: { username: 'alice' },
  inputs: { password: 'correct horse' },
  passwordHash: hashPassword('correct horse'),
};

// Passes when the expression returns True, so an edit to the text changes the result.
function textEvaluator(): ScriptedEvaluator {
  const script = (request: { expression: string }) => ({
    passing: /return True/.test(request.expression),
  });
  return new ScriptedEvaluator({ 'flow-gate': script, 'login-gate': script });
}

function setupOf(objects: ModelObject[], evaluator: ScriptedEvaluator): RunSetup {
  return { objects, personas: [ALICE], evaluator, authentikVersion: '2025.12' };
}

function withExpression(objects: ModelObject[], name: string, expression: string): ModelObject[] {
  return objects.map((object) =>
    object.identifiers.name === name
      ? { ...object, attrs: { ...object.attrs, expression } }
      : object,
  );
}

function stepIndex(trace: SimulationTrace, stage: string): number {
  return trace.steps.findIndex((step) => step.stage?.name === stage);
}

function shape(trace: SimulationTrace): string[] {
  return trace.steps.map((step) => `${step.title}: ${step.status}`);
}

describe('resumed stepper runs', () => {
  it('skips evaluations before the stage', async () => {
    const objects = objectsFromYaml(GATED_FLOW);
    const evaluator = textEvaluator();
    const runs = new SteppedRuns();
    const first = await runs.start(setupOf(objects, evaluator), {
      flow: 'login',
      persona: 'Alice',
      inputs: { password: ['correct horse', 'correct horse'] },
    });
    const stage = stepIndex(first.trace, 'login-stage');
    const edited = withExpression(objects, 'login-gate', 'return False');
    const counting = textEvaluator();

    const resumed = await runs.resume(setupOf(edited, counting), first.id!, stage);

    expect(stage).toBeGreaterThan(0);
    expect(counting.callsOf('flow-gate')).toHaveLength(0);
    expect(counting.callsOf('login-gate')).toHaveLength(1);
    expect(resumed.id).toBe(first.id);
  });

  it('ends like a fresh run with the edit', async () => {
    const objects = objectsFromYaml(GATED_FLOW);
    const runs = new SteppedRuns();
    const inputs = { password: ['correct horse', 'correct horse'] };
    const first = await runs.start(setupOf(objects, textEvaluator()), {
      flow: 'login',
      persona: 'Alice',
      inputs,
    });
    const edited = withExpression(objects, 'login-gate', 'return False');
    const stage = stepIndex(first.trace, 'login-stage');

    const resumed = await runs.resume(setupOf(edited, textEvaluator()), first.id!, stage);
    const fresh = await new SteppedRuns().start(setupOf(edited, textEvaluator()), {
      flow: 'login',
      persona: 'Alice',
      inputs,
    });

    expect(first.trace.steps[stage]?.status).toBe('passed');
    expect(resumed.trace.outcome).toEqual(fresh.trace.outcome);
    expect(shape(resumed.trace)).toEqual(shape(fresh.trace));
    expect(resumed.trace.steps.some((step) => step.status === 'skipped')).toBe(true);
  });

  it('reuses a persona password when a later form is submitted', async () => {
    const objects = objectsFromYaml(GATED_FLOW);
    const runs = new SteppedRuns();
    // Alice's one password fills the first password stage; the second one waits.
    const first = await runs.start(setupOf(objects, textEvaluator()), {
      flow: 'login',
      persona: 'Alice',
    });
    const waiting = stepIndex(first.trace, 'pw-again');

    const resumed = await runs.resume(setupOf(objects, textEvaluator()), first.id!, waiting, {
      password: 'correct horse',
    });

    expect(first.trace.outcome.kind).toBe('input-required');
    expect(resumed.trace.outcome.kind).toBe('completed');
    expect(resumed.request.inputs?.password).toEqual(['***', '***']);
  });

  it('answers a rejected form again', async () => {
    const objects = objectsFromYaml(GATED_FLOW);
    const runs = new SteppedRuns();
    const first = await runs.start(setupOf(objects, textEvaluator()), {
      flow: 'login',
      persona: 'Alice',
      inputs: { password: ['wrong'] },
    });
    const rejected = first.trace.steps.findIndex((step) => step.status === 'rejected');

    const resumed = await runs.resume(setupOf(objects, textEvaluator()), first.id!, rejected, {
      password: 'correct horse',
    });

    expect(rejected).toBeGreaterThan(0);
    expect(resumed.trace.steps[rejected]?.status).toBe('passed');
    expect(resumed.trace.outcome.kind).toBe('input-required');
    expect(stepIndex(resumed.trace, 'pw-again')).toBe(rejected + 1);
  });

  it('sends no HTTP request before the stage', async () => {
    const sent: string[] = [];
    const persona = findDiscordPersona('member-with-role');
    const replay = personaLogin(persona).http;
    const counting: HttpSender = {
      send: (request: HttpRequestData): Promise<HttpResponseData> => {
        sent.push(`${request.method} ${request.url}`);
        return replay.send(request);
      },
    };
    const login: LiveLogin = {
      oauth: { http: counting, respondedBy: 'counting persona' },
      layer: undefined as never,
      finish: () => Promise.resolve(undefined),
      close: () => Promise.resolve(),
    };
    const personas = withBuiltInPersonas([]);
    const setup: RunSetup = {
      objects: objectsFromYaml(DISCORD_SOURCE, GATED_FLOW),
      personas,
      evaluator: textEvaluator(),
      authentikVersion: '2025.12',
    };
    const runs = new SteppedRuns();
    const first = await runs.start(
      setup,
      { flow: 'login', viaSource: 'discord', live: { port: 0 } },
      login,
    );
    const before = sent.length;

    const resumed = await runs.resume(setup, first.id!, first.trace.steps.length - 2);

    expect(before).toBeGreaterThan(0);
    expect(sent).toHaveLength(before);
    expect(resumed.trace.steps[0]?.kind).toBe('source');
  });
});

// A Discord source whose logins go to the login flow.
const DISCORD_SOURCE = `version: 1
entries:
  - model: authentik_flows.flow
    id: source-flow
    identifiers: {slug: source-auth}
    attrs: {name: Source, title: Source, designation: authentication}
  - model: authentik_stages_user_login.userloginstage
    id: source-login
    identifiers: {name: source-login}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf source-flow, stage: !KeyOf source-login, order: 10}
  - model: authentik_sources_oauth.oauthsource
    identifiers: {slug: discord}
    attrs:
      name: Discord
      provider_type: discord
      consumer_key: '100000000000000001'
      consumer_secret: stand-in
      authentication_flow: !KeyOf source-flow
      enrollment_flow: !KeyOf source-flow
`;
