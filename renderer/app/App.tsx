/** The main screen: toolbar, flow list and palette, canvas, inspector and problems. */
import { ReactFlowProvider } from '@xyflow/react';
import { lazy, Suspense, useEffect } from 'react';

import { FlowCanvas } from '../canvas/FlowCanvas.js';
import { WorkbenchTabs } from '../editor/WorkbenchTabs.js';
import { useWorkbench } from '../editor/workbench-store.js';
import { RunOverlay } from '../simulator/RunOverlay.js';
import { Palette } from '../canvas/Palette.js';
import { useSystemDark } from '../canvas/use-system-dark.js';
import { Inspector } from '../inspector/Inspector.js';
import { ExportDialog } from '../io/ExportDialog.js';
import { ServerDialog } from '../server/ServerDialog.js';
import { carriesFiles, importFiles } from '../io/import.js';
import { FlowList } from '../panels/FlowList.js';
import { ProblemsPanel } from '../panels/ProblemsPanel.js';
import { reportError } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { resolveTheme, useUi } from '../state/ui-store.js';
import { HelpOverlay } from './HelpOverlay.js';
import { followBackend, startApp } from './lifecycle.js';
import { Notices } from './Notices.js';
import { ProjectDialog } from './ProjectDialog.js';
import { handleShortcut } from './shortcuts.js';
import { Toolbar } from './Toolbar.js';

/** Applies the resolved theme to the document, where the CSS variables read it. */
function useTheme(): void {
  const choice = useUi((state) => state.theme);
  const systemDark = useSystemDark();
  const theme = resolveTheme(choice, systemDark);

  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
}

/** Imports blueprint files dropped anywhere on the window. */
function useFileDrop(): void {
  useEffect(() => {
    const over = (event: DragEvent): void => {
      if (carriesFiles(event)) {
        event.preventDefault();
        document.body.classList.add('drop-target');
      }
    };
    const leave = (): void => document.body.classList.remove('drop-target');
    const drop = (event: DragEvent): void => {
      document.body.classList.remove('drop-target');
      if (!carriesFiles(event)) {
        return;
      }
      event.preventDefault();
      const files = [...(event.dataTransfer?.files ?? [])];
      importFiles(files).catch((error: unknown) => reportError('Import', error));
    };

    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);
}

// The editor and the simulator bring Monaco (about 4 MB), so they load when first opened.
const EditorPanel = lazy(() =>
  import('../editor/EditorPanel.js').then((module) => ({ default: module.EditorPanel })),
);
const SimulatorPanel = lazy(() =>
  import('../simulator/SimulatorPanel.js').then((module) => ({ default: module.SimulatorPanel })),
);

/** The centre of the window: the canvas, the policy editor or the simulator. */
function Center() {
  const view = useWorkbench((state) => state.view);
  const ready = useProject((state) => state.status === 'ready');

  if (view !== 'canvas' && ready) {
    return (
      <Suspense fallback={<div className="canvas canvas-empty">Loading the {view}…</div>}>
        {view === 'editor' ? <EditorPanel /> : <SimulatorPanel />}
      </Suspense>
    );
  }

  return (
    <>
      <Workspace />
      <ProblemsPanel />
    </>
  );
}

function Workspace() {
  const status = useProject((state) => state.status);
  const activeFlow = useUi((state) => state.activeFlow);
  const flowExists = useProject((state) => activeFlow !== null && state.objects.has(activeFlow));

  if (status === 'loading' || status === 'empty') {
    return (
      <div className="canvas canvas-empty" role="status">
        Opening the project…
      </div>
    );
  }

  if (status === 'failed') {
    return (
      <div className="canvas canvas-empty" role="alert">
        The project could not be opened; the notice in the corner names the error.
        <button type="button" onClick={() => void startApp()}>
          Try again
        </button>
      </div>
    );
  }

  if (!flowExists || activeFlow === null) {
    return (
      <div className="canvas canvas-empty">
        The project has no flow open. Create one with “+ New flow” or import a blueprint.
      </div>
    );
  }

  return (
    <ReactFlowProvider>
      <FlowCanvas view={activeFlow} />
      <RunOverlay flowUid={activeFlow} />
    </ReactFlowProvider>
  );
}

/** The app. */
export function App() {
  const overlay = useUi((state) => state.overlay);
  const focused = useWorkbench((state) => state.view !== 'canvas');
  useTheme();
  useFileDrop();

  useEffect(() => {
    const stop = followBackend();
    void startApp();
    // Capture phase: Alt+Arrow must reach the shortcut before React Flow moves the node.
    window.addEventListener('keydown', handleShortcut, true);
    return () => {
      stop();
      window.removeEventListener('keydown', handleShortcut, true);
    };
  }, []);

  return (
    <div className="app">
      <Toolbar />
      <div className={focused ? 'main main-focus' : 'main'}>
        <div className="sidebar">
          <FlowList />
          <Palette />
        </div>
        <div className="center">
          <WorkbenchTabs />
          <Center />
        </div>
        <Inspector />
      </div>
      {overlay === 'help' ? <HelpOverlay /> : null}
      {overlay === 'export' ? <ExportDialog /> : null}
      {overlay === 'server' ? <ServerDialog /> : null}
      {overlay === 'project-open' ? <ProjectDialog purpose="open" /> : null}
      {overlay === 'project-new' ? <ProjectDialog purpose="create" /> : null}
      <Notices />
    </div>
  );
}
