/**
 * The desktop app's main process: windows, the application menu, IPC for the services, the
 * app protocol and encrypted secret storage. Kept thin; the work happens in main/services.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { app, BrowserWindow, ipcMain, Menu, protocol, safeStorage, session } from 'electron';
import type { IpcMainInvokeEvent } from 'electron';

import { IPC_CALL_CHANNEL } from '../../shared/api/bridge.js';
import type { CallOutcome } from '../../shared/api/services.js';
import { createLogger } from '../log.js';
import { appRoot } from '../services/app-root.js';
import { createAppEnvironment, dispatchCall } from '../services/index.js';
import type { AppEnvironment } from '../services/index.js';
import { defaultRendererFolder } from '../web/static.js';
import { projectFromArguments } from './binary.js';
import { PRELOAD_FILE } from './build.js';
import { buildMenuTemplate } from './menu.js';
import type { MenuActions } from './menu.js';
import { APP_SCHEME_PRIVILEGES, handleAppProtocol } from './protocol.js';
import { createSafeStorageCipher } from './secrets.js';
import { isTrustedSender } from './security.js';
import { ProjectWindows } from './windows.js';

const log = createLogger('electron');

const FORBIDDEN: CallOutcome = {
  ok: false,
  error: {
    code: 'request-forbidden',
    message: 'Service calls are accepted only from Stagecraft pages in their own window.',
  },
};

/** Handles one service call from a window; exported for tests. */
export async function handleServiceCall(
  windows: ProjectWindows,
  event: IpcMainInvokeEvent,
  service: unknown,
  method: unknown,
  args: unknown,
): Promise<CallOutcome> {
  const entry = windows.byContentsId(event.sender.id);
  if (!isTrustedSender(event) || entry === undefined) {
    log.warn('IPC call rejected', { url: event.senderFrame?.url, service, method });
    return FORBIDDEN;
  }

  if (typeof service !== 'string' || typeof method !== 'string') {
    return {
      ok: false,
      error: { code: 'invalid-argument', message: 'service and method must be strings.' },
    };
  }

  return dispatchCall(entry.services.handlers, service, method, args);
}

function menuActions(windows: ProjectWindows): MenuActions {
  const openChosen = async (purpose: 'open' | 'create') => {
    const entry = windows.focused() ?? (await windows.create({ kind: 'empty' }));
    const { path } = await entry.services.handlers.app.chooseProject({ purpose });
    if (path !== null) {
      await windows.openProject(path, purpose === 'create');
    }
  };
  const report = (action: string) => (error: unknown) =>
    log.error('menu action failed', { action, error });

  return {
    newProject: () => void openChosen('create').catch(report('new project')),
    openProject: () => void openChosen('open').catch(report('open project')),
    openRecent: (path) => void windows.openProject(path).catch(report('open recent')),
    importBlueprint: () => {
      const entry = windows.focused();
      if (entry !== undefined) {
        void windows.importInto(entry).catch(report('import blueprint'));
      }
    },
    sendCommand: (command) => {
      const entry = windows.focused();
      if (entry !== undefined) {
        windows.send(entry, command);
      }
    },
    closeWindow: () => windows.focused()?.window.close(),
  };
}

/** Starts the desktop app; resolves when the first window has loaded. */
export async function startDesktopApp(environment?: AppEnvironment): Promise<ProjectWindows> {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
  await app.whenReady();

  const env =
    environment ??
    createAppEnvironment({ mode: 'electron', cipher: createSafeStorageCipher(safeStorage) });
  const preload = join(dirname(fileURLToPath(import.meta.url)), PRELOAD_FILE);

  // The renderer needs no camera, microphone, notifications or other permission.
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) =>
    callback(false),
  );
  handleAppProtocol(protocol, defaultRendererFolder(appRoot()));

  // The menu lists recent projects, so it is rebuilt whenever a window opens or closes.
  const refreshMenu = (): void => {
    const template = buildMenuTemplate(menuActions(windows), env.recent.list());
    Menu.setApplicationMenu(Menu.buildFromTemplate(template));
  };
  const windows = new ProjectWindows(env, preload, refreshMenu);

  ipcMain.handle(IPC_CALL_CHANNEL, (event, service, method, args) =>
    handleServiceCall(windows, event, service, method, args),
  );

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') {
      app.quit();
    }
  });
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) {
      void windows.create({ kind: 'empty' });
    }
  });

  refreshMenu();
  const project = projectFromArguments(process.argv);
  await windows.create(
    project === undefined ? { kind: 'initial' } : { kind: 'project', path: project },
  );
  log.info('desktop app started', { dataFolder: env.home.folder });
  return windows;
}

// Started when Electron runs this file; tests import it with a fake electron module and set
// STAGECRAFT_NO_AUTOSTART to call startDesktopApp themselves.
if (process.env.STAGECRAFT_NO_AUTOSTART !== '1') {
  startDesktopApp().catch((error: unknown) => {
    log.error('desktop app failed to start', { error });
    app.exit(1);
  });
}
