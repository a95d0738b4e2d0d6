/**
 * The export dialog: choose the open flow, the selection or the whole project, preview the
 * blueprint with its problems, its `!Env` variables and its difference to the last export, then
 * write it. A blueprint with errors is written only after a second confirmation.
 */
import { useEffect, useState } from 'react';

import type { ExportPreview, ExportSelection } from '../../shared/api/services.js';
import type { ModelObject } from '../../shared/model/object.js';
import {
  POLICY_BINDING_MODEL,
  STAGE_BINDING_MODEL,
  fieldValue,
  referencedUid,
  subjectFieldOf,
} from '../model/project-index.js';
import { client } from '../state/client.js';
import { reportError, reportInfo } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';

type Scope = 'flow' | 'selection' | 'project';
type Tab = 'blueprint' | 'diff' | 'variables' | 'problems';

/** Adds the stage or policy a selected binding node binds, so the export is usable. */
function selectionUids(selection: readonly string[], objects: ReadonlyMap<string, ModelObject>) {
  const uids = new Set(selection);
  for (const uid of selection) {
    const object = objects.get(uid);
    if (object?.model === STAGE_BINDING_MODEL) {
      const stage = referencedUid(object, 'stage');
      if (stage !== undefined) {
        uids.add(stage);
      }
    }
    if (object?.model === POLICY_BINDING_MODEL) {
      const field = subjectFieldOf(object);
      const subject = field === undefined ? undefined : referencedUid(object, field);
      if (subject !== undefined) {
        uids.add(subject);
      }
    }
  }

  return [...uids];
}

function buildSelection(scope: Scope): ExportSelection {
  const { objects } = useProject.getState();
  const { activeFlow, selection } = useUi.getState();

  if (scope === 'flow' && activeFlow !== null) {
    const flow = objects.get(activeFlow);
    const slug = flow === undefined ? undefined : fieldValue(flow, 'slug');
    if (typeof slug === 'string') {
      return { flows: [slug] };
    }
  }

  if (scope === 'selection') {
    return { uids: selectionUids(selection, objects) };
  }

  return {};
}

function downloadText(name: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/yaml' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}

function fileName(scope: Scope): string {
  const { objects } = useProject.getState();
  const flowUid = useUi.getState().activeFlow;
  const flow = flowUid === null ? undefined : objects.get(flowUid);
  const slug = flow === undefined ? undefined : fieldValue(flow, 'slug');
  if (scope === 'flow' && typeof slug === 'string') {
    return `${slug}.yaml`;
  }

  const name = useProject.getState().settings?.name ?? 'project';

  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-') || 'project'}.yaml`;
}

/** Renders the export dialog. */
export function ExportDialog() {
  const selectionSize = useUi((state) => state.selection.length);
  const revision = useProject((state) => state.revision);
  const [scope, setScope] = useState<Scope>('flow');
  const [tab, setTab] = useState<Tab>('blueprint');
  const [preview, setPreview] = useState<ExportPreview | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [confirmErrors, setConfirmErrors] = useState(false);
  const [writing, setWriting] = useState(false);

  useEffect(() => {
    let current = true;
    setPreview(null);
    setFailure(null);
    client()
      .blueprints.previewExport(buildSelection(scope))
      .then((result) => {
        if (current) {
          setPreview(result);
        }
      })
      .catch((error: unknown) => {
        if (current) {
          const code = (error as { code?: string }).code ?? 'internal';
          setFailure(`${code}: ${error instanceof Error ? error.message : String(error)}`);
        }
      });
    return () => {
      current = false;
    };
  }, [scope, revision]);

  const errors = preview?.problems.filter((problem) => problem.severity === 'error') ?? [];
  const blocked = errors.length > 0 && !confirmErrors;

  const write = async (): Promise<void> => {
    setWriting(true);
    try {
      const result = await client().blueprints.writeExport(buildSelection(scope));
      if (result.path === null) {
        downloadText(fileName(scope), result.text);
        reportInfo(`Exported ${fileName(scope)}.`);
      } else {
        reportInfo(`Exported to ${result.path}.`);
      }
      useUi.getState().setOverlay('none');
    } catch (error) {
      reportError('Export', error);
    } finally {
      setWriting(false);
    }
  };

  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="export-title">
      <div className="dialog dialog-wide">
        <header className="dialog-header">
          <h2 id="export-title">Export a blueprint</h2>
          <button type="button" onClick={() => useUi.getState().setOverlay('none')}>
            Close
          </button>
        </header>
        <fieldset className="export-scope">
          <legend>What to export</legend>
          {(
            [
              ['flow', 'The open flow with its stages and policies'],
              ['selection', `The selection (${selectionSize} nodes)`],
              ['project', 'The whole project'],
            ] as const
          ).map(([value, label]) => (
            <label key={value}>
              <input
                type="radio"
                name="export-scope"
                value={value}
                checked={scope === value}
                disabled={value === 'selection' && selectionSize === 0}
                onChange={() => setScope(value)}
              />
              {label}
            </label>
          ))}
        </fieldset>
        <div className="tabs" role="tablist">
          {(['blueprint', 'diff', 'variables', 'problems'] as const).map((name) => (
            <button
              key={name}
              type="button"
              role="tab"
              aria-selected={tab === name}
              className={tab === name ? 'tab tab-active' : 'tab'}
              onClick={() => setTab(name)}
            >
              {tabLabel(name, preview)}
            </button>
          ))}
        </div>
        <div className="export-body" role="tabpanel">
          {failure !== null ? <p className="field-problem">{failure}</p> : null}
          {preview === null && failure === null ? (
            <p className="hint">Building the preview…</p>
          ) : null}
          {preview === null ? null : <PreviewTab tab={tab} preview={preview} />}
        </div>
        <footer className="dialog-footer">
          {errors.length > 0 ? (
            <label className="confirm-errors">
              <input
                type="checkbox"
                checked={confirmErrors}
                onChange={(event) => setConfirmErrors(event.target.checked)}
              />
              The blueprint has {errors.length} {errors.length === 1 ? 'error' : 'errors'} that
              authentik rejects. Export it anyway.
            </label>
          ) : null}
          <button
            type="button"
            className="primary"
            disabled={preview === null || blocked || writing}
            onClick={() => void write()}
          >
            {writing ? 'Writing…' : 'Write blueprint'}
          </button>
        </footer>
      </div>
    </div>
  );
}

function tabLabel(tab: Tab, preview: ExportPreview | null): string {
  switch (tab) {
    case 'blueprint':
      return preview === null ? 'Blueprint' : `Blueprint (${preview.objectCount} entries)`;
    case 'diff':
      return 'Changes since last export';
    case 'variables':
      return preview === null ? 'Variables' : `Variables (${preview.env.length})`;
    case 'problems':
      return preview === null ? 'Problems' : `Problems (${preview.problems.length})`;
  }
}

function PreviewTab(props: { tab: Tab; preview: ExportPreview }) {
  const { tab, preview } = props;

  switch (tab) {
    case 'blueprint':
      return (
        <pre className="code" data-testid="export-text">
          {preview.text}
        </pre>
      );
    case 'diff':
      return preview.diffToLast === null ? (
        <p className="hint">This selection was not exported before.</p>
      ) : preview.diffToLast === '' ? (
        <p className="hint">No changes since the last export.</p>
      ) : (
        <pre className="code diff">
          {preview.diffToLast.split('\n').map((line, position) => (
            <span key={position} className={diffClass(line)}>
              {line}
              {'\n'}
            </span>
          ))}
        </pre>
      );
    case 'variables':
      return preview.env.length === 0 ? (
        <p className="hint">The blueprint reads no environment variables.</p>
      ) : (
        <table className="env-table">
          <thead>
            <tr>
              <th>Variable</th>
              <th>Object</th>
              <th>Field</th>
            </tr>
          </thead>
          <tbody>
            {preview.env.map((variable) => (
              <tr key={variable.name}>
                <td>
                  <code>{variable.name}</code>
                </td>
                <td>{variable.object || variable.model}</td>
                <td>{variable.field}</td>
              </tr>
            ))}
          </tbody>
        </table>
      );
    case 'problems':
      return preview.problems.length === 0 ? (
        <p className="hint">No problems.</p>
      ) : (
        <ul className="problem-list">
          {preview.problems.map((problem, position) => (
            <li key={position} className={`problem problem-${problem.severity}`}>
              <code>{problem.code}</code> {problem.message}
            </li>
          ))}
        </ul>
      );
  }
}

function diffClass(line: string): string {
  if (line.startsWith('+') && !line.startsWith('+++')) {
    return 'diff-added';
  }

  return line.startsWith('-') && !line.startsWith('---') ? 'diff-removed' : '';
}
