/**
 * The details behind one step. Tabs show every policy evaluation with its binding, result and
 * messages, the plan context with the step's changes highlighted, and the step's HTTP exchanges.
 * Further tabs show the run's effects (users, groups before and after, events, emails) and why a
 * stage was skipped or denied.
 */
import { useState } from 'react';

import type { EvaluationDetails, SimulationRun } from '../../shared/api/services.js';
import type { EngineRun, PolicyEvaluation, TraceStep } from '../../shared/simulator/trace.js';
import type { StepExchange } from './EvaluationView.js';
import { EffectList, HttpList, ResultLine, StepHttpList } from './EvaluationView.js';
import { JsonTree } from './JsonTree.js';
import { useSimulator } from './simulator-store.js';

type Tab = 'policies' | 'context' | 'http' | 'effects' | 'why';

const PURPOSES: Record<EngineRun['purpose'], string> = {
  flow: 'Flow policies',
  'evaluate-on-plan': 'Stage binding policies, at plan time',
  're-evaluate': 'Stage binding policies, before the stage',
  'prompt-validation': 'Prompt validation policies',
  source: 'Source policies',
};

function detailsOf(run: SimulationRun, step: number): EvaluationDetails[] {
  return run.details.filter((item) => item.step === step);
}

function PolicyRow(props: {
  evaluation: PolicyEvaluation;
  details: EvaluationDetails | undefined;
  onEdit: (bindingUid: string) => void;
}) {
  const { evaluation, details } = props;
  const breakpoints = useSimulator((state) => state.breakpoints);
  const hasBreakpoint = breakpoints.includes(evaluation.binding.uid);
  const expression =
    evaluation.binding.policyModel === 'authentik_policies_expression.expressionpolicy';

  return (
    <li className="policy-row" data-testid="policy-row" data-binding={evaluation.binding.uid}>
      <div className="policy-row-head">
        <button
          type="button"
          className={`breakpoint ${hasBreakpoint ? 'breakpoint-on' : ''}`}
          aria-pressed={hasBreakpoint}
          title="Stop at this binding"
          aria-label={`Breakpoint on ${evaluation.binding.label}`}
          onClick={() => useSimulator.getState().toggleBreakpoint(evaluation.binding.uid)}
        >
          ●
        </button>
        <strong>{evaluation.binding.label}</strong>
        <span className="muted">
          {' '}
          {evaluation.binding.kind} binding, order {evaluation.binding.order}
          {evaluation.binding.negate ? ', negated' : ''}
          {evaluation.source === 'cache' ? ', from the cache' : ''}
        </span>
        {expression ? (
          <button
            type="button"
            className="link-button"
            onClick={() => props.onEdit(evaluation.binding.uid)}
          >
            Edit
          </button>
        ) : null}
      </div>
      <ResultLine
        passing={evaluation.passing}
        rawResult={evaluation.rawResult}
        error={evaluation.error}
        timedOut={evaluation.timedOut}
        durationMs={evaluation.durationMs}
        filename={evaluation.binding.label}
      />
      {evaluation.failureResultUsed ? (
        <p className="warning-text">
          The policy raised, so the binding&apos;s failure result was used.
        </p>
      ) : null}
      {evaluation.messages.length === 0 ? null : (
        <ul className="message-list">
          {evaluation.messages.map((message, index) => (
            <li key={index}>{message}</li>
          ))}
        </ul>
      )}
      {evaluation.warnings.map((warning, index) => (
        <p key={index} className="warning-text">
          {warning}
        </p>
      ))}
      {details === undefined || details.http.length === 0 ? null : (
        <HttpList exchanges={details.http} />
      )}
    </li>
  );
}

function Policies(props: {
  run: SimulationRun;
  index: number;
  step: TraceStep;
  onEdit: (uid: string) => void;
}) {
  const { run, index, step } = props;
  const details = detailsOf(run, index);
  if (step.engines.length === 0) {
    return <p className="hint">No policies ran in this step.</p>;
  }

  return (
    <div className="engine-list">
      {step.engines.map((engine, engineIndex) => (
        <section key={engineIndex} className="engine">
          <h4>
            {PURPOSES[engine.purpose]}: {engine.target.label}{' '}
            <span className={engine.passing ? 'result-pass-text' : 'result-fail-text'}>
              {engine.passing ? 'passed' : 'failed'}
            </span>{' '}
            <span className="muted">
              (mode {engine.mode}, as {engine.user}
              {engine.empty ? ', nothing bound' : ''})
            </span>
          </h4>
          {engine.staticResult === undefined ? null : (
            <p className="muted">
              Group and user bindings: {engine.staticResult.matching} of {engine.staticResult.total}{' '}
              match ({engine.staticResult.rule}).
            </p>
          )}
          <ul className="policy-list">
            {engine.policies.map((evaluation, policyIndex) => (
              <PolicyRow
                key={evaluation.binding.uid}
                evaluation={evaluation}
                details={details.find(
                  (item) => item.engine === engineIndex && item.policy === policyIndex,
                )}
                onEdit={props.onEdit}
              />
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}

function Why(props: { step: TraceStep }) {
  const { step } = props;
  const omitted = (step.plan?.bindings ?? []).filter((binding) => binding.decision === 'omitted');
  const failed = step.engines.filter((engine) => !engine.passing);

  return (
    <div className="why">
      <p>
        <strong>{step.status}</strong>: {step.why ?? step.title}
      </p>
      {omitted.map((binding, index) => (
        <p key={index}>
          Stage {binding.stage.name} was left out of the plan:{' '}
          {binding.why ?? 'its policies failed'}.
        </p>
      ))}
      {failed.map((engine, index) => (
        <p key={index}>
          {PURPOSES[engine.purpose]} of {engine.target.label} failed
          {engine.messages.length === 0 ? '' : `: ${engine.messages.join(' ')}`}.
        </p>
      ))}
      {step.notes.map((note, index) => (
        <p key={`note:${index}`} className="muted">
          {note}
        </p>
      ))}
    </div>
  );
}

function Effects(props: { run: SimulationRun; index: number }) {
  const effects = props.run.trace.effects;
  const details = detailsOf(props.run, props.index);
  const stepEffects = details.flatMap((item) => item.effects);
  const stepEvents = details.flatMap((item) => item.events);
  const stepLogs = details.flatMap((item) => item.logs);
  // EffectList leaves out message and event effects, which the events list already shows.
  const listed = stepEffects.filter(
    (effect) => effect.kind !== 'message' && effect.kind !== 'event',
  );
  const stepEmpty = listed.length + stepEvents.length + stepLogs.length === 0;

  return (
    <div className="effects">
      <h4>This step</h4>
      {stepEmpty ? (
        <p className="hint" data-testid="no-step-effects">
          No effects in this step.
        </p>
      ) : (
        <EffectList effects={stepEffects} events={stepEvents} logs={stepLogs} />
      )}
      <h4>The whole run</h4>
      {effects.users.map((user, index) => (
        <p key={`user:${index}`}>
          User <strong>{user.username}</strong> {user.action} by {user.by}
          {user.changes.length === 0
            ? ''
            : `: ${user.changes.map((change) => change.field).join(', ')}`}
        </p>
      ))}
      {effects.memberships.map((membership, index) => (
        <p key={`groups:${index}`} data-testid="membership">
          Groups of <strong>{membership.username}</strong>: [{membership.before.join(', ')}] → [
          {membership.after.join(', ')}] <span className="muted">by {membership.by}</span>
        </p>
      ))}
      {effects.sessions.map((session, index) => (
        <p key={`session:${index}`}>
          Session: {session.action} {session.username ?? ''}{' '}
          <span className="muted">by {session.by}</span>
        </p>
      ))}
      {effects.emails.map((email, index) => (
        <p key={`email:${index}`}>
          Email to {email.to.join(', ')}: {email.subject}
        </p>
      ))}
      <EffectList effects={[]} events={effects.events} />
      {effects.users.length +
        effects.memberships.length +
        effects.sessions.length +
        effects.events.length ===
      0 ? (
        <p className="hint">The run changed nothing on the server.</p>
      ) : null}
    </div>
  );
}

/** Renders the details of one step. */
export function StepDetails(props: {
  run: SimulationRun;
  index: number;
  onEdit: (bindingUid: string) => void;
}) {
  const [tab, setTab] = useState<Tab>('policies');
  const step = props.run.trace.steps[props.index];
  if (step === undefined) {
    return null;
  }

  // A run through a source lists every request of the step in the trace. Other runs have only
  // the requests the policies made, from the evaluation details.
  const stepHttp = (step as { http?: StepExchange[] }).http ?? [];
  const http = detailsOf(props.run, props.index).flatMap((item) => item.http);
  const httpCount = stepHttp.length > 0 ? stepHttp.length : http.length;
  const tabs: [Tab, string][] = [
    [
      'policies',
      `Policies (${step.engines.reduce((sum, engine) => sum + engine.policies.length, 0)})`,
    ],
    ['context', 'Context'],
    ['http', `HTTP (${httpCount})`],
    ['effects', 'Effects'],
    ['why', 'Why'],
  ];

  return (
    <section className="step-details" aria-label="Step details">
      <div role="tablist" className="detail-tabs">
        {tabs.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={tab === id}
            className={tab === id ? 'tab-active' : ''}
            onClick={() => setTab(id)}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="detail-body">
        {tab === 'policies' ? (
          <Policies run={props.run} index={props.index} step={step} onEdit={props.onEdit} />
        ) : null}
        {tab === 'context' ? (
          <JsonTree
            value={step.contextAfter ?? step.contextBefore ?? {}}
            before={step.contextBefore ?? {}}
            label="Plan context"
          />
        ) : null}
        {tab === 'http' && stepHttp.length > 0 ? <StepHttpList exchanges={stepHttp} /> : null}
        {tab === 'http' && stepHttp.length === 0 ? <HttpList exchanges={http} /> : null}
        {tab === 'effects' ? <Effects run={props.run} index={props.index} /> : null}
        {tab === 'why' ? <Why step={step} /> : null}
      </div>
    </section>
  );
}
