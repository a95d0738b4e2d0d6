/**
 * The test panel beside the policy editor. It runs the text being edited against a persona, a
 * recording or a JSON context. It shows the result, messages, events, HTTP exchanges, effects,
 * time and the context the expression got, without leaving the editor.
 */
import { useEffect } from 'react';

import { EffectList, HttpList, ResultLine } from '../simulator/EvaluationView.js';
import { JsonTree } from '../simulator/JsonTree.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { readExpressionObject } from './expression-objects.js';
import { revealExpressionLine } from './ExpressionEditor.js';
import { useExpressionTest } from './test-store.js';

/** Renders the test panel; `currentText` returns the editor's text at the moment of the run. */
export function RunPanel(props: { uid: string; currentText: () => string }) {
  const test = useExpressionTest();
  const name = useProject((state) => readExpressionObject(state.objects.get(props.uid))?.name);

  useEffect(() => {
    useExpressionTest
      .getState()
      .loadChoices()
      .catch((error: unknown) => reportError('Load personas', error));
  }, []);

  const result = test.resultUid === props.uid ? test.result : null;
  const evaluation = result?.result;

  return (
    <section className="run-panel" aria-label="Run the expression">
      <h3>Run</h3>
      <label className="run-field">
        Persona
        <select
          aria-label="Persona"
          value={test.persona}
          onChange={(event) => test.set({ persona: event.target.value })}
        >
          <option value="">Anonymous visitor</option>
          {test.personas.map((persona) => (
            <option key={persona.name} value={persona.name}>
              {persona.name} ({persona.username})
            </option>
          ))}
        </select>
      </label>
      <label className="run-field">
        Recording
        <select
          aria-label="Recording"
          value={test.recording}
          onChange={(event) => test.set({ recording: event.target.value })}
        >
          <option value="">None</option>
          {test.recordings.map((recording) => (
            <option key={recording.id} value={recording.id}>
              {recording.name}
            </option>
          ))}
        </select>
      </label>
      <label className="run-check">
        <input
          type="checkbox"
          checked={test.useJson}
          onChange={(event) => test.set({ useJson: event.target.checked })}
        />
        Use a JSON context instead of a flow run
      </label>
      {test.useJson ? (
        <textarea
          className="json-context"
          aria-label="JSON context"
          spellCheck={false}
          rows={6}
          value={test.jsonText}
          onChange={(event) => test.set({ jsonText: event.target.value })}
        />
      ) : null}
      <button
        type="button"
        className="primary"
        disabled={test.running}
        onClick={() => void test.run(props.uid, props.currentText())}
      >
        {test.running ? 'Running…' : 'Run'}
      </button>
      {test.error === null ? null : (
        <p className="field-problem" role="alert">
          {test.error}
        </p>
      )}
      {evaluation === undefined || result === null ? null : (
        <div className="run-result" data-testid="run-result">
          <ResultLine
            passing={evaluation.passing}
            rawResult={evaluation.rawResult}
            error={evaluation.error}
            timedOut={evaluation.timedOut}
            durationMs={evaluation.durationMs}
            filename={name}
            onLine={(line) => revealExpressionLine(props.uid, line)}
          />
          <p className="muted">
            As <code>{result.user}</code>. {result.contextSource}
          </p>
          <h4>Messages</h4>
          {evaluation.messages.length === 0 ? (
            <p className="hint">No messages.</p>
          ) : (
            <ul className="message-list" data-testid="run-messages">
              {evaluation.messages.map((message, index) => (
                <li key={index}>{message}</li>
              ))}
            </ul>
          )}
          <h4>HTTP</h4>
          <HttpList exchanges={evaluation.http} />
          <EffectList
            effects={evaluation.effects}
            events={evaluation.events}
            logs={evaluation.logs}
          />
          <h4>Context</h4>
          <JsonTree value={result.context} label="Context of the run" />
        </div>
      )}
    </section>
  );
}
