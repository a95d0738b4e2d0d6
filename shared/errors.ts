/**
 * Coded errors. Across the service transport and in `--json` output an error travels as
 * `{code, message, data}`; callers branch on `code`, never on message text.
 */

/** Every error code Stagecraft raises, with the CLI exit code it maps to. */
export const ERROR_CODES = {
  // Reading files
  'file-not-found': { exit: 3, summary: 'The file does not exist.' },
  'file-unreadable': { exit: 3, summary: 'The file could not be read.' },
  'file-too-large': { exit: 4, summary: 'The file is larger than the reader accepts.' },
  'file-binary': { exit: 4, summary: 'The file is not UTF-8 text.' },
  'file-extension': {
    exit: 4,
    summary: 'The file name does not end in .yaml, .yml, .json or .akflow.',
  },
  'file-empty': { exit: 4, summary: 'The file is empty.' },
  'yaml-syntax': { exit: 4, summary: 'The file is not valid YAML.' },
  'yaml-unknown-tag': { exit: 4, summary: 'The file uses a YAML tag authentik does not know.' },
  'yaml-tag-argument': {
    exit: 4,
    summary: 'A blueprint tag is written with a map argument, which authentik cannot use.',
  },
  'yaml-alias-limit': { exit: 4, summary: 'The file expands too many YAML aliases.' },
  'yaml-duplicate-key': { exit: 4, summary: 'A map in the file repeats a key.' },
  'blueprint-shape': { exit: 4, summary: 'The file is YAML but not shaped like a blueprint.' },
  'blueprint-invalid': { exit: 5, summary: 'The blueprint has validation errors.' },
  // Project files
  'project-not-found': { exit: 3, summary: 'The project file does not exist.' },
  'project-exists': { exit: 3, summary: 'A file already exists where the project should go.' },
  'project-corrupt': { exit: 6, summary: 'The project file is damaged.' },
  'project-not-stagecraft': { exit: 6, summary: 'The file is not a Stagecraft project.' },
  'project-newer-schema': { exit: 6, summary: 'The project was written by a newer Stagecraft.' },
  'project-read-only': { exit: 6, summary: 'The project file or its folder cannot be written.' },
  'project-busy': { exit: 6, summary: 'Another process holds the project file.' },
  'project-conflict': { exit: 6, summary: 'A change does not fit the project as it is now.' },
  'project-value-invalid': {
    exit: 6,
    summary: 'A change or record given to the project store is malformed.',
  },
  'nothing-to-undo': { exit: 1, summary: 'There is no change to undo.' },
  'nothing-to-redo': { exit: 1, summary: 'There is no change to redo.' },
  'flow-not-found': { exit: 3, summary: 'No flow with that slug.' },
  'write-failed': { exit: 3, summary: 'The output file could not be written.' },
  // Model
  'model-mismatch': { exit: 70, summary: 'An object was read as a model it is not.' },
  // Python sandbox
  'python-unavailable': { exit: 7, summary: 'The Python runtime (Pyodide) could not be loaded.' },
  'python-pool-closed': { exit: 70, summary: 'The Python pool was closed before the evaluation.' },
  // HTTP layer: live calls, recordings and replay
  'http-invalid-request': {
    exit: 8,
    summary: 'An outgoing request has an invalid URL, method or header.',
  },
  'http-connection-failed': {
    exit: 8,
    summary: 'The server could not be reached or closed the connection.',
  },
  'http-timeout': { exit: 8, summary: 'The server did not answer within the time limit.' },
  'http-too-large': { exit: 8, summary: 'A response body is larger than the size limit.' },
  'http-redirect': {
    exit: 8,
    summary: 'A server redirected to another host; redirects are reported, never followed.',
  },
  'http-no-match': {
    exit: 8,
    summary: 'A replayed request has no answer in the recording or the persona.',
  },
  'http-live-disabled': {
    exit: 8,
    summary: 'An evaluation tried a live HTTP call, but only replay is allowed for it.',
  },
  'recording-invalid': { exit: 4, summary: 'An HTTP recording file is malformed or truncated.' },
  'recording-version': {
    exit: 4,
    summary: 'An HTTP recording was written in a format version this Stagecraft cannot read.',
  },
  'recording-mismatch': {
    exit: 4,
    summary: 'An HTTP recording belongs to another source, provider or API base.',
  },
  'credentials-missing': {
    exit: 9,
    summary: 'A live OAuth run needs a client secret from an environment variable that is unset.',
  },
  'oauth-login-failed': {
    exit: 8,
    summary: 'The OAuth login did not return a code: denied, wrong state or timed out.',
  },
  'source-not-found': { exit: 3, summary: 'No source with that slug in the project.' },
  'source-unsupported': {
    exit: 2,
    summary: 'The source is of a provider type that this command does not support.',
  },
  // authentik servers: profiles, tokens, pull, diff and push
  'server-url-invalid': {
    exit: 2,
    summary: 'A server address is not an https:// URL (plain http only for this computer).',
  },
  'server-profile-invalid': { exit: 2, summary: 'A server profile has an invalid field.' },
  'server-profile-not-found': { exit: 3, summary: 'No server profile with that name.' },
  'server-ca-unreadable': { exit: 3, summary: 'The CA certificate file cannot be read.' },
  'server-flow-not-found': { exit: 3, summary: 'The server has no flow with that slug.' },
  'server-instance-conflict': {
    exit: 2,
    summary: 'A blueprint instance of that name reads a file on the server, not inline content.',
  },
  'server-unreachable': { exit: 14, summary: 'The server could not be reached.' },
  'server-timeout': { exit: 14, summary: 'The server did not answer within the time limit.' },
  'server-tls': {
    exit: 14,
    summary: "The server's TLS certificate could not be verified (self-signed, wrong CA or name).",
  },
  'server-connection-lost': {
    exit: 14,
    summary: 'The connection dropped before the server answered; the outcome is unknown.',
  },
  'server-token-missing': {
    exit: 15,
    summary: 'No API token: set the token variable, STAGECRAFT_TOKEN, or store one in the app.',
  },
  'server-token-rejected': {
    exit: 15,
    summary: 'The server rejected the API token (invalid, expired or not an API token).',
  },
  'server-forbidden': {
    exit: 15,
    summary: "The token's user lacks a permission the request needs.",
  },
  'server-rejected': {
    exit: 16,
    summary: 'The server rejected the blueprint; its logs name the entry and the reason.',
  },
  'server-apply-failed': {
    exit: 16,
    summary: 'The managed blueprint instance was applied and ended with status error.',
  },
  'server-apply-timeout': {
    exit: 17,
    summary: 'The server did not report the blueprint apply within the time limit.',
  },
  'server-endpoint-missing': {
    exit: 17,
    summary: 'The server has no such API endpoint (an older authentik release).',
  },
  'server-error': { exit: 17, summary: 'The server failed with an internal error (HTTP 5xx).' },
  'server-response-invalid': {
    exit: 17,
    summary: 'The server answered with a body that is not what the authentik API returns.',
  },
  // Flow simulation: outcomes of `stagecraft simulate` and the inputs it reads
  'simulation-denied': {
    exit: 10,
    summary: 'The simulated flow denied access (a stage, a flow policy or the flow settings).',
  },
  'simulation-rejected': {
    exit: 11,
    summary: 'A stage rejected the simulated answer and would show its form again.',
  },
  'simulation-input-required': {
    exit: 12,
    summary: 'A stage needs an answer that the run did not give (see --input).',
  },
  'simulation-error': {
    exit: 13,
    summary: 'The simulated flow failed with an error, e.g. a policy that never finished.',
  },
  'persona-not-found': { exit: 3, summary: 'No persona or directory user with that name.' },
  'persona-invalid': { exit: 6, summary: 'A stored persona is malformed.' },
  // Saved scenarios and `stagecraft test`
  'scenario-invalid': {
    exit: 6,
    summary: 'A saved scenario is malformed or has a format version this Stagecraft cannot read.',
  },
  'scenario-not-found': { exit: 3, summary: 'No saved scenario with that name.' },
  'scenario-mismatch': {
    exit: 18,
    summary: 'At least one saved scenario ran differently from what it expects.',
  },
  // App services and their transports (Electron IPC, web mode)
  'invalid-argument': {
    exit: 2,
    summary: 'A service call has an argument of the wrong type or shape.',
  },
  'method-not-found': { exit: 2, summary: 'A service call names no known service or method.' },
  'request-forbidden': {
    exit: 2,
    summary: 'A web-mode request has no valid token, or a foreign Host or Origin.',
  },
  'no-project-open': { exit: 1, summary: 'The call needs an open project, and none is open.' },
  'backend-unreachable': {
    exit: 7,
    summary: 'The renderer could not reach the Node side (web server stopped, window closing).',
  },
  unsupported: { exit: 2, summary: 'The action is not available in this mode of the app.' },
  'secret-storage-unavailable': {
    exit: 7,
    summary: 'No encrypted storage is available, so secrets are not persisted.',
  },
  // Command line
  usage: { exit: 2, summary: 'The command line is invalid.' },
  internal: { exit: 70, summary: 'Stagecraft failed unexpectedly.' },
} as const;

/** A stable error code. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The shape an error takes across the service transport and in JSON output. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
  data?: Record<string, unknown>;
}

/** An error with a stable code, a message naming the value and the fix, and structured data. */
export class StagecraftError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, data: Record<string, unknown> = {}) {
    super(message);
    this.name = 'StagecraftError';
    this.code = code;
    this.data = data;
  }

  /** Converts the error into its transport shape. */
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message, data: this.data };
  }
}

/** Tells whether a value is a StagecraftError, also across module copies. */
export function isStagecraftError(value: unknown): value is StagecraftError {
  return value instanceof Error && value.name === 'StagecraftError' && 'code' in value;
}
