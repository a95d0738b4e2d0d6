/**
 * Checks between entries: duplicate ids, `!KeyOf` targets (unknown, further down, absent,
 * conditional), references between project objects, `!Find` lookups that no entry of the file
 * satisfies, and hard-coded primary keys that match no entry.
 */
import type { FieldSpec } from '../model/catalog.js';
import { describeValue, isUuid } from '../model/field-check.js';
import { getReference, referenceTargets } from '../model/fields.js';
import type { TagValue, Value } from '../model/values.js';
import { isMap, isRef, isTag } from '../model/values.js';
import { describeEntry, entryState, hasConditions } from './validate-context.js';
import type { EntryInput, ProblemCollector } from './validate-context.js';
import type { EntryReport, ModelResolution } from './validate-entry.js';
import { entryReporter } from './validate-entry.js';
import { isNullableField } from './validate-fields.js';
import { closestName, didYouMean } from './validate-suggest.js';

/** One entry with its position in apply order and what is known about its model. */
export interface PreparedEntry {
  entry: EntryInput;
  /** Position in apply order (file order across sections). */
  order: number;
  resolution: ModelResolution;
}

/** The entry sections that authentik resolves tags in. */
const TAG_SECTIONS = [
  'model',
  'state',
  'conditions',
  'identifiers',
  'attrs',
  'permissions',
] as const;

function joinPath(base: string, segment: string | number): string {
  return base === '' ? String(segment) : `${base}/${segment}`;
}

/** Calls `visit` for every tag and reference inside a value, with its path. */
export function walkValues(
  value: Value,
  path: string,
  visit: (value: TagValue | { $ref: string }, path: string) => void,
): void {
  if (Array.isArray(value)) {
    value.forEach((item, index) => walkValues(item, joinPath(path, index), visit));
    return;
  }

  if (isRef(value)) {
    visit(value, path);
    return;
  }

  if (isTag(value)) {
    visit(value, path);
    if (Array.isArray(value.value)) {
      value.value.forEach((item, index) => walkValues(item, joinPath(path, index), visit));
    }
    return;
  }

  if (isMap(value)) {
    for (const [key, inner] of Object.entries(value)) {
      walkValues(inner, joinPath(path, key), visit);
    }
  }
}

/** Runs every check between entries. */
export function checkReferences(entries: PreparedEntry[], problems: ProblemCollector): void {
  const ids = collectIds(entries, problems);
  const byUid = new Map(
    entries.flatMap((prepared) =>
      prepared.entry.uid === undefined ? [] : [[prepared.entry.uid, prepared] as const],
    ),
  );

  // Collected once: looking the primary keys up per entry made validation quadratic.
  const pks = collectPks(entries);
  for (const prepared of entries) {
    const report = entryReporter(prepared.entry, problems);

    for (const section of TAG_SECTIONS) {
      const value = prepared.entry[section];
      if (value === undefined) {
        continue;
      }

      walkValues(value, section, (found, path) => {
        if (isRef(found)) {
          checkObjectReference(found.$ref, path, prepared, byUid, report);
        } else if (found.$tag === 'KeyOf' && typeof found.value === 'string') {
          checkKeyOf(found.value, path, prepared, ids, report);
        } else if (found.$tag === 'Find' || found.$tag === 'FindObject') {
          checkFind(found, path, prepared, entries, report);
        }
      });
    }

    checkHardCodedKeys(prepared, pks, report);
  }
}

/** Entries by id, per id scope (the source file of project objects, see `EntryInput`). */
type IdIndex = Map<string | undefined, Map<string, PreparedEntry>>;

/** Returns the ids visible from `entry`: those of entries in the same scope. */
function idsInScope(ids: IdIndex, entry: EntryInput): Map<string, PreparedEntry> {
  return ids.get(entry.idScope) ?? new Map<string, PreparedEntry>();
}

/** Maps each id to the entry that registers it; the first entry with an id in a scope wins. */
function collectIds(entries: PreparedEntry[], problems: ProblemCollector): IdIndex {
  const ids: IdIndex = new Map();

  for (const prepared of entries) {
    const id = prepared.entry.id;
    if (typeof id !== 'string') {
      continue;
    }

    let scoped = ids.get(prepared.entry.idScope);
    if (scoped === undefined) {
      scoped = new Map();
      ids.set(prepared.entry.idScope, scoped);
    }
    const first = scoped.get(id);
    if (first === undefined) {
      scoped.set(id, prepared);
      continue;
    }

    problems.addForEntry(
      'id-duplicate',
      `\`id: ${id}\` is also used by ${describeEntry(first.entry)}; \`!KeyOf ${id}\` always ` +
        'refers to the first entry with that id. Give this entry a different id.',
      prepared.entry,
      'id',
    );
  }

  return ids;
}

function keyOfFailure(id: string): string {
  return `authentik fails with "KeyOf: failed to find entry with \`id\` of \`${id}\` and a model instance"`;
}

function checkKeyOf(
  id: string,
  path: string,
  prepared: PreparedEntry,
  ids: IdIndex,
  report: EntryReport,
): void {
  const visible = idsInScope(ids, prepared.entry);
  const target = visible.get(id);
  if (target === undefined) {
    const suggestion = closestName(id, visible.keys());
    report(
      'keyof-unknown',
      `\`!KeyOf ${id}\`: no entry has \`id: ${id}\`, so ${keyOfFailure(id)}. Add the id to the ` +
        `entry it should point at.${didYouMean(suggestion)}`,
      path,
    );
    return;
  }

  if (target === prepared) {
    report(
      'keyof-forward',
      `\`!KeyOf ${id}\` refers to its own entry, which has no object yet while it is being ` +
        `applied, so ${keyOfFailure(id)}. Remove the reference, or use \`!Find\` to reach an ` +
        'object that already exists on the server.',
      path,
    );
    return;
  }

  if (target.order > prepared.order) {
    report(
      'keyof-forward',
      `\`!KeyOf ${id}\` refers to ${describeEntry(target.entry)}, further down the file; ` +
        `authentik applies entries in file order, so it fails with ` +
        `"KeyOf: failed to find entry with \`id\` of \`${id}\` and a model instance". Move ` +
        `this entry (${describeEntry(prepared.entry)}) below ${describeEntry(target.entry)}.`,
      path,
    );
    return;
  }

  checkTargetState(`\`!KeyOf ${id}\``, id, path, target, report);
}

function checkTargetState(
  subject: string,
  id: string,
  path: string,
  target: PreparedEntry,
  report: EntryReport,
): void {
  if (entryState(target.entry) === 'absent') {
    report(
      'keyof-absent',
      `${subject} refers to ${describeEntry(target.entry)}, which has \`state: absent\` and never ` +
        `binds an object, so ${keyOfFailure(id)}. Point at an entry that creates the object.`,
      path,
    );
    return;
  }

  if (hasConditions(target.entry)) {
    report(
      'keyof-conditional',
      `${subject} refers to ${describeEntry(target.entry)}, which has \`conditions\`; when they are ` +
        `false authentik skips that entry and ${keyOfFailure(id)}. Give this entry the same ` +
        'conditions, or make sure they hold.',
      path,
    );
  }
}

function checkObjectReference(
  uid: string,
  path: string,
  prepared: PreparedEntry,
  byUid: Map<string, PreparedEntry>,
  report: EntryReport,
): void {
  const target = byUid.get(uid);
  if (target === undefined) {
    report(
      'keyof-unknown',
      `The reference at \`${path.replaceAll('/', '.')}\` points at object ${uid}, which is not ` +
        'in the project; the exported `!KeyOf` would fail. Point it at an existing object or ' +
        'replace it with `!Find` for an object on the server.',
      path,
    );
    return;
  }

  const id = typeof target.entry.id === 'string' ? target.entry.id : uid;
  checkTargetState(`The reference at \`${path.replaceAll('/', '.')}\``, id, path, target, report);
}

/** Returns the data authentik writes for an entry: attrs merged with identifiers, which win. */
function entryData(entry: EntryInput): Record<string, Value> {
  return {
    ...(isMap(entry.attrs) ? entry.attrs : {}),
    ...(isMap(entry.identifiers) ? entry.identifiers : {}),
  };
}

type Match = 'yes' | 'no' | 'unknown';

/** Compares scalars the way a Django filter on a text column would see them. */
function scalarText(value: Value): string {
  return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
}

function matchesPair(entry: EntryInput, field: string, expected: Value): Match {
  const [name = field, lookup] = field.split('__');
  const data = entryData(entry);
  const actual = name === 'pk' && isMap(entry.identifiers) ? entry.identifiers.pk : data[name];

  if (actual === undefined) {
    return 'no';
  }
  if (isTag(actual) || isTag(expected) || isRef(actual)) {
    return 'unknown';
  }
  if (lookup === 'iexact' && typeof actual === 'string' && typeof expected === 'string') {
    return actual.toLowerCase() === expected.toLowerCase() ? 'yes' : 'no';
  }
  if (lookup !== undefined) {
    return 'unknown';
  }

  return scalarText(actual) === scalarText(expected) ? 'yes' : 'no';
}

function findMatches(entry: EntryInput, model: string, pairs: [string, Value][]): Match {
  if (
    typeof entry.model !== 'string' ||
    entry.model.toLowerCase() !== model ||
    entryState(entry) === 'absent'
  ) {
    return 'no';
  }

  let result: Match = 'yes';
  for (const [field, expected] of pairs) {
    const match = matchesPair(entry, field, expected);
    if (match === 'no') {
      return 'no';
    }
    if (match === 'unknown') {
      result = 'unknown';
    }
  }

  return result;
}

function checkFind(
  tag: TagValue,
  path: string,
  prepared: PreparedEntry,
  entries: PreparedEntry[],
  report: EntryReport,
): void {
  const argument = tag.value;
  if (!Array.isArray(argument) || typeof argument[0] !== 'string') {
    return;
  }

  const model = argument[0].toLowerCase();
  const pairs: [string, Value][] = [];
  for (const pair of argument.slice(1)) {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') {
      return;
    }
    pairs.push([pair[0], pair[1] ?? null]);
  }

  const written = `!${tag.$tag} ${flowText(argument)}`;
  let later: PreparedEntry | undefined;

  for (const candidate of entries) {
    // The entry's own object does not exist yet while its values are resolved.
    if (candidate === prepared) {
      continue;
    }

    const match = findMatches(candidate.entry, model, pairs);
    if (match === 'no') {
      continue;
    }
    if (candidate.order < prepared.order) {
      return;
    }
    if (match === 'yes') {
      later ??= candidate;
    }
  }

  if (later !== undefined) {
    report(
      'find-no-match',
      `\`${written}\` matches ${describeEntry(later.entry)}, which comes later in the file: when ` +
        'this entry runs that object does not exist yet on a fresh server, so the value is null. ' +
        `Move ${describeEntry(later.entry)} above this entry, or give it an \`id\` and use \`!KeyOf\`.`,
      path,
    );
    return;
  }

  report(
    'find-no-match',
    `\`${written}\` matches no entry of this file, so it cannot be resolved offline: the server returns the pk of a matching object, or null when none matches (not an error).${nullConsequence(path, prepared)}${findSuggestion(model, pairs, entries)}`,
    path,
  );
}

/** Writes a tag argument in YAML flow style for messages: `[authentik_flows.flow, [slug, x]]`. */
function flowText(value: Value): string {
  if (Array.isArray(value)) {
    return `[${value.map(flowText).join(', ')}]`;
  }

  if (typeof value === 'string' && /^[\w.@:/-]+$/.test(value)) {
    return value;
  }

  return describeValue(value);
}

/** Explains what a null does to the field a `!Find` sits in. */
function nullConsequence(path: string, prepared: PreparedEntry): string {
  const [section, field, ...rest] = path.split('/');
  const spec = prepared.resolution.spec;
  if (
    (section !== 'attrs' && section !== 'identifiers') ||
    field === undefined ||
    rest.length > 0 ||
    spec === undefined
  ) {
    return '';
  }

  const fieldSpec: FieldSpec | undefined = spec.fields[field];
  if (fieldSpec === undefined || isNullableField(fieldSpec, prepared.resolution.facts, field)) {
    return ' Check the lookup values against the server.';
  }

  return ` \`${field}\` may not be null, so a miss fails the entry with "This field may not be null.". Check the lookup values against the server.`;
}

/** Suggests the value of a same-model entry when a lookup value looks like a typo of it. */
function findSuggestion(model: string, pairs: [string, Value][], entries: PreparedEntry[]): string {
  for (const [field, expected] of pairs) {
    if (typeof expected !== 'string') {
      continue;
    }

    const values = entries
      .filter(
        (candidate) =>
          typeof candidate.entry.model === 'string' &&
          candidate.entry.model.toLowerCase() === model,
      )
      .map((candidate) => entryData(candidate.entry)[field.split('__')[0] ?? field])
      .filter((value): value is string => typeof value === 'string' && value !== expected);
    const suggestion = closestName(expected, values);
    if (suggestion !== undefined) {
      return ` An entry of this file has ${field} \`${suggestion}\`; is that the one meant?`;
    }
  }

  return '';
}

/** Collects the primary keys written in `identifiers.pk`, with the entry that declares each. */
function collectPks(entries: PreparedEntry[]): Map<string, PreparedEntry> {
  const pks = new Map<string, PreparedEntry>();

  for (const prepared of entries) {
    const identifiers = prepared.entry.identifiers;
    const pk = isMap(identifiers) ? identifiers.pk : undefined;
    if (typeof pk === 'string' && !pks.has(pk)) {
      pks.set(pk, prepared);
    }
  }

  return pks;
}

/** Tells whether a field of an entry references other objects by primary key. */
function isReferenceField(resolution: ModelResolution, field: string): boolean {
  if (resolution.name !== undefined && getReference(resolution.name, field) !== undefined) {
    return true;
  }

  const spec = resolution.spec?.fields[field];
  return spec?.format === 'uuid' || spec?.items?.format === 'uuid';
}

/** Returns the UUID strings of a field value, one level deep as authentik's pk remapping goes. */
function uuidsOf(value: Value, path: string): [string, string][] {
  if (typeof value === 'string') {
    return isUuid(value) ? [[value, path]] : [];
  }

  const items: [string | number, Value][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : isMap(value)
      ? Object.entries(value)
      : [];

  return items.flatMap(([key, item]) =>
    typeof item === 'string' && isUuid(item)
      ? [[item, joinPath(path, key)] as [string, string]]
      : [],
  );
}

function checkHardCodedKeys(
  prepared: PreparedEntry,
  pks: Map<string, PreparedEntry>,
  report: EntryReport,
): void {
  const resolution = prepared.resolution;

  for (const section of ['identifiers', 'attrs'] as const) {
    const values = prepared.entry[section];
    if (!isMap(values)) {
      continue;
    }

    for (const [field, value] of Object.entries(values)) {
      if (field === 'pk' || !isReferenceField(resolution, field)) {
        continue;
      }

      for (const [uuid, path] of uuidsOf(value, `${section}/${field}`)) {
        checkHardCodedKey(uuid, field, path, prepared, pks, report);
      }
    }
  }
}

function checkHardCodedKey(
  uuid: string,
  field: string,
  path: string,
  prepared: PreparedEntry,
  pks: Map<string, PreparedEntry>,
  report: EntryReport,
): void {
  const owner = pks.get(uuid);
  if (owner !== undefined && owner.order < prepared.order) {
    return;
  }

  const subject = `\`${field}\` of ${describeEntry(prepared.entry)} holds the primary key ${uuid}`;
  if (owner !== undefined) {
    report(
      'pk-dangling',
      `${subject}, declared by ${describeEntry(owner.entry)} further down the file; authentik ` +
        'remaps a primary key only after the entry that declares it has been applied. Move ' +
        `${describeEntry(owner.entry)} above this entry, or give it an \`id\` and use \`!KeyOf\`.`,
      path,
    );
    return;
  }

  const reference =
    prepared.resolution.name === undefined
      ? undefined
      : getReference(prepared.resolution.name, field);
  const targets = reference === undefined ? [] : referenceTargets(reference);
  const model = targets[0] ?? '<model>';
  const others = targets.length > 1 ? ' (or the model of the object it points at)' : '';
  report(
    'pk-dangling',
    `${subject}, which matches no entry of this file; on a fresh server the import fails with ` +
      `"Invalid pk "${uuid}" - object does not exist.". If the object is in this file, give ` +
      'its entry an `id` and use `!KeyOf`; otherwise look it up by name with ' +
      `\`!Find [${model}, [name, <name>]]\`${others}.`,
    path,
  );
}
