/** The plan cache and the policy-result cache across runs, with their keys and lifetimes. */
import { describe, expect, it } from 'vitest';

import { SimulationCache } from '../../main/simulator/cache.js';
import { simulateFlow } from '../../main/simulator/simulate.js';
import type { SimulationOptions } from '../../main/simulator/simulate.js';
import type { SimSession } from '../../main/simulator/types.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { DIRECTORY, binding, loginFlow, persona, policy } from './simulator-fixtures.js';
import { ScriptedEvaluator, objectsFromYaml, returns } from './simulator-helpers.js';

const PERSONAS = [
  persona('alice', 'pw-alice'),
  persona('carol-visitor', 'pw', { user: { username: 'carol' } }),
  persona('bob', 'pw-bob', { authenticated: true }),
];

function run(
  yaml: string,
  options: Partial<SimulationOptions>,
  evaluator = new ScriptedEvaluator(),
): Promise<SimulationTrace> {
  return simulateFlow({
    objects: objectsFromYaml(yaml + DIRECTORY),
    flow: 'login',
    evaluator,
    personas: PERSONAS,
    actor: 'alice',
    inputs: { password: ['pw-alice'] },
    ...options,
  });
}

function session(): SimSession {
  return { key: 'session-one', userPk: null, data: {} };
}

describe('plan cache', () => {
  it('reuses the plan of the same flow and user', async () => {
    const cache = new SimulationCache();
    await run(loginFlow(), { cache });
    const second = await run(loginFlow(), { cache });

    expect(second.steps[0]?.plan?.cache).toBe('hit');
  });

  it('shares one plan between all anonymous visitors', async () => {
    const cache = new SimulationCache();
    await run(loginFlow(), { cache });
    const other = await run(loginFlow(), { cache, actor: 'carol-visitor', inputs: {} });

    expect(other.steps[0]?.plan?.cacheKey).toMatch(/#None$/);
    expect(other.steps[0]?.plan?.cache).toBe('hit');
  });

  it('keeps the evaluate_on_plan decisions of the cached plan', async () => {
    const yaml = loginFlow(
      policy('gate') + binding('pw-binding', 'policy: !KeyOf gate', 0),
    ).replace(
      'identifiers: {target: !KeyOf flow, stage: !KeyOf pw, order: 20}',
      'identifiers: {target: !KeyOf flow, stage: !KeyOf pw, order: 20}\n    attrs: {evaluate_on_plan: true, re_evaluate_policies: false}',
    );
    const cache = new SimulationCache();
    await run(yaml, { cache, inputs: {} }, new ScriptedEvaluator({ gate: returns(false) }));
    const later = new ScriptedEvaluator({ gate: returns(true) });
    const second = await run(yaml, { cache, inputs: {} }, later);

    expect(later.callsOf('gate')).toHaveLength(0);
    expect(second.steps.some((step) => step.stage?.name === 'pw')).toBe(false);
  });

  it('expires a plan after 300 seconds', async () => {
    let now = 0;
    const cache = new SimulationCache({ now: () => now });
    await run(loginFlow(), { cache });
    now = 301_000;
    const later = await run(loginFlow(), { cache });

    expect(later.steps[0]?.plan?.cache).toBe('miss');
  });

  it('can be switched off', async () => {
    const trace = await run(loginFlow(), { cache: null });

    expect(trace.steps[0]?.plan?.cache).toBe('disabled');
    expect(trace.cacheEnabled).toBe(false);
  });

  it('never reuses plans of stage configuration flows', async () => {
    const yaml = loginFlow().replace(
      'designation: authentication',
      'designation: stage_configuration',
    );
    const cache = new SimulationCache();
    await run(yaml, { cache });
    const second = await run(yaml, { cache });

    expect(second.steps[0]?.plan?.cache).toBe('miss');
  });
});

describe('policy result cache', () => {
  const flowPolicy = loginFlow(policy('check') + binding('flow', 'policy: !KeyOf check', 0));

  it('reuses a result of a logged-in user in the same session', async () => {
    const cache = new SimulationCache();
    const evaluator = new ScriptedEvaluator({ check: returns(true) });
    await run(flowPolicy, { cache, actor: 'bob', inputs: {}, session: session() }, evaluator);
    const second = await run(
      flowPolicy,
      { cache, actor: 'bob', inputs: {}, session: session() },
      evaluator,
    );

    expect(evaluator.callsOf('check')).toHaveLength(1);
    expect(second.steps[0]?.engines[0]?.policies[0]?.source).toBe('cache');
  });

  it('does not reuse a result across sessions', async () => {
    const cache = new SimulationCache();
    const evaluator = new ScriptedEvaluator({ check: returns(true) });
    await run(flowPolicy, { cache, actor: 'bob', inputs: {} }, evaluator);
    await run(flowPolicy, { cache, actor: 'bob', inputs: {} }, evaluator);

    expect(evaluator.callsOf('check')).toHaveLength(2);
  });

  it('never caches results of anonymous users', async () => {
    const cache = new SimulationCache();
    const evaluator = new ScriptedEvaluator({ check: returns(true) });
    await run(flowPolicy, { cache, session: session() }, evaluator);
    await run(flowPolicy, { cache, session: session() }, evaluator);

    expect(evaluator.callsOf('check')).toHaveLength(2);
  });

  it('does not reuse a result of another user', async () => {
    const cache = new SimulationCache();
    const evaluator = new ScriptedEvaluator({ check: returns(true) });
    const alice = persona('alice', 'pw-alice', { authenticated: true });
    await run(flowPolicy, { cache, actor: 'bob', inputs: {}, session: session() }, evaluator);
    await run(flowPolicy, { cache, personas: [alice], inputs: {}, session: session() }, evaluator);

    expect(evaluator.callsOf('check')).toHaveLength(2);
  });

  it('builds authentik keys', () => {
    const key = SimulationCache.policyKey('0a1b-2c', 'abc', 7);

    expect(key).toBe('goauthentik.io/policies/0a1b2c__abc#7');
  });
});
