// Shared fixtures of the Python evaluator tests: reference files, a sample directory and
// request builders.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { EvaluationRequest, SimDirectory } from '../../shared/simulator/evaluation.js';

const SHARED = '../shared';

/** Reads a file of the reference folder next to the repository. */
export function readShared(path: string): string {
  if (!existsSync(SHARED)) {
    throw new Error(
      `The reference folder ${SHARED} is missing; these tests read authentik failure cases from it.`,
    );
  }

  return readFileSync(join(SHARED, path), 'utf8');
}

/** Returns a directory without objects. */
export function emptyDirectory(): SimDirectory {
  return { users: [], groups: [], sources: [], connections: [] };
}

/** Group primary keys of the sample directory. */
export const GROUPS = {
  staff: '0c6a1a52-0000-4000-8000-000000000001',
  admins: '0c6a1a52-0000-4000-8000-000000000002',
  discordMembers: '0c6a1a52-0000-4000-8000-000000000003',
  discordMods: '0c6a1a52-0000-4000-8000-000000000004',
  guests: '0c6a1a52-0000-4000-8000-000000000005',
};

/** Source primary keys of the sample directory. */
export const SOURCES = {
  discord: '5a1f0000-0000-4000-8000-000000000001',
  plex: '5a1f0000-0000-4000-8000-000000000002',
};

/**
 * Returns a small directory. `admins` is a child of `staff`, a superuser group. Two groups carry
 * a Discord role id, and quietheron is linked to the Discord source.
 */
export function sampleDirectory(): SimDirectory {
  return {
    users: [
      {
        pk: 1,
        username: 'quietheron',
        name: 'Quiet Heron',
        email: 'heron@mail.glade.example',
        attributes: { discord_handle: 'quietheron' },
        groups: [GROUPS.admins, GROUPS.discordMembers],
        devices: [{ type: 'totp', name: 'phone' }],
      },
      {
        pk: 2,
        username: 'ashfinch',
        name: 'Ash Finch',
        email: 'ash@mail.glade.example',
        is_active: false,
        attributes: { level: 3 },
        groups: [GROUPS.guests],
        devices: [{ type: 'webauthn', confirmed: false }],
      },
      {
        pk: 3,
        username: 'Moss',
        name: 'Moss Wren',
        email: 'moss@other.example',
        attributes: { level: 7, tags: ['a', 'b'] },
        groups: [],
      },
    ],
    groups: [
      { pk: GROUPS.staff, name: 'staff', is_superuser: true, attributes: {} },
      { pk: GROUPS.admins, name: 'admins', parents: [GROUPS.staff], attributes: {} },
      {
        pk: GROUPS.discordMembers,
        name: 'discord-members',
        attributes: { discord_role_id: '1199887766554433221' },
      },
      {
        pk: GROUPS.discordMods,
        name: 'discord-mods',
        attributes: { discord_role_id: '1199887766554433999' },
      },
      { pk: GROUPS.guests, name: 'guests', attributes: {} },
    ],
    sources: [
      { pk: SOURCES.discord, name: 'Discord', slug: 'discord', provider_type: 'discord' },
      { pk: SOURCES.plex, name: 'Plex', slug: 'plex', model: 'authentik_sources_plex.plexsource' },
    ],
    connections: [
      {
        pk: 1,
        user: 1,
        source: 'discord',
        identifier: '1187654321098765432',
        access_token: 'FAKEaccess0token',
      },
    ],
    providers: [
      { pk: 1, name: 'grafana', client_id: 'grafana-client', client_secret: 'FAKEsecret' },
    ],
  };
}

/** Builds a policy evaluation request with an anonymous user and an empty directory. */
export function policy(
  expression: string,
  overrides: Partial<EvaluationRequest> = {},
): EvaluationRequest {
  return {
    kind: 'policy',
    name: 'test-policy',
    expression,
    context: {},
    user: null,
    directory: emptyDirectory(),
    ...overrides,
  };
}

/** Builds a policy request that runs as quietheron over the sample directory. */
export function userPolicy(
  expression: string,
  overrides: Partial<EvaluationRequest> = {},
): EvaluationRequest {
  return policy(expression, {
    user: { pk: 1, username: 'quietheron' },
    directory: sampleDirectory(),
    ...overrides,
  });
}
