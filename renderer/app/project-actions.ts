/**
 * Opening and creating projects from the toolbar's project menu and its shortcuts. The desktop
 * app picks the file in its native dialogs. Web mode has none, so it shows the in-page project
 * dialog instead.
 */
import type { ProjectSnapshot, RecentProject } from '../../shared/api/services.js';
import { useWorkbench } from '../editor/workbench-store.js';
import { loadAppInfo } from '../state/app-info.js';
import { client } from '../state/client.js';
import { reportError, withProgress } from '../state/notice-store.js';
import { useProject } from '../state/project-store.js';
import { useUi } from '../state/ui-store.js';
import { chooseFlow } from './lifecycle.js';

/** The purpose of a project file choice: open an existing file or create a new one. */
export type ProjectPurpose = 'open' | 'create';

/** Shows a snapshot the backend just opened: its first flow, fitted, with nothing selected. */
function showProject(snapshot: ProjectSnapshot): void {
  useProject.getState().load(snapshot);
  useWorkbench.getState().setView('canvas');
  useUi.getState().setSelection([]);
  chooseFlow();
  useUi.getState().requestFit();
}

/**
 * Opens the project file at an absolute path, or creates it when `purpose` is `create` and no
 * file is there. Rejects with the backend's error (not found, not a project, damaged), so the
 * caller can show it where the path was entered.
 */
export async function openProjectFile(path: string, purpose: ProjectPurpose): Promise<void> {
  const title = purpose === 'create' ? 'Create the project' : 'Open the project';
  const snapshot = await withProgress(title, () =>
    client().project.open({ path, create: purpose === 'create' }),
  );
  showProject(snapshot);
}

/** Opens the sample project, creating it in the app data folder when it is missing. */
export async function openSampleProject(): Promise<void> {
  showProject(await client().project.openSample({}));
}

/**
 * Asks for a project file and opens it: the native dialog in the desktop app, the project
 * dialog in web mode. Errors are shown as notices.
 */
export async function chooseProject(purpose: ProjectPurpose): Promise<void> {
  const info = await loadAppInfo();
  if (info.mode === 'web') {
    useUi.getState().setOverlay(purpose === 'create' ? 'project-new' : 'project-open');
    return;
  }

  const { path } = await client().app.chooseProject({ purpose });
  if (path !== null) {
    await openProjectFile(path, purpose);
  }
}

/** Runs {@link chooseProject} and reports its failure as a notice. */
export function startChoosingProject(purpose: ProjectPurpose): void {
  chooseProject(purpose).catch((error: unknown) =>
    reportError(purpose === 'create' ? 'New project' : 'Open project', error),
  );
}

/** Returns the recent projects, most recently opened first. */
export function listRecentProjects(): Promise<RecentProject[]> {
  return client().project.recent({});
}

/** Drops a project from the recent list and returns the new list; the file stays. */
export function forgetRecentProject(path: string): Promise<RecentProject[]> {
  return client().project.forgetRecent({ path });
}
