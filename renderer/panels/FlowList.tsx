/**
 * The list of the project's flows; choosing one opens its canvas. Each flow has a context menu
 * (right click, the context menu key or Shift+F10) to open, duplicate or delete it.
 */
import type { MouseEvent } from 'react';
import { useCallback, useEffect, useMemo, useState } from 'react';

import type { ModelObject } from '../../shared/model/object.js';
import { createFlow, deleteFlow, duplicateActiveFlow, duplicateFlow } from '../canvas/actions.js';
import { fieldValue } from '../model/project-index.js';
import { objectTitle } from '../model/names.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';
import type { FlowMenuAnchor } from './FlowMenu.js';
import { FlowMenu } from './FlowMenu.js';
import './panels.css';

function flowName(flow: ModelObject): string {
  const name = fieldValue(flow, 'name');

  return typeof name === 'string' && name !== '' ? name : objectTitle(flow);
}

function menuItems(flow: ModelObject) {
  const title = flowName(flow);

  return [
    { label: 'Open', run: () => useUi.getState().setActiveFlow(flow.uid) },
    {
      label: 'Duplicate',
      run: () => {
        duplicateFlow(flow.uid).catch((error: unknown) => reportError('Duplicate flow', error));
      },
    },
    {
      label: 'Delete…',
      danger: true,
      run: () => {
        if (window.confirm(`Delete the flow ${title} and its bindings?`)) {
          deleteFlow(flow.uid).catch((error: unknown) => reportError('Delete flow', error));
        }
      },
    },
  ];
}

/** Returns where a context menu opens: at the pointer, or under the element for the keyboard. */
function menuAnchor(event: MouseEvent<HTMLElement>): FlowMenuAnchor {
  const element = event.currentTarget;
  // A context menu opened from the keyboard reports no pointer position.
  if (event.clientX === 0 && event.clientY === 0) {
    const box = element.getBoundingClientRect();
    return { x: box.left + 16, y: box.bottom, returnFocus: element };
  }

  return { x: event.clientX, y: event.clientY, returnFocus: element };
}

/** Renders the flow list panel. */
export function FlowList() {
  const flows = useProject((state) => state.index.flows);
  const activeFlow = useUi((state) => state.activeFlow);
  const [filter, setFilter] = useState('');
  const [menu, setMenu] = useState<{ flow: ModelObject; anchor: FlowMenuAnchor } | null>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const activeMissing = useProject(
    (state) => activeFlow !== null && state.status === 'ready' && !state.objects.has(activeFlow),
  );

  // An undo can remove the open flow (undoing a duplicate or a new flow): open the flow that was
  // open before it, or else the first one.
  useEffect(() => {
    if (!activeMissing) {
      return;
    }
    const { objects, index } = useProject.getState();
    const previous = useUi.getState().previousFlow;
    const fallback =
      previous !== null && objects.has(previous) ? previous : (index.flows[0]?.uid ?? null);
    if (fallback !== null) {
      useUi.getState().setActiveFlow(fallback);
    }
  }, [activeMissing]);
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
        <div className="flow-list-actions">
          <button
            type="button"
            disabled={activeFlow === null}
            onClick={() => {
              duplicateActiveFlow().catch((error: unknown) => reportError('Duplicate flow', error));
            }}
            aria-label="Duplicate the open flow"
            title="Duplicate the open flow with its bindings; stages and policies stay shared (Ctrl+Shift+D)"
          >
            Duplicate
          </button>
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
                aria-haspopup="menu"
                onClick={() => useUi.getState().setActiveFlow(flow.uid)}
                onContextMenu={(event) => {
                  event.preventDefault();
                  setMenu({ flow, anchor: menuAnchor(event) });
                }}
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
      {menu === null ? null : (
        <FlowMenu
          label={`Flow ${flowName(menu.flow)}`}
          anchor={menu.anchor}
          items={menuItems(menu.flow)}
          onClose={closeMenu}
        />
      )}
    </nav>
  );
}
