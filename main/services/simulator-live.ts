/**
 * Live logins of the simulator panel. The client secret comes from the environment or the app's
 * secret store, and a redirect server on 127.0.0.1 receives the provider's redirect. An HTTP
 * layer sends the token, profile and policy requests to the provider and, when asked, records
 * them with secrets replaced by placeholders.
 */
import type {
  LiveLoginSetup,
  SimulationRequest,
  StoredRecordSummary,
} from '../../shared/api/services.js';
import { DEFAULT_LIVE_REDIRECT_PORT } from '../../shared/api/services.js';
import { StagecraftError } from '../../shared/errors.js';
import { DISCORD_API_BASE } from '../../shared/http/discord.js';
import type { ModelObject } from '../../shared/model/object.js';
import { envVariableName } from '../../shared/model/secrets.js';
import { isTag } from '../../shared/model/values.js';
import { mergeEntryData } from '../../shared/model/view.js';
import { HttpLayer } from '../http/layer.js';
import type { LoopbackServer } from '../http/loopback.js';
import { startLoopback } from '../http/loopback.js';
import { createLogger } from '../log.js';
import type { ProjectStore } from '../project/index.js';
import { randomString } from '../simulator/oauth/client.js';
import type { OAuthLoginOptions } from '../simulator/oauth/login.js';
import { findOAuthSourceObject } from '../simulator/oauth/login.js';
import type { Environment } from '../simulator/oauth/source-config.js';
import { readSourceConfig } from '../simulator/oauth/source-config.js';
import type { EventHub } from './events.js';
import type { SecretStore } from './secrets.js';

const log = createLogger('services.simulator.live');

/**
 * The test-only environment variable with host overrides for live logins, as JSON, e.g.
 * `{"discord.com": "http://127.0.0.1:4100"}`. Web mode reads it so end-to-end tests can send a
 * live login to a fake provider. Only targets on 127.0.0.1 are accepted.
 */
export const TEST_HOSTS_VARIABLE = 'STAGECRAFT_TEST_HTTP_HOSTS';

// How long a live login waits for the provider's redirect. It stays below Node's default
// request timeout of 300 s, because the web-mode call that started the run waits as long.
const LOGIN_TIMEOUT_MS = 240_000;

/** The parts of the app live logins use: secrets, the event channel, the environment. */
export interface LiveContext {
  secrets?: SecretStore;
  events?: EventHub;
  env: Environment;
  /** Tests only: host to the base URL on 127.0.0.1 that receives its requests instead. */
  hostOverrides?: Record<string, string>;
}

/**
 * Reads the host overrides of {@link TEST_HOSTS_VARIABLE}; returns undefined when it is unset.
 * Throws `invalid-argument` for invalid JSON or a target that is not http://127.0.0.1:PORT.
 */
export function testHostOverrides(env: Environment): Record<string, string> | undefined {
  const text = env[TEST_HOSTS_VARIABLE];
  if (text === undefined || text === '') {
    return undefined;
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const entries =
    parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
      ? Object.entries(parsed)
      : [];
  const valid =
    entries.length > 0 &&
    entries.every(
      ([, target]) => typeof target === 'string' && /^http:\/\/127\.0\.0\.1:\d+\/?$/.test(target),
    );
  if (!valid) {
    throw new StagecraftError(
      'invalid-argument',
      `${TEST_HOSTS_VARIABLE} must be a JSON object of host names to http://127.0.0.1:PORT ` +
        'addresses; unset it outside tests.',
      { variable: TEST_HOSTS_VARIABLE },
    );
  }

  return Object.fromEntries(entries);
}

function callbackPath(slug: string): string {
  return `/source/oauth/callback/${encodeURIComponent(slug)}/`;
}

// The variable of the source's `!Env` client secret, or the one `stagecraft export` would name.
function secretVariableOf(source: ModelObject): string {
  const value = mergeEntryData(source).consumer_secret;
  if (isTag(value) && value.$tag === 'Env') {
    const argument = Array.isArray(value.value) ? value.value[0] : value.value;
    if (typeof argument === 'string') {
      return argument;
    }
  }

  return envVariableName(source, 'consumer_secret', new Set());
}

// The environment of a live run: the process's, with the secret store filling in the client
// secret's variable when the process lacks it.
function environmentFor(context: LiveContext, variable: string): Environment {
  const fromEnv = context.env[variable];
  const value = fromEnv ?? context.secrets?.get(variable);

  return { ...context.env, ...(value === undefined ? {} : { [variable]: value }) };
}

/** Returns what a live login through source `slug` needs and whether it can start. */
export function liveSetup(
  context: LiveContext,
  objects: readonly ModelObject[],
  slug: string,
  port: number = DEFAULT_LIVE_REDIRECT_PORT,
): LiveLoginSetup {
  const source = findOAuthSourceObject(objects, slug);
  const secretName = secretVariableOf(source);
  const config = readSourceConfig(source, environmentFor(context, secretName));
  const setup: LiveLoginSetup = {
    source: slug,
    redirectUri: `http://127.0.0.1:${port}${callbackPath(slug)}`,
    secretName,
    secretSet: config.consumerSecret !== undefined && config.consumerSecret !== '',
  };

  if (config.consumerKey === '') {
    setup.problem =
      `Source ${slug} has no client id (consumer_key). Set it in the inspector to the ` +
      "provider application's client id.";
  } else if (!setup.secretSet) {
    setup.problem =
      `The client secret of source ${slug} comes from ${config.secretOrigin}, which is not ` +
      `set. Set the environment variable ${secretName} before starting Stagecraft, or store a ` +
      `secret named ${secretName} here.`;
  }

  return setup;
}

// Returns the URL on the override's base, so a test's browser goes to the fake provider too and
// never to the real host.
function overriddenUrl(url: string, overrides: Record<string, string> | undefined): string {
  const parsed = new URL(url);
  const base = overrides?.[parsed.host];
  return base === undefined ? url : new URL(`${parsed.pathname}${parsed.search}`, base).href;
}

/** One live login: its options for the run, and the redirect server and layer behind them. */
export interface LiveLogin {
  oauth: OAuthLoginOptions;
  /** The HTTP layer, kept open while the run can be resumed. */
  layer: HttpLayer;
  /** Stops the redirect server and stores the recording, when one was asked for. */
  finish(store: ProjectStore): Promise<StoredRecordSummary | undefined>;
  /** Stops the redirect server and closes the layer's connections. */
  close(): Promise<void>;
}

/** Starts live logins of one window; at most one waits for the provider at a time. */
export class LiveLogins {
  private cancelWaiting: (() => void) | undefined;

  constructor(private readonly context: LiveContext) {}

  /** Returns what a live login through `slug` needs. */
  setup(objects: readonly ModelObject[], slug: string, port?: number): LiveLoginSetup {
    return liveSetup(this.context, objects, slug, port);
  }

  /**
   * Starts the redirect server and the HTTP layer of a live run. Throws `credentials-missing`
   * when the client id or secret is not set, so nothing runs.
   */
  async start(objects: readonly ModelObject[], request: SimulationRequest): Promise<LiveLogin> {
    const slug = request.viaSource;
    if (slug === undefined || request.live === undefined) {
      throw new StagecraftError(
        'invalid-argument',
        'simulator.run: a live login needs viaSource, the slug of the source to log in through.',
        { service: 'simulator', method: 'run', field: 'viaSource' },
      );
    }

    const port = request.live.port ?? DEFAULT_LIVE_REDIRECT_PORT;
    const setup = liveSetup(this.context, objects, slug, port);
    if (setup.problem !== undefined) {
      throw new StagecraftError('credentials-missing', setup.problem, {
        source: slug,
        variable: setup.secretName,
      });
    }
    const recordAs = request.live.recordAs;
    const config = readSourceConfig(findOAuthSourceObject(objects, slug), {});
    if (recordAs !== undefined && config.providerType !== 'discord') {
      throw new StagecraftError(
        'source-unsupported',
        `Source ${slug} has provider type ${config.providerType}; only Discord logins can be ` +
          'recorded. Run it live without a recording.',
        { source: slug },
      );
    }

    const state = randomString(32);
    const loopback = await startLoopback({ port, path: callbackPath(slug), expectedState: state });
    const overrides = this.context.hostOverrides;
    const layer = new HttpLayer({
      mode: recordAs === undefined ? 'live' : 'record',
      ...(overrides === undefined ? {} : { hostOverrides: overrides }),
      ...(recordAs === undefined
        ? {}
        : { recordAs: { source: slug, providerType: 'discord', apiBase: DISCORD_API_BASE } }),
    });
    log.info('live login started', { source: slug, redirectUri: loopback.redirectUri });

    let stopped = false;
    const stopLoopback = async (): Promise<void> => {
      if (!stopped) {
        stopped = true;
        await loopback.close();
      }
    };

    return {
      oauth: {
        http: layer,
        respondedBy: recordAs === undefined ? 'live' : 'live, recorded',
        env: environmentFor(this.context, setup.secretName),
        state,
        authorize: (url) => this.waitForLogin(loopback, overriddenUrl(url, overrides)),
        baseUrl: new URL(loopback.redirectUri).origin,
      },
      layer,
      finish: async (store) => {
        await stopLoopback();
        return recordAs === undefined ? undefined : saveRecording(store, recordAs, layer);
      },
      close: async () => {
        await stopLoopback();
        await layer.close();
      },
    };
  }

  /** Stops waiting for a redirect; returns false when no login waits. */
  cancel(): boolean {
    const cancel = this.cancelWaiting;
    cancel?.();
    return cancel !== undefined;
  }

  private async waitForLogin(loopback: LoopbackServer, authorizeUrl: string): Promise<string> {
    this.cancel();
    this.context.events?.emit({
      type: 'simulator-login',
      authorizeUrl,
      redirectUri: loopback.redirectUri,
    });

    const cancelled = new Promise<never>((_resolve, reject) => {
      this.cancelWaiting = () =>
        reject(
          new StagecraftError(
            'oauth-login-failed',
            'The login was cancelled in the simulator panel before the provider redirected back.',
          ),
        );
    });
    try {
      const callback = await Promise.race([loopback.waitForCallback(LOGIN_TIMEOUT_MS), cancelled]);
      return callback.code;
    } finally {
      this.cancelWaiting = undefined;
    }
  }
}

// Stores the recording under `name`, replacing a recording of that name.
function saveRecording(store: ProjectStore, name: string, layer: HttpLayer): StoredRecordSummary {
  const recording = layer.toRecording();
  const existing = store.recordings.list().find((summary) => summary.name === name);
  store.recordings.put({
    ...(existing === undefined ? {} : { id: existing.id }),
    name,
    data: recording,
  });
  log.info('live login recorded', { recording: name, exchanges: recording.exchanges.length });

  const saved = store.recordings.list().find((summary) => summary.name === name)!;
  return { id: saved.id, name: saved.name, updatedAt: saved.updatedAt };
}
