/**
 * The argument schema of every service method. Both transports validate a call against this table
 * before a handler runs, so handlers can trust the types of their arguments. The table's type
 * requires one schema per method of each service interface, so adding a method without a schema
 * fails to compile.
 */
import { StagecraftError } from '../errors.js';
import type { Change } from '../model/changes.js';
import { findChangeShapeError } from '../model/change-shape.js';
import { array, boolean, custom, object, oneOf, optional, string } from './schema.js';
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
