/**
 * The push tab: compare the open flow or the project with the server, choose how `!Env`
 * variables are filled and how the blueprint is sent, push, and read the server's response.
 * Values typed for variables live in this component only and are dropped after the push.
 */
import { useState } from 'react';

import { ENV_EXPLANATION } from '../../shared/server/env-help.js';
import type { EnvChoice, PushMode, PushPlan, PushReport } from '../../shared/server/types.js';
import { client } from '../state/client.js';
import { useProject } from '../state/project-store.js';
import { DiffView } from './DiffView.js';
import type { Scope } from './server-ui.js';
import { errorText, openFlowSlug, selectionOf } from './server-ui.js';

interface EnvInput {
  source: EnvChoice['source'];
  value: string;
}

function PushResult(props: { report: PushReport }) {
  const { report } = props;
  const where =
    report.instance === undefined ? report.endpoint : `instance ${report.instance.name}`;

  return (
    <div className={report.success ? 'server-result' : 'server-result server-failed'} role="status">
      {report.success ? (
        <p>
          Pushed {report.entries} entries to {report.server} ({where})
          {report.instance === undefined ? '' : `, status ${report.instance.status}`}.
        </p>
      ) : report.instance?.status === 'error' ? (
        <p>
          The server applied the blueprint instance {report.instance.name} and it ended with status
          error. authentik applies a blueprint in one transaction, so no entry of this apply was
          written.
        </p>
      ) : (
        <p>
          The server rejected the blueprint. Nothing was applied: authentik checks the whole file in
          a transaction it rolls back before writing anything.
        </p>
      )}
      {report.logUnavailable === undefined ? null : (
        <p className="hint">The log of the apply could not be read: {report.logUnavailable}.</p>
      )}
      {report.logs.length === 0 ? null : (
        <ul className="server-log" aria-label="Server log">
          {report.logs.map((event, position) => (
            <li key={position}>
              <code>{event.level}</code> {event.event}
              {event.attributes?.entry === undefined
                ? ''
                : ` (entry ${JSON.stringify(event.attributes.entry)})`}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function EnvChoices(props: {
  plan: PushPlan;
  inputs: Record<string, EnvInput>;
  setInput(name: string, input: EnvInput): void;
}) {
  return (
    <section className="server-env">
      <h3>Variables read with !Env</h3>
      {ENV_EXPLANATION.map((paragraph) => (
        <p key={paragraph} className="hint">
          {paragraph}
        </p>
      ))}
      {props.plan.env.map((requirement) => {
        const input = props.inputs[requirement.name] ?? { source: 'server', value: '' };
        return (
          <fieldset key={requirement.name} className="server-env-row">
            <legend>
              <code>{requirement.name}</code> · {requirement.uses.join('; ')}
            </legend>
            <label>
              <input
                type="radio"
                checked={input.source === 'server'}
                onChange={() => props.setInput(requirement.name, { ...input, source: 'server' })}
              />
              The server&apos;s environment provides it
            </label>
            <label>
              <input
                type="radio"
                checked={input.source === 'value'}
                onChange={() => props.setInput(requirement.name, { ...input, source: 'value' })}
              />
              Give the value now
            </label>
            {input.source === 'value' ? (
              <input
                type="password"
                autoComplete="off"
                aria-label={`Value of ${requirement.name}`}
                value={input.value}
                onChange={(event) =>
                  props.setInput(requirement.name, { ...input, value: event.target.value })
                }
              />
            ) : null}
          </fieldset>
        );
      })}
    </section>
  );
}

/** Renders the push tab for one profile. */
export function PushPanel(props: { profile: string }) {
  const slug = openFlowSlug();
  const projectName = useProject((state) => state.settings?.name ?? 'stagecraft');
  const [scope, setScope] = useState<Scope>(slug === undefined ? 'project' : 'flow');
  const [mode, setMode] = useState<PushMode>('import');
  const [instanceName, setInstanceName] = useState(slug ?? projectName);
  const [plan, setPlan] = useState<PushPlan | null>(null);
  const [report, setReport] = useState<PushReport | null>(null);
  const [inputs, setInputs] = useState<Record<string, EnvInput>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const compare = async (): Promise<void> => {
    setBusy('Comparing with the server');
    setFailure(null);
    try {
      setPlan(await client().server.plan({ profile: props.profile, ...selectionOf(scope) }));
    } catch (error) {
      setFailure(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  const push = async (): Promise<void> => {
    setBusy('Pushing');
    setFailure(null);
    setReport(null);
    try {
      const env: EnvChoice[] = Object.entries(inputs).map(([name, input]) =>
        input.source === 'value'
          ? { name, source: 'value', value: input.value }
          : { name, source: 'server' },
      );
      const pushed = await client().server.push({
        profile: props.profile,
        ...selectionOf(scope),
        mode,
        env,
        ...(mode === 'managed' ? { instanceName } : {}),
      });
      setReport(pushed);
      setInputs({});
      if (pushed.success) {
        setPlan(await client().server.plan({ profile: props.profile, ...selectionOf(scope) }));
      }
    } catch (error) {
      setFailure(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  const errors = plan?.problems.filter((problem) => problem.severity === 'error') ?? [];

  return (
    <div className="server-panel">
      <fieldset className="export-scope">
        <legend>What to compare and push</legend>
        <label>
          <input
            type="radio"
            name="server-scope"
            checked={scope === 'flow'}
            disabled={slug === undefined}
            onChange={() => setScope('flow')}
          />
          The open flow {slug === undefined ? '' : `(${slug})`} with its stages and policies
        </label>
        <label>
          <input
            type="radio"
            name="server-scope"
            checked={scope === 'project'}
            onChange={() => setScope('project')}
          />
          The whole project
        </label>
      </fieldset>
      <div className="server-actions">
        <button type="button" disabled={busy !== null} onClick={() => void compare()}>
          Compare with the server
        </button>
        {busy === null ? null : <span className="hint">{busy}…</span>}
      </div>
      {failure === null ? null : (
        <p className="field-problem" role="alert">
          {failure}
        </p>
      )}
      {plan === null ? null : (
        <>
          <DiffView report={plan.diff} />
          {errors.length === 0 ? null : (
            <ul className="problem-list">
              {errors.map((problem, position) => (
                <li key={position} className="problem problem-error">
                  <code>{problem.code}</code> {problem.message}
                </li>
              ))}
            </ul>
          )}
          {plan.env.length === 0 ? null : (
            <EnvChoices
              plan={plan}
              inputs={inputs}
              setInput={(name, input) => setInputs({ ...inputs, [name]: input })}
            />
          )}
          <fieldset className="export-scope">
            <legend>How to send it</legend>
            <label>
              <input
                type="radio"
                name="push-mode"
                checked={mode === 'import'}
                onChange={() => setMode('import')}
              />
              One-shot import
            </label>
            <label>
              <input
                type="radio"
                name="push-mode"
                checked={mode === 'managed'}
                onChange={() => setMode('managed')}
              />
              Managed blueprint instance
            </label>
            {mode === 'managed' ? (
              <input
                aria-label="Blueprint instance name"
                value={instanceName}
                onChange={(event) => setInstanceName(event.target.value)}
              />
            ) : null}
          </fieldset>
          <div className="server-actions">
            <button
              type="button"
              className="primary"
              disabled={busy !== null || errors.length > 0}
              onClick={() => void push()}
            >
              Push
            </button>
            {errors.length > 0 ? (
              <span className="field-problem">Fix the validation errors before pushing.</span>
            ) : null}
          </div>
        </>
      )}
      {report === null ? null : <PushResult report={report} />}
    </div>
  );
}
