/**
 * The in-memory database of the fake authentik server and its blueprint importer. The importer
 * follows authentik's `Importer` (authentik/blueprints/v1/importer.py) closely enough for the
 * push tests: Stagecraft's reader and validator check the file, then entries run in order with
 * `!KeyOf`, `!Find`, `!Env` and `!Context`, primary-key remapping, the `pk OR identifiers`
 * lookup and partial updates. A dry run on a copy comes first, so a failing file changes
 * nothing, and a failure is logged as authentik logs it: `Entry invalid: …`, then
 * `Blueprint validation failed`, both at level warning.
 */
import { randomUUID } from 'node:crypto';

import { readBlueprint } from '../../shared/blueprint/reader.js';
import type { BlueprintDocument, EntryNode, TreeNode } from '../../shared/blueprint/tree.js';
import { validateDocument } from '../../shared/blueprint/validate.js';
import { getFieldSpec, getModelSpec } from '../../shared/model/catalog.js';

/** One row of the fake database. */
export interface StoredObject {
  model: string;
  pk: string | number;
  /** The PolicyBindingModel key of flows and stage bindings, which differs from their pk. */
  pbmUuid?: string;
  fields: Record<string, unknown>;
}

/** One event of an import log, as authentik returns it. */
export interface FakeLogEvent {
  event: string;
  log_level: string;
  logger: string;
  attributes?: Record<string, unknown>;
}

/** A blueprint instance. */
export interface FakeInstance {
  pk: string;
  name: string;
  path: string;
  context: Record<string, unknown>;
  content: string;
  enabled: boolean;
  status: string;
  last_applied: string;
  last_applied_hash: string;
}

/**
 * A task of the `authentik.tasks` app as `/api/v3/tasks/tasks/` lists it
 * (authentik/tasks/api/tasks.py): the object it belongs to, its state and its log events.
 */
export interface FakeTask {
  message_id: string;
  actor_name: string;
  state: string;
  mtime: string;
  rel_obj_app_label: string;
  rel_obj_model: string;
  rel_obj_id: string;
  uid: string;
  logs: FakeLogEvent[];
  previous_logs: FakeLogEvent[];
  aggregated_status: string;
}

/** A file the importer cannot even parse: authentik responds to such uploads with HTTP 500. */
export class ImportCrash extends Error {}

class EntryInvalid extends Error {
  constructor(
    message: string,
    readonly entry?: Record<string, unknown>,
  ) {
    super(message);
  }
}

const PBM_MODELS = new Set(['authentik_flows.flow', 'authentik_flows.flowstagebinding']);
const POLICY_BINDING = 'authentik_policies.policybinding';
const LOGGER = 'authentik.blueprints.v1.importer';

/** Fields every new object of a model gets, as authentik's model defaults give them. */
const DEFAULTS: Record<string, Record<string, unknown>> = {
  'authentik_flows.flow': {
    layout: 'stacked',
    policy_engine_mode: 'any',
    compatibility_mode: false,
    denied_action: 'message_continue',
    authentication: 'none',
  },
  'authentik_flows.flowstagebinding': {
    evaluate_on_plan: false,
    re_evaluate_policies: true,
    policy_engine_mode: 'any',
    invalid_response_action: 'retry',
  },
  'authentik_policies.policybinding': {
    negate: false,
    enabled: true,
    timeout: 30,
    failure_result: false,
  },
};

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function truthy(value: unknown): boolean {
  if (Array.isArray(value)) {
    return value.length > 0;
  }
  if (isRecord(value)) {
    return Object.keys(value).length > 0;
  }
  return Boolean(value);
}

/** Compares a stored field with a lookup value; a field never set is NULL, as in the database. */
function equalValues(stored: unknown, expected: unknown): boolean {
  return JSON.stringify(stored ?? null) === JSON.stringify(expected ?? null);
}

/** The rows of the fake server. */
export class FakeStore {
  objects: StoredObject[] = [];
  instances: FakeInstance[] = [];
  tasks: FakeTask[] = [];
  private nextUser = 2;

  /** Returns a copy of the objects for a dry run; blueprint instances stay shared. */
  clone(): FakeStore {
    const copy = new FakeStore();
    copy.objects = structuredClone(this.objects);
    copy.instances = this.instances;
    copy.tasks = this.tasks;
    copy.nextUser = this.nextUser;
    return copy;
  }

  /** Takes over the objects of a copy whose run succeeded, as the real run would leave them. */
  replaceWith(other: FakeStore): void {
    this.objects = other.objects;
    this.nextUser = other.nextUser;
  }

  ofModel(model: string): StoredObject[] {
    return this.objects.filter((object) => object.model === model);
  }

  byPk(pk: unknown): StoredObject | undefined {
    return this.objects.find((object) => object.pk === pk);
  }

  byPbm(pbm: unknown): StoredObject | undefined {
    return this.objects.find((object) => (object.pbmUuid ?? object.pk) === pbm);
  }

  /** Finds a flow by slug. */
  flow(slug: string): StoredObject | undefined {
    return this.ofModel('authentik_flows.flow').find((object) => object.fields.slug === slug);
  }

  /** Adds a row with a fresh primary key unless one is given. */
  create(model: string, fields: Record<string, unknown>, pk?: string | number): StoredObject {
    const key = pk ?? (model === 'authentik_core.user' ? this.nextUser++ : randomUUID());
    const object: StoredObject = { model, pk: key, fields: { ...DEFAULTS[model], ...fields } };
    if (PBM_MODELS.has(model)) {
      object.pbmUuid = randomUUID();
    }
    this.objects.push(object);
    return object;
  }

  /** Deletes a row and, as Django's cascade does, the bindings that point at it. */
  delete(object: StoredObject): void {
    const doomed = new Set<unknown>([object.pk, object.pbmUuid].filter((key) => key !== undefined));
    this.objects = this.objects.filter((candidate) => candidate !== object);

    const dependants = this.objects.filter(
      (candidate) =>
        (candidate.model === 'authentik_flows.flowstagebinding' &&
          (doomed.has(candidate.fields.target) || doomed.has(candidate.fields.stage))) ||
        (candidate.model === POLICY_BINDING && doomed.has(candidate.fields.target)),
    );
    for (const dependant of dependants) {
      this.delete(dependant);
    }
  }
}

/** Options of one import run. */
export interface ImportOptions {
  /** The server process's environment, for `!Env`. */
  env: Record<string, string>;
  /** An instance's context, merged over the file's `context`. */
  context?: Record<string, unknown>;
  /** Entries of this model fail with the message, as a serializer would reject them. */
  rejections?: { model: string; message: string }[];
}

/** The result of an import: authentik's `(success, logs)`. */
export interface ImportOutcome {
  success: boolean;
  logs: FakeLogEvent[];
}

/** The state of one run over the entries of a file. */
class Run {
  readonly ids = new Map<string, StoredObject>();
  readonly pkMap = new Map<string, string | number>();
  currentModel = '';

  constructor(
    readonly store: FakeStore,
    readonly options: ImportOptions,
    readonly context: Record<string, unknown>,
  ) {}

  evaluate(node: TreeNode): unknown {
    switch (node.kind) {
      case 'scalar':
        return node.value;
      case 'seq':
        return node.items.map((item) => this.evaluate(item));
      case 'map':
        return Object.fromEntries(node.items.map((item) => [item.key, this.evaluate(item.value)]));
      case 'tag':
        return this.evaluateTag(node.tag, node.argument);
    }
  }

  private evaluateTag(name: string, argument: TreeNode): unknown {
    const args = argument.kind === 'seq' ? argument.items : [argument];
    const value = (index: number): unknown => {
      const item = args[index];
      return item === undefined ? null : this.evaluate(item);
    };

    switch (name) {
      case 'KeyOf': {
        const id = String(value(0));
        const target = this.ids.get(id);
        if (target === undefined) {
          throw new EntryInvalid(
            `KeyOf: failed to find entry with \`id\` of \`${id}\` and a model instance`,
          );
        }
        return this.currentModel === POLICY_BINDING ? (target.pbmUuid ?? target.pk) : target.pk;
      }
      case 'Find': {
        const model = String(value(0)).toLowerCase();
        if (getModelSpec(model) === undefined) {
          throw new EntryInvalid(`Find: model ${model} does not exist`);
        }
        const pairs = args.slice(1).map((_, index) => value(index + 1) as [string, unknown]);
        const found = this.store
          .ofModel(model)
          .find((object) =>
            pairs.every(([field, expected]) =>
              field === 'pk' ? object.pk === expected : equalValues(object.fields[field], expected),
            ),
          );
        return found?.pk ?? null;
      }
      case 'Env': {
        const variable = String(value(0));
        const set = this.options.env[variable];
        if (set !== undefined && set !== '') {
          return set;
        }
        return args.length > 1 ? value(1) : null;
      }
      case 'Context': {
        const key = String(value(0));
        return Object.hasOwn(this.context, key)
          ? this.context[key]
          : args.length > 1
            ? value(1)
            : null;
      }
      case 'Format': {
        const rest = args.slice(1).map((_, index) => value(index + 1));
        let position = 0;
        return String(value(0)).replace(/%[sd]/g, () => String(rest[position++]));
      }
      case 'If':
        return args.length === 1 ? truthy(value(0)) : truthy(value(0)) ? value(1) : value(2);
      default:
        throw new EntryInvalid(`the fake authentik does not resolve !${name}`);
    }
  }

  /** Replaces values equal to a primary key written in the file with the key saved for it. */
  remap(fields: Record<string, unknown>): Record<string, unknown> {
    const swap = (value: unknown): unknown =>
      (typeof value === 'string' || typeof value === 'number') && this.pkMap.has(String(value))
        ? this.pkMap.get(String(value))
        : value;
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(fields)) {
      if (Array.isArray(value)) {
        result[key] = value.map(swap);
      } else if (isRecord(value)) {
        result[key] = Object.fromEntries(
          Object.entries(value).map(([inner, item]) => [inner, swap(item)]),
        );
      } else {
        result[key] = swap(value);
      }
    }
    return result;
  }
}

function serializerError(field: string, message: string, code: string): EntryInvalid {
  return new EntryInvalid(
    `Serializer errors {'${field}': [ErrorDetail(string='${message}', code='${code}')]}`,
  );
}

/** Checks that every reference of the data points at an existing row, as DRF's related fields do. */
function checkReferences(run: Run, model: string, data: Record<string, unknown>): void {
  for (const [field, value] of Object.entries(data)) {
    const spec = getFieldSpec(model, field);
    const keys =
      spec?.format === 'uuid'
        ? [value]
        : spec?.items?.format === 'uuid' && Array.isArray(value)
          ? value
          : [];
    for (const key of keys) {
      if (key === null || key === undefined) {
        continue;
      }
      const exists =
        model === POLICY_BINDING && field === 'target' ? run.store.byPbm(key) : run.store.byPk(key);
      if (exists === undefined) {
        throw serializerError(
          field,
          `Invalid pk "${String(key)}" - object does not exist.`,
          'does_not_exist',
        );
      }
    }
  }
}

function requireFields(model: string, data: Record<string, unknown>): void {
  const required: Record<string, string[]> = {
    'authentik_flows.flow': ['name', 'slug', 'title', 'designation'],
    'authentik_flows.flowstagebinding': ['target', 'stage', 'order'],
  };
  for (const field of required[model] ?? []) {
    if (data[field] === undefined) {
      throw serializerError(field, 'This field is required.', 'required');
    }
  }
}

function runEntry(run: Run, entry: EntryNode): void {
  const model = String(entry.model === undefined ? '' : run.evaluate(entry.model)).toLowerCase();
  run.currentModel = model;
  if (getModelSpec(model) === undefined) {
    throw new EntryInvalid(`App or Model does not exist: ${model}`);
  }

  const conditions =
    entry.conditions === undefined ? [] : (run.evaluate(entry.conditions) as unknown[]);
  if (!conditions.every(truthy)) {
    return;
  }

  const state = entry.state === undefined ? 'present' : String(run.evaluate(entry.state));
  const rawIdentifiers = entry.identifiers === undefined ? {} : run.evaluate(entry.identifiers);
  const rawAttrs = entry.attrs === undefined ? {} : run.evaluate(entry.attrs);
  const identifiers = run.remap(isRecord(rawIdentifiers) ? rawIdentifiers : {});
  const attrs = run.remap(isRecord(rawAttrs) ? rawAttrs : {});
  const filePk = isRecord(rawIdentifiers) ? rawIdentifiers.pk : undefined;

  const rejection = run.options.rejections?.find((candidate) => candidate.model === model);
  if (rejection !== undefined) {
    throw new EntryInvalid(rejection.message, { model, identifiers });
  }

  const { pk, ...rest } = identifiers;
  if (pk === undefined && Object.keys(rest).length === 0) {
    throw new EntryInvalid('No or invalid identifiers');
  }
  const existing = run.store
    .ofModel(model)
    .find(
      (object) =>
        (pk !== undefined && object.pk === pk) ||
        (Object.keys(rest).length > 0 &&
          Object.entries(rest).every(([field, expected]) =>
            equalValues(object.fields[field], expected),
          )),
    );

  if (state === 'absent') {
    if (existing !== undefined) {
      run.store.delete(existing);
    }
    return;
  }

  let saved: StoredObject;
  if (existing !== undefined && state === 'created') {
    saved = existing;
  } else {
    const data = { ...attrs, ...rest };
    checkReferences(run, model, data);
    if (existing === undefined) {
      requireFields(model, data);
      saved = run.store.create(model, data, pk as string | number | undefined);
    } else {
      Object.assign(existing.fields, data);
      saved = existing;
    }
  }

  if ((typeof filePk === 'string' || typeof filePk === 'number') && filePk !== saved.pk) {
    run.pkMap.set(String(filePk), saved.pk);
  }
  const id = entry.id?.kind === 'scalar' ? String(entry.id.value) : undefined;
  if (id !== undefined && !run.ids.has(id)) {
    run.ids.set(id, saved);
  }
}

function fileContext(document: BlueprintDocument, run: Run): Record<string, unknown> {
  const item = document.root.items.find((candidate) => candidate.key === 'context');
  const value = item === undefined ? {} : run.evaluate(item.value);
  return isRecord(value) ? value : {};
}

function runDocument(store: FakeStore, document: BlueprintDocument, options: ImportOptions): void {
  const run = new Run(store, options, {});
  Object.assign(run.context, fileContext(document, run), options.context ?? {});
  for (const entry of document.entries) {
    runEntry(run, entry);
  }
}

function failure(error: EntryInvalid, stage: 'validation' | 'apply'): ImportOutcome {
  const event: FakeLogEvent = {
    event: `Entry invalid: ${error.message}`,
    log_level: 'warning',
    logger: LOGGER,
  };
  if (error.entry !== undefined) {
    event.attributes = { entry: error.entry };
  }

  return {
    success: false,
    logs: [event, { event: `Blueprint ${stage} failed`, log_level: 'warning', logger: LOGGER }],
  };
}

/**
 * Validates and applies a blueprint to the store. Throws ImportCrash for text that does not
 * parse. A failing file leaves the store unchanged.
 */
export function importBlueprint(
  store: FakeStore,
  text: string,
  options: ImportOptions,
): ImportOutcome {
  let document: BlueprintDocument;
  try {
    document = readBlueprint(text, { file: 'upload.yaml' });
  } catch (error) {
    throw new ImportCrash(error instanceof Error ? error.message : String(error));
  }

  const version = document.version?.kind === 'scalar' ? document.version.value : 1;
  if (version !== 1) {
    return failure(new EntryInvalid('Invalid blueprint version'), 'validation');
  }

  // A primary key that matches no entry of the file is Stagecraft's offline guess; the server
  // checks the key against its rows instead (checkReferences).
  const errors = validateDocument(document).filter(
    (problem) => problem.severity === 'error' && problem.code !== 'pk-dangling',
  );
  if (errors.length > 0) {
    return failure(new EntryInvalid(errors[0]!.message), 'validation');
  }

  const copy = store.clone();
  try {
    runDocument(copy, document, options);
  } catch (error) {
    if (error instanceof EntryInvalid) {
      return failure(error, 'validation');
    }
    throw error;
  }

  store.replaceWith(copy);
  return { success: true, logs: [] };
}
