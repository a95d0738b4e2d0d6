/**
 * The toolbar: project menu and name, import, export, undo, redo, layout, search, theme and
 * help.
 */
import { useRef } from 'react';

import { autoLayout } from '../canvas/actions.js';
import { useCanvas } from '../canvas/canvas-store.js';
import { importFiles } from '../io/import.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import type { ThemeChoice } from '../state/ui-store.js';
import { useUi } from '../state/ui-store.js';
import { ProjectMenu } from './ProjectMenu.js';

const NEXT_THEME: Record<ThemeChoice, ThemeChoice> = {
  system: 'light',
  light: 'dark',
  dark: 'system',
};

function saveState(readOnly: boolean, pending: number): string {
  if (readOnly) {
    return 'read-only';
  }

  return pending > 0 ? 'saving…' : 'saved';
}

/** Renders the toolbar. */
export function Toolbar() {
  const name = useProject((state) => state.settings?.name ?? '');
  const path = useProject((state) => state.path);
  const canUndo = useProject((state) => state.canUndo);
  const canRedo = useProject((state) => state.canRedo);
  const pending = useProject((state) => state.pending);
  const readOnly = useProject((state) => state.readOnly);
  const theme = useUi((state) => state.theme);
  const search = useUi((state) => state.search);
  const fileInput = useRef<HTMLInputElement>(null);

  return (
    <header className="toolbar" role="toolbar" aria-label="Project">
      <div className="toolbar-title">
        <strong>Stagecraft</strong>
        <ProjectMenu />
        <span className="project-name" title={path} data-testid="project-name">
          {name}
        </span>
        <span className="save-state" aria-live="polite">
          {saveState(readOnly, pending)}
        </span>
      </div>
      <div className="toolbar-group">
        <button type="button" onClick={() => fileInput.current?.click()}>
          Import…
        </button>
        <input
          ref={fileInput}
          type="file"
          multiple
          accept=".yaml,.yml,.json,.akflow"
          hidden
          data-testid="import-input"
          onChange={(event) => {
            const files = [...(event.target.files ?? [])];
            event.target.value = '';
            importFiles(files).catch((error: unknown) => reportError('Import', error));
          }}
        />
        <button type="button" onClick={() => useUi.getState().setOverlay('export')}>
          Export…
        </button>
        <button type="button" onClick={() => useUi.getState().setOverlay('server')}>
          Server…
        </button>
      </div>
      <div className="toolbar-group">
        <button
          type="button"
          disabled={!canUndo}
          onClick={() => void useProject.getState().undo()}
          title="Undo (Ctrl+Z)"
        >
          Undo
        </button>
        <button
          type="button"
          disabled={!canRedo}
          onClick={() => void useProject.getState().redo()}
          title="Redo (Ctrl+Shift+Z)"
        >
          Redo
        </button>
        <button
          type="button"
          onClick={() => {
            autoLayout().catch((error: unknown) => reportError('Auto-layout', error));
          }}
          title="Lay out the flow (l)"
        >
          Auto-layout
        </button>
        <button type="button" onClick={() => useUi.getState().requestFit()} title="Zoom to fit (f)">
          Fit
        </button>
      </div>
      <input
        id="canvas-search"
        className="toolbar-search"
        type="search"
        placeholder="Search the flow (/)"
        aria-label="Search the flow"
        value={search}
        onChange={(event) => useUi.getState().setSearch(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter') {
            focusNextMatch();
          }
        }}
      />
      <div className="toolbar-group">
        <button
          type="button"
          onClick={() => useUi.getState().setTheme(NEXT_THEME[theme])}
          title="Theme: follow the system, light or dark"
          aria-label={`Theme: ${theme}`}
        >
          Theme: {theme}
        </button>
        <button
          type="button"
          onClick={() => useUi.getState().setOverlay('help')}
          title="Shortcuts (?)"
        >
          ?
        </button>
      </div>
    </header>
  );
}

let lastMatch = -1;

/** Moves the view to the next node the search matches. */
function focusNextMatch(): void {
  // Read the store, not the page: nodes outside the view are not rendered.
  const matches = useCanvas
    .getState()
    .nodes.filter((node) => node.data.match === true)
    .map((node) => node.id);
  if (matches.length === 0) {
    return;
  }

  lastMatch = (lastMatch + 1) % matches.length;
  const uid = matches[lastMatch];
  if (uid !== undefined) {
    useUi.getState().setSelection([uid]);
    useUi.getState().requestFocus(uid);
  }
}
