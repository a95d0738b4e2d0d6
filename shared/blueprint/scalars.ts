/**
 * Plain-scalar typing as PyYAML's SafeLoader does it. authentik loads blueprints with a SafeLoader
 * subclass, which follows YAML 1.1: `yes`, `no`, `on` and `off` are booleans, `0755` is octal,
 * `1_000` is an integer and `1e5` (no dot) is a string. The `yaml` package's YAML 1.2 core schema
 * reads several of these differently, so the reader parses every scalar as text and types plain
 * scalars here. The regular expressions are those of PyYAML 6 (`yaml/resolver.py`).
 */

/** A typed plain scalar. */
export type ScalarValue = string | number | boolean | null;

const BOOL_PATTERN =
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/;
const TRUE_WORDS = new Set(['yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);

const INT_PATTERN =
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/;

const FLOAT_PATTERN =
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const NULL_PATTERN = /^(?:~|null|Null|NULL|)$/;

const TIMESTAMP_PATTERN =
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/;

/** PyYAML's `<<` merge key and its `=` value key; SafeLoader fails on a plain `=`. */
const SPECIAL_PATTERN = /^(?:<<|=)$/;

/**
 * Types a plain (unquoted, untagged) scalar the way PyYAML's SafeLoader does.
 *
 * Two readings differ from PyYAML on purpose. Timestamps stay strings, because a project value
 * has no date type; authentik's serializers accept the ISO text for date fields. Integers beyond
 * 2^53 stay their decimal text, because a JavaScript number would change their digits (Discord
 * and other snowflake ids are that long).
 */
export function resolvePlainScalar(text: string): ScalarValue {
  if (NULL_PATTERN.test(text)) {
    return null;
  }

  if (BOOL_PATTERN.test(text)) {
    return TRUE_WORDS.has(text);
  }

  if (INT_PATTERN.test(text)) {
    return parseYamlInt(text);
  }

  if (FLOAT_PATTERN.test(text)) {
    return parseYamlFloat(text);
  }

  return text;
}

/**
 * Tells whether PyYAML reads `text`, written as a plain scalar, as the same string. The writer
 * quotes every string for which this is false, such as `yes`, `0123` or `2024-01-01`.
 */
export function readsAsPlainString(text: string): boolean {
  if (TIMESTAMP_PATTERN.test(text) || SPECIAL_PATTERN.test(text)) {
    return false;
  }

  return resolvePlainScalar(text) === text;
}

/**
 * Converts the text of a scalar with an explicit core tag (`!!int "12"`, `!!bool yes`) as PyYAML's
 * SafeConstructor does. Returns undefined when the text does not fit the tag, which PyYAML rejects.
 */
export function resolveCoreTaggedScalar(
  tag: 'int' | 'float' | 'bool' | 'null' | 'str',
  text: string,
): ScalarValue | undefined {
  switch (tag) {
    case 'str':
      return text;
    case 'null':
      return null;
    case 'bool':
      return BOOL_PATTERN.test(text) ? TRUE_WORDS.has(text) : undefined;
    case 'int':
      return INT_PATTERN.test(text) ? parseYamlInt(text) : undefined;
    case 'float':
      if (INT_PATTERN.test(text)) {
        return Number(parseYamlInt(text));
      }
      return FLOAT_PATTERN.test(text) ? parseYamlFloat(text) : undefined;
  }
}

/** Parses a YAML 1.1 integer: sign, `_` separators, `0b`, `0x`, leading-zero octal, base 60. */
function parseYamlInt(text: string): number | string {
  let digits = text.replace(/_/g, '');
  let sign = 1;

  if (digits.startsWith('-') || digits.startsWith('+')) {
    sign = digits.startsWith('-') ? -1 : 1;
    digits = digits.slice(1);
  }

  let magnitude: bigint;
  try {
    magnitude = parseMagnitude(digits);
  } catch {
    // PyYAML fails on digit-less forms such as `0b_`; keeping the text lets validation report it.
    return text;
  }

  const value = sign < 0 ? -magnitude : magnitude;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    return value.toString();
  }

  return Number(value);
}

function parseMagnitude(digits: string): bigint {
  if (digits === '0') {
    return 0n;
  }

  if (digits.startsWith('0b')) {
    return BigInt(`0b${digits.slice(2)}`);
  }

  if (digits.startsWith('0x')) {
    return BigInt(`0x${digits.slice(2)}`);
  }

  if (digits.startsWith('0')) {
    return BigInt(`0o${digits.slice(1)}`);
  }

  if (digits.includes(':')) {
    return digits.split(':').reduce((total, part) => total * 60n + BigInt(part), 0n);
  }

  return BigInt(digits);
}

/** Parses a YAML 1.1 float: `_` separators, `.inf`, `.nan` and base 60. */
function parseYamlFloat(text: string): number {
  const cleaned = text.replace(/_/g, '').toLowerCase();

  if (cleaned.endsWith('.inf')) {
    return cleaned.startsWith('-') ? -Infinity : Infinity;
  }

  if (cleaned === '.nan') {
    return NaN;
  }

  if (cleaned.includes(':')) {
    const sign = cleaned.startsWith('-') ? -1 : 1;
    const parts = cleaned.replace(/^[-+]/, '').split(':');
    return sign * parts.reduce((total, part) => total * 60 + Number(part), 0);
  }

  return Number(cleaned);
}
