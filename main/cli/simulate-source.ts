/**
 * The source-login options of `stagecraft simulate`: `--source SLUG` with exactly one of
 * `--persona NAME` (a Discord persona responds, replayed), `--recording FILE` (a recording is
 * replayed) or `--live` (real requests to the provider), and `--save-scenario NAME`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

import { StagecraftError } from '../../shared/errors.js';
import type { Recording } from '../../shared/http/recording.js';
import { validateRecording } from '../../shared/http/recording.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Persona } from '../../shared/simulator/persona.js';
import { HttpLayer } from '../http/layer.js';
import { openInBrowser, startLoopback } from '../http/loopback.js';
import { readRecordingFile } from '../http/recording-file.js';
import { randomString } from '../simulator/oauth/client.js';
import type { OAuthLoginOptions } from '../simulator/oauth/login.js';
import { findOAuthSourceObject } from '../simulator/oauth/login.js';
import {
  defaultSourceFlow,
  discordPersona,
  personaLogin,
  recordingLogin,
} from '../simulator/oauth/run-options.js';
import { readSourceConfig } from '../simulator/oauth/source-config.js';
import type { ScenarioHttp } from '../scenarios/scenario.js';
import type { CommandArgs, CommandIo } from './command.js';
import { stringOption } from './command.js';

/** Options of `simulate` for a login through an OAuth source. */
export const SOURCE_OPTIONS = {
  source: { type: 'string' },
  persona: { type: 'string' },
  recording: { type: 'string' },
  live: { type: 'boolean' },
  port: { type: 'string' },
  'no-browser': { type: 'boolean' },
  'save-scenario': { type: 'string' },
} as const;

/** The help lines of those options. */
export const SOURCE_USAGE = [
  '  --source SLUG            log in through this OAuth source first, over HTTP: authorize,',
  '                           token and profile requests, property mappings, then the flow',
  '                           the source decides on (--flow is then the flow the login',
  "                           starts from; default the source's authentication flow).",
  '                           Needs one of:',
  '    --persona NAME         a Discord persona of the project or a built-in one answers',
  '    --recording FILE|NAME  a recording made by `stagecraft record` is replayed: a file, or',
  '                           the name of a recording stored in the project (record --name)',
  '    --live                 real requests go to the provider (needs the client secret,',
  '                           e.g. DISCORD_CLIENT_SECRET for the !Env of the source); the',
  '                           browser logs in and is redirected to 127.0.0.1',
  '  --port N                 live: port of that redirect (default a free port); register',
  '                           http://127.0.0.1:N/source/oauth/callback/SLUG/ as a redirect',
  '  --no-browser             live: print the login URL instead of opening a browser',
  '  --save-scenario NAME     save this run and its outcome as a scenario of --project',
];

/** A resolved source login for one run. */
export interface SourceRun {
  slug: string;
  flow: string;
  /** The persona the run acts as, when one is named. */
  actor: string | undefined;
  personas: Persona[];
  login: OAuthLoginOptions;
  /** The replay a saved scenario uses; undefined for live runs, which cannot be saved. */
  scenarioHttp: ScenarioHttp | undefined;
  /** Releases the live layer and the redirect server after the run. */
  close(): Promise<void>;
}

// How long a live login waits for the browser's redirect, in seconds.
const LIVE_LOGIN_TIMEOUT_S = 300;

function parsePort(text: string | undefined): number {
  if (text === undefined) {
    return 0;
  }

  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new StagecraftError('usage', `--port ${text}: give a port number from 1 to 65535`, {
      port: text,
    });
  }

  return port;
}

/**
 * Reads the source-login options, or returns undefined when `--source` is not given. Throws
 * `usage` for a wrong combination and `credentials-missing` for a live run without a secret.
 */
export async function readSourceRun(
  args: CommandArgs,
  io: CommandIo,
  objects: readonly ModelObject[],
  personas: Persona[],
  recordings: ReadonlyMap<string, Recording> = new Map(),
): Promise<SourceRun | undefined> {
  const slug = stringOption(args, 'source');
  const personaName = stringOption(args, 'persona');
  const recordingFile = stringOption(args, 'recording');
  const live = args.values.live === true;
  if (slug === undefined) {
    if (personaName !== undefined || recordingFile !== undefined || live) {
      throw new StagecraftError('usage', '--persona, --recording and --live need --source SLUG');
    }
    return undefined;
  }

  const chosen = [personaName, recordingFile, live ? 'live' : undefined].filter(
    (item) => item !== undefined,
  );
  if (chosen.length !== 1) {
    throw new StagecraftError(
      'usage',
      '--source needs exactly one of --persona NAME, --recording FILE and --live',
    );
  }
  if (args.values['via-source'] !== undefined) {
    throw new StagecraftError('usage', 'give either --source or --via-source, not both');
  }

  const flow = stringOption(args, 'flow') ?? defaultSourceFlow(objects, slug);
  const env = io.env;
  const user = stringOption(args, 'user');

  if (personaName !== undefined) {
    const persona = discordPersona(personas, personaName);
    const withActor = personas.some((item) => item.name === persona.name)
      ? personas
      : [...personas, persona as unknown as Persona];
    return {
      slug,
      flow,
      actor: personaName,
      personas: withActor,
      login: personaLogin(persona, env),
      scenarioHttp: { mode: 'persona' },
      close: () => Promise.resolve(),
    };
  }

  const stored = recordingFile === undefined ? undefined : recordings.get(recordingFile);
  if (recordingFile !== undefined && stored !== undefined) {
    const path = resolve(io.cwd, recordingFile);
    if (!existsSync(path)) {
      return {
        slug,
        flow,
        actor: user,
        personas,
        login: recordingLogin(
          validateRecording(stored, `${recordingFile} (project)`, { source: slug }),
          recordingFile,
          env,
        ),
        scenarioHttp: { mode: 'recording', recording: recordingFile },
        close: () => Promise.resolve(),
      };
    }
  }

  if (recordingFile !== undefined) {
    const path = resolve(io.cwd, recordingFile);
    if (!existsSync(path) && recordings.size > 0) {
      throw new StagecraftError(
        'file-not-found',
        `--recording ${recordingFile}: there is no such file and the project has no recording of that name (it has ${[...recordings.keys()].join(', ')}).`,
        { recording: recordingFile },
      );
    }
    const recording = readRecordingFile(path, { source: slug });
    return {
      slug,
      flow,
      actor: user,
      personas,
      login: recordingLogin(recording, recordingFile, env),
      // A recording file is not part of the project; a scenario names recordings of the project.
      scenarioHttp: undefined,
      close: () => Promise.resolve(),
    };
  }

  const config = readSourceConfig(findOAuthSourceObject(objects, slug), env);
  if (config.consumerSecret === undefined || config.consumerSecret === '') {
    throw new StagecraftError(
      'credentials-missing',
      `A live login through source ${slug} needs its client secret, which comes from ${config.secretOrigin}; set it and run again.`,
      { source: slug },
    );
  }

  return startLiveRun(args, io, { slug, flow, actor: user, personas, env });
}

// A live login: the browser opens the provider's authorize URL, and the provider redirects it to
// a server on 127.0.0.1, which plays authentik's callback URL.
async function startLiveRun(
  args: CommandArgs,
  io: CommandIo,
  run: Pick<SourceRun, 'slug' | 'flow' | 'actor' | 'personas'> & { env: CommandIo['env'] },
): Promise<SourceRun> {
  const state = randomString(32);
  const loopback = await startLoopback({
    port: parsePort(stringOption(args, 'port')),
    path: `/source/oauth/callback/${encodeURIComponent(run.slug)}/`,
    expectedState: state,
  });
  const layer = new HttpLayer({ mode: 'live' });
  const authorize = async (url: string): Promise<string> => {
    io.stderr(
      `Open this URL in a browser and log in:\n  ${url}\nWaiting up to ${LIVE_LOGIN_TIMEOUT_S} s ` +
        `for the redirect to ${loopback.redirectUri} (it must be listed in the application's ` +
        'OAuth2 redirects).\n',
    );
    if (args.values['no-browser'] !== true) {
      openInBrowser(url);
    }

    const callback = await loopback.waitForCallback(LIVE_LOGIN_TIMEOUT_S * 1000);
    return callback.code;
  };

  return {
    slug: run.slug,
    flow: run.flow,
    actor: run.actor,
    personas: run.personas,
    login: {
      http: layer,
      respondedBy: 'live',
      env: run.env,
      state,
      authorize,
      baseUrl: new URL(loopback.redirectUri).origin,
    },
    scenarioHttp: undefined,
    close: async () => {
      await loopback.close();
      await layer.close();
    },
  };
}
