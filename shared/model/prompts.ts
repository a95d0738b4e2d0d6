/**
 * Prompts and prompt stages (`authentik/stages/prompt/models.py`): facts, the prompt types and
 * typed views.
 */
import type { ModelFacts } from './fields.js';
import type { ModelObject } from './object.js';
import type { Field, Reference } from './view.js';
import { readView } from './view.js';

/** Every prompt type of authentik 2025.12, in the order of its `FieldTypes` choices. */
export const PROMPT_TYPES = [
  'text',
  'text_area',
  'text_read_only',
  'text_area_read_only',
  'username',
  'email',
  'password',
  'number',
  'checkbox',
  'radio-button-group',
  'dropdown',
  'date',
  'date-time',
  'file',
  'separator',
  'hidden',
  'static',
  'ak-locale',
] as const;
export type PromptType = (typeof PROMPT_TYPES)[number];

/** `authentik_stages_prompt.prompt`: one form field of a prompt stage. */
export interface Prompt {
  name?: Field<string>;
  /** Key the value is stored under in the flow's prompt data. */
  field_key?: Field<string>;
  label?: Field<string>;
  type?: Field<PromptType>;
  required: Field<boolean>;
  placeholder: Field<string>;
  initial_value: Field<string>;
  order: Field<number>;
  sub_text: Field<string>;
  /** Whether `placeholder` is a Python expression evaluated per request. */
  placeholder_expression: Field<boolean>;
  initial_value_expression: Field<boolean>;
}

/** `authentik_stages_prompt.promptstage` */
export interface PromptStage {
  name?: Field<string>;
  fields: Field<Reference[]>;
  validation_policies: Field<Reference[]>;
}

const PROMPT: ModelFacts = {
  naturalKey: ['name'],
  defaults: {
    required: true,
    placeholder: '',
    initial_value: '',
    order: 0,
    sub_text: '',
    placeholder_expression: false,
    initial_value_expression: false,
  },
  requiredOnCreate: ['name', 'field_key', 'label', 'type'],
  references: {},
};

const PROMPT_STAGE: ModelFacts = {
  naturalKey: ['name'],
  defaults: { fields: [], validation_policies: [] },
  requiredOnCreate: ['name'],
  references: {
    fields: { target: ['authentik_stages_prompt.prompt'], many: true },
    validation_policies: { target: 'policy', many: true },
  },
};

/** Facts of the prompt models, keyed by model. */
export const PROMPT_FACTS: Readonly<Record<string, ModelFacts>> = {
  'authentik_stages_prompt.prompt': PROMPT,
  'authentik_stages_prompt.promptstage': PROMPT_STAGE,
};

/** Reads a prompt with its defaults. */
export function readPrompt(object: ModelObject): Prompt {
  return readView<Prompt>(object, 'authentik_stages_prompt.prompt', PROMPT);
}

/** Reads a prompt stage with its defaults. */
export function readPromptStage(object: ModelObject): PromptStage {
  return readView<PromptStage>(object, 'authentik_stages_prompt.promptstage', PROMPT_STAGE);
}
