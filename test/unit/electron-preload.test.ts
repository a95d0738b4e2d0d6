import { readFileSync } from 'node:fs';

import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as electron from 'electron';

import { compilePreload } from '../../main/electron/build.js';
import { createSafeStorageCipher } from '../../main/electron/secrets.js';
import { BRIDGE_KEY, IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/api/bridge.js';
import type { StagecraftBridge } from '../../shared/api/bridge.js';

import type { FakeElectron } from '../support/fake-electron.js';

vi.mock('electron', async () => (await import('../support/fake-electron.js')).createFakeElectron());

const fake = electron as unknown as FakeElectron;

let bridge: StagecraftBridge;

beforeAll(async () => {
  await import('../../main/electron/preload.js');
  const [key, exposed] = fake.contextBridge.exposeInMainWorld.mock.calls[0]!;
  expect(key).toBe(BRIDGE_KEY);
  bridge = exposed as StagecraftBridge;
});

describe('preload bridge', () => {
  it('exposes only call and onEvent', () => {
    expect(fake.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'onEvent']);
  });

  it('sends calls on the call channel', async () => {
    fake.ipcRenderer.invoke.mockResolvedValueOnce({ ok: true, value: 1 });

    const outcome = await bridge.call('app', 'info', {});

    expect(fake.ipcRenderer.invoke).toHaveBeenCalledWith(IPC_CALL_CHANNEL, 'app', 'info', {});
    expect(outcome).toEqual({ ok: true, value: 1 });
  });

  it('does not pass the IPC event to listeners', () => {
    const listener = vi.fn();
    const stop = bridge.onEvent(listener);
    const [channel, forward] = fake.ipcRenderer.on.mock.calls[0]! as [
      string,
      (event: unknown, payload: unknown) => void,
    ];

    forward({ sender: 'secret' }, { type: 'project', reason: 'closed' });
    stop();

    expect(channel).toBe(IPC_EVENT_CHANNEL);
    expect(listener).toHaveBeenCalledWith({ type: 'project', reason: 'closed' });
    expect(fake.ipcRenderer.removeListener).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, forward);
  });

  it('repeats the shared channel names', () => {
    const source = readFileSync('main/electron/preload.ts', 'utf8');

    expect(source).toContain(`const BRIDGE_KEY = '${BRIDGE_KEY}';`);
    expect(source).toContain(`const IPC_CALL_CHANNEL = '${IPC_CALL_CHANNEL}';`);
    expect(source).toContain(`const IPC_EVENT_CHANNEL = '${IPC_EVENT_CHANNEL}';`);
  });

  it('compiles to a script without module syntax', () => {
    const output = compilePreload(readFileSync('main/electron/preload.ts', 'utf8'));

    expect(output).toContain('require("electron")');
    expect(output).not.toMatch(/^\s*(import|export) /m);
    // A sandboxed preload script can load electron but no file of the app.
    expect(output.match(/require\(/g)).toHaveLength(1);
  });
});

describe('safe storage cipher', () => {
  it('encrypts with safeStorage', () => {
    const cipher = createSafeStorageCipher(fake.safeStorage as never, 'linux');
    const encrypted = cipher.encrypt('hunter2');

    expect(cipher.isAvailable()).toBe(true);
    expect(cipher.decrypt(encrypted)).toBe('hunter2');
  });

  it('counts the plain-text Linux backend as unavailable', () => {
    fake.safeStorage.getSelectedStorageBackend.mockReturnValueOnce('basic_text');
    const cipher = createSafeStorageCipher(fake.safeStorage as never, 'linux');

    expect(cipher.isAvailable()).toBe(false);
  });

  it('is unavailable without OS encryption', () => {
    fake.safeStorage.isEncryptionAvailable.mockReturnValueOnce(false);
    const cipher = createSafeStorageCipher(fake.safeStorage as never, 'darwin');

    expect(cipher.isAvailable()).toBe(false);
  });
});
