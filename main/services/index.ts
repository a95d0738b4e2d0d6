/**
 * The app services of one window or tab, over the project store and the blueprint modules. Both
 * transports (Electron IPC and web mode) carry calls to these objects through `dispatchCall`.
 */
import type { ServiceHandlers } from '../../shared/api/services.js';
import { createAppService, createSecretService } from './app-service.js';
import { createBlueprintService } from './blueprint-service.js';
import type { AppEnvironment, NativeDialogs } from './environment.js';
import { EventHub } from './events.js';
import { createProjectService } from './project-service.js';
import { ProjectSession } from './session.js';
import { createServerService } from './server-service.js';
import { createSimulatorService } from './simulator-service.js';
import type { SimulatorServiceOptions } from './simulator-service.js';

export { createAppEnvironment, describeApp } from './environment.js';
export type { AppEnvironment, AppEnvironmentOptions, NativeDialogs } from './environment.js';
export { dispatchCall } from './dispatch.js';
export { EventHub } from './events.js';
export { AppHome, resolveDataFolder } from './home.js';
export { SecretStore, type SecretCipher } from './secrets.js';
export { testHostOverrides } from './simulator-live.js';
export { ProjectSession } from './session.js';

/** The services, event channel and open project of one window or tab. */
export interface WindowServices {
  handlers: ServiceHandlers;
  events: EventHub;
  session: ProjectSession;
  /** Closes the open project; the services must not be called afterwards. */
  close(): void;
  /** Stops the simulator's Python workers, if they were started. */
  dispose(): Promise<void>;
}

/** Creates the services of one window; `dialogs` gives the desktop app's native dialogs. */
export function createWindowServices(
  environment: AppEnvironment,
  options: { dialogs?: NativeDialogs; simulator?: SimulatorServiceOptions } = {},
): WindowServices {
  const events = new EventHub();
  const session = new ProjectSession();
  const simulator = createSimulatorService(session, {
    secrets: environment.secrets,
    events,
    ...options.simulator,
  });

  const handlers: ServiceHandlers = {
    project: createProjectService(environment, session, events),
    blueprints: createBlueprintService(environment, session, events, options.dialogs),
    app: createAppService(environment, options.dialogs),
    secrets: createSecretService(environment),
    simulator: simulator.service,
    server: createServerService(environment, session, events),
  };

  return {
    handlers,
    events,
    session,
    close: () => session.close(),
    dispose: () => simulator.dispose(),
  };
}
