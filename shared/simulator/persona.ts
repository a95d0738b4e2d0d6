/**
 * Personas: the simulated people who run flows. A persona names the user it signs in as and
 * carries what authentik would learn about the visitor from elsewhere: the password check, the
 * authenticator devices, the captcha result, the network (IP, GeoIP, ASN) and the reputation
 * scores. Personas are stored in the project's `personas` table as JSON.
 */
import { StagecraftError } from '../errors.js';
import type { JsonValue, SimDevice } from './evaluation.js';

/** The user a persona signs in as. */
export interface PersonaUser {
  /** Username; a directory user with this name is used and overlaid with the fields below. */
  username: string;
  name?: string;
  email?: string;
  isActive?: boolean;
  /** `internal`, `external`, `service_account` or `internal_service_account`. */
  type?: string;
  path?: string;
  attributes?: Record<string, JsonValue>;
  /** Names of the groups the user is a direct member of, added to the directory's. */
  groups?: string[];
  /** ISO 8601 timestamps. */
  lastLogin?: string | null;
  passwordChangeDate?: string;
}

/** The visitor's network data, as GeoIP and ASN lookups report it. */
export interface PersonaNetwork {
  /** Client address as authentik's ClientIPMiddleware determines it. */
  clientIp?: string;
  /** GeoIP data `{continent, country, lat, long, city}`; null when unavailable. */
  geoip?: JsonValue;
  /** ASN data `{asn, as_org, network}`; null when unavailable. */
  asn?: JsonValue;
}

/** A stored persona. */
export interface Persona {
  name: string;
  description?: string;
  user: PersonaUser;
  /**
   * Whether the user exists in the directory. Default true. Set it to false for someone who has
   * not signed up yet, such as a visitor of an enrollment flow or a new identity at a source.
   */
  inDirectory?: boolean;
  /**
   * Salted hash of the user's password (`scrypt$<N>$<r>$<p>$<salt>$<hash>`, base64 parts), made
   * by `hashPassword`. Never a plain password.
   */
  passwordHash?: string;
  /** Accept any typed password, for runs that do not care about the password. */
  acceptAnyPassword?: boolean;
  /** Whether the browser session is already logged in as the user when the run starts. */
  authenticated?: boolean;
  /** Authenticator devices of the user, for authenticator validation and `ak_user_has_authenticator`. */
  devices?: SimDevice[];
  /** Whether the user's authenticator code or key is accepted. Default `pass`. */
  mfa?: 'pass' | 'fail';
  /** Whether the captcha provider accepts the visitor. Default `pass`. */
  captcha?: 'pass' | 'fail';
  /** Slugs of applications the user has already consented to. */
  consents?: string[];
  /** Slugs of sources the user is already connected to (a UserSourceConnection exists). */
  sourceConnections?: string[];
  network?: PersonaNetwork;
  /** Reputation scores authentik has recorded for the client IP and the username. */
  reputation?: { ip?: number; username?: number };
  /** Input values for stages, used when the run gives no `--input` for that key. */
  inputs?: Record<string, string | string[]>;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionalString(data: Record<string, unknown>, key: string, where: string): void {
  const value = data[key];
  if (value !== undefined && value !== null && typeof value !== 'string') {
    throw invalid(where, `${key} must be a string`);
  }
}

function invalid(where: string, detail: string): StagecraftError {
  return new StagecraftError('persona-invalid', `Persona ${where} is invalid: ${detail}.`, {
    persona: where,
  });
}

/**
 * Checks stored persona JSON and returns it typed. Throws `persona-invalid` naming the persona
 * and the field, because personas are edited by hand and by the app.
 */
export function parsePersona(data: unknown, where: string): Persona {
  if (!isRecord(data)) {
    throw invalid(where, 'it is not a JSON object');
  }

  if (typeof data.name !== 'string' || data.name.trim() === '') {
    throw invalid(where, 'name must be a non-empty string');
  }

  const user = data.user;
  if (!isRecord(user) || typeof user.username !== 'string' || user.username === '') {
    throw invalid(where, 'user.username must be a non-empty string');
  }

  for (const key of ['name', 'email', 'type', 'path', 'lastLogin', 'passwordChangeDate']) {
    optionalString(user, key, where);
  }
  if (user.groups !== undefined && !isStringList(user.groups)) {
    throw invalid(where, 'user.groups must be a list of group names');
  }
  if (user.attributes !== undefined && !isRecord(user.attributes)) {
    throw invalid(where, 'user.attributes must be a JSON object');
  }

  optionalString(data, 'passwordHash', where);
  if (typeof data.passwordHash === 'string' && !data.passwordHash.startsWith('scrypt$')) {
    throw invalid(where, 'passwordHash must be a scrypt hash; set the password through the CLI');
  }

  if (data.inDirectory !== undefined && typeof data.inDirectory !== 'boolean') {
    throw invalid(where, 'inDirectory must be true or false');
  }

  for (const key of ['mfa', 'captcha'] as const) {
    const value = data[key];
    if (value !== undefined && value !== 'pass' && value !== 'fail') {
      throw invalid(where, `${key} must be "pass" or "fail"`);
    }
  }

  if (data.devices !== undefined && !isDeviceList(data.devices)) {
    throw invalid(where, 'devices must be a list of {type, name?, confirmed?}');
  }
  if (data.consents !== undefined && !isStringList(data.consents)) {
    throw invalid(where, 'consents must be a list of application slugs');
  }
  if (data.sourceConnections !== undefined && !isStringList(data.sourceConnections)) {
    throw invalid(where, 'sourceConnections must be a list of source slugs');
  }
  if (data.inputs !== undefined && !isInputMap(data.inputs)) {
    throw invalid(where, 'inputs must map keys to a string or a list of strings');
  }

  return data as unknown as Persona;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}

function isDeviceList(value: unknown): value is SimDevice[] {
  return (
    Array.isArray(value) && value.every((item) => isRecord(item) && typeof item.type === 'string')
  );
}

function isInputMap(value: unknown): value is Record<string, string | string[]> {
  return (
    isRecord(value) &&
    Object.values(value).every((item) => typeof item === 'string' || isStringList(item))
  );
}
