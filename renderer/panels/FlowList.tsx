/** The list of the project's flows; choosing one opens its canvas. */
import { useMemo, useState } from 'react';

import type { ModelObject } from '../../shared/model/object.js';
import { createFlow } from '../canvas/actions.js';
import { fieldValue } from '../model/project-index.js';
import { objectTitle } from '../model/names.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';

function flowName(flow: ModelObject): string {
  const name = fieldValue(flow, 'name');

  return typeof name === 'string' && name !== '' ? name : objectTitle(flow);
}

/** Renders the flow list panel. */
export function FlowList() {
  const flows = useProject((state) => state.index.flows);
  const activeFlow = useUi((state) => state.activeFlow);
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const query = filter.trim().toLowerCase();
    return flows.filter((flow) =>
      `${flowName(flow)} ${objectTitle(flow)}`.toLowerCase().includes(query),
    );
  }, [flows, filter]);

  return (
    <nav className="flow-list" aria-label="Flows">
      <div className="flow-list-header">
        <h2>Flows ({flows.length})</h2>
        <button
          type="button"
          onClick={() => {
            createFlow().catch((error: unknown) => reportError('Add flow', error));
          }}
          title="Add a new flow"
        >
          + New flow
        </button>
      </div>
      {flows.length > 8 ? (
        <input
          type="search"
          placeholder="Filter flows"
          aria-label="Filter flows"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
        />
      ) : null}
      <ul role="tablist" aria-orientation="vertical">
        {shown.map((flow) => {
          const designation = fieldValue(flow, 'designation');
          return (
            <li key={flow.uid}>
              <button
                type="button"
                role="tab"
                aria-selected={flow.uid === activeFlow}
                className={flow.uid === activeFlow ? 'flow-tab flow-tab-active' : 'flow-tab'}
                onClick={() => useUi.getState().setActiveFlow(flow.uid)}
              >
                <span className="flow-tab-title">{flowName(flow)}</span>
                <span className="flow-tab-type">
                  {objectTitle(flow)}
                  {typeof designation === 'string' ? ` · ${designation}` : ''}
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
