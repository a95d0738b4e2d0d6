/** The outcome of the flow for every persona, side by side; a row opens that persona's run. */
import type { PersonaOutcome } from '../../shared/api/services.js';
import { useSimulator } from './simulator-store.js';

/** Returns the findings cell of a row, e.g. "1 critical, 2 warnings", or '' for none. */
export function findingsSummary(findings: PersonaOutcome['findings']): string {
  if (findings === undefined) {
    return '';
  }

  const parts: string[] = [];
  if (findings.critical > 0) {
    parts.push(`${findings.critical} critical`);
  }
  if (findings.warning > 0) {
    parts.push(`${findings.warning} warning${findings.warning === 1 ? '' : 's'}`);
  }
  if (findings.info > 0) {
    parts.push(`${findings.info} info`);
  }
  return parts.join(', ');
}

function FindingsCell(props: { findings: PersonaOutcome['findings'] }) {
  const text = findingsSummary(props.findings);
  if (text === '') {
    return <td className="muted">none</td>;
  }

  const critical = (props.findings?.critical ?? 0) > 0;
  return (
    <td className={critical ? 'finding-count finding-critical' : 'finding-count finding-warning'}>
      <span aria-hidden="true">⚠ </span>
      {text}
    </td>
  );
}

/** Renders the persona table of the last "run all personas". */
export function PersonaTable() {
  const table = useSimulator((state) => state.table);
  const request = useSimulator((state) => state.tableRequest);
  const running = useSimulator((state) => state.tableRunning);

  if (running) {
    return <p className="hint">Running every persona…</p>;
  }
  if (table === null) {
    return null;
  }
  if (table.length === 0) {
    return <p className="hint">The project has no personas.</p>;
  }

  return (
    <table className="persona-table" data-testid="persona-table">
      {request === null ? null : (
        <caption data-testid="persona-table-caption">
          Every persona through flow <code>{request.flow}</code>
          {request.viaSource === '' ? (
            ', opened directly'
          ) : (
            <>
              {' '}
              after a login through source <code>{request.viaSource}</code>
            </>
          )}
          . Click a persona to open its run.
        </caption>
      )}
      <thead>
        <tr>
          <th>Persona</th>
          <th>Outcome</th>
          <th>Message</th>
          <th>Ended at</th>
          <th>Findings</th>
          <th>Stages passed</th>
          <th>Time</th>
        </tr>
      </thead>
      <tbody>
        {table.map((row) => (
          <tr key={row.persona} className={`outcome-${row.outcome}`} data-persona={row.persona}>
            <td>
              <button
                type="button"
                className="link-button"
                onClick={() => void useSimulator.getState().showPersona(row.persona)}
              >
                {row.persona}
              </button>
            </td>
            <td className="persona-outcome">{row.outcome}</td>
            <td title={row.why}>{row.message}</td>
            <td data-testid="persona-ended-at">{row.endedAt ?? row.stage ?? '—'}</td>
            <FindingsCell findings={row.findings} />
            <td>{row.stagesPassed}</td>
            <td>{row.durationMs.toFixed(0)} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
