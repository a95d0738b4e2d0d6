// Shared parts of the Discord integration tests: the sample project, the guide's code, the
// built-in personas, variants of both, and a source login run with the real Python pool.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { builtInPersonas } from '../../main/http/personas.js';
import { personaLogin } from '../../main/simulator/oauth/run-options.js';
import { asText } from '../../main/simulator/json.js';
import { simulateFlow } from '../../main/simulator/simulate.js';
import type { ExpressionEvaluator } from '../../main/simulator/types.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { PolicyEvaluation, SimulationTrace } from '../../shared/simulator/trace.js';
import { objectsFromYaml, readShared } from '../unit/simulator-helpers.js';

/** The sample project's blueprint. */
export const SAMPLE_FILE = join(process.cwd(), 'assets/sample/discord-guild-gate.yaml');

/** The names the sample gives the guide's four policies and its property mapping, in guide order. */
export const GUIDE_OBJECTS = [
  'discord-guild-membership',
  'discord-guild-role',
  'discord-role-sync-enrollment',
  'discord-role-sync-authentication',
  'discord-avatar-attributes',
] as const;

/** Returns the Python blocks of authentik's Discord guide, in the order they appear. */
export function guideBlocks(): string[] {
  const guide = readShared('seed/discord-source-guide.md');
  return [...guide.matchAll(/```python\n([\s\S]*?)```/g)].map((match) => match[1]!);
}

/** Returns the sample's objects, changed by `edit` (which gets each object's attrs). */
export function sampleObjects(
  edit: (object: ModelObject, attrs: Record<string, unknown>) => void = () => {},
): ModelObject[] {
  const objects = objectsFromYaml(readFileSync(SAMPLE_FILE, 'utf8'));
  for (const object of objects) {
    edit(object, object.attrs);
  }

  return objects;
}

/** Returns the identifier `name` of an object. */
export function nameOf(object: ModelObject): string {
  return asText((object.identifiers as Record<string, JsonValue>).name);
}

/** Returns a built-in persona by name, changed by `change`. */
export function builtIn(
  name: string,
  change: (persona: DiscordPersona) => void = () => {},
): DiscordPersona {
  const persona = builtInPersonas().find((candidate) => candidate.name === name);
  if (persona === undefined) {
    throw new Error(`The built-in persona ${name} is missing from assets/personas.`);
  }

  change(persona);
  return persona;
}

/** Returns the persona as one already connected to the source, so its logins authenticate. */
export function connected(persona: DiscordPersona): DiscordPersona {
  const copy = structuredClone(persona) as DiscordPersona & Persona;
  copy.inDirectory = true;
  copy.sourceConnections = ['discord'];
  return copy;
}

/** Runs a login through the sample's Discord source as `persona`. */
export function loginAs(
  evaluator: ExpressionEvaluator,
  objects: ModelObject[],
  persona: DiscordPersona,
  options: { authentikVersion?: string; flow?: string } = {},
): Promise<SimulationTrace> {
  return simulateFlow({
    objects,
    flow: options.flow ?? 'default-source-authentication',
    evaluator,
    personas: [persona],
    actor: persona.name,
    viaSource: 'discord',
    oauth: personaLogin(persona),
    ...(options.authentikVersion === undefined
      ? {}
      : { authentikVersion: options.authentikVersion }),
  });
}

/** Returns the evaluations of one policy in a trace, in order. */
export function evaluationsOf(trace: SimulationTrace, policy: string): PolicyEvaluation[] {
  return trace.steps
    .flatMap((step) => step.engines)
    .flatMap((engine) => engine.policies)
    .filter((evaluation) => evaluation.binding.label === policy);
}
