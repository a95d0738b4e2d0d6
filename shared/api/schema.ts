/**
 * A small runtime validator for service arguments. Each schema states in words what it accepts,
 * so a rejected argument produces a message such as `path must be a non-empty string`. Schemas
 * also carry the TypeScript type they accept, which lets `SERVICE_SCHEMAS` be checked against the
 * service interfaces at compile time.
 */

/** The location and reason of a value's mismatch with a schema. */
export interface SchemaMismatch {
  /** Dotted path of the offending value inside the argument object, e.g. `files[2].text`. */
  path: string;
  /** The description of what the schema accepts at that path. */
  expected: string;
  /** A short description of the value that was given. */
  actual: string;
  /** A full explanation from a custom check, naming the nested value that is wrong. */
  reason?: string;
}

/** A runtime check for values of type `T`. */
export interface Schema<T> {
  /** The description of accepted values, phrased to complete "must be …". */
  readonly expected: string;
  /** True when the key may be left out of an enclosing object. */
  readonly optional: boolean;
  /** Returns the first mismatch inside `value`, or undefined when it matches. */
  check(value: unknown, path: string): SchemaMismatch | undefined;
  /** Never set: it only carries `T` for type inference. */
  readonly type?: T;
}

/** The TypeScript type a schema accepts. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;

type RequiredKeys<S extends Shape> = {
  [K in keyof S]: S[K]['optional'] extends true ? never : K;
}[keyof S];

type OptionalKeys<S extends Shape> = Exclude<keyof S, RequiredKeys<S>>;

type Simplify<T> = { [K in keyof T]: T[K] };

/** The object type an object schema accepts: optional schemas become optional keys. */
export type ObjectOf<S extends Shape> = Simplify<
  { [K in RequiredKeys<S>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Infer<S[K]> }
>;

/** Describes a value briefly for an error message, without echoing long or secret text. */
export function describeActual(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (value === undefined) {
    return 'nothing';
  }
  if (Array.isArray(value)) {
    return `an array of ${value.length}`;
  }
  if (typeof value === 'string') {
    return `a string of ${value.length} characters`;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return `${typeof value} ${String(value)}`;
  }

  return typeof value === 'object' ? 'an object' : typeof value;
}

function mismatch(path: string, expected: string, value: unknown): SchemaMismatch {
  return { path, expected, actual: describeActual(value) };
}

function schema<T>(
  expected: string,
  check: (value: unknown, path: string) => SchemaMismatch | undefined,
): Schema<T> {
  return { expected, optional: false, check };
}

/** Options of {@link string}. */
export interface StringOptions {
  /** The minimum length; 1 unless given. */
  minLength?: number;
  /** The maximum length in UTF-16 code units. */
  maxLength: number;
  /** A pattern the whole string must match, and its description for messages. */
  pattern?: { regex: RegExp; description: string };
}

/** Creates a schema for a string of bounded length without NUL characters, which no path may contain. */
export function string(options: StringOptions): Schema<string> {
  const minLength = options.minLength ?? 1;
  const parts = [minLength > 0 ? 'a non-empty string' : 'a string'];
  parts.push(`of at most ${options.maxLength} characters`);
  if (options.pattern !== undefined) {
    parts.push(`(${options.pattern.description})`);
  }
  const expected = parts.join(' ');

  return schema(expected, (value, path) => {
    if (typeof value !== 'string') {
      return mismatch(path, expected, value);
    }

    const fits = value.length >= minLength && value.length <= options.maxLength;
    const clean = !value.includes('\0');
    const matches = options.pattern === undefined || options.pattern.regex.test(value);
    return fits && clean && matches ? undefined : mismatch(path, expected, value);
  });
}

/** Creates a schema for a whole number within bounds. */
export function integer(options: { min: number; max: number }): Schema<number> {
  const expected = `a whole number from ${options.min} to ${options.max}`;

  return schema(expected, (value, path) =>
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= options.min &&
    value <= options.max
      ? undefined
      : mismatch(path, expected, value),
  );
}

/** Creates a schema for `true` or `false`. */
export function boolean(): Schema<boolean> {
  const expected = 'true or false';

  return schema(expected, (value, path) =>
    typeof value === 'boolean' ? undefined : mismatch(path, expected, value),
  );
}

/** Creates a schema for one of the given strings. */
export function oneOf<const T extends readonly string[]>(values: T): Schema<T[number]> {
  const expected = `one of ${values.map((value) => JSON.stringify(value)).join(', ')}`;

  return schema(expected, (value, path) =>
    typeof value === 'string' && values.includes(value)
      ? undefined
      : mismatch(path, expected, value),
  );
}

/** Creates a schema for an array of bounded length whose items all match `item`. */
export function array<T>(item: Schema<T>, options: { maxItems: number }): Schema<T[]> {
  const expected = `an array of at most ${options.maxItems} items`;

  return schema(expected, (value, path) => {
    if (!Array.isArray(value) || value.length > options.maxItems) {
      return mismatch(path, expected, value);
    }

    for (const [index, element] of value.entries()) {
      const found = item.check(element, `${path}[${index}]`);
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return false;
  }

  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/**
 * Creates a schema for a plain object with exactly these keys. Unknown keys are rejected rather
 * than ignored, so a misspelt option fails loudly instead of silently taking its default.
 */
export function object<S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  const keys = Object.keys(shape);
  const expected =
    keys.length === 0 ? 'an empty object' : `an object with the keys ${keys.join(', ')}`;

  return schema(expected, (value, path) => {
    if (!isPlainObject(value)) {
      return mismatch(path, expected, value);
    }

    for (const key of Object.keys(value)) {
      if (!Object.hasOwn(shape, key)) {
        return {
          path: join(path, key),
          expected: `absent: ${keys.length === 0 ? 'no keys are' : `only ${keys.join(', ')} are`} known`,
          actual: 'an unknown key',
        };
      }
    }

    for (const [key, field] of Object.entries(shape)) {
      const item = value[key];
      if (item === undefined && field.optional) {
        continue;
      }

      const found = field.check(item, join(path, key));
      if (found !== undefined) {
        return found;
      }
    }
    return undefined;
  });
}

/** Makes a schema's key optional in an enclosing object. */
export function optional<T>(inner: Schema<T>): Schema<T | undefined> & { optional: true } {
  return { ...inner, optional: true };
}

/**
 * Creates a schema with its own check. `check` returns why the value at `path` does not match, or
 * undefined when it matches.
 */
export function custom<T>(
  expected: string,
  check: (value: unknown, path: string) => string | undefined,
): Schema<T> {
  return schema(expected, (value, path) => {
    const reason = check(value, path);
    return reason === undefined
      ? undefined
      : { path, expected, actual: describeActual(value), reason };
  });
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}
