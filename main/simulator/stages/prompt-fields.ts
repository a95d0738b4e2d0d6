/**
 * Prompt fields as the prompt stage builds them (authentik/stages/prompt/models.py, 2025.12):
 * choices, placeholder and initial value (optionally Python expressions), and the REST
 * framework field each type becomes, with its validation messages. A truthy initial value,
 * configured or already in `prompt_data`, becomes the field's default and makes it optional.
 */
import type { ModelObject } from '../../../shared/model/object.js';
import { readPrompt } from '../../../shared/model/prompts.js';
import type { JsonValue } from '../../../shared/simulator/evaluation.js';
import type { JsonMap } from '../../../shared/simulator/trace.js';
import type { ContextUser } from '../context.js';
import { requestUserOf } from '../context.js';
import { asText } from '../json.js';
import { objectLabel, plainValue } from '../project-index.js';
import type { RunState } from '../types.js';

/** A prompt field with its values resolved for one request. */
export interface ResolvedField {
  uid: string;
  name: string;
  fieldKey: string;
  label: string;
  type: string;
  order: number;
  /** Whether the response must contain the field (false once it has a default). */
  required: boolean;
  placeholder: string;
  /** The initial value shown; for choice fields always one of the choices or "". */
  initial: JsonValue;
  /** The value the field takes when the response leaves it out; undefined for none. */
  default?: JsonValue;
  choices: string[] | null;
}

const CHOICE_TYPES = new Set(['radio-button-group', 'dropdown']);

/** Types whose value the server sets itself, whatever the response contains. */
export const FIXED_TYPES = new Set(['hidden', 'static', 'text_read_only', 'text_area_read_only']);

function truthy(value: JsonValue | undefined): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') {
    return false;
  }

  if (Array.isArray(value)) {
    return value.length > 0;
  }

  return typeof value !== 'object' || Object.keys(value).length > 0;
}

async function evaluateExpression(
  state: RunState,
  prompt: ModelObject,
  expression: string,
  promptData: JsonMap,
  user: ContextUser | null,
  what: string,
): Promise<JsonValue | undefined> {
  const name = objectLabel(prompt);
  const result = await state.evaluator.evaluate({
    kind: 'property_mapping',
    expression,
    name,
    context: { prompt_context: promptData },
    user: requestUserOf(user, state.directory),
    directory: state.directory.toSimDirectory(),
    httpRequest: state.http,
    timeoutMs: state.policyTimeoutMs ?? 30_000,
  });

  if (result.error !== undefined) {
    // authentik logs the error and falls back to the raw text.
    state.recorder.note(
      `The ${what} expression of prompt ${name} failed (${result.error.type}: ${result.error.message}); the raw text is used.`,
    );
    return undefined;
  }

  return result.rawResult?.json ?? result.rawResult?.repr ?? null;
}

/** Resolves one prompt field for a request, evaluating expression placeholders and initials. */
export async function resolveField(
  state: RunState,
  prompt: ModelObject,
  promptData: JsonMap,
  user: ContextUser | null,
): Promise<ResolvedField> {
  const view = readPrompt(prompt);
  const fieldKey = plainValue(view.field_key, objectLabel(prompt));
  // NOTE: a prompt without a valid `type` cannot be saved on the server; it is treated as text.
  const type = plainValue(view.type, 'text');
  const rawPlaceholder = plainValue(view.placeholder, '');
  const rawInitial = plainValue(view.initial_value, '');
  const placeholderExpression = plainValue(view.placeholder_expression, false);

  let choices: string[] | null = null;
  if (CHOICE_TYPES.has(type)) {
    let raw: JsonValue | undefined = rawPlaceholder;
    if (`${fieldKey}__choices` in promptData) {
      raw = promptData[`${fieldKey}__choices`];
    } else if (placeholderExpression) {
      raw =
        (await evaluateExpression(state, prompt, rawPlaceholder, promptData, user, 'choices')) ??
        rawPlaceholder;
    }
    choices = (Array.isArray(raw) ? raw : [raw]).map((choice) =>
      typeof choice === 'string' ? choice : JSON.stringify(choice),
    );
  }

  let placeholder = rawPlaceholder;
  if (choices !== null) {
    placeholder = '';
  } else if (placeholderExpression) {
    const value = await evaluateExpression(
      state,
      prompt,
      rawPlaceholder,
      promptData,
      user,
      'placeholder',
    );
    placeholder =
      value === undefined
        ? rawPlaceholder
        : typeof value === 'string'
          ? value
          : JSON.stringify(value);
  }

  let initial: JsonValue = rawInitial;
  if (fieldKey in promptData) {
    // A value already in prompt_data is never evaluated, because the user may control it.
    initial = promptData[fieldKey] ?? null;
  } else if (plainValue(view.initial_value_expression, false)) {
    initial =
      (await evaluateExpression(state, prompt, rawInitial, promptData, user, 'initial value')) ??
      rawInitial;
  }
  if (choices !== null) {
    initial =
      choices.length === 0
        ? ''
        : choices.includes(asText(initial))
          ? initial
          : (choices[0] as string);
  }

  const field: ResolvedField = {
    uid: prompt.uid,
    name: objectLabel(prompt),
    fieldKey,
    label: plainValue(view.label, ''),
    type,
    order: plainValue(view.order, 0),
    required: plainValue(view.required, true),
    placeholder,
    initial,
    choices,
  };

  // Prompt.field(): hidden and static fields default to the placeholder. Checkboxes, separators,
  // read-only and hidden fields are optional. A truthy initial value becomes the default, and a
  // field with a default is never required.
  if (type === 'hidden' || type === 'static') {
    field.default = rawPlaceholder;
  }
  if (
    ['checkbox', 'separator', 'hidden', 'static', 'text_read_only', 'text_area_read_only'].includes(
      type,
    )
  ) {
    field.required = false;
  }
  if (truthy(initial)) {
    field.default = initial;
  }
  if (field.default !== undefined) {
    field.required = false;
  }

  return field;
}

const TRUE_VALUES = new Set([
  't',
  'T',
  'y',
  'Y',
  'yes',
  'Yes',
  'YES',
  'true',
  'True',
  'TRUE',
  'on',
  'On',
  'ON',
  '1',
]);
const FALSE_VALUES = new Set([
  'f',
  'F',
  'n',
  'N',
  'no',
  'No',
  'NO',
  'false',
  'False',
  'FALSE',
  'off',
  'Off',
  'OFF',
  '0',
]);

// Django's EmailValidator, simplified to the user part, one @ and a dotted or bracketed domain.
const EMAIL =
  /^[^\s@]+@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$|^[^\s@]+@\[[0-9a-fA-F:.]+\]$/;

/** The result of validating one field. */
export type FieldResult = { value: JsonValue } | { omit: true } | { errors: string[] };

/**
 * Validates one field of an answer as its REST framework field does. Fixed fields (hidden,
 * static, read-only) are left to the stage, which sets them to their default.
 */
export function validateField(field: ResolvedField, data: JsonMap): FieldResult {
  if (!(field.fieldKey in data)) {
    if (field.default !== undefined) {
      return { value: field.default };
    }
    return field.required ? { errors: ['This field is required.'] } : { omit: true };
  }

  const raw = data[field.fieldKey];
  if (raw === null || raw === undefined) {
    return { errors: ['This field may not be null.'] };
  }
  const text = asText(raw);

  switch (field.type) {
    case 'number': {
      const number = text.replace(/\.0*\s*$/, '');
      return /^\s*[-+]?\d+\s*$/.test(number)
        ? { value: Number.parseInt(number, 10) }
        : { errors: ['A valid integer is required.'] };
    }
    case 'checkbox':
      if (raw === true || raw === false) {
        return { value: raw };
      }
      if (TRUE_VALUES.has(text)) {
        return { value: true };
      }
      return FALSE_VALUES.has(text) ? { value: false } : { errors: ['Must be a valid boolean.'] };
    case 'radio-button-group':
    case 'dropdown':
      return (field.choices ?? []).includes(text)
        ? { value: text }
        : { errors: [`"${text}" is not a valid choice.`] };
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(text) && !Number.isNaN(Date.parse(text))
        ? { value: text }
        : { errors: ['Date has wrong format. Use one of these formats instead: YYYY-MM-DD.'] };
    case 'date-time':
      return /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:?\d{2})?$/.test(
        text,
      )
        ? { value: text }
        : {
            errors: [
              'Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].',
            ],
          };
    default:
      return validateText(field, text);
  }
}

function validateText(field: ResolvedField, raw: string): FieldResult {
  // text and text_area keep whitespace; the other CharFields strip it.
  const keepsWhitespace = field.type === 'text' || field.type === 'text_area';
  const value = keepsWhitespace ? raw : raw.trim();
  const allowBlank = ['text', 'text_area', 'email'].includes(field.type)
    ? !field.required
    : field.type === 'ak-locale';

  if (value.trim() === '') {
    return allowBlank ? { value: '' } : { errors: ['This field may not be blank.'] };
  }

  if (field.type === 'email' && !EMAIL.test(value)) {
    return { errors: ['Enter a valid email address.'] };
  }

  if (field.type === 'file') {
    if (!value.startsWith('data:')) {
      return { errors: ['Invalid scheme'] };
    }
    const header = value.slice('data:'.length).split(',', 1)[0] ?? '';
    if (header.split(';')[1] !== 'base64') {
      return { errors: ['Invalid encoding'] };
    }
  }

  return { value };
}
