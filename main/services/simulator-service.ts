/**
 * The simulator service of one window: personas, flow runs, expression tests, syntax checks and
 * scenarios over the open project. Python (Pyodide) starts on the first call that needs it, or
 * on `prepare`, and is stopped by `dispose`.
 */
import type { SimulatorService, StoredRecordSummary } from '../../shared/api/services.js';
import { StagecraftError } from '../../shared/errors.js';
import type { Recording } from '../../shared/http/recording.js';
import { validateRecording } from '../../shared/http/recording.js';
import { createLogger } from '../log.js';
import type { ProjectStore } from '../project/index.js';
import { createPythonPool } from '../python/pool.js';
import type { PythonPool } from '../python/pool.js';
import { withBuiltInPersonas } from '../simulator/oauth/run-options.js';
import { loadPersonas } from '../simulator/personas.js';
import type { ExpressionEvaluator } from '../simulator/types.js';
import type { EventHub } from './events.js';
import { asyncMethod } from './method.js';
import type { SecretStore } from './secrets.js';
import type { ProjectSession } from './session.js';
import { checkSyntax, testExpression } from './simulator-expression.js';
import { recordingExchanges } from './simulator-http.js';
import {
  deleteProjectPersona,
  listPersonaSummaries,
  readPersonaDetails,
  storePersona,
  storePersonaFromRecording,
  summarizePersona,
} from './simulator-personas.js';
import type { RunSetup } from './simulator-runs.js';
import { runPersonaTable } from './simulator-runs.js';
import { listScenarios, saveRunAsScenario } from './simulator-scenarios.js';
import { LiveLogins } from './simulator-live.js';
import { SteppedRuns } from './simulator-stepper.js';

const log = createLogger('services.simulator');

/** The simulator service and the function that stops its Python workers. */
export interface SimulatorServiceHandle {
  service: SimulatorService;
  /** Stops the Python workers; the service must not be called afterwards. */
  dispose(): Promise<void>;
}

/** Options of {@link createSimulatorService}. */
export interface SimulatorServiceOptions {
  /** Runs expressions; by default a Python pool of one worker, started on first use. */
  evaluator?: ExpressionEvaluator;
  /** The app's secret store, where live logins look for a client secret. */
  secrets?: SecretStore;
  /** The window's event channel, which carries the authorize page of a live login. */
  events?: EventHub;
  /**
   * Tests only: host to a base URL on 127.0.0.1 that receives the requests of live logins
   * instead, e.g. `{"discord.com": "http://127.0.0.1:4100"}`.
   */
  hostOverrides?: Record<string, string>;
}

// Reads a recording of the project by id, checked completely, so a damaged one is rejected
// with the field that is wrong.
function readRecording(store: ProjectStore, id: string): { name: string; recording: Recording } {
  const record = store.recordings.get(id);
  if (record === undefined) {
    throw new StagecraftError(
      'invalid-argument',
      `No recording with id ${id} in this project. Choose one from the list of recordings.`,
      { service: 'simulator', field: 'recording', recording: id },
    );
  }

  return { name: record.name, recording: validateRecording(record.data, record.name) };
}

function recordSummaries(store: ProjectStore): StoredRecordSummary[] {
  return store.recordings
    .list()
    .map((record) => ({ id: record.id, name: record.name, updatedAt: record.updatedAt }));
}

/** Creates the simulator service of one window. */
export function createSimulatorService(
  session: ProjectSession,
  options: SimulatorServiceOptions = {},
): SimulatorServiceHandle {
  let pool: PythonPool | undefined;
  const runs = new SteppedRuns();
  const live = new LiveLogins({
    env: process.env,
    ...(options.secrets === undefined ? {} : { secrets: options.secrets }),
    ...(options.events === undefined ? {} : { events: options.events }),
    ...(options.hostOverrides === undefined ? {} : { hostOverrides: options.hostOverrides }),
  });

  const evaluator = (): ExpressionEvaluator => {
    if (options.evaluator !== undefined) {
      return options.evaluator;
    }
    if (pool === undefined) {
      log.info('starting the Python pool');
      pool = createPythonPool({ size: 1 });
    }
    return pool;
  };

  const setup = (action: string): RunSetup => {
    const store = session.require(action);

    return {
      objects: store.listObjects(),
      personas: withBuiltInPersonas(loadPersonas(store)),
      recording: (id) => readRecording(store, id),
      evaluator: evaluator(),
      authentikVersion: store.info().authentikVersion,
    };
  };

  const service: SimulatorService = {
    async prepare() {
      evaluator();
      await pool?.ready;
      return { ready: true };
    },

    listPersonas: asyncMethod(() => listPersonaSummaries(session.require('list personas'))),

    savePersona: asyncMethod((args) => {
      const saved = storePersona(session.require('save a persona'), args);
      log.info('persona saved', { persona: saved.name, previousName: args.previousName });
      return summarizePersona(saved, false);
    }),

    getPersona: asyncMethod(({ name }) =>
      readPersonaDetails(session.require('read a persona'), name),
    ),

    deletePersona: asyncMethod(({ name }) => {
      const deleted = deleteProjectPersona(session.require('delete a persona'), name);
      log.info('persona deleted', { persona: name, deleted });
      return deleted;
    }),

    personaFromRecording: asyncMethod(({ recording, name }) => {
      const store = session.require('build a persona from a recording');
      const saved = storePersonaFromRecording(store, recording, name);
      log.info('persona built from a recording', { persona: saved.name, recording });
      return summarizePersona(saved, false);
    }),

    listRecordings: asyncMethod(() => recordSummaries(session.require('list recordings'))),

    async run(request) {
      const runSetup = setup('run a simulation');
      if (request.live === undefined) {
        return runs.start(runSetup, request);
      }

      const login = await live.start(runSetup.objects, request);
      let run;
      try {
        run = await runs.start(runSetup, request, login);
      } catch (error) {
        await login.close();
        throw error;
      }
      const recording = await login.finish(session.require('store a recording'));
      return recording === undefined ? run : runs.noteRecording(run.id!, recording);
    },

    async resume({ run, step, answers }) {
      return runs.resume(setup('resume a simulation'), run, step, answers);
    },

    liveSetup: asyncMethod(({ source, port }) =>
      live.setup(session.require('prepare a live login').listObjects(), source, port),
    ),

    cancelLogin: asyncMethod(() => live.cancel()),

    async runPersonas(request) {
      return runPersonaTable(setup('run the personas'), request);
    },

    async checkSyntax(args) {
      return checkSyntax(evaluator(), args);
    },

    async testExpression(args) {
      const runSetup = setup('test an expression');
      let recording: ReturnType<typeof recordingExchanges> = [];
      if (args.recording !== undefined) {
        const record = session.require('read a recording').recordings.get(args.recording);
        if (record === undefined) {
          throw new StagecraftError(
            'invalid-argument',
            `simulator.testExpression: no recording with id ${args.recording} in this project. ` +
              'Choose one from the list of recordings.',
            { service: 'simulator', method: 'testExpression', field: 'recording' },
          );
        }
        recording = recordingExchanges(record.data);
      }
      return testExpression(runSetup, args, recording);
    },

    async saveScenario({ name, run, expected }) {
      const runSetup = setup('save a scenario');
      const store = session.require('save a scenario');
      const summary = await saveRunAsScenario(runSetup, store, name, run, expected);
      log.info('scenario saved', { scenario: name, flow: run.flow });
      return summary;
    },

    listScenarios: asyncMethod(() => listScenarios(session.require('list scenarios'))),
  };

  return {
    service,
    async dispose() {
      await runs.close();
      const running = pool;
      pool = undefined;
      await running?.close();
    },
  };
}
