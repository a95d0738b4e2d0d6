/**
 * Checks of the server profile form before it is sent, in the words of the form. The backend
 * applies the same rules (main/server/profiles.ts and main/server/url.ts); checking here lets
 * each message appear next to its field instead of as a service error.
 */
import { isStagecraftError } from '../../shared/errors.js';

/** A field of the profile form. */
export type ProfileField = 'name' | 'url' | 'caFile' | 'tokenVariable' | 'token';

/** The problem of each invalid field, in plain words. */
export type FieldProblems = Partial<Record<ProfileField, string>>;

/** The values of the form as typed. */
export interface ProfileFormValues {
  name: string;
  url: string;
  caFile: string;
  tokenVariable: string;
  token: string;
}

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const NAME_MAX_LENGTH = 64;
const VARIABLE_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;
const VARIABLE_MAX_LENGTH = 128;
/** The backend's limit (shared/server/schemas.ts); authentik's API keys are 60 characters. */
const TOKEN_MAX_LENGTH = 1024;

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();

  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function checkName(name: string): string | undefined {
  if (name === '') {
    return 'Enter a name for this profile, e.g. production.';
  }
  if (name.length > NAME_MAX_LENGTH) {
    return `Use at most ${NAME_MAX_LENGTH} characters.`;
  }
  if (!NAME_PATTERN.test(name)) {
    return 'Use only letters, digits, ".", "_" and "-", starting with a letter or digit.';
  }

  return undefined;
}

function checkUrl(text: string): string | undefined {
  if (text === '' || /^https?:\/\/$/i.test(text)) {
    return 'Enter the server address, e.g. https://auth.example.com.';
  }

  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return 'This is not a web address. Write it as https://auth.example.com.';
  }

  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return 'Use an https:// address.';
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return 'Use https://. Plain http:// would send the API token unencrypted, so it is accepted only for localhost and 127.0.0.1.';
  }
  if (url.username !== '' || url.password !== '') {
    return 'Leave the user name and password out of the address, and enter the API token below.';
  }
  if (url.search !== '' || url.hash !== '') {
    return 'Remove the part from "?" or "#" on, and give only the server address.';
  }

  return undefined;
}

function checkCaFile(path: string): string | undefined {
  const absolute = path.startsWith('/') || /^[A-Za-z]:[\\/]/.test(path) || path.startsWith('\\\\');

  return path === '' || absolute
    ? undefined
    : 'Give the full path of the PEM file, e.g. /etc/ssl/certs/my-ca.pem.';
}

function checkTokenVariable(name: string): string | undefined {
  if (name === '') {
    return undefined;
  }
  if (name.length > VARIABLE_MAX_LENGTH || !VARIABLE_PATTERN.test(name)) {
    return 'Use an environment variable name: letters, digits and "_", not starting with a digit.';
  }

  return undefined;
}

/** Checks the form, with the values trimmed as they are sent. Returns no keys when all pass. */
export function checkProfileForm(values: ProfileFormValues): FieldProblems {
  const problems: FieldProblems = {};
  const checks: [ProfileField, string | undefined][] = [
    ['name', checkName(values.name.trim())],
    ['url', checkUrl(values.url.trim())],
    ['caFile', checkCaFile(values.caFile.trim())],
    ['tokenVariable', checkTokenVariable(values.tokenVariable.trim())],
    [
      'token',
      values.token.length > TOKEN_MAX_LENGTH
        ? `The token is longer than ${TOKEN_MAX_LENGTH} characters. Paste only the API token.`
        : undefined,
    ],
  ];

  for (const [field, problem] of checks) {
    if (problem !== undefined) {
      problems[field] = problem;
    }
  }

  return problems;
}

const FIELDS: readonly ProfileField[] = ['name', 'url', 'caFile', 'tokenVariable', 'token'];

/**
 * Returns the field problem of an error the backend raised for the form's input, or undefined
 * for other errors (a failed save, a server that cannot be reached), which the form shows as
 * they are. The backend's own checks word their messages for people, but argument-check
 * messages name the service contract, so those get the form's words instead.
 */
export function fieldProblemOf(error: unknown): FieldProblems | undefined {
  if (!isStagecraftError(error)) {
    return undefined;
  }

  if (error.code === 'server-url-invalid') {
    return { url: error.message };
  }

  const field = typeof error.data.field === 'string' ? error.data.field : '';
  const name = FIELDS.find((candidate) => field === candidate || field.endsWith(`.${candidate}`));
  if (error.code === 'server-profile-invalid' && name !== undefined) {
    return { [name]: error.message };
  }
  if (error.code === 'invalid-argument' && name !== undefined) {
    return { [name]: 'Stagecraft does not accept this value. Correct it and save again.' };
  }

  return undefined;
}

/**
 * Describes where the profile's token is kept, by the secret storage of this app: encrypted at
 * rest (Electron's safeStorage) or in memory until Stagecraft stops (web mode).
 */
export function describeTokenStorage(
  profile: { tokenSource: 'secret-store' | 'environment' | 'none'; tokenVariable?: string } | null,
  persistent: boolean,
  defaultVariable: string,
): string {
  const variable = profile?.tokenVariable ?? defaultVariable;
  if (profile?.tokenSource === 'environment') {
    return `The token comes from the environment variable ${variable} of the Stagecraft process. A token entered here takes its place.`;
  }

  if (profile?.tokenSource === 'secret-store') {
    return persistent
      ? 'A token for this profile is stored, encrypted with the system key store.'
      : `A token for this profile is held in memory until Stagecraft stops. After a restart, enter it again or set ${variable}.`;
  }

  return persistent
    ? 'No token is stored yet. A token entered here is stored encrypted with the system key store.'
    : `No token is stored yet. A token entered here is held in memory only, until Stagecraft stops; to keep one across restarts, set ${variable} in the environment of Stagecraft.`;
}
