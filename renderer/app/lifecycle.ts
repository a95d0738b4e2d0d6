/**
 * Starting the window and following the backend: open the current project (or the most recent
 * one, or on first start the sample), then apply the events the backend sends.
 */
import type { ProjectSnapshot, ServiceEvent } from '../../shared/api/services.js';
import { deleteSelection } from '../canvas/actions.js';
import { importFiles } from '../io/import.js';
import { loadAppInfo } from '../state/app-info.js';
import { client } from '../state/client.js';
import { reportError, useNotices, withProgress } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';

async function openStartProject(): Promise<ProjectSnapshot> {
  const api = client();
  const current = await api.project.current({});
  if (current !== null) {
    return current;
  }

  const [recent] = await api.project.recent({});
  if (recent !== undefined) {
    try {
      return await api.project.open({ path: recent.path });
    } catch (error) {
      // A recent project that was moved or damaged must not lock the user out.
      reportError(`Open ${recent.path}`, error);
    }
  }

  return withProgress('Open the sample project', () => api.project.openSample({}));
}

/** Picks the flow to show: the stored one when it still exists, else the first. */
export function chooseFlow(): void {
  const { index } = useProject.getState();
  const ui = useUi.getState();
  const stored = ui.activeFlow;
  if (stored !== null && index.objects.has(stored)) {
    return;
  }

  ui.setActiveFlow(index.flows[0]?.uid ?? null);
}

/** Opens the start project and shows it. */
export async function startApp(): Promise<void> {
  useProject.setState({ status: 'loading' });
  // The project shortcuts and menu need the mode; the project opens without waiting for it.
  loadAppInfo().catch((error: unknown) => reportError('Read the app information', error));
  try {
    const snapshot = await openStartProject();
    useProject.getState().load(snapshot);
    chooseFlow();
  } catch (error) {
    useProject.setState({ status: 'failed' });
    reportError('Open the project', error);
  }
}

function runCommand(event: Extract<ServiceEvent, { type: 'command' }>): Promise<void> | void {
  const ui = useUi.getState();
  const project = useProject.getState();

  switch (event.command) {
    case 'undo':
      return project.undo();
    case 'redo':
      return project.redo();
    case 'delete':
      return deleteSelection();
    case 'select-all':
      ui.setSelection(
        [...document.querySelectorAll<HTMLElement>('.react-flow__node')]
          .map((element) => element.dataset.id)
          .filter((id) => id !== undefined),
      );
      return;
    case 'fit-view':
      ui.requestFit();
      return;
    case 'toggle-theme':
      ui.setTheme(ui.theme === 'dark' ? 'light' : 'dark');
      return;
    case 'export':
      ui.setOverlay('export');
      return;
    case 'new-project':
    case 'open-project':
      // The desktop shell opens the project and then sends a `project` event.
      return;
    case 'import':
      return importFiles(event.files.map((file) => new File([file.text], file.name)));
  }
}

/** Applies one event of the backend. */
export function handleServiceEvent(event: ServiceEvent): void {
  switch (event.type) {
    case 'progress':
      useNotices.getState().setProgress(
        {
          id: event.taskId,
          title: event.title,
          detail: event.detail,
          done: event.done,
          total: event.total,
        },
        event.finished,
      );
      return;
    case 'project': {
      const project = useProject.getState();
      // Our own edits come back as events too; only reload for changes made elsewhere.
      if (
        event.reason !== 'closed' &&
        (event.revision !== project.revision || event.reason === 'opened')
      ) {
        if (project.pending === 0) {
          project
            .reload()
            .then(chooseFlow)
            .catch((error: unknown) => reportError('Reload the project', error));
        }
      }
      return;
    }
    case 'command':
      Promise.resolve(runCommand(event)).catch((error: unknown) =>
        reportError(`Menu command ${event.command}`, error),
      );
      return;
    case 'simulator-login':
      // The simulator panel follows live logins itself (LiveLogin.tsx).
      return;
  }
}

/** Subscribes to the backend's events; returns the function that stops. */
export function followBackend(): () => void {
  return client().events.subscribe(handleServiceEvent);
}
