/**
 * Entry-level checks that need no other entry: model, state, identifiers, field values against
 * the catalogue, fields required on create, and identifiers that belong in attrs.
 */
import { getModelSpec, listModels } from '../model/catalog.js';
import type { ModelSpec } from '../model/catalog.js';
import { describeValue } from '../model/field-check.js';
import { getModelFacts, NOT_ALLOWED_MODELS } from '../model/fields.js';
import type { ModelFacts } from '../model/fields.js';
import { isMap, isTag } from '../model/values.js';
import { existsInVersion, getVersionedModel, VERSIONED_MODELS } from '../model/versions.js';
import { describeEntry, entryState } from './validate-context.js';
import type {
  EntryInput,
  LocationPart,
  ProblemCollector,
  ResolvedOptions,
} from './validate-context.js';
import type { ProblemCode, Severity } from './problems.js';
import { PROBLEM_CODES } from './problems.js';
import { checkFields } from './validate-fields.js';
import { closestName, didYouMean } from './validate-suggest.js';

/** Model knowledge the checks gathered for an entry. */
export interface ModelResolution {
  /** Lower-case model name, when the entry names a model as a plain string. */
  name?: string;
  /** Catalogue entry; undefined for tags, unknown models and models of other releases. */
  spec?: ModelSpec;
  facts?: ModelFacts;
  meta: boolean;
}

/** Reports the problems of one entry; errors of absent entries become warnings. */
export type EntryReport = (
  code: ProblemCode,
  message: string,
  path: string,
  part?: LocationPart,
  severity?: Severity,
) => void;

/**
 * Creates the reporter of an entry. authentik skips an absent entry silently when it fails
 * (identifiers, `!KeyOf` misses, model not allowed, serializer errors), so those errors become
 * warnings there. An unknown model still fails the whole file.
 */
export function entryReporter(entry: EntryInput, problems: ProblemCollector): EntryReport {
  const absent = entryState(entry) === 'absent';

  return (code, message, path, part, severity = PROBLEM_CODES[code].severity) => {
    const soften = absent && code !== 'model-unknown' && severity === 'error';
    const text = soften
      ? `${message} The entry has \`state: absent\`, so authentik skips it silently instead of failing.`
      : message;
    const options: { part?: LocationPart; severity: Severity } = {
      severity: soften ? 'warning' : severity,
    };
    if (part !== undefined) {
      options.part = part;
    }

    problems.addForEntry(code, text, entry, path, options);
  };
}

/** Runs the entry-level checks and returns what is known about the entry's model. */
export function checkEntry(
  entry: EntryInput,
  options: ResolvedOptions,
  problems: ProblemCollector,
): ModelResolution {
  const report = entryReporter(entry, problems);
  const resolution = resolveModel(entry, options, report);

  checkState(entry, report);
  checkId(entry, report);
  checkConditions(entry, report);
  checkSections(entry, resolution, report);

  if (resolution.spec !== undefined) {
    checkFields(entry, resolution.spec, resolution.facts, report);
    checkPermissions(entry, resolution.spec, report);
  }

  if (resolution.facts !== undefined) {
    checkRequired(entry, resolution, report);
    checkIdentifierKeys(entry, resolution, report);
  }

  if (entryState(entry) === 'absent') {
    problems.addForEntry(
      'absent-reapply',
      `${describeEntry(entry)} has \`state: absent\`: authentik deletes the matched object and ` +
        'everything that cascades from it. Re-applying the file once the object is gone should ' +
        'do nothing, but some authentik releases (early 2026) fail that second apply; check ' +
        'the server version before relying on periodic re-applies.',
      entry,
      'state',
    );
  }

  return resolution;
}

function resolveModel(
  entry: EntryInput,
  options: ResolvedOptions,
  report: EntryReport,
): ModelResolution {
  const written = entry.model;
  if (written === undefined) {
    report(
      'model-missing',
      `${describeEntry(entry)} has no \`model\`; add \`model: app_label.modelname\`, e.g. ` +
        '`model: authentik_flows.flow`.',
      '',
    );
    return { meta: false };
  }

  if (isTag(written)) {
    return { meta: false };
  }

  if (typeof written !== 'string') {
    report(
      'schema',
      `\`model\` must be a string such as \`authentik_flows.flow\`, not ${describeValue(written)}.`,
      'model',
    );
    return { meta: false };
  }

  const name = written.toLowerCase();
  const [app = '', modelName] = written.split('.');

  if (modelName === undefined || modelName === '' || app !== app.toLowerCase()) {
    const suggestion = closestName(name, listModels());
    report(
      'model-unknown',
      `\`${written}\` is not a model authentik knows: models are written ` +
        `\`app_label.modelname\` and the app label is case-sensitive.${didYouMean(suggestion)}`,
      'model',
    );
    return { meta: false };
  }

  const notAllowed = NOT_ALLOWED_MODELS[name];
  if (notAllowed !== undefined) {
    report(
      'model-not-allowed',
      `\`${written}\` cannot be used in blueprints; authentik rejects it with "Model ... not ` +
        `allowed". ${capitalize(notAllowed)}.`,
      'model',
    );
    return { name, meta: false };
  }

  const spec = getModelSpec(name);
  if (spec !== undefined) {
    if (written !== name) {
      report(
        'model-case',
        `\`${written}\` is not lower case; authentik finds the model anyway, but the blueprint ` +
          `schema and other tools do not. Write \`${name}\`.`,
        'model',
      );
    }
    return { name, spec, facts: getModelFacts(name), meta: !spec.identifiersRequired };
  }

  return resolveVersionedModel(written, name, options, report);
}

function resolveVersionedModel(
  written: string,
  name: string,
  options: ResolvedOptions,
  report: EntryReport,
): ModelResolution {
  const versioned = getVersionedModel(name);
  if (versioned !== undefined && existsInVersion(versioned, options.authentikVersion)) {
    // Valid for the target release, but the catalogue has no fields for it.
    return { name, meta: versioned.meta === true };
  }

  if (versioned !== undefined) {
    const fix =
      versioned.replacement !== undefined
        ? ` Use \`${versioned.replacement}\` instead.`
        : versioned.after !== undefined
          ? ` Target a newer release (validation option \`authentikVersion\`) if the server runs one.`
          : ' Remove the entry or target an older release.';
    report(
      'model-unknown',
      `\`${written}\` does not exist in authentik ${options.authentikVersion}: ${versioned.note}; ` +
        `authentik fails the whole file with "App or Model does not exist".${fix}`,
      'model',
    );
    return { name, meta: versioned.meta === true };
  }

  const candidates = [
    ...listModels(),
    ...VERSIONED_MODELS.filter((entry) => existsInVersion(entry, options.authentikVersion)).map(
      (entry) => entry.model,
    ),
  ];
  const suggestion = closestName(name, candidates);
  report(
    'model-unknown',
    `\`${written}\` is not a model of authentik ${options.authentikVersion}; authentik fails ` +
      `the whole file with "App or Model does not exist".${didYouMean(suggestion)}`,
    'model',
  );
  return { name, meta: false };
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const STATES = ['present', 'created', 'must_created', 'absent'];

function checkState(entry: EntryInput, report: EntryReport): void {
  if (entryState(entry) !== 'invalid') {
    return;
  }

  const written =
    typeof entry.state === 'string' ? entry.state : describeValue(entry.state ?? null);
  const suggestion = typeof entry.state === 'string' ? closestName(entry.state, STATES) : undefined;
  report(
    'state-invalid',
    `\`state: ${written}\` is not a state; authentik fails to parse the file. Use one of ` +
      `${STATES.join(', ')}.${didYouMean(suggestion)}`,
    'state',
  );
}

function checkId(entry: EntryInput, report: EntryReport): void {
  if (entry.id === undefined || typeof entry.id === 'string') {
    return;
  }

  const fix = isTag(entry.id) ? 'authentik does not resolve tags in `id`' : 'quote it';
  report('schema', `\`id\` must be a plain string (${fix}), not ${describeValue(entry.id)}.`, 'id');
}

function checkConditions(entry: EntryInput, report: EntryReport): void {
  const conditions = entry.conditions;
  if (conditions === undefined || Array.isArray(conditions) || isTag(conditions)) {
    return;
  }

  report(
    'schema',
    `\`conditions\` must be a list; authentik skips the entry unless every item is true. Write ` +
      `\`conditions: [${describeValue(conditions)}]\`.`,
    'conditions',
  );
}

function checkSections(entry: EntryInput, resolution: ModelResolution, report: EntryReport): void {
  for (const section of ['identifiers', 'attrs'] as const) {
    const value = entry[section];
    if (value !== undefined && value !== null && !isMap(value) && !isTag(value)) {
      report('schema', `\`${section}\` must be a map of field names to values.`, section);
    }
  }

  const identifiers = entry.identifiers;
  const hasIdentifiers =
    isTag(identifiers) || (isMap(identifiers) && Object.keys(identifiers).length > 0);

  if (resolution.meta) {
    if (identifiers !== undefined) {
      report(
        'entry-key-unknown',
        `Meta model \`${resolution.name ?? ''}\` ignores \`identifiers\`; put its settings in ` +
          '`attrs` (for authentik_blueprints.metaapplyblueprint: `attrs.identifiers`).',
        'identifiers',
        'key',
      );
    }
    return;
  }

  if (!hasIdentifiers && typeof entry.model === 'string') {
    const example = resolution.facts?.naturalKey[0] ?? 'name';
    report(
      'identifiers-missing',
      `${describeEntry(entry)} has no identifiers; authentik cannot look the object up and ` +
        `fails with "No or invalid identifiers". Add \`identifiers: {${example}: ...}\`.`,
      identifiers === undefined ? '' : 'identifiers',
    );
  }
}

function checkPermissions(entry: EntryInput, spec: ModelSpec, report: EntryReport): void {
  const permissions = entry.permissions;
  if (permissions === undefined || isTag(permissions)) {
    return;
  }

  if (!Array.isArray(permissions)) {
    report(
      'schema',
      '`permissions` must be a list of `{permission, user}` or `{permission, role}` maps.',
      'permissions',
    );
    return;
  }

  permissions.forEach((item, index) => {
    const path = `permissions/${index}`;
    if (isTag(item)) {
      return;
    }

    if (!isMap(item) || !Object.hasOwn(item, 'permission')) {
      report(
        'schema',
        `Permission ${index} must be a map with \`permission\` and \`user\` or \`role\`.`,
        path,
      );
      return;
    }

    const codename = item.permission;
    if (typeof codename === 'string' && !spec.permissions.includes(codename)) {
      const suggestion = closestName(codename, spec.permissions);
      report(
        'schema',
        `\`${codename}\` is not a permission of ${spec.model}; its permissions are ` +
          `${spec.permissions.join(', ')}.${didYouMean(suggestion)}`,
        `${path}/permission`,
      );
    }

    if (item.user !== undefined && !isTag(item.user) && typeof item.user !== 'number') {
      report(
        'schema',
        `\`user\` of permission ${index} must be the integer pk of a user.`,
        `${path}/user`,
      );
    }
    if (item.role !== undefined && !isTag(item.role) && typeof item.role !== 'string') {
      report(
        'schema',
        `\`role\` of permission ${index} must be the UUID of a role.`,
        `${path}/role`,
      );
    }
  });
}

function providedFields(entry: EntryInput): Set<string> {
  const fields = new Set<string>();

  for (const section of [entry.identifiers, entry.attrs]) {
    if (isMap(section)) {
      for (const key of Object.keys(section)) {
        fields.add(key.split('__')[0] ?? key);
      }
    }
  }

  return fields;
}

function checkRequired(entry: EntryInput, resolution: ModelResolution, report: EntryReport): void {
  const facts = resolution.facts;
  const state = entryState(entry);
  if (facts === undefined || state === 'absent' || state === 'invalid') {
    return;
  }

  // A tag in place of identifiers or attrs may supply any field.
  if (isTag(entry.identifiers) || isTag(entry.attrs)) {
    return;
  }

  const provided = providedFields(entry);
  for (const field of facts.requiredOnCreate) {
    if (provided.has(field)) {
      continue;
    }

    if (facts.writeOnly?.includes(field) === true) {
      report(
        'secret-missing',
        `${describeEntry(entry)} has no \`${field}\`. It is write-only, so exports leave it out: ` +
          `an existing object keeps its stored value, but a fresh server rejects the entry with ` +
          `"This field is required.". Add \`${field}: !Env [VARIABLE_NAME]\` and set the ` +
          'variable on the server.',
        'attrs',
      );
      continue;
    }

    // Only `must_created` guarantees a create. Otherwise the object may already exist on the
    // server and the entry is a partial update, so a missing field is only a warning.
    const mustCreate = state === 'must_created';
    report(
      'field-required',
      `${describeEntry(entry)} has no \`${field}\`, which authentik needs to create the object: ` +
        (mustCreate
          ? 'with `state: must_created` the import fails with "This field is required.". '
          : 'the import fails with "This field is required." unless the object already exists. ') +
        `Add \`${field}\` to attrs.`,
      'attrs',
      undefined,
      mustCreate ? 'error' : 'warning',
    );
  }
}

function checkIdentifierKeys(
  entry: EntryInput,
  resolution: ModelResolution,
  report: EntryReport,
): void {
  const identifiers = entry.identifiers;
  const facts = resolution.facts;
  if (!isMap(identifiers) || facts === undefined) {
    return;
  }

  const allowed = new Set(['pk', 'managed', ...facts.naturalKey, ...(facts.lookupKeys ?? [])]);
  for (const [key, value] of Object.entries(identifiers)) {
    const field = key.split('__')[0] ?? key;
    if (allowed.has(field) && typeof value !== 'boolean') {
      continue;
    }

    const natural = facts.naturalKey.map((name) => `\`${name}\``).join(' and ');
    report(
      'identifier-belongs-in-attrs',
      `\`identifiers.${key}: ${describeValue(value)}\` is not a lookup key of ${resolution.name ?? 'this model'}: ` +
        'authentik ANDs all identifiers to find the object and, when none matches, creates one ' +
        `with these values (or fails on a unique field). Identify the object by ${natural} and ` +
        `move \`${key}\` into attrs.`,
      `identifiers/${key}`,
      'key',
    );
  }
}
