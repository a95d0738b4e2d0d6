/**
 * Masking of secrets in values that a trace shows: plan contexts, policy contexts and inputs.
 * Passwords typed into prompts, tokens of source connections and password hashes must never
 * reach a trace, a terminal or a saved scenario.
 */
import type { JsonValue } from './evaluation.js';

/** The text that replaces a secret. */
export const MASK = '***';

// Keys whose values are credentials: anything naming a password, secret or token (such as
// `password_repeat` or `access_token`), key material and hashes. The exceptions name settings
// or dates, not credentials.
const SECRET_KEY = /password|passwd|secret|token|key_data|private_key|hash$/i;

const NOT_SECRET = new Set([
  'password_change_date',
  'password_field',
  'allow_show_password',
  'password_stage',
  'token_expiry',
]);

/** Tells whether a map key names a credential whose value must be masked. */
export function isSecretKey(key: string): boolean {
  return !NOT_SECRET.has(key) && SECRET_KEY.test(key);
}

/**
 * Returns a copy of `value` with the values of credential keys replaced by {@link MASK}, at any
 * depth. Empty values stay visible, because "no password given" is useful to see.
 */
export function maskSecrets(value: JsonValue, depth = 0): JsonValue {
  if (depth > 32 || value === null || typeof value !== 'object') {
    return value;
  }

  if (Array.isArray(value)) {
    return value.map((item) => maskSecrets(item, depth + 1));
  }

  const masked: Record<string, JsonValue> = {};
  for (const [key, item] of Object.entries(value)) {
    const hidden = isSecretKey(key) && item !== null && item !== '';
    masked[key] = hidden ? MASK : maskSecrets(item, depth + 1);
  }

  return masked;
}

/** Masks every value of a map whose key names a credential. */
export function maskMap(value: Record<string, JsonValue>): Record<string, JsonValue> {
  return maskSecrets(value) as Record<string, JsonValue>;
}
