/** The app and secret services: app facts, native dialogs and the secret store. */
import type { AppService, SecretService } from '../../shared/api/services.js';
import { StagecraftError } from '../../shared/errors.js';
import type { AppEnvironment, NativeDialogs } from './environment.js';
import { describeApp } from './environment.js';
import { asyncMethod } from './method.js';

/** Creates the app service of one window; `dialogs` is undefined in web mode. */
export function createAppService(
  environment: AppEnvironment,
  dialogs: NativeDialogs | undefined,
): AppService {
  return {
    info: asyncMethod(() => describeApp(environment)),

    async chooseProject({ purpose }) {
      if (dialogs === undefined) {
        throw new StagecraftError(
          'unsupported',
          'Web mode has no file dialogs: type the full path of the project file instead.',
          { service: 'app', method: 'chooseProject' },
        );
      }

      return { path: await dialogs.chooseProject(purpose) };
    },
  };
}

/** Creates the secret service. Values go in and never come back out to the renderer. */
export function createSecretService(environment: AppEnvironment): SecretService {
  const store = environment.secrets;

  return {
    status: asyncMethod(() => store.status()),
    list: asyncMethod(() => store.list()),
    set: asyncMethod(({ name, value }: { name: string; value: string }) => store.set(name, value)),
    remove: asyncMethod(({ name }: { name: string }) => store.remove(name)),
  };
}
