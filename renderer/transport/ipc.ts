/**
 * The desktop transport: the preload script's bridge on `window.stagecraft`, which forwards
 * calls and events over Electron IPC.
 */
import type { StagecraftBridge } from '../../shared/api/bridge.js';
import { createServiceClient } from '../../shared/api/client.js';
import type { ServiceClient, ServiceEvent } from '../../shared/api/services.js';

/** Creates the service client over the preload bridge. */
export function createIpcClient(bridge: StagecraftBridge): ServiceClient {
  return createServiceClient((service, method, args) => bridge.call(service, method, args), {
    subscribe: (listener: (event: ServiceEvent) => void) => bridge.onEvent(listener),
  });
}
