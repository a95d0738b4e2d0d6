/**
 * The argument schemas of the server service, checked by both transports before a handler runs.
 * The table's type requires one schema per method of `ServerService`.
 */
import { array, boolean, object, oneOf, optional, string } from '../api/schema.js';
import type { Schema } from '../api/schema.js';
import type { ServerService } from './service.js';

/** The maximum length of an API token, in UTF-16 code units; authentik's keys are 60 characters. */
export const MAX_TOKEN_LENGTH = 1024;

/** The maximum length of a value given for an `!Env` variable: room for a PEM private key. */
export const MAX_ENV_VALUE_LENGTH = 64 * 1024;

const profileName = string({
  maxLength: 64,
  pattern: {
    regex: /^[A-Za-z0-9][A-Za-z0-9._-]*$/,
    description: 'letters, digits, ".", "_" and "-", starting with a letter or digit',
  },
});
const variableName = string({
  maxLength: 128,
  pattern: { regex: /^[A-Za-z_][A-Za-z0-9_]*$/, description: 'an environment variable name' },
});
const slugs = array(string({ maxLength: 256 }), { maxItems: 10_000 });
const uids = array(string({ maxLength: 256 }), { maxItems: 100_000 });

const profile = object({
  name: profileName,
  url: string({ maxLength: 2048 }),
  caFile: optional(string({ minLength: 0, maxLength: 4096 })),
  tokenVariable: optional(string({ minLength: 0, maxLength: 128 })),
});

const envChoice = object({
  name: variableName,
  source: oneOf(['server', 'value'] as const),
  value: optional(string({ minLength: 0, maxLength: MAX_ENV_VALUE_LENGTH })),
});

/** One schema per method of the server service. */
export type ServerSchemas = {
  [M in keyof ServerService]: Schema<Parameters<ServerService[M]>[0]>;
};

/** The argument schemas of the server service. */
export const SERVER_SCHEMAS: ServerSchemas = {
  listProfiles: object({}),
  saveProfile: object({ profile, token: optional(string({ maxLength: MAX_TOKEN_LENGTH })) }),
  removeProfile: object({ name: profileName }),
  testConnection: object({ profile: profileName }),
  listFlows: object({ profile: profileName }),
  pull: object({ profile: profileName, flows: slugs }),
  plan: object({ profile: profileName, flows: optional(slugs), uids: optional(uids) }),
  push: object({
    profile: profileName,
    flows: optional(slugs),
    uids: optional(uids),
    mode: oneOf(['import', 'managed'] as const),
    instanceName: optional(string({ maxLength: 256 })),
    env: array(envChoice, { maxItems: 1000 }),
    dryRun: optional(boolean()),
  }),
};
