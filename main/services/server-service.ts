/**
 * The server service: profiles in the app data folder, tokens in the secret store, and pull,
 * diff and push for the project open in the window. Tokens come from the secret store first and
 * then from the app's environment (the profile's variable, else STAGECRAFT_TOKEN).
 */
import type { ServerService } from '../../shared/server/service.js';
import type { ServerProfile, ServerProfileStatus } from '../../shared/server/types.js';
import { createLogger } from '../log.js';
import { AuthentikApi } from '../server/api.js';
import { AuthentikClient } from '../server/client.js';
import { ServerProfiles } from '../server/profiles.js';
import { pullFlows } from '../server/pull.js';
import { checkLocalProblems, pushBlueprint } from '../server/push.js';
import { planPush, selectBlueprint } from '../server/selection.js';
import { resolveToken, tokenSecretName, tokenSourceOf } from '../server/token.js';
import type { AppEnvironment } from './environment.js';
import type { EventHub } from './events.js';
import { startProgress } from './events.js';
import { asyncMethod } from './method.js';
import type { ProjectSession } from './session.js';

const log = createLogger('services.server');

/** Creates the server service of one window. */
export function createServerService(
  environment: AppEnvironment,
  session: ProjectSession,
  events: EventHub,
): ServerService {
  const profiles = new ServerProfiles(environment.home.folder);
  const secrets = environment.secrets;

  const withStatus = (): ServerProfileStatus[] =>
    profiles.list().map((profile) => ({
      ...profile,
      tokenSource: tokenSourceOf(profile, { secrets, env: process.env }),
    }));

  const withServer = async <T>(
    name: string,
    work: (api: AuthentikApi) => Promise<T>,
  ): Promise<T> => {
    const profile = profiles.get(name);
    const token = await resolveToken(profile, { secrets, env: process.env });
    const api = new AuthentikApi(
      new AuthentikClient({
        url: profile.url,
        token,
        ...(profile.caFile === undefined ? {} : { caFile: profile.caFile }),
      }),
    );

    try {
      return await work(api);
    } finally {
      await api.client.close();
    }
  };

  const saveProfile = ({ profile, token }: { profile: ServerProfile; token?: string }) => {
    const previous = profiles.find(profile.name);
    const saved = profiles.save(profile);
    const secretName = tokenSecretName(saved.name);

    if (token !== undefined && token !== '') {
      secrets.set(secretName, token);
    } else if (previous !== undefined && previous.url !== saved.url) {
      // A stored token belongs to the old address and must not reach the new one.
      secrets.remove(secretName);
    }
    log.info('server profile saved', {
      name: saved.name,
      url: saved.url,
      tokenStored: token !== undefined && token !== '',
    });
    return withStatus();
  };

  return {
    listProfiles: asyncMethod(withStatus),

    saveProfile: asyncMethod(saveProfile),

    removeProfile: asyncMethod(({ name }: { name: string }) => {
      profiles.get(name);
      profiles.remove(name);
      secrets.remove(tokenSecretName(name));
      log.info('server profile removed', { name });
      return withStatus();
    }),

    testConnection: ({ profile }) => withServer(profile, (api) => api.identity()),

    listFlows: ({ profile }) =>
      withServer(profile, async (api) => ({
        flows: await api.listFlows(),
        instances: await api.listInstances(),
      })),

    async pull({ profile, flows }) {
      const store = session.require('pull flows');
      const progress = startProgress(events, `Pull ${flows.join(', ')}`, null);
      let steps = 0;

      try {
        const result = await withServer(profile, (api) =>
          pullFlows(api, store, flows, { onStep: (detail) => progress.step(detail, steps++) }),
        );
        session.recordEdit([]);
        return { result, snapshot: session.snapshot() };
      } finally {
        progress.finish('Done');
      }
    },

    async plan({ profile, ...selection }) {
      const chosen = selectBlueprint(session.require('compare with a server'), selection);
      return withServer(profile, (api) => planPush(api, chosen));
    },

    async push({ profile, flows, uids, mode, instanceName, env, dryRun }) {
      const chosen = selectBlueprint(session.require('push to a server'), { flows, uids });
      checkLocalProblems(chosen.blueprint.problems);
      const progress = startProgress(events, `Push to ${profile}`, null);
      let steps = 0;

      try {
        return await withServer(profile, (api) =>
          pushBlueprint(api, {
            blueprint: chosen.blueprint,
            mode,
            env,
            dryRun: dryRun === true,
            ...(instanceName === undefined ? {} : { instanceName }),
            onStep: (detail) => progress.step(detail, steps++),
          }),
        );
      } finally {
        progress.finish('Done');
      }
    },
  };
}
