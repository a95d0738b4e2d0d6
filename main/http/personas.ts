/**
 * Discord personas: the built-in ones shipped under `assets/personas/`, and those of a project,
 * stored in its `personas` table beside the simulator's other personas. A project persona
 * hides a built-in one of the same name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { isStagecraftError, StagecraftError } from '../../shared/errors.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import { hasDiscordSection, parseDiscordPersona } from '../../shared/http/persona.js';
import type { ProjectStore } from '../project/index.js';
import type { StoredRecord } from '../project/records.js';
import { assetPath } from '../services/app-root.js';

/** Origin of a persona. */
export type PersonaOrigin = 'built-in' | 'project';

/** A persona as lists show it. */
export interface PersonaSummary {
  name: string;
  description: string;
  origin: PersonaOrigin;
  /**
   * `discord` for a persona that responds as Discord; `directory` for a simulator persona that
   * only names a user of the directory.
   */
  kind: 'discord' | 'directory';
  /** Reason the stored persona cannot be used, when it is invalid. */
  problem?: string;
}

let builtIns: DiscordPersona[] | undefined;

/**
 * Returns the built-in Discord personas, sorted by name. Throws `persona-invalid` when a shipped
 * file is damaged, which means the installation is broken.
 */
export function builtInPersonas(): DiscordPersona[] {
  if (builtIns !== undefined) {
    return structuredClone(builtIns);
  }

  const folder = assetPath('personas');
  let files: string[];
  try {
    files = readdirSync(folder).filter((file) => file.endsWith('.json'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new StagecraftError(
      'internal',
      `Cannot read the built-in personas in ${folder}: ${reason}. Reinstall Stagecraft.`,
    );
  }

  builtIns = files
    .map((file) => {
      const text = readFileSync(join(folder, file), 'utf8');
      return parseDiscordPersona(JSON.parse(text) as unknown, `${file} (built in)`);
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return structuredClone(builtIns);
}

function summarizeRecord(record: StoredRecord): PersonaSummary {
  const data = record.data as { description?: unknown };
  const description = typeof data?.description === 'string' ? data.description : '';
  if (!hasDiscordSection(record.data)) {
    return { name: record.name, description, origin: 'project', kind: 'directory' };
  }

  try {
    parseDiscordPersona(record.data, record.name);
    return { name: record.name, description, origin: 'project', kind: 'discord' };
  } catch (error) {
    const problem = isStagecraftError(error) ? error.message : String(error);
    return { name: record.name, description, origin: 'project', kind: 'discord', problem };
  }
}

/** Lists the built-in personas and, with a store, the project's, project ones first. */
export function listPersonas(store?: ProjectStore): PersonaSummary[] {
  const project =
    store === undefined
      ? []
      : store.personas.list().map((summary) => summarizeRecord(store.personas.get(summary.id)!));
  const hidden = new Set(project.map((persona) => persona.name));
  const shipped = builtInPersonas()
    .filter((persona) => !hidden.has(persona.name))
    .map((persona): PersonaSummary => ({
      name: persona.name,
      description: persona.description ?? '',
      origin: 'built-in',
      kind: 'discord',
    }));

  return [...project, ...shipped];
}

/**
 * Returns the Discord persona named `name`: the project's when it has one, else the built-in
 * one. Throws `persona-not-found` listing the names, or `persona-invalid` for a stored persona
 * that is damaged or has no Discord section.
 */
export function findDiscordPersona(name: string, store?: ProjectStore): DiscordPersona {
  const summary = store?.personas.list().find((record) => record.name === name);
  if (store !== undefined && summary !== undefined) {
    const record = store.personas.get(summary.id)!;
    if (!hasDiscordSection(record.data)) {
      throw new StagecraftError(
        'persona-invalid',
        `Persona "${name}" of the project has no discord section, so it cannot respond as ` +
          'Discord; add one or pick a Discord persona.',
        { persona: name },
      );
    }
    return parseDiscordPersona(record.data, name);
  }

  const builtIn = builtInPersonas().find((persona) => persona.name === name);
  if (builtIn !== undefined) {
    return builtIn;
  }

  const known = listPersonas(store)
    .filter((persona) => persona.kind === 'discord')
    .map((persona) => persona.name);
  throw new StagecraftError(
    'persona-not-found',
    `No Discord persona named "${name}". Known: ${known.join(', ')}.`,
    { persona: name },
  );
}

/** Stores a Discord persona in the project under its name, replacing one of the same name. */
export function saveDiscordPersona(store: ProjectStore, persona: DiscordPersona): StoredRecord {
  const checked = parseDiscordPersona(persona, persona.name);
  const existing = store.personas.list().find((record) => record.name === checked.name);

  return store.personas.put({
    ...(existing === undefined ? {} : { id: existing.id }),
    name: checked.name,
    data: checked,
  });
}
