/**
 * The policy editor view: a list of the project's expression policies and property mappings,
 * the editor of the chosen one with where it is bound and what its context contains there, its
 * problems, and the test panel.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';

import { describePlacement } from '../../shared/editor/binding-context.js';
import type { BindingSite } from '../../shared/editor/binding-context.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';
import type { CheckStatus } from './ExpressionEditor.js';
import { currentExpressionText, ExpressionEditor } from './ExpressionEditor.js';
import { expressionOfSelection, listExpressionObjects } from './expression-objects.js';
import { RunPanel } from './RunPanel.js';
import { useWorkbench } from './workbench-store.js';

function SiteList(props: { sites: BindingSite[] }) {
  if (props.sites.length === 0) {
    return <p className="hint">Not bound anywhere yet: context keys are not checked.</p>;
  }

  return (
    <ul className="site-list" aria-label="Bindings">
      {props.sites.map((site) => (
        <li key={site.bindingUid}>
          <strong>{site.label}</strong>
          {site.known ? (
            <span className="site-keys">
              {' '}
              context:{' '}
              {site.keys.length === 0
                ? 'nothing'
                : site.keys.map((key) => (
                    <code
                      key={key.key}
                      className={key.presence === 'always' ? 'key-always' : 'key-sometimes'}
                      title={key.presence === 'always' ? key.doc : `Sometimes missing: ${key.why}`}
                    >
                      {key.key}
                    </code>
                  ))}
            </span>
          ) : (
            <span className="muted"> (context not modelled)</span>
          )}
        </li>
      ))}
    </ul>
  );
}

function statusText(status: CheckStatus): string {
  const errors = status.problems.filter((problem) => problem.severity === 'error').length;
  const warnings = status.problems.filter((problem) => problem.severity === 'warning').length;
  const syntax: Record<CheckStatus['syntax'], string> = {
    idle: '',
    checking: 'checking syntax…',
    valid: 'syntax ok',
    invalid: 'syntax error',
    unavailable: 'Python unavailable: syntax not checked',
  };

  const counts = `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`;

  return [counts, syntax[status.syntax]].filter((part) => part !== '').join(' · ');
}

/** Renders the editor view. */
export function EditorPanel() {
  const objects = useProject((state) => state.objects);
  const editing = useWorkbench((state) => state.editing);
  const expressions = useMemo(() => listExpressionObjects(objects.values()), [objects]);
  const [status, setStatus] = useState<CheckStatus>({ problems: [], syntax: 'idle' });

  // Opening the view with a policy (or its binding) selected on the canvas opens that policy.
  useEffect(() => {
    if (editing !== null && objects.has(editing)) {
      return;
    }
    const selected = expressionOfSelection(useUi.getState().selection[0], objects);
    const fallback = selected ?? expressions[0]?.uid;
    if (fallback !== undefined) {
      useWorkbench.getState().openExpression(fallback);
    }
  }, [editing, objects, expressions]);

  const current = expressions.find((item) => item.uid === editing);
  const placement = useMemo(
    () =>
      current?.kind === 'policy' ? describePlacement(objects.values(), current.uid) : undefined,
    [objects, current?.uid, current?.kind],
  );
  const text = useCallback(
    () => (current === undefined ? '' : (currentExpressionText(current.uid) ?? current.expression)),
    [current],
  );

  if (expressions.length === 0) {
    return (
      <div className="editor-panel editor-empty">
        The project has no expression policies or property mappings. Add an expression policy from
        the palette, then open it here.
      </div>
    );
  }

  return (
    <div className="editor-panel" data-testid="editor-panel">
      <div className="editor-main">
        <header className="editor-header">
          <label>
            Expression{' '}
            <select
              aria-label="Expression to edit"
              value={editing ?? ''}
              onChange={(event) => useWorkbench.getState().openExpression(event.target.value)}
            >
              {expressions.map((item) => (
                <option key={item.uid} value={item.uid}>
                  {item.name} ({item.kind === 'policy' ? 'policy' : 'property mapping'})
                </option>
              ))}
            </select>
          </label>
          <span className="editor-status" data-testid="editor-status" aria-live="polite">
            {statusText(status)}
          </span>
        </header>
        {current?.kind === 'policy' ? <SiteList sites={placement?.sites ?? []} /> : null}
        {current?.kind === 'property_mapping' ? (
          <p className="hint">
            Property mapping <code>{current.model}</code>: variables differ from policies.
          </p>
        ) : null}
        <div className="editor-host">
          {current === undefined ? null : (
            <ExpressionEditor key={current.uid} uid={current.uid} onStatus={setStatus} />
          )}
        </div>
        <ul className="problem-summary" aria-label="Problems of the expression">
          {status.problems.map((problem, index) => (
            <li key={index} className={`problem problem-${problem.severity}`}>
              <span className="problem-line">line {problem.line}</span> {problem.message}
            </li>
          ))}
        </ul>
      </div>
      {current === undefined ? null : <RunPanel uid={current.uid} currentText={text} />}
    </div>
  );
}
