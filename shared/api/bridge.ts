/**
 * The object the desktop app's preload script puts on `window.stagecraft`, and the IPC channel
 * names behind it. The renderer wraps it into the service client (`createServiceClient`).
 */
import type { CallOutcome, ServiceEvent } from './services.js';

/** The name of the bridge on the renderer's `window`. */
export const BRIDGE_KEY = 'stagecraft';

/** The IPC channel of service calls (renderer to main, invoke/handle). */
export const IPC_CALL_CHANNEL = 'stagecraft:call';

/** The IPC channel of events (main to renderer). */
export const IPC_EVENT_CHANNEL = 'stagecraft:event';

/** The object the preload script exposes: one call function and one event subscription. */
export interface StagecraftBridge {
  /** Sends one service call; resolves with its outcome and never rejects for service errors. */
  call(service: string, method: string, args: unknown): Promise<CallOutcome>;
  /** Calls `listener` for every event sent to this window; returns the function that stops it. */
  onEvent(listener: (event: ServiceEvent) => void): () => void;
}
