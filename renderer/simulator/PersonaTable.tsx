/** The outcome of the flow for every persona, side by side; a row opens that persona's run. */
import { useSimulator } from './simulator-store.js';

/** Renders the persona table of the last "run all personas". */
export function PersonaTable() {
  const table = useSimulator((state) => state.table);
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
      <thead>
        <tr>
          <th>Persona</th>
          <th>Outcome</th>
          <th>Message</th>
          <th>Ended at</th>
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
            <td>{row.stage ?? '—'}</td>
            <td>{row.stagesPassed}</td>
            <td>{row.durationMs.toFixed(0)} ms</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
