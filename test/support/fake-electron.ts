/**
 * A stand-in for the `electron` module, for unit tests of the desktop shell on machines without
 * an Electron binary. It records what the shell configures (windows, handlers, menus) so tests
 * can check it, and lets tests fire the events Electron would fire.
 */
import { EventEmitter } from 'node:events';

import { vi } from 'vitest';

let nextContentsId = 1;

/** Creates a navigation or IPC event whose `preventDefault` calls the test can check. */
export function fakeEvent(): {
  preventDefault: ReturnType<typeof vi.fn>;
  defaultPrevented: () => boolean;
} {
  const preventDefault = vi.fn();
  return { preventDefault, defaultPrevented: () => preventDefault.mock.calls.length > 0 };
}

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly mainFrame = { url: '' };
  readonly send = vi.fn();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;

  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly created: FakeBrowserWindow[] = [];
  static focusedWindow: FakeBrowserWindow | null = null;

  readonly webContents = new FakeWebContents();
  destroyed = false;
  readonly focus = vi.fn();
  readonly show = vi.fn();

  constructor(readonly options: Record<string, unknown>) {
    super();
    FakeBrowserWindow.created.push(this);
  }

  static getFocusedWindow(): FakeBrowserWindow | null {
    return FakeBrowserWindow.focusedWindow;
  }

  static getAllWindows(): FakeBrowserWindow[] {
    return FakeBrowserWindow.created.filter((window) => !window.destroyed);
  }

  loadURL(url: string): Promise<void> {
    this.webContents.mainFrame.url = url;
    return Promise.resolve();
  }

  isDestroyed(): boolean {
    return this.destroyed;
  }

  close(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}

/** The IPC handlers the shell registered, by channel. */
export const ipcHandlers = new Map<string, (...args: unknown[]) => unknown>();

/** Builds the fake module; `vi.mock('electron', () => createFakeElectron())`. */
export function createFakeElectron() {
  return {
    app: {
      whenReady: vi.fn(() => Promise.resolve()),
      on: vi.fn(),
      quit: vi.fn(),
      exit: vi.fn(),
    },
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle: vi.fn((channel: string, handler: (...args: unknown[]) => unknown) => {
        ipcHandlers.set(channel, handler);
      }),
    },
    Menu: {
      setApplicationMenu: vi.fn(),
      buildFromTemplate: vi.fn((template: unknown) => ({ template })),
    },
    protocol: { registerSchemesAsPrivileged: vi.fn(), handle: vi.fn() },
    safeStorage: {
      isEncryptionAvailable: vi.fn(() => true),
      getSelectedStorageBackend: vi.fn(() => 'gnome_libsecret'),
      encryptString: vi.fn((text: string) => Buffer.from(`enc:${text}`)),
      decryptString: vi.fn((data: Buffer) => data.toString().replace(/^enc:/, '')),
    },
    session: { defaultSession: { setPermissionRequestHandler: vi.fn() } },
    dialog: {
      showOpenDialog: vi.fn(() => Promise.resolve({ canceled: true, filePaths: [] })),
      showSaveDialog: vi.fn(() => Promise.resolve({ canceled: true })),
    },
    shell: { openExternal: vi.fn(() => Promise.resolve()) },
    contextBridge: { exposeInMainWorld: vi.fn() },
    ipcRenderer: { invoke: vi.fn(), on: vi.fn(), removeListener: vi.fn() },
  };
}

/** The type of the fake module, for tests that read what the shell configured. */
export type FakeElectron = ReturnType<typeof createFakeElectron>;
