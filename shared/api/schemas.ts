/**
 * The argument schema of every service method. Both transports validate a call against this table
 * before a handler runs, so handlers can trust the types of their arguments. The table's type
 * requires one schema per method of each service interface, so adding a method without a schema
 * fails to compile.
 */
import { StagecraftError } from '../errors.js';
import type { Change } from '../model/changes.js';
import { SERVER_SCHEMAS } from '../server/schemas.js';
import type { JsonValue } from '../simulator/evaluation.js';
import { findChangeShapeError } from '../model/change-shape.js';
import { array, boolean, custom, integer, object, oneOf, optional, string } from './schema.js';
import type { Schema, SchemaMismatch } from './schema.js';
import type { MethodArgs, MethodName, ServiceName } from './services.js';

/** The maximum length of a file path in a call; longer ones exceed every OS's limit. */
export const MAX_PATH_LENGTH = 4096;

/**
 * The maximum length of blueprint text in an import, in UTF-16 code units. It matches the 16 MiB
 * that the file reader accepts in bytes, and the Node side checks the byte length again.
 */
export const MAX_IMPORT_TEXT_LENGTH = 16 * 1024 * 1024;

/** The maximum number of files in one import call. */
export const MAX_IMPORT_FILES = 100;

/** The maximum number of changes in one apply call; an import of thousands of objects fits. */
export const MAX_CHANGES = 100_000;

/** The maximum length of a secret value, in UTF-16 code units: room for a PEM private key. */
export const MAX_SECRET_LENGTH = 64 * 1024;

const path = string({ maxLength: MAX_PATH_LENGTH });
const label = string({ maxLength: 200 });
const name = string({ maxLength: 256 });
const none = object({});

const secretName = string({
  maxLength: 128,
  pattern: { regex: /^[A-Za-z0-9_.:-]+$/, description: 'letters, digits, _ . : and - only' },
});

const change = custom<Change>('a valid change', (value, at) => findChangeShapeError(value, at));

/** The maximum length of an expression in an editor call: authentik stores it as text. */
export const MAX_EXPRESSION_LENGTH = 1024 * 1024;

/** The maximum size of a JSON object in a call (a persona, a test context), as JSON text. */
export const MAX_JSON_ARGUMENT_LENGTH = 4 * 1024 * 1024;

const jsonObject = custom<Record<string, JsonValue>>('a JSON object', (value, at) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `${at || 'the argument'} must be a JSON object`;
  }

  const problem = findJsonProblem(value, at, 0);
  if (problem !== undefined) {
    return problem;
  }

  return JSON.stringify(value).length > MAX_JSON_ARGUMENT_LENGTH
    ? `${at} is larger than ${MAX_JSON_ARGUMENT_LENGTH} characters as JSON`
    : undefined;
});

// JSON nesting beyond this is refused rather than walked, so a hostile call cannot exhaust the
// stack.
const MAX_JSON_DEPTH = 64;

function findJsonProblem(value: unknown, at: string, depth: number): string | undefined {
  if (depth > MAX_JSON_DEPTH) {
    return `${at} is nested deeper than ${MAX_JSON_DEPTH} levels`;
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') {
    return undefined;
  }
  if (typeof value === 'number') {
    return Number.isFinite(value) ? undefined : `${at} must be a finite number`;
  }
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findJsonProblem(item, `${at}[${index}]`, depth + 1);
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const found = findJsonProblem(item, at === '' ? key : `${at}.${key}`, depth + 1);
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  }

  return `${at} must hold only JSON values`;
}

const inputMap = custom<Record<string, string[]>>(
  'a map of input keys to lists of strings',
  (value, at) => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      return `${at} must map input keys to lists of strings`;
    }
    const entries = Object.entries(value);
    if (entries.length > 1000) {
      return `${at} has more than 1000 keys`;
    }
    for (const [key, list] of entries) {
      if (key.length === 0 || key.length > 256) {
        return `${at} has a key that is empty or longer than 256 characters`;
      }
      const valid =
        Array.isArray(list) &&
        list.length <= 100 &&
        list.every((item) => typeof item === 'string' && item.length <= 64 * 1024);
      if (!valid) {
        return `${at}.${key} must be a list of at most 100 strings of at most 65536 characters`;
      }
    }
    return undefined;
  },
);

const slug = string({ maxLength: 256 });
const port = integer({ min: 0, max: 65_535 });
const expressionKind = oneOf(['policy', 'property_mapping'] as const);

const simulationRequest = object({
  flow: slug,
  persona: optional(name),
  inputs: optional(inputMap),
  viaSource: optional(slug),
  recording: optional(name),
  next: optional(string({ minLength: 0, maxLength: MAX_PATH_LENGTH })),
  application: optional(slug),
  live: optional(object({ port: optional(port), recordAs: optional(name) })),
});

const answerMap = custom<Record<string, string>>('a map of input keys to strings', (value, at) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return `${at} must map input keys to strings`;
  }
  const entries = Object.entries(value);
  if (entries.length > 1000) {
    return `${at} has more than 1000 keys`;
  }
  const valid = entries.every(
    ([key, item]) =>
      key.length > 0 && key.length <= 256 && typeof item === 'string' && item.length <= 64 * 1024,
  );
  return valid
    ? undefined
    : `${at} must map keys of 1 to 256 characters to strings of at most 65536 characters`;
});

const outcomeKind = oneOf(['completed', 'denied', 'rejected', 'input-required', 'error'] as const);

const importFile = object({
  name: string({ maxLength: 1024 }),
  text: string({ minLength: 0, maxLength: MAX_IMPORT_TEXT_LENGTH }),
});

const selectionShape = {
  flows: optional(array(string({ maxLength: 256 }), { maxItems: 10_000 })),
  uids: optional(array(string({ maxLength: 256 }), { maxItems: 100_000 })),
  name: optional(name),
};

/** One schema per method of each service, typed against the service interfaces. */
export type ServiceSchemas = {
  [S in ServiceName]: { [M in MethodName<S>]: Schema<MethodArgs<S, M>> };
};

/** The argument schemas of every service method. */
export const SERVICE_SCHEMAS: ServiceSchemas = {
  project: {
    open: object({ path, create: optional(boolean()) }),
    openSample: none,
    current: none,
    apply: object({
      changes: array(change, { maxItems: MAX_CHANGES }),
      label: optional(label),
      mergeKey: optional(label),
    }),
    undo: none,
    redo: none,
    history: none,
    recent: none,
    forgetRecent: object({ path }),
    close: none,
  },
  blueprints: {
    importFiles: object({ files: array(importFile, { maxItems: MAX_IMPORT_FILES }) }),
    validateProject: none,
    previewExport: object(selectionShape),
    writeExport: object({
      ...selectionShape,
      path: optional(path),
      allowErrors: optional(boolean()),
    }),
  },
  app: {
    info: none,
    chooseProject: object({ purpose: oneOf(['open', 'create'] as const) }),
  },
  secrets: {
    status: none,
    list: none,
    set: object({ name: secretName, value: string({ maxLength: MAX_SECRET_LENGTH }) }),
    remove: object({ name: secretName }),
  },
  simulator: {
    prepare: none,
    listPersonas: none,
    savePersona: object({
      persona: jsonObject,
      password: optional(string({ minLength: 0, maxLength: MAX_SECRET_LENGTH })),
      keepPassword: optional(boolean()),
      previousName: optional(name),
    }),
    getPersona: object({ name }),
    deletePersona: object({ name }),
    personaFromRecording: object({ recording: name, name }),
    listRecordings: none,
    run: simulationRequest,
    resume: object({
      run: name,
      step: integer({ min: 0, max: 100_000 }),
      answers: optional(answerMap),
    }),
    liveSetup: object({ source: slug, port: optional(port) }),
    cancelLogin: none,
    runPersonas: object({
      flow: slug,
      personas: optional(array(name, { maxItems: 1000 })),
      viaSource: optional(slug),
    }),
    checkSyntax: object({
      expression: string({ minLength: 0, maxLength: MAX_EXPRESSION_LENGTH }),
      kind: expressionKind,
      name: string({ minLength: 0, maxLength: 256 }),
      saved: optional(boolean()),
    }),
    testExpression: object({
      expression: string({ minLength: 0, maxLength: MAX_EXPRESSION_LENGTH }),
      kind: expressionKind,
      name: string({ minLength: 0, maxLength: 256 }),
      uid: optional(name),
      persona: optional(name),
      recording: optional(name),
      context: optional(jsonObject),
    }),
    saveScenario: object({
      name,
      run: simulationRequest,
      expected: object({
        outcome: outcomeKind,
        message: optional(string({ minLength: 0, maxLength: 64 * 1024 })),
        stage: optional(name),
      }),
    }),
    listScenarios: none,
  },
  server: SERVER_SCHEMAS,
};

/** Tells whether `service` names a service and `method` one of its methods. */
export function isKnownMethod(service: string, method: string): boolean {
  if (!Object.hasOwn(SERVICE_SCHEMAS, service)) {
    return false;
  }

  const methods = SERVICE_SCHEMAS[service as ServiceName];
  return Object.hasOwn(methods, method);
}

/** Lists the methods of a service, for building clients and checking names. */
export function listMethods<S extends ServiceName>(service: S): MethodName<S>[] {
  return Object.keys(SERVICE_SCHEMAS[service]) as MethodName<S>[];
}

/** Lists the services. */
export function listServices(): ServiceName[] {
  return Object.keys(SERVICE_SCHEMAS) as ServiceName[];
}

/**
 * Checks the arguments of one call. Throws `method-not-found` for an unknown service or method
 * and `invalid-argument` naming the method, the field and what was expected.
 */
export function validateCall(service: string, method: string, args: unknown): void {
  if (!isKnownMethod(service, method)) {
    throw new StagecraftError(
      'method-not-found',
      `${service}.${method} is not a service method. Known services: ${listServices().join(', ')}.`,
      { service, method },
    );
  }

  const methods = SERVICE_SCHEMAS[service as ServiceName] as Record<string, Schema<unknown>>;
  const found = methods[method]?.check(args, '');
  if (found !== undefined) {
    throw invalidArgument(service, method, found);
  }
}

function invalidArgument(service: string, method: string, found: SchemaMismatch): StagecraftError {
  const where = `${service}.${method}`;
  const field = found.path === '' ? 'the argument' : found.path;
  const message =
    found.reason !== undefined
      ? `${where}: ${found.reason}.`
      : `${where}: ${field} must be ${found.expected}, but is ${found.actual}.`;

  return new StagecraftError('invalid-argument', message, {
    service,
    method,
    field,
    expected: found.expected,
    actual: found.actual,
  });
}
