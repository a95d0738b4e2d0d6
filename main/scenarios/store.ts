/** Scenarios in the project file: read from and written to the `scenarios` table by name. */
import { StagecraftError } from '../../shared/errors.js';
import type { ProjectStore } from '../project/index.js';
import type { Scenario } from './scenario.js';
import { parseScenario } from './scenario.js';

/** Returns every scenario of a project, checked, in the order they were saved. */
export function loadScenarios(store: ProjectStore): Scenario[] {
  return store.scenarios.list().map((summary) => {
    const record = store.scenarios.get(summary.id);
    return parseScenario(record?.data, summary.name);
  });
}

/** Returns the scenario with this name, or throws `scenario-not-found` listing the names. */
export function loadScenario(store: ProjectStore, name: string): Scenario {
  const summary = store.scenarios.list().find((item) => item.name === name);
  if (summary === undefined) {
    const names = store.scenarios.list().map((item) => item.name);
    throw new StagecraftError(
      'scenario-not-found',
      `no scenario named "${name}"; the project has: ${names.length > 0 ? names.join(', ') : 'none'}`,
      { scenario: name, names },
    );
  }

  return parseScenario(store.scenarios.get(summary.id)?.data, name);
}

/** Stores a scenario under its name, checked first, replacing one with the same name. */
export function saveScenario(store: ProjectStore, scenario: Scenario): Scenario {
  const checked = parseScenario(scenario, scenario.name);
  const existing = store.scenarios.list().find((item) => item.name === scenario.name);
  store.scenarios.put({
    ...(existing === undefined ? {} : { id: existing.id }),
    name: checked.name,
    data: checked,
  });

  return checked;
}
