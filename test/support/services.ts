/** Helpers for service tests: an app environment in a temporary data folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { ServiceEvent } from '../../shared/api/services.js';
import { AppHome, createAppEnvironment, createWindowServices } from '../../main/services/index.js';
import type { AppEnvironment, NativeDialogs, WindowServices } from '../../main/services/index.js';

/** A data folder, an environment and one window's services, removed by `dispose`. */
export interface ServiceFixture {
  folder: string;
  environment: AppEnvironment;
  services: WindowServices;
  events: ServiceEvent[];
  dispose(): void;
}

/** Creates services over a fresh temporary data folder, recording every event. */
export function createServiceFixture(
  options: { mode?: 'web' | 'electron'; dialogs?: NativeDialogs } = {},
): ServiceFixture {
  const folder = mkdtempSync(join(tmpdir(), 'stagecraft-services-'));
  const environment = createAppEnvironment({
    mode: options.mode ?? 'web',
    home: new AppHome(join(folder, 'home')),
  });
  const services = createWindowServices(environment, { dialogs: options.dialogs });
  const events: ServiceEvent[] = [];
  services.events.subscribe((event) => events.push(event));

  return {
    folder,
    environment,
    services,
    events,
    dispose() {
      services.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A small valid blueprint with one authentication flow and its identification stage. */
export const LOGIN_BLUEPRINT = `version: 1
metadata:
  name: Login
entries:
  - model: authentik_flows.flow
    id: flow
    identifiers:
      slug: login
    attrs:
      name: Login
      title: Login
      designation: authentication
  - model: authentik_stages_identification.identificationstage
    id: identify
    identifiers:
      name: login-identification
    attrs:
      user_fields: [username]
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !KeyOf flow
      stage: !KeyOf identify
      order: 10
`;
