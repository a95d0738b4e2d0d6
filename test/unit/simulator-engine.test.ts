/**
 * Policy engine rules, one test or more per rule of authentik's engine (nothing bound, default
 * mode, negate, failure_result, static bindings, Python truthiness, timeouts, request data).
 */
import { describe, expect, it } from 'vitest';

import { simulateFlow } from '../../main/simulator/simulate.js';
import type { SimulationOptions } from '../../main/simulator/simulate.js';
import type { EngineRun, SimulationTrace } from '../../shared/simulator/trace.js';
import { DIRECTORY, binding, loginFlow, persona, policy } from './simulator-fixtures.js';
import { ScriptedEvaluator, objectsFromYaml, raises, returns } from './simulator-helpers.js';

function run(
  evaluator: ScriptedEvaluator,
  yaml: string,
  options: Partial<SimulationOptions> = {},
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

function flowEngine(trace: SimulationTrace): EngineRun {
  const engine = trace.steps[0]?.engines[0];
  if (engine === undefined) {
    throw new Error('The trace has no flow policy engine run.');
  }
  return engine;
}

describe('policy engine', () => {
  it('passes when nothing is bound', async () => {
    const trace = await run(new ScriptedEvaluator(), loginFlow());

    expect(flowEngine(trace).empty).toBe(true);
    expect(flowEngine(trace).passing).toBe(true);
    expect(trace.outcome.kind).toBe('completed');
  });

  it('defaults to mode any', async () => {
    const yaml = loginFlow(
      policy('allow') +
        policy('refuse') +
        binding('flow', 'policy: !KeyOf allow', 0) +
        binding('flow', 'policy: !KeyOf refuse', 1),
    );
    const trace = await run(
      new ScriptedEvaluator({ allow: returns(true), refuse: returns(false) }),
      yaml,
    );

    expect(flowEngine(trace).mode).toBe('any');
    expect(flowEngine(trace).passing).toBe(true);
  });

  it('needs every policy under mode all', async () => {
    const yaml = loginFlow(
      policy('allow') +
        policy('refuse') +
        binding('flow', 'policy: !KeyOf allow', 0) +
        binding('flow', 'policy: !KeyOf refuse', 1),
      'policy_engine_mode: all',
    );
    const evaluator = new ScriptedEvaluator({
      allow: returns(true),
      refuse: () => ({ passing: false, messages: ['not today'] }),
    });
    const trace = await run(evaluator, yaml);

    expect(flowEngine(trace).passing).toBe(false);
    expect(trace.outcome).toMatchObject({ kind: 'denied', message: 'not today' });
  });

  it('skips disabled bindings', async () => {
    const yaml = loginFlow(
      policy('refuse') + binding('flow', 'policy: !KeyOf refuse', 0, 'enabled: false'),
    );
    const evaluator = new ScriptedEvaluator({ refuse: returns(false) });
    const trace = await run(evaluator, yaml);

    expect(evaluator.callsOf('refuse')).toHaveLength(0);
    expect(trace.outcome.kind).toBe('completed');
  });

  it('negates a real result', async () => {
    const yaml = loginFlow(
      policy('refuse') + binding('flow', 'policy: !KeyOf refuse', 0, 'negate: true'),
    );
    const trace = await run(new ScriptedEvaluator({ refuse: returns(false) }), yaml);

    expect(flowEngine(trace).policies[0]?.policyPassing).toBe(false);
    expect(flowEngine(trace).policies[0]?.passing).toBe(true);
  });

  it('uses failure_result when a policy raises', async () => {
    const yaml = loginFlow(
      policy('boom') + binding('flow', 'policy: !KeyOf boom', 0, 'failure_result: true'),
    );
    const trace = await run(new ScriptedEvaluator({ boom: raises('KeyError', "'x'") }), yaml);

    expect(flowEngine(trace).policies[0]?.failureResultUsed).toBe(true);
    expect(flowEngine(trace).passing).toBe(true);
    expect(flowEngine(trace).messages).toEqual(["'x'"]);
  });

  it('does not negate failure_result', async () => {
    const yaml = loginFlow(
      policy('boom') +
        binding('flow', 'policy: !KeyOf boom', 0, 'negate: true, failure_result: false'),
    );
    const trace = await run(new ScriptedEvaluator({ boom: raises('KeyError', "'x'") }), yaml);

    expect(flowEngine(trace).policies[0]?.passing).toBe(false);
    expect(trace.outcome.kind).toBe('denied');
  });

  it('fails a crash whatever negate says', async () => {
    const expiry = `  - model: authentik_policies_expiry.passwordexpirypolicy
    id: expiry
    identifiers: {name: expiry}
    attrs: {days: 30}
`;
    const yaml = loginFlow(
      expiry + binding('flow', 'policy: !KeyOf expiry', 0, 'negate: true, failure_result: true'),
    );
    const trace = await run(new ScriptedEvaluator(), yaml);

    expect(flowEngine(trace).policies[0]?.passing).toBe(false);
    expect(flowEngine(trace).policies[0]?.error?.type).toBe('AttributeError');
  });

  it('fails anonymous users on negated group bindings', async () => {
    const yaml = loginFlow(binding('flow', 'group: !KeyOf staff', 0, 'negate: true'));
    const trace = await run(new ScriptedEvaluator(), yaml);

    expect(flowEngine(trace).staticResult?.matching).toBe(0);
    expect(trace.outcome.kind).toBe('denied');
  });

  it('passes a logged-in non-member on a negated group binding', async () => {
    const yaml = loginFlow(binding('flow', 'group: !KeyOf staff', 0, 'negate: true'));
    const trace = await run(new ScriptedEvaluator(), yaml, { actor: 'bob', inputs: {} });

    expect(flowEngine(trace).user).toBe('bob');
    expect(flowEngine(trace).staticResult?.passing).toBe(true);
  });

  it('fails anonymous users on user bindings', async () => {
    const yaml = loginFlow(binding('flow', 'user: !KeyOf alice', 0));
    const trace = await run(new ScriptedEvaluator(), yaml);

    expect(flowEngine(trace).passing).toBe(false);
  });

  it('matches group bindings through parent groups', async () => {
    const yaml = loginFlow(binding('flow', 'group: !KeyOf admins', 0));
    const trace = await run(new ScriptedEvaluator(), yaml, {
      personas: [persona('alice', 'pw-alice', { authenticated: true })],
    });

    expect(flowEngine(trace).staticResult?.passing).toBe(true);
  });

  it('passes one matching static binding under mode all before 2025.12.5', async () => {
    const yaml = loginFlow(
      binding('flow', 'group: !KeyOf staff', 0) + binding('flow', 'user: !KeyOf bob', 1),
      'policy_engine_mode: all',
    );
    const trace = await run(new ScriptedEvaluator(), yaml, {
      personas: [persona('alice', 'pw-alice', { authenticated: true })],
      authentikVersion: '2025.12.4',
    });

    expect(flowEngine(trace).staticResult?.passing).toBe(true);
    expect(flowEngine(trace).staticResult?.rule).toBe('static-bindings-all@before-2025.12.5');
  });

  it('needs every static binding under mode all from 2025.12.5', async () => {
    const yaml = loginFlow(
      binding('flow', 'group: !KeyOf staff', 0) + binding('flow', 'user: !KeyOf bob', 1),
      'policy_engine_mode: all',
    );
    const trace = await run(new ScriptedEvaluator(), yaml, {
      personas: [persona('alice', 'pw-alice', { authenticated: true })],
    });

    expect(flowEngine(trace).staticResult?.passing).toBe(false);
    expect(trace.rules.map((rule) => rule.id)).toContain('static-bindings-all@2025.12.5');
  });

  it('fails a policy that returns None', async () => {
    const yaml = loginFlow(policy('forgot') + binding('flow', 'policy: !KeyOf forgot', 0));
    const evaluator = new ScriptedEvaluator({
      forgot: () => ({ passing: false, rawResult: { repr: 'None', type: 'NoneType', json: null } }),
    });
    const trace = await run(evaluator, yaml);

    expect(trace.outcome.kind).toBe('denied');
    expect(trace.findings.map((finding) => finding.code)).toContain('policy-returned-none');
  });

  it('passes a policy returning a truthy non-bool with a warning', async () => {
    const yaml = loginFlow(policy('text') + binding('flow', 'policy: !KeyOf text', 0));
    const evaluator = new ScriptedEvaluator({
      text: () => ({ passing: true, rawResult: { repr: "'False'", type: 'str', json: 'False' } }),
    });
    const trace = await run(evaluator, yaml);

    expect(flowEngine(trace).passing).toBe(true);
    expect(trace.findings.map((finding) => finding.code)).toContain('policy-non-bool');
  });

  it('passes a policy returning a PolicyResult', async () => {
    const yaml = loginFlow(policy('result') + binding('flow', 'policy: !KeyOf result', 0));
    const evaluator = new ScriptedEvaluator({
      result: () => ({
        passing: true,
        rawResult: { repr: '<PolicyResult>', type: 'PolicyResult' },
      }),
    });
    const trace = await run(evaluator, yaml);

    expect(flowEngine(trace).passing).toBe(true);
    expect(flowEngine(trace).policies[0]?.warnings.join(' ')).toContain('always truthy');
  });

  it('concatenates messages of passing policies in binding order', async () => {
    const yaml = loginFlow(
      policy('first') +
        policy('second') +
        binding('flow', 'policy: !KeyOf second', 2) +
        binding('flow', 'policy: !KeyOf first', 1),
    );
    const evaluator = new ScriptedEvaluator({
      first: () => ({ passing: true, messages: ['one'] }),
      second: () => ({ passing: true, messages: ['two'] }),
    });
    const trace = await run(evaluator, yaml);

    expect(flowEngine(trace).messages).toEqual(['one', 'two']);
  });

  it('stops a policy that does not finish', async () => {
    const yaml = loginFlow(policy('loop') + binding('flow', 'policy: !KeyOf loop', 0));
    const evaluator = new ScriptedEvaluator({ loop: () => ({ passing: false, timedOut: true }) });
    const trace = await run(evaluator, yaml, { policyTimeoutMs: 50 });

    expect(trace.outcome).toMatchObject({ kind: 'error', code: 'policy-timeout' });
    expect(evaluator.callsOf('loop')[0]?.timeoutMs).toBe(50);
  });

  it('uses the binding timeout by default', async () => {
    const yaml = loginFlow(
      policy('slow') + binding('flow', 'policy: !KeyOf slow', 0, 'timeout: 7'),
    );
    const evaluator = new ScriptedEvaluator({ slow: returns(true) });
    await run(evaluator, yaml);

    expect(evaluator.callsOf('slow')[0]?.timeoutMs).toBe(7000);
  });

  it('attaches the HTTP request with geo data to every policy', async () => {
    const yaml = loginFlow(
      policy('geo') +
        binding('flow', 'policy: !KeyOf geo', 0) +
        binding('pw-binding', 'policy: !KeyOf geo', 0),
    );
    const evaluator = new ScriptedEvaluator({ geo: returns(true) });
    await run(evaluator, yaml);

    const requests = evaluator.callsOf('geo');
    expect(requests.length).toBeGreaterThan(1);
    expect(requests.every((request) => request.httpRequest !== undefined)).toBe(true);
    expect(requests.every((request) => request.httpRequest?.geoip === null)).toBe(true);
  });

  it('passes the persona network to policies', async () => {
    const yaml = loginFlow(policy('geo') + binding('flow', 'policy: !KeyOf geo', 0));
    const evaluator = new ScriptedEvaluator({ geo: returns(true) });
    const network = { clientIp: '192.0.2.7', geoip: { country: 'DE' }, asn: { asn: 64500 } };
    await run(evaluator, yaml, { personas: [persona('alice', 'pw-alice', { network })] });

    expect(evaluator.callsOf('geo')[0]?.httpRequest).toMatchObject({
      clientIp: '192.0.2.7',
      geoip: { country: 'DE' },
    });
  });

  it('gives the flow as request.obj', async () => {
    const evaluator = new ScriptedEvaluator({ check: returns(true) });
    await run(evaluator, loginFlow(policy('check') + binding('flow', 'policy: !KeyOf check', 0)));
    const obj = evaluator.callsOf('check')[0]?.obj;

    expect(obj?.$model).toBe('authentik_flows.flow');
    expect(obj?.slug).toBe('login');
  });

  it('gives the stage binding as request.obj', async () => {
    const evaluator = new ScriptedEvaluator({ check: returns(true) });
    await run(
      evaluator,
      loginFlow(policy('check') + binding('pw-binding', 'policy: !KeyOf check', 0)),
    );
    const obj = evaluator.callsOf('check')[0]?.obj;

    expect(obj?.$model).toBe('authentik_flows.flowstagebinding');
    expect((obj?.stage as Record<string, unknown> | undefined)?.name).toBe('pw');
  });
});
