/**
 * The renderer's one service client. In the desktop app the preload script provides
 * `window.stagecraft` and calls go over IPC; in a browser tab (web mode) they go over HTTP.
 * The rest of the renderer calls `getClient()` and never learns which.
 */
import { BRIDGE_KEY } from '../../shared/api/bridge.js';
import type { StagecraftBridge } from '../../shared/api/bridge.js';
import type { ServiceClient } from '../../shared/api/services.js';
import { createIpcClient } from './ipc.js';
import { createWebClient } from './web.js';

let client: ServiceClient | undefined;

/** Returns the service client, creating it on first use. */
export function getClient(): ServiceClient {
  if (client === undefined) {
    const bridge = (globalThis as Record<string, unknown>)[BRIDGE_KEY] as
      StagecraftBridge | undefined;
    client = bridge !== undefined ? createIpcClient(bridge) : createWebClient();
  }

  return client;
}

export type { ServiceClient } from '../../shared/api/services.js';
