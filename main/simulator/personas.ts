/**
 * Personas in the project file: reading them from the `personas` table and storing them with
 * the password turned into a salted hash first.
 */
import { StagecraftError } from '../../shared/errors.js';
import type { Persona } from '../../shared/simulator/persona.js';
import { parsePersona } from '../../shared/simulator/persona.js';
import type { ProjectStore } from '../project/index.js';
import { hashPassword } from './passwords.js';

/** Returns every persona of a project, checked. Throws `persona-invalid` for a bad record. */
export function loadPersonas(store: ProjectStore): Persona[] {
  return store.personas.list().map((summary) => {
    const record = store.personas.get(summary.id);
    return parsePersona(record?.data, summary.name);
  });
}

/**
 * Stores a persona under its name, replacing one with the same name. A plain `password` is
 * hashed here and only the hash is written.
 */
export function savePersona(
  store: ProjectStore,
  persona: Persona,
  options: { password?: string } = {},
): Persona {
  const stored: Persona = structuredClone(persona);
  if (options.password !== undefined) {
    stored.passwordHash = hashPassword(options.password);
  }
  if ('password' in (stored as unknown as Record<string, unknown>)) {
    throw new StagecraftError(
      'persona-invalid',
      `Persona ${persona.name} has a plain "password" field; pass it as options.password so only its hash is stored.`,
      { persona: persona.name },
    );
  }
  parsePersona(stored, persona.name);

  const existing = store.personas.list().find((summary) => summary.name === persona.name);
  store.personas.put({
    ...(existing === undefined ? {} : { id: existing.id }),
    name: persona.name,
    data: stored,
  });

  return stored;
}
