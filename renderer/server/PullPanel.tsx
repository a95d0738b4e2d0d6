/**
 * The pull tab: the server's flows and blueprint instances, and pulling a flow into the project.
 */
import { useCallback, useEffect, useState } from 'react';

import type { PullResult, ServerFlow, ServerInstance } from '../../shared/server/types.js';
import { client } from '../state/client.js';
import { reportInfo } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { errorText } from './server-ui.js';

/** Renders the pull tab for one profile. */
export function PullPanel(props: { profile: string }) {
  const [flows, setFlows] = useState<ServerFlow[] | null>(null);
  const [instances, setInstances] = useState<ServerInstance[]>([]);
  const [result, setResult] = useState<PullResult | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [failure, setFailure] = useState<string | null>(null);

  const load = useCallback(async () => {
    setBusy('Reading the flows');
    setFailure(null);
    try {
      const listed = await client().server.listFlows({ profile: props.profile });
      setFlows(listed.flows);
      setInstances(listed.instances);
    } catch (error) {
      setFailure(errorText(error));
    } finally {
      setBusy(null);
    }
  }, [props.profile]);

  useEffect(() => {
    void load();
  }, [load]);

  const pull = async (slug: string): Promise<void> => {
    setBusy(`Pulling ${slug}`);
    setFailure(null);
    try {
      const pulled = await client().server.pull({ profile: props.profile, flows: [slug] });
      useProject.getState().load(pulled.snapshot);
      setResult(pulled.result);
      reportInfo(
        `Pulled ${slug}: ${pulled.result.created} objects created, ${pulled.result.updated} updated.`,
      );
    } catch (error) {
      setFailure(errorText(error));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div className="server-panel">
      <div className="server-actions">
        <button type="button" disabled={busy !== null} onClick={() => void load()}>
          Reload
        </button>
        {busy === null ? null : <span className="hint">{busy}…</span>}
      </div>
      {failure === null ? null : (
        <p className="field-problem" role="alert">
          {failure}
        </p>
      )}
      {result === null ? null : <PullSummary result={result} />}
      {flows === null ? null : (
        <table className="env-table" aria-label="Flows on the server">
          <thead>
            <tr>
              <th>Slug</th>
              <th>Name</th>
              <th>Designation</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {flows.map((flow) => (
              <tr key={flow.pk}>
                <td>
                  <code>{flow.slug}</code>
                </td>
                <td>{flow.name}</td>
                <td>{flow.designation}</td>
                <td>
                  <button
                    type="button"
                    disabled={busy !== null}
                    aria-label={`Pull ${flow.slug}`}
                    onClick={() => void pull(flow.slug)}
                  >
                    Pull
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {instances.length === 0 ? null : (
        <>
          <h3>Blueprint instances</h3>
          <ul className="server-list">
            {instances.map((instance) => (
              <li key={instance.pk}>
                <strong>{instance.name}</strong> {instance.status} ·{' '}
                {instance.inline ? 'inline content' : instance.path}
              </li>
            ))}
          </ul>
        </>
      )}
    </div>
  );
}

function PullSummary(props: { result: PullResult }) {
  const lookups = props.result.flows.flatMap((flow) => flow.lookups);
  const unresolved = props.result.flows.flatMap((flow) => flow.unresolved);

  return (
    <div className="server-result" role="status">
      <p>
        Pulled {props.result.flows.map((flow) => flow.slug).join(', ')}: {props.result.created}{' '}
        objects created, {props.result.updated} updated.
      </p>
      {lookups.length === 0 ? null : (
        <ul className="server-list">
          {lookups.map((lookup, position) => (
            <li key={position}>
              {lookup.model} <code>{lookup.field}</code> now reads <code>{lookup.find}</code>
            </li>
          ))}
        </ul>
      )}
      {unresolved.length === 0 ? null : (
        <ul className="server-list">
          {unresolved.map((missing, position) => (
            <li key={position} className="problem-warning">
              {missing.model} <code>{missing.field}</code> keeps the server&apos;s primary key{' '}
              <code>{missing.value}</code>: no lookup found it. Replace it with a !Find before
              pushing to another server.
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
