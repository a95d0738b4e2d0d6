/**
 * The simulated login of the stepper: the request (flow, persona, inputs), the run it produced,
 * the step shown, breakpoints, the persona table and the last run the canvas overlay draws.
 */
import { create } from 'zustand';

import type {
  LiveLoginSetup,
  PersonaOutcome,
  PersonaSummary,
  ScenarioSummary,
  SimulatorLoginEvent,
  SimulationRequest,
  SimulationRun,
  StoredRecordSummary,
} from '../../shared/api/services.js';
import { client } from '../state/client.js';
import { DEFAULT_LIVE_REDIRECT_PORT } from '../../shared/api/services.js';
import { cursorAfterRerun, lastReachable, nextStop } from './stepper.js';

interface SimulatorState {
  flow: string;
  viaSource: string;
  /** Id of the HTTP recording a source login replays; '' for the persona's responses. */
  recording: string;
  /** A live login through the source instead of replayed responses; `record` also saves it. */
  live: '' | 'live' | 'record';
  /** Port of the redirect server of a live login; 0 picks a free one. */
  livePort: number;
  /** Name of the recording a `record` run stores. */
  recordAs: string;
  /** The requirements of a live login through the chosen source: redirect URI, client secret. */
  liveSetup: LiveLoginSetup | null;
  /** The provider's login page of a live run that waits for the admin. */
  login: SimulatorLoginEvent | null;
  recordings: StoredRecordSummary[];
  /** Persona name; '' means the admin fills every form as an anonymous visitor. */
  persona: string;
  personas: PersonaSummary[];
  run: SimulationRun | null;
  cursor: number;
  running: boolean;
  error: string | null;
  breakpoints: string[];
  table: PersonaOutcome[] | null;
  /** The flow and source (or '') the persona table ran. */
  tableRequest: { flow: string; viaSource: string } | null;
  tableRunning: boolean;
  scenario: ScenarioSummary | null;
  configure(
    patch: Partial<
      Pick<
        SimulatorState,
        'flow' | 'viaSource' | 'persona' | 'recording' | 'live' | 'livePort' | 'recordAs'
      >
    >,
  ): void;
  loadPersonas(): Promise<void>;
  loadLiveSetup(): Promise<void>;
  storeSecret(name: string, value: string): Promise<void>;
  showLogin(event: SimulatorLoginEvent): void;
  cancelLogin(): Promise<void>;
  start(): Promise<void>;
  rerun(): Promise<void>;
  submit(stepIndex: number, values: Record<string, string>): Promise<void>;
  step(delta: number): void;
  go(index: number): void;
  continueToBreakpoint(): void;
  toggleBreakpoint(uid: string): void;
  runAll(): Promise<void>;
  showPersona(name: string): Promise<void>;
  saveScenario(name: string): Promise<void>;
  clearRun(): void;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function requestOf(state: SimulatorState): SimulationRequest {
  const request: SimulationRequest = { flow: state.flow };
  if (state.persona !== '') {
    request.persona = state.persona;
  }
  if (state.viaSource !== '') {
    request.viaSource = state.viaSource;
    if (state.live !== '') {
      request.live = {
        port: state.livePort,
        ...(state.live === 'record' ? { recordAs: state.recordAs.trim() } : {}),
      };
    } else if (state.recording !== '') {
      request.recording = state.recording;
    }
  }

  return request;
}

/** The reason the panel gives for not saving a live run as a scenario. */
export const LIVE_SCENARIO_REASON =
  'A live run cannot be saved as a scenario: its responses came from the provider and cannot ' +
  'be replayed. Save its recording (live, and save a recording), then run the recording and ' +
  'save that run.';

/** The store of the stepper's state. */
export const useSimulator = create<SimulatorState>()((set, get) => {
  // Runs `call` and shows its run at the step `place` returns. The Node side keeps the run's
  // inputs, so the renderer never keeps a password after a form is sent.
  const execute = async (
    call: () => Promise<SimulationRun>,
    place: (run: SimulationRun) => number,
  ): Promise<void> => {
    set({ running: true, error: null });
    try {
      const run = await call();
      set({ run, cursor: place(run), running: false, scenario: null, login: null });
      if (run.recording !== undefined) {
        void get().loadPersonas();
      }
    } catch (error) {
      set({ running: false, error: messageOf(error), login: null });
    }
  };

  return {
    flow: '',
    viaSource: '',
    recording: '',
    recordings: [],
    live: '',
    livePort: DEFAULT_LIVE_REDIRECT_PORT,
    recordAs: '',
    liveSetup: null,
    login: null,
    persona: '',
    personas: [],
    run: null,
    cursor: 0,
    running: false,
    error: null,
    breakpoints: [],
    table: null,
    tableRequest: null,
    tableRunning: false,
    scenario: null,

    configure(patch) {
      set(patch);
    },

    async loadPersonas() {
      try {
        const [personas, recordings] = await Promise.all([
          client().simulator.listPersonas({}),
          client().simulator.listRecordings({}),
        ]);
        set({ personas, recordings });
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    async loadLiveSetup() {
      const state = get();
      if (state.live === '' || state.viaSource === '') {
        set({ liveSetup: null });
        return;
      }
      try {
        const liveSetup = await client().simulator.liveSetup({
          source: state.viaSource,
          port: state.livePort,
        });
        set({ liveSetup });
      } catch (error) {
        set({ liveSetup: null, error: messageOf(error) });
      }
    },

    async storeSecret(name, value) {
      try {
        await client().secrets.set({ name, value });
        await get().loadLiveSetup();
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    showLogin(event) {
      set({ login: event });
      // A browser may block a window opened without a click; the panel shows the link too.
      // NOTE: the Electron shell denies every new window, so there only the link's address helps.
      window.open(event.authorizeUrl, '_blank', 'noopener');
    },

    async cancelLogin() {
      try {
        await client().simulator.cancelLogin({});
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    async start() {
      const state = get();
      if (state.flow === '') {
        set({ error: 'Choose a flow to simulate.' });
        return;
      }
      if (state.live === 'record' && state.recordAs.trim() === '') {
        set({ error: 'Name the recording to save, or choose a live run without one.' });
        return;
      }
      await execute(
        () => client().simulator.run(requestOf(state)),
        () => 0,
      );
    },

    async rerun() {
      const previous = get().run;
      const cursor = get().cursor;
      if (previous?.id === undefined) {
        return;
      }
      await execute(
        () => client().simulator.resume({ run: previous.id!, step: cursor }),
        (run) => cursorAfterRerun(previous.trace, cursor, run.trace),
      );
    },

    async submit(stepIndex, values) {
      const run = get().run;
      if (run === null) {
        return;
      }
      if (Object.keys(values).length === 0) {
        // Nothing changed: the run already went on with these inputs.
        get().go(Math.min(stepIndex + 1, lastReachable(run.trace)));
        return;
      }

      if (run.id === undefined) {
        return;
      }
      await execute(
        () => client().simulator.resume({ run: run.id!, step: stepIndex, answers: values }),
        (next) => {
          // A passed stage moves on, as the browser would; a rejected one is shown again.
          const landed = cursorAfterRerun(run.trace, stepIndex, next.trace);
          const step = next.trace.steps[landed];
          const moveOn = step !== undefined && step.status === 'passed';
          return Math.min(moveOn ? landed + 1 : landed, lastReachable(next.trace));
        },
      );
    },

    step(delta) {
      const run = get().run;
      if (run === null) {
        return;
      }
      const cursor = Math.max(0, Math.min(get().cursor + delta, lastReachable(run.trace)));
      set({ cursor });
    },

    go(index) {
      const run = get().run;
      if (run !== null && index >= 0 && index <= lastReachable(run.trace)) {
        set({ cursor: index });
      }
    },

    continueToBreakpoint() {
      const run = get().run;
      if (run === null) {
        return;
      }
      const cursor = nextStop(run.trace, get().cursor, new Set(get().breakpoints));
      set({ cursor });
    },

    toggleBreakpoint(uid) {
      const breakpoints = get().breakpoints;
      set({
        breakpoints: breakpoints.includes(uid)
          ? breakpoints.filter((item) => item !== uid)
          : [...breakpoints, uid],
      });
    },

    async runAll() {
      const state = get();
      const tableRequest = { flow: state.flow, viaSource: state.viaSource };
      set({ tableRunning: true, error: null });
      try {
        const table = await client().simulator.runPersonas({
          flow: state.flow,
          ...(state.viaSource === '' ? {} : { viaSource: state.viaSource }),
        });
        set({ table, tableRequest, tableRunning: false });
      } catch (error) {
        set({ tableRunning: false, error: messageOf(error) });
      }
    },

    async showPersona(name) {
      // A row opens the run the table made, even when the flow or source was changed since.
      set({ persona: name, ...get().tableRequest });
      await get().start();
    },

    async saveScenario(name) {
      const run = get().run;
      if (run === null) {
        return;
      }
      if (run.request.live !== undefined) {
        set({ error: LIVE_SCENARIO_REASON });
        return;
      }

      const outcome = run.trace.outcome;
      const expected: Parameters<
        ReturnType<typeof client>['simulator']['saveScenario']
      >[0]['expected'] = { outcome: outcome.kind };
      if (outcome.kind !== 'completed') {
        expected.message = outcome.message;
        if ('stage' in outcome && outcome.stage !== undefined) {
          expected.stage = outcome.stage.name;
        }
      }

      try {
        const scenario = await client().simulator.saveScenario({
          name,
          run: run.request,
          expected,
        });
        set({ scenario, error: null });
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    clearRun() {
      set({ run: null, cursor: 0, scenario: null });
    },
  };
});
