/**
 * The expression test of the policy editor: what to run against (a persona, a recording, a JSON
 * context) and the last result. The choices survive switching views, so a test can be repeated
 * after a change elsewhere.
 */
import { create } from 'zustand';

import type {
  ExpressionTest,
  ExpressionTestResult,
  JsonValue,
  PersonaSummary,
  StoredRecordSummary,
} from '../../shared/api/services.js';
import { client } from '../state/client.js';
import { readExpressionObject } from './expression-objects.js';
import { useProject } from '../state/project-store.js';

interface TestState {
  personas: PersonaSummary[];
  recordings: StoredRecordSummary[];
  /** Persona name, or '' for an anonymous visitor. */
  persona: string;
  /** Recording id, or ''. */
  recording: string;
  useJson: boolean;
  jsonText: string;
  running: boolean;
  result: ExpressionTestResult | null;
  /** The uid the result belongs to. */
  resultUid: string | null;
  error: string | null;
  loadChoices(): Promise<void>;
  set(patch: Partial<Pick<TestState, 'persona' | 'recording' | 'useJson' | 'jsonText'>>): void;
  run(uid: string, expression: string): Promise<void>;
}

/** Parses the JSON context text; returns the object or the reason it is invalid. */
export function parseJsonContext(text: string): Record<string, JsonValue> | string {
  let value: unknown;
  try {
    value = JSON.parse(text === '' ? '{}' : text);
  } catch (error) {
    return `The context is not valid JSON: ${error instanceof Error ? error.message : String(error)}.`;
  }

  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return 'The context must be a JSON object, e.g. {"prompt_data": {"username": "alice"}}.';
  }

  return value as Record<string, JsonValue>;
}

/** The expression test store. */
export const useExpressionTest = create<TestState>()((set, get) => ({
  personas: [],
  recordings: [],
  persona: '',
  recording: '',
  useJson: false,
  jsonText: '{\n  \n}',
  running: false,
  result: null,
  resultUid: null,
  error: null,

  async loadChoices() {
    const [personas, recordings] = await Promise.all([
      client().simulator.listPersonas({}),
      client().simulator.listRecordings({}),
    ]);
    set({ personas, recordings });
  },

  set(patch) {
    set(patch);
  },

  async run(uid, expression) {
    const item = readExpressionObject(useProject.getState().objects.get(uid));
    if (item === undefined) {
      return;
    }

    const state = get();
    const test: ExpressionTest = { expression, kind: item.kind, name: item.name, uid };
    if (state.persona !== '') {
      test.persona = state.persona;
    }
    if (state.recording !== '') {
      test.recording = state.recording;
    }
    if (state.useJson) {
      const context = parseJsonContext(state.jsonText);
      if (typeof context === 'string') {
        set({ error: context, result: null });
        return;
      }
      test.context = context;
    }

    set({ running: true, error: null });
    try {
      const result = await client().simulator.testExpression(test);
      set({ result, resultUid: uid, running: false });
    } catch (error) {
      set({
        running: false,
        result: null,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  },
}));
