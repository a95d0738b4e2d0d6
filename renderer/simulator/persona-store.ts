/**
 * The persona editor's state: the chosen persona with every field, the message of each rejected
 * field, and saving. Valid edits are saved shortly after the last keystroke, one save at a time,
 * so the project gets the latest valid persona. The stepper's persona list is reloaded after
 * each save.
 */
import { create } from 'zustand';

import type { JsonValue, PersonaDetails } from '../../shared/api/services.js';
import { client } from '../state/client.js';
import type { FieldKind, PersonaJson } from './persona-form.js';
import { applyEdit, parseFieldText } from './persona-form.js';
import { useSimulator } from './simulator-store.js';

/** Milliseconds after the last valid edit before it is saved. */
const SAVE_DELAY_MS = 300;

interface PersonaEditorState {
  /** The name the chosen persona is stored under, or null when none is chosen. */
  selected: string | null;
  details: PersonaDetails | null;
  /** The persona with every valid edit applied, saved or about to be saved. */
  draft: PersonaJson | null;
  /** Messages of rejected values by field path. */
  fieldErrors: Record<string, string>;
  /** Increases when fields appear or go (a guild added or removed, another persona chosen). */
  layout: number;
  saving: boolean;
  /** The message of the last failed action. */
  error: string | null;
  /** The project file the chosen persona belongs to. */
  project: string;
  /** Drops the chosen persona without saving, for a project that was opened since. */
  reset(project: string): void;
  select(name: string | null): Promise<void>;
  /** Checks typed text for a field and saves it when valid. Returns the rejection or null. */
  editField(path: string, kind: FieldKind, text: string): string | null;
  /** Applies a change that adds or removes fields (a guild, a member object) and saves it. */
  editStructure(path: string, value: JsonValue | undefined): void;
  duplicate(name: string): Promise<boolean>;
  remove(): Promise<void>;
  setPassword(password: string): Promise<void>;
  fromRecording(recording: string, name: string): Promise<string | null>;
  /** Saves a pending edit now. */
  flush(): Promise<void>;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Tells whether a listed persona, built in or of the project, has this name. */
export function nameInUse(name: string): boolean {
  return useSimulator.getState().personas.some((persona) => persona.name === name);
}

/** The zustand store hook of the persona editor's state. */
export const usePersonaEditor = create<PersonaEditorState>()((set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let chain: Promise<void> = Promise.resolve();
  // The JSON last stored, to skip saves that would change nothing.
  let storedText = '';

  const saveNow = async (password?: string): Promise<void> => {
    const { draft, selected, details } = get();
    if (draft === null || selected === null || details === null || details.builtIn) {
      return;
    }
    const text = JSON.stringify(draft);
    if (text === storedText && password === undefined) {
      return;
    }

    set({ saving: true });
    try {
      const summary = await client().simulator.savePersona({
        persona: draft,
        keepPassword: true,
        previousName: selected,
        ...(password === undefined ? {} : { password }),
      });
      storedText = text;
      // The stepper keeps its choice of persona across a rename.
      if (summary.name !== selected && useSimulator.getState().persona === selected) {
        useSimulator.getState().configure({ persona: summary.name });
      }
      set({
        selected: summary.name,
        details: { ...details, persona: draft, hasPassword: summary.hasPassword },
        saving: false,
        error: null,
      });
      void useSimulator.getState().loadPersonas();
    } catch (error) {
      set({ saving: false, error: messageOf(error) });
    }
  };

  const queueSave = (password?: string): Promise<void> => {
    chain = chain.then(() => saveNow(password));
    return chain;
  };

  const scheduleSave = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => void queueSave(), SAVE_DELAY_MS);
  };

  const flush = async (): Promise<void> => {
    clearTimeout(timer);
    await queueSave();
  };

  return {
    selected: null,
    details: null,
    draft: null,
    fieldErrors: {},
    layout: 0,
    saving: false,
    error: null,
    project: '',

    reset(project) {
      clearTimeout(timer);
      set({ project, selected: null, details: null, draft: null, fieldErrors: {}, error: null });
    },

    async select(name) {
      await flush();
      if (name === null) {
        set({ selected: null, details: null, draft: null, fieldErrors: {}, error: null });
        return;
      }
      try {
        const details = await client().simulator.getPersona({ name });
        storedText = JSON.stringify(details.persona);
        set({
          selected: name,
          details,
          draft: details.persona,
          fieldErrors: {},
          layout: get().layout + 1,
          error: null,
        });
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    editField(path, kind, text) {
      const draft = get().draft;
      if (draft === null) {
        return null;
      }

      const parsed = parseFieldText(kind, text);
      const nameTaken =
        path === 'name' && text !== get().selected && nameInUse(text)
          ? { error: `A persona named "${text}" already exists. Choose another name.` }
          : undefined;
      const outcome =
        nameTaken ?? ('error' in parsed ? parsed : applyEdit(draft, path, parsed.value));
      if ('error' in outcome) {
        set({ fieldErrors: { ...get().fieldErrors, [path]: outcome.error } });
        return outcome.error;
      }

      const { [path]: _fixed, ...fieldErrors } = get().fieldErrors;
      set({ draft: outcome.persona, fieldErrors });
      scheduleSave();
      return null;
    },

    editStructure(path, value) {
      const draft = get().draft;
      if (draft === null) {
        return;
      }
      const outcome = applyEdit(draft, path, value);
      if ('error' in outcome) {
        set({ error: outcome.error });
        return;
      }
      set({ draft: outcome.persona, fieldErrors: {}, layout: get().layout + 1, error: null });
      scheduleSave();
    },

    async duplicate(name) {
      const draft = get().draft;
      if (draft === null) {
        return false;
      }
      const copy = applyEdit(draft, 'name', name);
      if ('error' in copy) {
        set({ error: copy.error });
        return false;
      }
      try {
        await client().simulator.savePersona({ persona: copy.persona });
        await useSimulator.getState().loadPersonas();
        await get().select(name);
        return true;
      } catch (error) {
        set({ error: messageOf(error) });
        return false;
      }
    },

    async remove() {
      const selected = get().selected;
      await flush();
      if (selected === null) {
        return;
      }
      try {
        await client().simulator.deletePersona({ name: selected });
        if (useSimulator.getState().persona === selected) {
          useSimulator.getState().configure({ persona: '' });
        }
        await useSimulator.getState().loadPersonas();
        await get().select(null);
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    async setPassword(password) {
      clearTimeout(timer);
      await queueSave(password);
    },

    async fromRecording(recording, name) {
      try {
        const summary = await client().simulator.personaFromRecording({ recording, name });
        await useSimulator.getState().loadPersonas();
        await get().select(summary.name);
        return null;
      } catch (error) {
        return messageOf(error);
      }
    },

    flush,
  };
});
