/**
 * The difference between the project and a server: objects grouped by what a push does to
 * them, with changed fields as server value and project value side by side.
 */
import type { DiffReport, DiffStatus, ObjectDifference } from '../../shared/server/types.js';

/** The heading of each status, in display order; unchanged objects come last and folded. */
const GROUPS: [DiffStatus, string][] = [
  ['create', 'Created on the server'],
  ['change', 'Changed'],
  ['delete', 'Deleted (state: absent), with everything below them'],
  ['kept', 'Kept as they are (state: created)'],
  [
    'server-only',
    'Only on the server: the project no longer mentions them, and authentik keeps them',
  ],
];

function modelName(model: string): string {
  return model.slice(model.lastIndexOf('.') + 1);
}

function ObjectRow(props: { object: ObjectDifference }) {
  const { object } = props;

  return (
    <li className={`diff-object diff-${object.status}`}>
      <div>
        <span className="badge">{modelName(object.model)}</span> <strong>{object.name}</strong>
      </div>
      {object.fields.length === 0 ? null : (
        <table className="diff-fields">
          <thead>
            <tr>
              <th>Field</th>
              <th>On the server</th>
              <th>In the project</th>
            </tr>
          </thead>
          <tbody>
            {object.fields.map((field) => (
              <tr key={field.field}>
                <td>
                  <code>{field.field}</code>
                </td>
                <td className="diff-removed">
                  <pre>{field.server ?? '(not set)'}</pre>
                </td>
                <td className="diff-added">
                  <pre>{field.local}</pre>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {object.unresolved.length === 0 ? null : (
        <p className="hint">Resolved by the server: {object.unresolved.join(', ')}</p>
      )}
      {object.secrets === undefined || object.secrets.length === 0 ? null : (
        <p className="hint">Secrets, not compared: {object.secrets.join(', ')}</p>
      )}
    </li>
  );
}

/** Renders a diff report. */
export function DiffView(props: { report: DiffReport }) {
  const { report } = props;
  const same = report.objects.filter((object) => object.status === 'same');

  return (
    <div className="server-diff" data-testid="server-diff">
      <p>
        {report.counts.create} to create, {report.counts.change} to change, {report.counts.same}{' '}
        unchanged, {report.counts.delete} to delete, {report.counts['server-only']} only on the
        server.
        {report.flows.some((flow) => !flow.onServer)
          ? ` New on the server: ${report.flows
              .filter((flow) => !flow.onServer)
              .map((flow) => flow.slug)
              .join(', ')}.`
          : ''}
      </p>
      {GROUPS.map(([status, heading]) => {
        const objects = report.objects.filter((object) => object.status === status);
        return objects.length === 0 ? null : (
          <section key={status}>
            <h3>{heading}</h3>
            <ul className="diff-list">
              {objects.map((object, position) => (
                <ObjectRow key={`${object.uid ?? object.name}-${position}`} object={object} />
              ))}
            </ul>
          </section>
        );
      })}
      {report.notCompared.length === 0 ? null : (
        <section>
          <h3>Not compared field by field</h3>
          <ul className="diff-list">
            {report.notCompared.map((object) => (
              <li key={object.uid} className="diff-object">
                <span className="badge">{modelName(object.model)}</span> {object.name}:{' '}
                {object.onServer === true
                  ? 'exists on the server; the push updates the fields the project sets'
                  : 'outside the compared flows'}
                {object.reason === undefined ? '' : ` (${object.reason})`}
              </li>
            ))}
          </ul>
        </section>
      )}
      {same.length === 0 ? null : (
        <details>
          <summary>Unchanged ({same.length})</summary>
          <ul className="diff-list">
            {same.map((object, position) => (
              <li key={`${object.uid ?? object.name}-${position}`}>
                <span className="badge">{modelName(object.model)}</span> {object.name}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
