/**
 * Saving a stepper run as a scenario of the project, in the format `stagecraft test` runs
 * (main/scenarios/). The run is repeated on the Node side so the scenario expects exactly what
 * the simulator produces now, including the user's groups and attributes afterwards.
 */
import type {
  ScenarioExpectation,
  ScenarioSummary,
  SimulationRequest,
} from '../../shared/api/services.js';
import { StagecraftError } from '../../shared/errors.js';
import type { ProjectStore } from '../project/index.js';
import { scenarioFromRun } from '../scenarios/run.js';
import type { Scenario } from '../scenarios/scenario.js';
import { loadScenarios, saveScenario } from '../scenarios/store.js';
import type { RunSetup } from './simulator-runs.js';
import { runSimulation } from './simulator-runs.js';

function summary(scenario: Scenario, record: { id: string; updatedAt: string }): ScenarioSummary {
  const expected: ScenarioExpectation = { outcome: scenario.expect.outcome };
  if (scenario.expect.message !== undefined) {
    expected.message = scenario.expect.message;
  }
  if (scenario.expect.stage !== undefined) {
    expected.stage = scenario.expect.stage;
  }

  return {
    id: record.id,
    name: scenario.name,
    updatedAt: record.updatedAt,
    flow: scenario.flow ?? scenario.source ?? '',
    persona: scenario.persona,
    expected,
  };
}

/**
 * Runs `run` again and stores it as the scenario `name`, replacing one of that name. Throws
 * `invalid-argument` for a run without a persona (scenarios run as one) and when the run now
 * ends differently than `stepperExpectation`, the outcome the stepper showed.
 */
export async function saveRunAsScenario(
  setup: RunSetup,
  store: ProjectStore,
  name: string,
  run: SimulationRequest,
  stepperExpectation: ScenarioExpectation,
): Promise<ScenarioSummary> {
  if (run.persona === undefined) {
    throw new StagecraftError(
      'invalid-argument',
      'simulator.saveScenario: a scenario runs as a persona, and this run has none. Choose a ' +
        'persona, run the flow, then save it.',
      { service: 'simulator', method: 'saveScenario', field: 'run.persona' },
    );
  }

  const { trace } = await runSimulation(setup, run);
  if (trace.outcome.kind !== stepperExpectation.outcome) {
    throw new StagecraftError(
      'invalid-argument',
      `simulator.saveScenario: the run now ends ${trace.outcome.kind}, not ${stepperExpectation.outcome} as ` +
        'shown, because the project changed since. Run the flow again, then save.',
      { service: 'simulator', method: 'saveScenario', field: 'expected.outcome' },
    );
  }

  const scenario = scenarioFromRun(
    {
      name,
      persona: run.persona,
      flow: run.flow,
      ...(run.viaSource === undefined ? {} : { source: run.viaSource }),
      ...(run.viaSource === undefined ||
      run.recording === undefined ||
      setup.recording === undefined
        ? {}
        : {
            http: { mode: 'recording' as const, recording: setup.recording(run.recording).name },
          }),
      ...(run.inputs === undefined ? {} : { inputs: run.inputs }),
      ...(run.next === undefined ? {} : { next: run.next }),
    },
    trace,
    setup,
  );
  saveScenario(store, scenario);

  const record = store.scenarios.list().find((item) => item.name === name)!;
  return summary(scenario, record);
}

/** Lists the project's scenarios. */
export function listScenarios(store: ProjectStore): ScenarioSummary[] {
  const records = store.scenarios.list();
  return loadScenarios(store).map((scenario) => {
    const record = records.find((item) => item.name === scenario.name)!;
    return summary(scenario, record);
  });
}
