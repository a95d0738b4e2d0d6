/**
 * The event channel of one window or tab: services emit events here and the transport forwards
 * them (IPC messages, or a server-sent-events stream).
 */
import { randomUUID } from 'node:crypto';

import type { ServiceEvent, ServiceEvents } from '../../shared/api/services.js';
import { createLogger } from '../log.js';

const log = createLogger('services.events');

/** Delivers events to every subscriber; a subscriber that throws is logged and skipped. */
export class EventHub implements ServiceEvents {
  private readonly listeners = new Set<(event: ServiceEvent) => void>();

  /** Adds a listener and returns the function that removes it. */
  subscribe(listener: (event: ServiceEvent) => void): () => void {
    this.listeners.add(listener);

    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Sends an event to every listener. */
  emit(event: ServiceEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        log.error('event listener failed', { type: event.type, error });
      }
    }
  }

  /** The number of listeners, for tests and for closing idle streams. */
  get size(): number {
    return this.listeners.size;
  }
}

/** Reports the steps of one piece of long work as `progress` events. */
export interface ProgressTask {
  /** Reports that a step starts; `done` counts the steps finished before it. */
  step(detail: string, done: number): void;
  /** Sends the last event of the task, whether it succeeded or failed. */
  finish(detail: string): void;
}

/** Starts a task whose steps are sent as progress events. */
export function startProgress(hub: EventHub, title: string, total: number | null): ProgressTask {
  const taskId = randomUUID();
  let done = 0;

  const send = (detail: string, finished: boolean): void => {
    hub.emit({ type: 'progress', taskId, title, detail, done, total, finished });
  };

  return {
    step(detail, stepsDone) {
      done = stepsDone;
      send(detail, false);
    },
    finish(detail) {
      done = total ?? done;
      send(detail, true);
    },
  };
}
