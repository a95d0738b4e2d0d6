/**
 * The preload script of every window. It exposes exactly one object, `window.stagecraft`: a call
 * function for the services and an event subscription. The page gets no `ipcRenderer`, no Node
 * API and no way to pick another IPC channel.
 *
 * A sandboxed preload script cannot load other files, so the channel names are repeated here;
 * a unit test checks that they match `shared/api/bridge.ts`.
 */
import { contextBridge, ipcRenderer } from 'electron';
import type { IpcRendererEvent } from 'electron';

import type { StagecraftBridge } from '../../shared/api/bridge.js';
import type { CallOutcome, ServiceEvent } from '../../shared/api/services.js';

const BRIDGE_KEY = 'stagecraft';
const IPC_CALL_CHANNEL = 'stagecraft:call';
const IPC_EVENT_CHANNEL = 'stagecraft:event';

const bridge: StagecraftBridge = {
  call(service: string, method: string, args: unknown): Promise<CallOutcome> {
    // Only plain names go over IPC; the main process validates everything again.
    if (typeof service !== 'string' || typeof method !== 'string') {
      return Promise.resolve({
        ok: false,
        error: { code: 'invalid-argument', message: 'service and method must be strings.' },
      });
    }

    return ipcRenderer.invoke(IPC_CALL_CHANNEL, service, method, args) as Promise<CallOutcome>;
  },

  onEvent(listener: (event: ServiceEvent) => void): () => void {
    // The Electron event object is not passed on: it would hand the page the sender.
    const forward = (_event: IpcRendererEvent, payload: ServiceEvent) => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, forward);

    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, forward);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
