/**
 * The inspector's rules for list fields (a password stage's `backends`, an identification
 * stage's `user_fields`, a GeoIP policy's `asns`, ...): which editor fits a value, how one typed
 * item is read and checked, and how checking a choice changes the list. Pure, so it is tested
 * without a browser.
 */
import type { FieldSpec } from '../../shared/model/catalog.js';
import { checkValue } from '../../shared/model/field-check.js';
import type { Value } from '../../shared/model/values.js';

/** The editors of a list field: checkboxes, editable rows, or the raw JSON text. */
export type ListMode = 'choices' | 'rows' | 'json';

/** A scalar item of a list field. */
export type ListItem = string | number;

/** Tells whether a field is a list of scalars that the list editors can show. */
export function isScalarList(spec: FieldSpec): boolean {
  const types = spec.type.filter((type) => type !== 'null');
  const itemTypes = (spec.items?.type ?? []).filter((type) => type !== 'null');

  return (
    types.length === 1 &&
    types[0] === 'array' &&
    itemTypes.length === 1 &&
    (itemTypes[0] === 'string' || itemTypes[0] === 'integer' || itemTypes[0] === 'number')
  );
}

/** Returns the items of a value when it is a list of plain strings and numbers, else undefined. */
export function scalarItems(value: Value | undefined): ListItem[] | undefined {
  if (value === undefined || value === null) {
    return [];
  }

  if (!Array.isArray(value)) {
    return undefined;
  }

  const items: ListItem[] = [];
  for (const item of value) {
    if (typeof item !== 'string' && typeof item !== 'number') {
      return undefined;
    }
    items.push(item);
  }

  return items;
}

/** Returns the choices of a list field's items, without the blank choice some fields list. */
export function itemChoices(spec: FieldSpec): ListItem[] | undefined {
  const choices = spec.items?.enum?.filter(
    (choice): choice is ListItem =>
      (typeof choice === 'string' && choice !== '') || typeof choice === 'number',
  );

  return choices === undefined || choices.length === 0 ? undefined : choices;
}

/**
 * Lists the editors that can show a value, best first. A tag or a nested value inside the list
 * (`[!Env BACKEND]`) fits only the JSON text. Checkboxes need every item to be a choice.
 */
export function listModes(spec: FieldSpec, value: Value | undefined): ListMode[] {
  const items = scalarItems(value);
  if (items === undefined || !isScalarList(spec)) {
    return ['json'];
  }

  const choices = itemChoices(spec);
  const fitsChoices =
    choices !== undefined &&
    items.every((item) => choices.includes(item)) &&
    new Set(items).size === items.length;

  return fitsChoices ? ['choices', 'rows', 'json'] : ['rows', 'json'];
}

/**
 * Checks or unchecks a choice. The list keeps its order, because some lists are tried in order
 * (authentik's password stage tries `backends` one after another, authentik/stages/password/
 * stage.py), and a newly checked choice goes to the end.
 */
export function toggleChoice(
  items: readonly ListItem[],
  choice: ListItem,
  on: boolean,
): ListItem[] {
  if (on) {
    return items.includes(choice) ? [...items] : [...items, choice];
  }

  return items.filter((item) => item !== choice);
}

/** Tells whether a list's order differs from the order of the choices. */
export function differsFromChoiceOrder(
  items: readonly ListItem[],
  choices: readonly ListItem[],
): boolean {
  const sorted = [...items].sort((a, b) => choices.indexOf(a) - choices.indexOf(b));

  return sorted.some((item, position) => item !== items[position]);
}

const VERB_START = /^(?:is|does|must|expects|may|has) /;

/** One typed item read as a value: the item, or why it is not valid. */
export type ParsedItem = { ok: true; item: ListItem } | { ok: false; error: string };

/** Reads and checks one typed item against the spec of the list's items. */
export function parseItem(text: string, itemSpec: FieldSpec | undefined): ParsedItem {
  const numeric = itemSpec?.type.includes('integer') === true || itemSpec?.type.includes('number');
  if (text.trim() === '') {
    return { ok: false, error: 'Empty item: type a value or remove the row.' };
  }

  let item: ListItem = text;
  if (numeric === true) {
    const number = Number(text.trim());
    if (!Number.isFinite(number)) {
      return { ok: false, error: `"${text}" is not a number.` };
    }
    if (itemSpec?.type.includes('integer') === true && !Number.isInteger(number)) {
      return { ok: false, error: `"${text}" is not a whole number.` };
    }
    item = number;
  }

  const issue = itemSpec === undefined ? undefined : checkValue(item, itemSpec)[0];
  if (issue !== undefined) {
    // Messages start with the value ("5 is below ...") or with a verb ("must not be empty").
    const message = VERB_START.test(issue.message)
      ? `${JSON.stringify(item)} ${issue.message}`
      : issue.message;
    return { ok: false, error: `${message}.` };
  }

  return { ok: true, item };
}

/** Returns the text a row shows for an item. */
export function itemText(item: ListItem): string {
  return String(item);
}

/**
 * Returns what an emptied list is written as. When the model default is an empty list, the field
 * is removed and the default applies. Otherwise it is an explicit empty list, because removing
 * the field would bring back a default with items (an authenticator validation stage's
 * `device_classes`).
 */
export function writtenList(
  items: readonly Value[],
  fallback: Value | undefined,
): Value[] | undefined {
  if (items.length > 0) {
    return [...items];
  }

  return Array.isArray(fallback) && fallback.length === 0 ? undefined : [];
}
