/**
 * The persona methods of the simulator service: listing, reading, storing, renaming and deleting
 * project personas, and building a Discord persona from a recording of the project. Built-in
 * personas are read-only, and a project persona of the same name hides one.
 */
import type {
  PersonaDetails,
  PersonaSummary,
  SimulatorService,
} from '../../shared/api/services.js';
import { StagecraftError } from '../../shared/errors.js';
import { hasDiscordSection, parseDiscordPersona } from '../../shared/http/persona.js';
import { recordingToPersona } from '../../shared/http/recording-persona.js';
import { validateRecording } from '../../shared/http/recording.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import type { Persona } from '../../shared/simulator/persona.js';
import { parsePersona } from '../../shared/simulator/persona.js';
import { builtInPersonas } from '../http/personas.js';
import type { ProjectStore } from '../project/index.js';
import type { RecordSummary } from '../project/records.js';
import { withBuiltInPersonas } from '../simulator/oauth/run-options.js';
import { hashPassword } from '../simulator/passwords.js';
import { loadPersonas } from '../simulator/personas.js';

type SaveArgs = Parameters<SimulatorService['savePersona']>[0];

/** Summarizes a persona for the lists of the simulator panel. */
export function summarizePersona(persona: Persona, builtIn: boolean): PersonaSummary {
  return {
    name: persona.name,
    ...(persona.description === undefined ? {} : { description: persona.description }),
    username: persona.user.username,
    inDirectory: persona.inDirectory !== false,
    discord: 'discord' in persona,
    authenticated: persona.authenticated === true,
    hasPassword: persona.passwordHash !== undefined || persona.acceptAnyPassword === true,
    builtIn,
  };
}

/** Lists the project's personas followed by the built-in ones the project does not hide. */
export function listPersonaSummaries(store: ProjectStore): PersonaSummary[] {
  const project = loadPersonas(store);
  const names = new Set(project.map((persona) => persona.name));

  return withBuiltInPersonas(project).map((persona) =>
    summarizePersona(persona, !names.has(persona.name)),
  );
}

function findRecord(store: ProjectStore, name: string): RecordSummary | undefined {
  return store.personas.list().find((record) => record.name === name);
}

/** Returns a persona with every field but its password hash. */
export function readPersonaDetails(store: ProjectStore, name: string): PersonaDetails {
  const record = findRecord(store, name);
  if (record !== undefined) {
    const persona = parsePersona(store.personas.get(record.id)?.data, name);
    const { passwordHash, ...shown } = persona;
    return {
      persona: shown as unknown as Record<string, JsonValue>,
      builtIn: false,
      hasPassword: passwordHash !== undefined,
    };
  }

  const builtIn = builtInPersonas().find((persona) => persona.name === name);
  if (builtIn === undefined) {
    const known = listPersonaSummaries(store).map((persona) => persona.name);
    throw new StagecraftError(
      'persona-not-found',
      `No persona named "${name}". Known personas: ${known.join(', ')}.`,
      { persona: name },
    );
  }

  return {
    persona: builtIn as unknown as Record<string, JsonValue>,
    builtIn: true,
    hasPassword: false,
  };
}

// Checks a persona as the simulator reads it. A Discord persona also gets its `user` derived
// from `discord.user`, so the stored identity matches the Discord user.
function checkPersona(data: Record<string, JsonValue>, name: string): Persona {
  const checked = hasDiscordSection(data) ? parseDiscordPersona(data, name) : data;
  return parsePersona(checked, name);
}

/**
 * Stores a persona in the project, replacing the one of the same name or, for a rename, the one
 * named `previousName`. A plain password is hashed and only the hash is written.
 */
export function storePersona(store: ProjectStore, args: SaveArgs): Persona {
  const { persona, password, keepPassword, previousName } = args;
  const name = typeof persona.name === 'string' ? persona.name : '(unnamed)';
  if ('password' in persona) {
    throw new StagecraftError(
      'persona-invalid',
      `Persona "${name}" has a plain "password" field; pass it as the password argument so ` +
        'only its hash is stored.',
      { persona: name },
    );
  }

  const stored = checkPersona(persona, name);
  const sameName = findRecord(store, stored.name);
  const renamed = previousName !== undefined && previousName !== stored.name;
  if (renamed && sameName !== undefined) {
    throw new StagecraftError(
      'invalid-argument',
      `Cannot rename persona "${previousName}" to "${stored.name}": the project already has a ` +
        'persona of that name. Choose another name.',
      { service: 'simulator', method: 'savePersona', field: 'persona.name' },
    );
  }

  const replaced = renamed ? findRecord(store, previousName) : sameName;
  if (password !== undefined) {
    stored.passwordHash = hashPassword(password);
  } else if (keepPassword === true && stored.passwordHash === undefined && replaced) {
    const previous = store.personas.get(replaced.id)?.data as { passwordHash?: unknown };
    if (typeof previous?.passwordHash === 'string') {
      stored.passwordHash = previous.passwordHash;
    }
  }

  parsePersona(stored, stored.name);
  store.personas.put({
    ...(replaced === undefined ? {} : { id: replaced.id }),
    name: stored.name,
    data: stored,
  });
  return stored;
}

/** Deletes the project persona named `name`, or returns false when the project has none. */
export function deleteProjectPersona(store: ProjectStore, name: string): boolean {
  const record = findRecord(store, name);
  if (record !== undefined) {
    return store.personas.remove(record.id);
  }

  if (builtInPersonas().some((persona) => persona.name === name)) {
    throw new StagecraftError(
      'invalid-argument',
      `Persona "${name}" is built in and cannot be deleted. Only project personas can be deleted.`,
      { service: 'simulator', method: 'deletePersona', field: 'name' },
    );
  }

  return false;
}

/**
 * Builds a Discord persona named `name` from the project's recording with id `recordingId` and
 * stores it, replacing a project persona of that name.
 */
export function storePersonaFromRecording(
  store: ProjectStore,
  recordingId: string,
  name: string,
): Persona {
  if (name.trim() === '') {
    throw new StagecraftError(
      'invalid-argument',
      'simulator.personaFromRecording: name is empty. Name the new persona.',
      { service: 'simulator', method: 'personaFromRecording', field: 'name' },
    );
  }

  const record = store.recordings.get(recordingId);
  if (record === undefined) {
    throw new StagecraftError(
      'invalid-argument',
      `No recording with id ${recordingId} in this project. Choose one from the list of ` +
        'recordings.',
      { service: 'simulator', method: 'personaFromRecording', field: 'recording' },
    );
  }

  const where = `the recording "${record.name}"`;
  const persona = recordingToPersona(validateRecording(record.data, record.name), name, where);
  return storePersona(store, { persona: persona as unknown as Record<string, JsonValue> });
}
