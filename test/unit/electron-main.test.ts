import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import * as electron from 'electron';

import { AppHome, createAppEnvironment } from '../../main/services/index.js';
import type { ProjectWindows } from '../../main/electron/windows.js';
import { CONTENT_SECURITY_POLICY } from '../../main/web/csp.js';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/api/bridge.js';
import type { CallOutcome } from '../../shared/api/services.js';
import { FakeBrowserWindow, fakeEvent, ipcHandlers } from '../support/fake-electron.js';
import { LOGIN_BLUEPRINT } from '../support/services.js';

import type { FakeElectron } from '../support/fake-electron.js';

vi.mock('electron', async () => (await import('../support/fake-electron.js')).createFakeElectron());

const fake = electron as unknown as FakeElectron;

let folder: string;
let windows: ProjectWindows;
let first: FakeBrowserWindow;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'stagecraft-electron-'));
  process.env.STAGECRAFT_NO_AUTOSTART = '1';
  const { startDesktopApp } = await import('../../main/electron/main.js');
  const environment = createAppEnvironment({
    mode: 'electron',
    home: new AppHome(join(folder, 'home')),
  });

  windows = await startDesktopApp(environment);
  first = FakeBrowserWindow.created[0]!;
});

afterAll(() => {
  for (const window of FakeBrowserWindow.created) {
    if (!window.isDestroyed()) {
      window.close();
    }
  }
  rmSync(folder, { recursive: true, force: true });
});

function callIpc(sender: FakeBrowserWindow, frameUrl: string, ...args: unknown[]) {
  const handler = ipcHandlers.get(IPC_CALL_CHANNEL)!;
  sender.webContents.mainFrame.url = frameUrl;
  const event = { sender: sender.webContents, senderFrame: sender.webContents.mainFrame };
  return handler(event, ...args) as Promise<CallOutcome>;
}

function findItem(label: string): MenuItemConstructorOptions {
  const calls = fake.Menu.buildFromTemplate.mock.calls;
  const template = calls[calls.length - 1]![0] as MenuItemConstructorOptions[];
  const all = template.flatMap((menu) =>
    Array.isArray(menu.submenu) ? [menu, ...menu.submenu] : [menu],
  );
  const item = all.find((entry) => entry.label === label);
  if (item === undefined) {
    throw new Error(`no menu item ${label}`);
  }
  return item;
}

describe('electron window', () => {
  it('isolates and sandboxes the renderer', () => {
    const preferences = first.options.webPreferences as Record<string, unknown>;

    expect(preferences.contextIsolation).toBe(true);
    expect(preferences.sandbox).toBe(true);
    expect(preferences.nodeIntegration).toBe(false);
    expect(preferences.webviewTag).toBe(false);
    expect(String(preferences.preload)).toMatch(/preload\.cjs$/);
  });

  it('loads the app page from the app origin', () => {
    expect(first.webContents.mainFrame.url).toBe('app://stagecraft/index.html');
  });

  it('opens the sample project on first start', () => {
    expect(windows.byContentsId(first.webContents.id)?.services.session.current?.path).toContain(
      'Stagecraft sample.stagecraft',
    );
  });

  it('blocks navigation to other sites', () => {
    const event = fakeEvent();
    first.webContents.emit('will-navigate', event, 'https://evil.example/');

    expect(event.defaultPrevented()).toBe(true);
  });

  it('allows reloading the app page', () => {
    const event = fakeEvent();
    first.webContents.emit('will-navigate', event, 'app://stagecraft/index.html');

    expect(event.defaultPrevented()).toBe(false);
  });

  it('denies new windows', () => {
    expect(first.webContents.windowOpenHandler?.({ url: 'https://login.example/' })).toEqual({
      action: 'deny',
    });
  });

  it('opens https links in the browser', () => {
    fake.shell.openExternal.mockClear();
    first.webContents.windowOpenHandler?.({ url: 'https://discord.com/oauth2/authorize?x=1' });

    expect(fake.shell.openExternal).toHaveBeenCalledWith(
      'https://discord.com/oauth2/authorize?x=1',
    );
  });

  it('keeps other links closed', () => {
    fake.shell.openExternal.mockClear();
    for (const url of ['http://example.org/', 'file:///etc/passwd', 'javascript:alert(1)']) {
      first.webContents.windowOpenHandler?.({ url });
    }

    expect(fake.shell.openExternal).not.toHaveBeenCalled();
  });

  it('imports a dropped blueprint file', async () => {
    const file = join(folder, 'login.yaml');
    writeFileSync(file, LOGIN_BLUEPRINT);
    first.webContents.send.mockClear();
    const event = fakeEvent();

    first.webContents.emit('will-navigate', event, `file://${file}`);
    await vi.waitFor(() => expect(first.webContents.send).toHaveBeenCalled());

    expect(event.defaultPrevented()).toBe(true);
    expect(first.webContents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, {
      type: 'command',
      command: 'import',
      files: [{ name: 'login.yaml', text: LOGIN_BLUEPRINT }],
    });
  });

  it('denies every permission request', () => {
    const handler = fake.session.defaultSession.setPermissionRequestHandler.mock.calls[0]![0] as (
      contents: unknown,
      permission: string,
      callback: (granted: boolean) => void,
    ) => void;
    const callback = vi.fn();
    handler({}, 'media', callback);

    expect(callback).toHaveBeenCalledWith(false);
  });
});

describe('electron IPC', () => {
  it('uses prefixed channels', () => {
    expect([...ipcHandlers.keys()]).toEqual(['stagecraft:call']);
  });

  it('answers calls from the app page', async () => {
    const outcome = await callIpc(first, 'app://stagecraft/index.html', 'app', 'info', {});

    expect(outcome).toMatchObject({ ok: true, value: { mode: 'electron' } });
  });

  it('refuses calls from another origin', async () => {
    const outcome = await callIpc(first, 'https://evil.example/', 'app', 'info', {});

    expect(outcome).toMatchObject({ ok: false, error: { code: 'request-forbidden' } });
  });

  it('refuses calls from a subframe', async () => {
    const handler = ipcHandlers.get(IPC_CALL_CHANNEL)!;
    first.webContents.mainFrame.url = 'app://stagecraft/index.html';
    const subframe = { url: 'app://stagecraft/index.html' };
    const event = { sender: first.webContents, senderFrame: subframe };

    const outcome = (await handler(event, 'app', 'info', {})) as CallOutcome;

    expect(outcome).toMatchObject({ ok: false, error: { code: 'request-forbidden' } });
  });

  it('validates arguments', async () => {
    const outcome = await callIpc(first, 'app://stagecraft/index.html', 'project', 'open', {
      path: 1,
    });

    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('rejects non-string names', async () => {
    const outcome = await callIpc(first, 'app://stagecraft/index.html', 1, {}, {});

    expect(outcome).toMatchObject({ ok: false, error: { code: 'invalid-argument' } });
  });

  it('forwards service events to the window', async () => {
    first.webContents.send.mockClear();
    await callIpc(first, 'app://stagecraft/index.html', 'project', 'openSample', {});

    expect(first.webContents.send).toHaveBeenCalledWith(
      IPC_EVENT_CHANNEL,
      expect.objectContaining({ type: 'progress' }),
    );
  });
});

describe('electron menu', () => {
  it('has the standard top-level menus', () => {
    const calls = fake.Menu.buildFromTemplate.mock.calls;
    const template = calls[calls.length - 1]![0] as MenuItemConstructorOptions[];
    const names = template.map((menu) => menu.label ?? menu.role);

    expect(names).toEqual(
      process.platform === 'darwin'
        ? ['appMenu', 'File', 'Edit', 'View', 'windowMenu', 'help']
        : ['File', 'Edit', 'View', 'windowMenu', 'help'],
    );
  });

  it('lists the file actions with accelerators', () => {
    expect(findItem('New Project…').accelerator).toBe('CmdOrCtrl+N');
    expect(findItem('Open…').accelerator).toBe('CmdOrCtrl+O');
    expect(findItem('Import Blueprint…').accelerator).toBe('CmdOrCtrl+I');
    expect(findItem('Export…').accelerator).toBe('CmdOrCtrl+E');
    expect(findItem('Close').accelerator).toBe('CmdOrCtrl+W');
  });

  it('lists recent projects', () => {
    const recent = findItem('Open Recent').submenu as MenuItemConstructorOptions[];

    expect(recent[0]?.label).toBe('Stagecraft sample');
  });

  it('sends undo to the focused window', () => {
    FakeBrowserWindow.focusedWindow = first;
    first.webContents.send.mockClear();

    const undo = findItem('Undo');
    (undo.click as () => void)();

    expect(undo.accelerator).toBe('CmdOrCtrl+Z');
    expect(first.webContents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, {
      type: 'command',
      command: 'undo',
    });
  });

  it('offers fit view and theme toggling', () => {
    expect(findItem('Fit View').click).toBeTypeOf('function');
    expect(findItem('Toggle Theme').click).toBeTypeOf('function');
  });
});

describe('electron protocol', () => {
  it('registers the app scheme as secure', () => {
    expect(fake.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
  });

  it('serves pages with the content security policy', async () => {
    const { serveAppRequest } = await import('../../main/electron/protocol.js');
    const renderer = join(folder, 'renderer-dist');
    mkdirSync(renderer, { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html>');

    const response = await serveAppRequest(renderer, 'app://stagecraft/index.html');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('does not serve another host', async () => {
    const { serveAppRequest } = await import('../../main/electron/protocol.js');

    expect((await serveAppRequest(folder, 'app://other/index.html')).status).toBe(404);
  });
});
