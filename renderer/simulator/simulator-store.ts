/**
 * The simulated login of the stepper: the request (flow, persona, inputs), the run it produced,
 * the step shown, breakpoints, the persona table and the last run the canvas overlay draws.
 */
import { create } from 'zustand';

import type {
  PersonaOutcome,
  PersonaSummary,
  ScenarioSummary,
  SimulationRequest,
  SimulationRun,
  StoredRecordSummary,
} from '../../shared/api/services.js';
import { client } from '../state/client.js';
import { answersAfterSubmit, cursorAfterRerun, lastReachable, nextStop } from './stepper.js';

interface SimulatorState {
  flow: string;
  viaSource: string;
  /** Id of the HTTP recording a source login replays; '' for the persona's responses. */
  recording: string;
  recordings: StoredRecordSummary[];
  /** Persona name; '' means the admin fills every form as an anonymous visitor. */
  persona: string;
  /** Inputs the admin gave, by input key. */
  inputs: Record<string, string[]>;
  personas: PersonaSummary[];
  run: SimulationRun | null;
  cursor: number;
  running: boolean;
  error: string | null;
  breakpoints: string[];
  table: PersonaOutcome[] | null;
  tableRunning: boolean;
  scenario: ScenarioSummary | null;
  configure(
    patch: Partial<Pick<SimulatorState, 'flow' | 'viaSource' | 'persona' | 'recording'>>,
  ): void;
  loadPersonas(): Promise<void>;
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

function requestOf(state: SimulatorState, inputs: Record<string, string[]>): SimulationRequest {
  const request: SimulationRequest = { flow: state.flow };
  if (state.persona !== '') {
    request.persona = state.persona;
  }
  if (state.viaSource !== '') {
    request.viaSource = state.viaSource;
    if (state.recording !== '') {
      request.recording = state.recording;
    }
  }
  if (Object.keys(inputs).length > 0) {
    request.inputs = inputs;
  }

  return request;
}

/** The store of the stepper's state. */
export const useSimulator = create<SimulatorState>()((set, get) => {
  const execute = async (
    inputs: Record<string, string[]>,
    place: (run: SimulationRun) => number,
  ): Promise<void> => {
    const state = get();
    if (state.flow === '') {
      set({ error: 'Choose a flow to simulate.' });
      return;
    }

    set({ running: true, error: null });
    try {
      const run = await client().simulator.run(requestOf(state, inputs));
      set({
        run,
        inputs,
        cursor: place(run),
        running: false,
        scenario: null,
      });
    } catch (error) {
      set({ running: false, error: messageOf(error) });
    }
  };

  return {
    flow: '',
    viaSource: '',
    recording: '',
    recordings: [],
    persona: '',
    inputs: {},
    personas: [],
    run: null,
    cursor: 0,
    running: false,
    error: null,
    breakpoints: [],
    table: null,
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

    async start() {
      await execute({}, () => 0);
    },

    async rerun() {
      const previous = get().run;
      const cursor = get().cursor;
      await execute(get().inputs, (run) =>
        cursorAfterRerun(previous?.trace ?? null, cursor, run.trace),
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

      const inputs = answersAfterSubmit(run.trace, stepIndex, get().inputs, values);
      await execute(inputs, (next) => {
        // A passed stage moves on, as the browser would; a rejected one is shown again.
        const landed = cursorAfterRerun(run.trace, stepIndex, next.trace);
        const step = next.trace.steps[landed];
        const moveOn = step !== undefined && step.status === 'passed';
        return Math.min(moveOn ? landed + 1 : landed, lastReachable(next.trace));
      });
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
      set({ tableRunning: true, error: null });
      try {
        const table = await client().simulator.runPersonas({
          flow: state.flow,
          ...(state.viaSource === '' ? {} : { viaSource: state.viaSource }),
        });
        set({ table, tableRunning: false });
      } catch (error) {
        set({ tableRunning: false, error: messageOf(error) });
      }
    },

    async showPersona(name) {
      set({ persona: name, inputs: {} });
      await get().start();
    },

    async saveScenario(name) {
      const run = get().run;
      if (run === null) {
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
      set({ run: null, cursor: 0, inputs: {}, scenario: null });
    },
  };
});
