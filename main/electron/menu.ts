/** The application menu of the desktop app. */
import type { MenuItemConstructorOptions } from 'electron';

import type { AppCommand, RecentProject } from '../../shared/api/services.js';

/** The actions behind the menu items; the main process wires them to windows and dialogs. */
export interface MenuActions {
  newProject(): void;
  openProject(): void;
  openRecent(path: string): void;
  importBlueprint(): void;
  /** Sends a command to the focused window's renderer. */
  sendCommand(command: AppCommand): void;
  closeWindow(): void;
}

/**
 * Builds the menu template. Edit > Undo, Redo, Delete and Select All go to the renderer, because
 * only the renderer can tell whether a text field or the canvas has the focus. Cut, Copy and Paste
 * use Electron's roles, which act on the focused text field.
 */
export function buildMenuTemplate(
  actions: MenuActions,
  recent: RecentProject[],
  platform: string = process.platform,
): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const recentItems: MenuItemConstructorOptions[] =
    recent.length === 0
      ? [{ label: 'No recent projects', enabled: false }]
      : recent.map((project) => ({
          label: project.name,
          sublabel: project.path,
          click: () => actions.openRecent(project.path),
        }));

  const file: MenuItemConstructorOptions = {
    label: 'File',
    submenu: [
      { label: 'New Project…', accelerator: 'CmdOrCtrl+N', click: () => actions.newProject() },
      { label: 'Open…', accelerator: 'CmdOrCtrl+O', click: () => actions.openProject() },
      { label: 'Open Recent', submenu: recentItems },
      { type: 'separator' },
      {
        label: 'Import Blueprint…',
        accelerator: 'CmdOrCtrl+I',
        click: () => actions.importBlueprint(),
      },
      {
        label: 'Export…',
        accelerator: 'CmdOrCtrl+E',
        click: () => actions.sendCommand({ command: 'export' }),
      },
      { type: 'separator' },
      { label: 'Close', accelerator: 'CmdOrCtrl+W', click: () => actions.closeWindow() },
      ...(isMac ? [] : [{ type: 'separator' as const }, { role: 'quit' as const }]),
    ],
  };

  const edit: MenuItemConstructorOptions = {
    label: 'Edit',
    submenu: [
      {
        label: 'Undo',
        accelerator: 'CmdOrCtrl+Z',
        click: () => actions.sendCommand({ command: 'undo' }),
      },
      {
        label: 'Redo',
        accelerator: isMac ? 'Shift+CmdOrCtrl+Z' : 'CmdOrCtrl+Y',
        click: () => actions.sendCommand({ command: 'redo' }),
      },
      { type: 'separator' },
      { role: 'cut' },
      { role: 'copy' },
      { role: 'paste' },
      { label: 'Delete', click: () => actions.sendCommand({ command: 'delete' }) },
      {
        label: 'Select All',
        accelerator: 'CmdOrCtrl+A',
        click: () => actions.sendCommand({ command: 'select-all' }),
      },
    ],
  };

  const view: MenuItemConstructorOptions = {
    label: 'View',
    submenu: [
      { role: 'reload' },
      { role: 'toggleDevTools' },
      { type: 'separator' },
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      { type: 'separator' },
      {
        label: 'Fit View',
        accelerator: 'Shift+1',
        click: () => actions.sendCommand({ command: 'fit-view' }),
      },
      {
        label: 'Toggle Theme',
        accelerator: 'CmdOrCtrl+Shift+T',
        click: () => actions.sendCommand({ command: 'toggle-theme' }),
      },
      { type: 'separator' },
      { role: 'togglefullscreen' },
    ],
  };

  const help: MenuItemConstructorOptions = {
    role: 'help',
    submenu: [{ role: 'about' }],
  };

  return [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    file,
    edit,
    view,
    { role: 'windowMenu' },
    help,
  ];
}
