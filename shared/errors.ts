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
