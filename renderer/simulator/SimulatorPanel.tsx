/**
 * The simulator view: choose a flow and a persona (or fill the forms yourself), then step
 * through the login as the user would see it, with the policies, context, HTTP exchanges,
 * effects and reasons of every step beside it. Breakpoints stop "Run to breakpoint" at a binding.
 * A policy can be edited in place and the run repeated from the current stage. Every persona can
 * run side by side, and a run can be saved as a scenario. The personas section lists and edits
 * the personas the runs use.
 */
import { useEffect, useMemo, useState } from 'react';

import { mergeEntryData } from '../../shared/model/view.js';
import { ExpressionEditor } from '../editor/ExpressionEditor.js';
import { expressionOfSelection } from '../editor/expression-objects.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';
import { FindingsBanner } from './FindingsBanner.js';
import { LiveSettings, LoginBanner, useLoginEvents } from './LiveLogin.js';
import { PersonasView } from './PersonasView.js';
import { PersonaTable } from './PersonaTable.js';
import { LIVE_SCENARIO_REASON, useSimulator } from './simulator-store.js';
import { StageCard } from './StageCard.js';
import { StepDetails } from './StepDetails.js';
import { lastReachable } from './stepper.js';
import './simulator.css';

function useFlowsAndSources(): {
  flows: { slug: string; name: string; uid: string }[];
  sources: string[];
} {
  const objects = useProject((state) => state.objects);

  return useMemo(() => {
    const flows: { slug: string; name: string; uid: string }[] = [];
    const sources: string[] = [];
    for (const object of objects.values()) {
      const data = mergeEntryData(object);
      if (object.model === 'authentik_flows.flow' && typeof data.slug === 'string') {
        flows.push({
          slug: data.slug,
          name: typeof data.name === 'string' ? data.name : data.slug,
          uid: object.uid,
        });
      }
      if (
        object.model.startsWith('authentik_sources_') &&
        object.model.endsWith('source') &&
        typeof data.slug === 'string'
      ) {
        sources.push(data.slug);
      }
    }
    return { flows: flows.sort((a, b) => a.slug.localeCompare(b.slug)), sources: sources.sort() };
  }, [objects]);
}

function Controls() {
  const sim = useSimulator();
  const { flows, sources } = useFlowsAndSources();
  const activeFlow = useUi((state) => state.activeFlow);
  const [scenarioName, setScenarioName] = useState('');

  // Start with the flow open on the canvas.
  useEffect(() => {
    if (useSimulator.getState().flow !== '') {
      return;
    }
    const open = flows.find((flow) => flow.uid === activeFlow) ?? flows[0];
    if (open !== undefined) {
      useSimulator.getState().configure({ flow: open.slug });
    }
  }, [flows, activeFlow]);

  const run = sim.run;
  const last = run === null ? 0 : lastReachable(run.trace);

  return (
    <div className="sim-controls" role="toolbar" aria-label="Simulation">
      <label>
        Flow{' '}
        <select
          aria-label="Flow to simulate"
          value={sim.flow}
          onChange={(event) => sim.configure({ flow: event.target.value })}
        >
          {flows.map((flow) => (
            <option key={flow.slug} value={flow.slug}>
              {flow.slug}
            </option>
          ))}
        </select>
      </label>
      <label>
        Persona{' '}
        <select
          aria-label="Persona"
          value={sim.persona}
          onChange={(event) => sim.configure({ persona: event.target.value })}
        >
          <option value="">I fill the forms (anonymous visitor)</option>
          {sim.personas.map((persona) => (
            <option key={persona.name} value={persona.name}>
              {persona.name}
            </option>
          ))}
        </select>
      </label>
      {sources.length === 0 ? null : (
        <label>
          Via source{' '}
          <select
            aria-label="Via source"
            value={sim.viaSource}
            onChange={(event) => sim.configure({ viaSource: event.target.value })}
          >
            <option value="">none (open the flow directly)</option>
            {sources.map((slug) => (
              <option key={slug} value={slug}>
                {slug}
              </option>
            ))}
          </select>
        </label>
      )}
      {sim.viaSource === '' ? null : (
        <label>
          Responses{' '}
          <select
            aria-label="Source responses"
            value={sim.live === '' ? `recording:${sim.recording}` : sim.live}
            onChange={(event) => {
              const value = event.target.value;
              if (value === 'live' || value === 'record') {
                sim.configure({ live: value, recording: '' });
              } else {
                sim.configure({ live: '', recording: value.slice('recording:'.length) });
              }
            }}
          >
            <option value="recording:">the persona’s</option>
            {sim.recordings.map((recording) => (
              <option key={recording.id} value={`recording:${recording.id}`}>
                recording {recording.name}
              </option>
            ))}
            <option value="live">live: log in at the provider</option>
            <option value="record">live, and save a recording</option>
          </select>
        </label>
      )}
      <button
        type="button"
        className="primary"
        disabled={sim.running}
        onClick={() => void sim.start()}
      >
        Start
      </button>
      <button
        type="button"
        disabled={run === null || sim.running || sim.cursor === 0}
        onClick={() => sim.step(-1)}
      >
        Step back
      </button>
      <button
        type="button"
        disabled={run === null || sim.running || sim.cursor >= last}
        onClick={() => sim.step(1)}
      >
        Step
      </button>
      <button
        type="button"
        disabled={run === null || sim.running || sim.cursor >= last}
        onClick={() => sim.continueToBreakpoint()}
        title="Step until a breakpoint, a form that needs an answer, or the end"
      >
        Run to breakpoint
      </button>
      <button
        type="button"
        disabled={run === null || sim.running}
        onClick={() => void sim.rerun()}
        title="Run again with the same answers and stay at this stage"
      >
        Re-run from this stage
      </button>
      <button
        type="button"
        disabled={sim.tableRunning || sim.flow === ''}
        onClick={() => void sim.runAll()}
      >
        Run all personas
      </button>
      <span className="sim-scenario">
        <input
          type="text"
          aria-label="Scenario name"
          placeholder="Scenario name"
          value={scenarioName}
          onChange={(event) => setScenarioName(event.target.value)}
        />
        <button
          type="button"
          disabled={run === null || scenarioName.trim() === '' || run.request.live !== undefined}
          title={run?.request.live === undefined ? undefined : LIVE_SCENARIO_REASON}
          onClick={() => void sim.saveScenario(scenarioName.trim())}
        >
          Save as scenario
        </button>
      </span>
    </div>
  );
}

function StepList() {
  const run = useSimulator((state) => state.run);
  const cursor = useSimulator((state) => state.cursor);
  const breakpoints = useSimulator((state) => state.breakpoints);
  if (run === null) {
    return null;
  }

  const last = lastReachable(run.trace);
  const findingSteps = new Set(run.trace.findings.map((finding) => finding.step));
  const hasBindings = run.trace.steps.some((step) => step.stage?.bindingUid !== undefined);
  return (
    <div className="step-column">
      {hasBindings ? (
        <p className="breakpoint-legend" data-testid="breakpoint-legend">
          <span className="breakpoint breakpoint-sample" aria-hidden="true" /> breakpoint: click to
          stop “Run to breakpoint” at that stage
        </p>
      ) : null}
      <ol className="step-list" aria-label="Steps">
        {run.trace.steps.map((step, index) => {
          const binding = step.stage?.bindingUid;
          const stageName = step.stage?.name ?? step.title;
          const on = binding !== undefined && breakpoints.includes(binding);
          return (
            <li
              key={index}
              className={`step-item status-${step.status} ${index === cursor ? 'step-current' : ''} ${index > last ? 'step-unreachable' : ''}`}
              aria-current={index === cursor ? 'step' : undefined}
            >
              {binding === undefined ? (
                <span className="breakpoint-space" />
              ) : (
                <button
                  type="button"
                  className={`breakpoint ${on ? 'breakpoint-on' : ''}`}
                  aria-pressed={on}
                  aria-label={`Breakpoint on ${stageName}`}
                  title={
                    on
                      ? `Breakpoint on ${stageName}: “Run to breakpoint” stops here. Click to remove.`
                      : `Set a breakpoint on ${stageName}, so “Run to breakpoint” stops here.`
                  }
                  onClick={() => useSimulator.getState().toggleBreakpoint(binding)}
                />
              )}
              <button
                type="button"
                className="step-button"
                disabled={index > last}
                onClick={() => useSimulator.getState().go(index)}
              >
                <span className="step-status">{step.status}</span> {stageName}
                {findingSteps.has(index) ? (
                  <span
                    className="step-finding"
                    title="This step has findings"
                    aria-label="has findings"
                  >
                    {' '}
                    ⚠
                  </span>
                ) : null}
              </button>
            </li>
          );
        })}
      </ol>
    </div>
  );
}

const SECTIONS = [
  ['stepper', 'Stepper'],
  ['personas', 'Personas'],
] as const;

/** Renders the simulator view: the stepper, or the persona editor. */
export function SimulatorPanel() {
  const revision = useProject((state) => state.revision);
  const [section, setSection] = useState<'stepper' | 'personas'>('stepper');

  useEffect(() => {
    void useSimulator.getState().loadPersonas();
  }, [revision]);
  useLoginEvents();

  return (
    <div className="simulator-panel" data-testid="simulator-panel">
      <div className="tabs sim-sections" role="tablist" aria-label="Simulator sections">
        {SECTIONS.map(([id, label]) => (
          <button
            key={id}
            type="button"
            role="tab"
            aria-selected={section === id}
            className={section === id ? 'tab tab-active' : 'tab'}
            onClick={() => setSection(id)}
          >
            {label}
          </button>
        ))}
      </div>
      {section === 'stepper' ? <StepperSection /> : <PersonasView />}
    </div>
  );
}

function StepperSection() {
  const sim = useSimulator();
  const objects = useProject((state) => state.objects);
  const [editing, setEditing] = useState<string | null>(null);
  const run = sim.run;

  return (
    <>
      <Controls />
      <LiveSettings />
      <LoginBanner />
      {sim.error === null ? null : (
        <p className="field-problem" role="alert">
          {sim.error}
        </p>
      )}
      {run?.request.live === undefined ? null : (
        <p className="hint" data-testid="live-run-note">
          {run.recording === undefined ? '' : `Saved recording “${run.recording.name}”. `}
          {LIVE_SCENARIO_REASON}
        </p>
      )}
      {sim.scenario === null ? null : (
        <p className="notice-inline" role="status">
          Saved scenario “{sim.scenario.name}”: expects {sim.scenario.expected.outcome}.
        </p>
      )}
      <PersonaTable />
      {run === null ? null : <FindingsBanner trace={run.trace} cursor={sim.cursor} />}
      {run === null ? (
        <p className="hint">Choose a flow and a persona, then Start.</p>
      ) : (
        <div className="sim-body">
          <StepList />
          <div className="sim-center">
            <p className="sim-position" data-testid="step-position">
              Step {sim.cursor + 1} of {run.trace.steps.length} ·{' '}
              {run.trace.actor?.persona ?? 'anonymous visitor'}
            </p>
            <StageCard
              trace={run.trace}
              index={sim.cursor}
              busy={sim.running}
              onSubmit={(values) => void sim.submit(sim.cursor, values)}
            />
            {editing === null ? null : (
              <section className="sim-editor" aria-label="Edit policy">
                <header>
                  <strong>Edit policy</strong>{' '}
                  <span className="muted">Saved as you type; then “Re-run from this stage”.</span>
                  <button type="button" className="link-button" onClick={() => setEditing(null)}>
                    Close
                  </button>
                </header>
                <ExpressionEditor uid={editing} height={260} />
              </section>
            )}
          </div>
          <StepDetails
            run={run}
            index={sim.cursor}
            onEdit={(bindingUid) => setEditing(expressionOfSelection(bindingUid, objects) ?? null)}
          />
        </div>
      )}
    </>
  );
}
