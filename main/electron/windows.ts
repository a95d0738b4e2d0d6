/**
 * The desktop app's windows: one window per project, each with its own services. A project that
 * is already open in a window is focused instead of opened twice.
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import { BrowserWindow, dialog, shell } from 'electron';

import { IPC_EVENT_CHANNEL } from '../../shared/api/bridge.js';
import type { AppCommand, ImportFile, ServiceEvent } from '../../shared/api/services.js';
import { createLogger } from '../log.js';
import { createWindowServices } from '../services/index.js';
import type { AppEnvironment, NativeDialogs, WindowServices } from '../services/index.js';
import { openInitialProject } from '../services/startup.js';
import { APP_PAGE, lockDownContents, windowPreferences } from './security.js';

const log = createLogger('electron.windows');

const PROJECT_FILTERS = [{ name: 'Stagecraft projects', extensions: ['stagecraft'] }];
const BLUEPRINT_FILTERS = [{ name: 'Blueprints', extensions: ['yaml', 'yml', 'json', 'akflow'] }];

/** The project a new window opens: the initial one, a given file, or none. */
export type WindowTarget =
  { kind: 'initial' } | { kind: 'project'; path: string; create?: boolean } | { kind: 'empty' };

/** One window and its services. */
export interface AppWindow {
  window: BrowserWindow;
  services: WindowServices;
}

/** Reads blueprint files for an import command; unreadable files are logged and skipped. */
export async function readImportFiles(paths: string[]): Promise<ImportFile[]> {
  const files: ImportFile[] = [];
  for (const path of paths) {
    try {
      files.push({ name: basename(path), text: await readFile(path, 'utf8') });
    } catch (error) {
      log.warn('could not read a blueprint file to import', { path, error });
    }
  }

  return files;
}

function nativeDialogs(window: BrowserWindow): NativeDialogs {
  return {
    async chooseProject(purpose) {
      if (purpose === 'open') {
        const result = await dialog.showOpenDialog(window, {
          title: 'Open Project',
          properties: ['openFile'],
          filters: PROJECT_FILTERS,
        });
        return result.canceled ? null : (result.filePaths[0] ?? null);
      }

      const result = await dialog.showSaveDialog(window, {
        title: 'New Project',
        defaultPath: 'Untitled.stagecraft',
        filters: PROJECT_FILTERS,
      });
      return result.canceled ? null : (result.filePath ?? null);
    },

    async chooseExportPath(defaultName) {
      const result = await dialog.showSaveDialog(window, {
        title: 'Export Blueprint',
        defaultPath: defaultName,
        filters: [{ name: 'Blueprint', extensions: ['yaml'] }],
      });
      return result.canceled ? null : (result.filePath ?? null);
    },
  };
}

/** Creates, finds and closes the app's windows. */
export class ProjectWindows {
  private readonly windows = new Map<number, AppWindow>();

  constructor(
    private readonly environment: AppEnvironment,
    private readonly preloadPath: string,
    private readonly onChange: () => void,
  ) {}

  /** Returns the window whose page sent an IPC message, by its webContents id. */
  byContentsId(id: number): AppWindow | undefined {
    return this.windows.get(id);
  }

  /** Returns the focused window, or the most recently created one. */
  focused(): AppWindow | undefined {
    const focused = BrowserWindow.getFocusedWindow();
    const all = [...this.windows.values()];

    return all.find((entry) => entry.window === focused) ?? all[all.length - 1];
  }

  /** The number of open windows. */
  get size(): number {
    return this.windows.size;
  }

  /**
   * Opens a project: focuses the window that has it, reuses the focused window when it has no
   * project, and otherwise opens a new window.
   */
  async openProject(path: string, create = false): Promise<AppWindow> {
    const holder = [...this.windows.values()].find(
      (entry) => entry.services.session.current?.path === path,
    );
    if (holder !== undefined) {
      holder.window.focus();
      return holder;
    }

    const focused = this.focused();
    if (focused !== undefined && focused.services.session.current === undefined) {
      await focused.services.handlers.project.open({ path, create });
      this.onChange();
      return focused;
    }

    return this.create({ kind: 'project', path, create });
  }

  /** Creates a window, loads the app page and opens its project. */
  async create(target: WindowTarget): Promise<AppWindow> {
    const window = new BrowserWindow({
      width: 1280,
      height: 800,
      show: false,
      title: 'Stagecraft',
      webPreferences: windowPreferences(this.preloadPath),
    });
    const services = createWindowServices(this.environment, { dialogs: nativeDialogs(window) });
    const entry: AppWindow = { window, services };
    const contentsId = window.webContents.id;
    this.windows.set(contentsId, entry);

    const unsubscribe = services.events.subscribe((event: ServiceEvent) => {
      if (!window.isDestroyed()) {
        window.webContents.send(IPC_EVENT_CHANNEL, event);
      }
    });
    window.on('closed', () => {
      unsubscribe();
      services.close();
      void services.dispose();
      this.windows.delete(contentsId);
      this.onChange();
    });
    window.once('ready-to-show', () => window.show());

    lockDownContents(
      window.webContents,
      (path) => {
        void readImportFiles([path]).then((files) => {
          if (files.length > 0) {
            this.send(entry, { command: 'import', files });
          }
        });
      },
      (url) => {
        shell.openExternal(url).catch((error: unknown) => {
          log.warn('could not open a link in the system browser', { error });
        });
      },
    );

    await this.openTarget(entry, target);
    await window.loadURL(APP_PAGE);
    this.onChange();
    return entry;
  }

  /** Sends a command event to a window's renderer. */
  send(entry: AppWindow, command: AppCommand): void {
    entry.services.events.emit({ type: 'command', ...command });
  }

  /** Shows the open dialog for blueprint files and sends them to the window as an import. */
  async importInto(entry: AppWindow): Promise<void> {
    const result = await dialog.showOpenDialog(entry.window, {
      title: 'Import Blueprint',
      properties: ['openFile', 'multiSelections'],
      filters: BLUEPRINT_FILTERS,
    });
    if (result.canceled || result.filePaths.length === 0) {
      return;
    }

    const files = await readImportFiles(result.filePaths);
    if (files.length > 0) {
      this.send(entry, { command: 'import', files });
    }
  }

  private async openTarget(entry: AppWindow, target: WindowTarget): Promise<void> {
    try {
      if (target.kind === 'initial') {
        await openInitialProject(entry.services, this.environment);
      } else if (target.kind === 'project') {
        await entry.services.handlers.project.open({ path: target.path, create: target.create });
      }
    } catch (error) {
      // The window still opens, without a project; the renderer offers to open another.
      log.warn('could not open the project of a new window', { target, error });
    }
  }
}
