import { describe, expect, it } from 'vitest';

import type { SimulationTrace, TraceStep } from '../../shared/simulator/trace.js';
import { emptyEffects } from '../../shared/simulator/trace.js';
import { stageForm } from '../../renderer/simulator/stage-forms.js';
import {
  answersAfterSubmit,
  cursorAfterRerun,
  hitsBreakpoint,
  lastReachable,
  nextStop,
  overlayFor,
} from '../../renderer/simulator/stepper.js';
import { objectsFromYaml } from './simulator-helpers.js';

function step(index: number, fields: Partial<TraceStep>): TraceStep {
  return {
    index,
    kind: 'stage',
    flow: 'login',
    status: 'passed',
    title: `step ${index}`,
    requests: [],
    engines: [],
    inputs: [],
    messages: [],
    notes: [],
    rules: [],
    durationMs: 1,
    ...fields,
  };
}

function stage(binding: string) {
  return { name: binding, model: 'm', bindingUid: binding };
}

function trace(steps: TraceStep[], outcome?: SimulationTrace['outcome']): SimulationTrace {
  return {
    version: 1,
    authentikVersion: '2025.12',
    flow: { slug: 'login', name: 'Login', designation: 'authentication', authentication: 'none' },
    actor: null,
    cacheEnabled: false,
    steps,
    outcome: outcome ?? { kind: 'completed', flow: 'login', redirect: '/', why: 'root' },
    effects: emptyEffects(),
    findings: [],
    rules: [],
    durationMs: 5,
  };
}

const PASSED = trace([
  step(0, { kind: 'plan', status: 'planned' }),
  step(1, {
    stage: stage('ident'),
    inputs: [{ key: 'username', value: 'alice', source: 'input' }],
  }),
  step(2, {
    stage: stage('pw'),
    inputs: [{ key: 'password', value: '***', source: 'persona' }],
    engines: [
      {
        purpose: 're-evaluate',
        target: { kind: 'stage-binding', uid: 'pw', label: 'pw' },
        mode: 'any',
        user: 'alice',
        useCache: false,
        passing: true,
        messages: [],
        empty: false,
        policies: [
          {
            binding: {
              uid: 'policy-binding',
              order: 0,
              kind: 'policy',
              negate: false,
              failureResult: false,
              timeout: 30,
              label: 'check',
            },
            source: 'run',
            passing: false,
            failureResultUsed: false,
            messages: [],
            durationMs: 1,
            user: 'alice',
            warnings: [],
          },
        ],
        durationMs: 1,
      },
    ],
  }),
  step(3, { stage: stage('login-stage') }),
  step(4, { kind: 'finish', status: 'completed' }),
]);

describe('stepper', () => {
  it('stops at a stage breakpoint', () => {
    expect(nextStop(PASSED, 0, new Set(['login-stage']))).toBe(3);
  });

  it('stops at a policy breakpoint', () => {
    expect(hitsBreakpoint(PASSED.steps[2]!, new Set(['policy-binding']))).toBe(true);
  });

  it('runs to the end without breakpoints', () => {
    expect(nextStop(PASSED, 0, new Set())).toBe(4);
  });

  it('stops at a waiting stage', () => {
    const waiting = trace([
      step(0, { kind: 'plan' }),
      step(1, { status: 'waiting' }),
      step(2, { kind: 'finish' }),
    ]);

    expect(lastReachable(waiting)).toBe(1);
  });

  it('keeps earlier answers when a form is sent again', () => {
    const answers = answersAfterSubmit(
      PASSED,
      2,
      { username: ['alice', 'later'] },
      { password: 'new' },
    );

    expect(answers).toEqual({ username: ['alice'], password: ['new'] });
  });

  it('repeats persona answers given before the step', () => {
    expect(answersAfterSubmit(PASSED, 3, {}, { password: 'again' })).toEqual({
      password: ['***', 'again'],
    });
  });

  it('replaces the answer of the changed step', () => {
    expect(answersAfterSubmit(PASSED, 1, { username: ['alice'] }, { username: 'bob' })).toEqual({
      username: ['bob'],
    });
  });

  it('stays at the same stage after a re-run', () => {
    const next = trace([
      step(0, { kind: 'plan' }),
      step(1, { stage: stage('pw'), status: 'skipped' }),
      step(2, { kind: 'finish' }),
    ]);

    expect(cursorAfterRerun(PASSED, 2, next)).toBe(1);
  });

  it('marks the path and the stop on the canvas', () => {
    const denied = trace(PASSED.steps, {
      kind: 'denied',
      flow: 'login',
      stage: stage('pw'),
      message: 'no',
      why: 'policy',
    });
    const overlay = overlayFor(denied, 'login');

    expect(overlay.stages.map((item) => item.uid)).toEqual(['ident', 'pw', 'login-stage']);
    expect(overlay.policies.get('policy-binding')).toBe(false);
    expect(overlay.stoppedAt).toBe('pw');
  });
});

describe('stage forms', () => {
  const objects = objectsFromYaml(`version: 1
entries:
  - model: authentik_stages_identification.identificationstage
    id: ident
    identifiers: {name: ident}
    attrs: {user_fields: [email, username], password_stage: !KeyOf pw}
  - model: authentik_stages_password.passwordstage
    id: pw
    identifiers: {name: pw}
  - model: authentik_stages_prompt.prompt
    id: choice
    identifiers: {name: choice}
    attrs: {field_key: plan, label: Plan, type: dropdown, placeholder: basic, order: 2}
  - model: authentik_stages_prompt.prompt
    id: name
    identifiers: {name: name}
    attrs: {field_key: nick, label: Nickname, type: text, required: false, order: 1}
  - model: authentik_stages_prompt.promptstage
    id: prompt
    identifiers: {name: prompt}
    attrs: {fields: [!KeyOf choice, !KeyOf name]}
`);
  const byUid = new Map(objects.map((object) => [object.uid, object]));
  const uidOf = (name: string) => objects.find((object) => object.identifiers.name === name)!.uid;

  it('asks identification for the user and an inline password', () => {
    const form = stageForm(
      {
        uid: uidOf('ident'),
        name: 'ident',
        model: 'authentik_stages_identification.identificationstage',
      },
      'ak-stage-identification',
      byUid,
    );

    expect(form.fields.map((field) => [field.key, field.label])).toEqual([
      ['username', 'Email or Username'],
      ['password', 'Password'],
    ]);
  });

  it('orders prompt fields and answers them by field key', () => {
    const form = stageForm(
      { uid: uidOf('prompt'), name: 'prompt', model: 'authentik_stages_prompt.promptstage' },
      'ak-stage-prompt',
      byUid,
    );

    expect(form.fields.map((field) => field.key)).toEqual(['nick', 'plan']);
    expect(form.fields[0]?.required).toBe(false);
    expect(form.fields[1]?.choices).toEqual(['basic']);
  });

  it('lets a stage the simulator does not run pass or fail', () => {
    const form = stageForm({ name: 'dummy', model: 'x' }, 'not-simulated:x', byUid);

    expect(form.fields[0]?.key).toBe('stage:dummy');
  });
});
