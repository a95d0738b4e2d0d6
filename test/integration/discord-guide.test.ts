/**
 * authentik's Discord guide as its code runs. The sample project contains the guide's four
 * policies and its property mapping unchanged, and every built-in persona logs in through it
 * with the real Python sandbox. The tables list what authentik would do for each pair, first
 * with the guide's code as written, then with the fixes the findings suggest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadBlueprint } from '../../main/blueprints/load.js';
import { builtInPersonas } from '../../main/http/personas.js';
import { createPythonPool } from '../../main/python/pool.js';
import type { PythonPool } from '../../main/python/pool.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import {
  GUIDE_OBJECTS,
  SAMPLE_FILE,
  builtIn,
  connected,
  evaluationsOf,
  guideBlocks,
  loginAs,
  nameOf,
  sampleObjects,
} from './discord-support.js';

let pool: PythonPool;

beforeAll(async () => {
  guideBlocks();
  pool = createPythonPool({ size: 1 });
  await pool.ready;
});

afterAll(async () => {
  await pool.close();
});

const PERSONAS = builtInPersonas().map((persona) => persona.name);

const NOT_DEFINED = "name 'OAuthSource' is not defined";

/** Returns the sample with only `policy` of the guide's policies bound, and no mapping. */
function onlyPolicy(
  policy: string,
  edit: (object: ModelObject, attrs: Record<string, unknown>) => void = () => {},
): ModelObject[] {
  const objects = sampleObjects((object, attrs) => {
    if (object.model === 'authentik_sources_oauth.oauthsource') {
      delete attrs.user_property_mappings;
    }
    edit(object, attrs);
  });
  const byUid = new Map(objects.map((object) => [object.uid, object]));

  return objects.filter((object) => {
    if (object.model !== 'authentik_policies.policybinding') {
      return true;
    }

    const target = (object.identifiers as { policy?: { $ref?: string } }).policy?.$ref;
    const bound = target === undefined ? '' : nameOf(byUid.get(target)!);
    return !bound.startsWith('discord-') || bound === policy;
  });
}

/** Applies the fixes the findings name to the guide's code: the import, the guild id, mode `all`. */
function fixed(object: ModelObject, attrs: Record<string, unknown>): void {
  if (
    object.model === 'authentik_policies_expression.expressionpolicy' &&
    nameOf(object).startsWith('discord-')
  ) {
    const expression = String(attrs.expression).replace('<YOUR GUILD ID>', '123456789123456789');
    attrs.expression = `from authentik.sources.oauth.models import OAuthSource\n${expression}`;
  }
  if (object.model === 'authentik_flows.flow') {
    attrs.policy_engine_mode = 'all';
  }
}

// Role syncs on authentication run for users already connected to the source.
function personaFor(policy: string, name: string) {
  const persona = builtIn(name);
  return policy === 'discord-role-sync-authentication' ? connected(persona) : persona;
}

function outcomeOf(trace: SimulationTrace): string {
  const outcome = trace.outcome;
  return 'message' in outcome && outcome.message !== ''
    ? `${outcome.kind}: ${outcome.message}`
    : outcome.kind;
}

describe('sample project', () => {
  it('validates without errors', async () => {
    const loaded = await loadBlueprint(SAMPLE_FILE);
    const errors = loaded.problems.filter((problem) => problem.severity === 'error');

    expect(errors).toEqual([]);
  });

  it.each(GUIDE_OBJECTS.map((name, index) => [name, index] as const))(
    'holds the guide code of %s unchanged',
    (name, index) => {
      const object = sampleObjects().find((candidate) => nameOf(candidate) === name);
      const expression = String((object?.attrs as Record<string, unknown>).expression);

      expect(expression.trimEnd()).toBe(guideBlocks()[index]!.trimEnd());
    },
  );
});

describe('guide code as written', () => {
  it.each(PERSONAS)('fails every login of %s in the property mapping', async (name) => {
    const trace = await loginAs(pool, sampleObjects(), builtIn(name));

    expect(outcomeOf(trace)).toBe(
      "error: Failed to evaluate property mapping: 'discord-avatar-attributes'",
    );
  });

  it('explains the property mapping error with a fix', async () => {
    const trace = await loginAs(pool, sampleObjects(), builtIn('member-with-role'));

    expect(
      trace.findings.find((finding) => finding.code === 'mapping-without-context')?.message,
    ).toContain("NameError: name 'context' is not defined on line 20");
  });

  const cells = GUIDE_OBJECTS.slice(0, 4).flatMap((policy) =>
    PERSONAS.map((name) => [policy, name] as const),
  );

  it.each(cells)('%s raises NameError for %s', async (policy, name) => {
    const trace = await loginAs(pool, onlyPolicy(policy), personaFor(policy, name));
    const evaluation = evaluationsOf(trace, policy)[0];

    expect(evaluation?.messages).toEqual([NOT_DEFINED]);
  });

  it.each(cells)('%s stops nobody, so %s gets in', async (policy, name) => {
    const trace = await loginAs(pool, onlyPolicy(policy), personaFor(policy, name));

    expect(trace.outcome.kind).toBe('completed');
  });

  it('suggests the missing import', async () => {
    const trace = await loginAs(
      pool,
      onlyPolicy('discord-guild-membership'),
      builtIn('not-a-member'),
    );

    expect(
      trace.findings.find((finding) => finding.code === 'expression-missing-import')?.fix,
    ).toBe(
      'Add `from authentik.sources.oauth.models import OAuthSource` as the first line of the expression.',
    );
  });

  it('explains why a failing policy stops nobody', async () => {
    const trace = await loginAs(
      pool,
      onlyPolicy('discord-guild-membership'),
      builtIn('not-a-member'),
    );

    expect(trace.findings.find((finding) => finding.code === 'policy-engine-any')?.fix).toBe(
      'Set policy_engine_mode: all on flow default-source-enrollment, so that every bound policy must pass.',
    );
  });

  it('reports the guild id placeholder', async () => {
    const trace = await loginAs(
      pool,
      onlyPolicy('discord-role-sync-enrollment'),
      builtIn('member-with-role'),
    );

    expect(trace.findings.map((finding) => finding.code)).toContain('expression-placeholder');
  });
});

const GUILD_MISSING =
  'User is not a member of The desired server/guild name in the error message..';
const SCOPE_ERROR = "string indices must be integers, not 'str'";
const API_ERROR = 'Discord API error, try again later.';
const THROTTLED = 'Discord is throttling this connection. Retry in 64s';

/** What authentik does with the fixed guide code, by policy and persona; absent means completed. */
const FIXED_OUTCOMES: Record<string, Record<string, string>> = {
  'discord-guild-membership': {
    'discord-error': `denied: ${SCOPE_ERROR}`,
    'no-guilds-scope': `denied: ${SCOPE_ERROR}`,
    'not-a-member': `denied: ${GUILD_MISSING}`,
  },
  'discord-guild-role': {
    'discord-error': `denied: ${API_ERROR}`,
    'member-without-role': `denied: User is not a member of the The desired role name in the error message. role in The desired server/guild name in the error message..`,
    'no-guilds-scope': `denied: ${API_ERROR}`,
    'not-a-member': `denied: ${GUILD_MISSING}`,
    'rate-limited': "denied: 'roles'",
  },
  'discord-role-sync-enrollment': Object.fromEntries(
    PERSONAS.map((name) => [name, "denied: 'flow_plan'"]),
  ),
  'discord-role-sync-authentication': {
    'discord-error': `denied: ${API_ERROR}`,
    'no-guilds-scope': `denied: ${API_ERROR}`,
    'not-a-member': 'denied: User is not a member of the guild',
    'rate-limited': `denied: ${THROTTLED}`,
  },
};
Object.assign(FIXED_OUTCOMES['discord-role-sync-enrollment']!, {
  'discord-error': `denied: ${API_ERROR}`,
  'no-guilds-scope': `denied: ${API_ERROR}`,
  'not-a-member': 'denied: User is not a member of the guild',
  'rate-limited': `denied: ${THROTTLED}`,
});

describe('guide code with the suggested fixes', () => {
  const cells = Object.keys(FIXED_OUTCOMES).flatMap((policy) =>
    PERSONAS.map((name) => [policy, name, FIXED_OUTCOMES[policy]![name] ?? 'completed'] as const),
  );

  it.each(cells)('%s for %s: %s', async (policy, name, expected) => {
    const trace = await loginAs(pool, onlyPolicy(policy, fixed), personaFor(policy, name));

    expect(outcomeOf(trace)).toBe(expected);
  });

  it('syncs the roles to groups on authentication', async () => {
    const trace = await loginAs(
      pool,
      onlyPolicy('discord-role-sync-authentication', fixed),
      personaFor('discord-role-sync-authentication', 'member-with-role'),
    );

    expect(trace.effects.memberships[0]?.after).toEqual(['discord-members', 'discord-moderators']);
  });

  it('reads only the guilds endpoint for membership', async () => {
    const trace = await loginAs(
      pool,
      onlyPolicy('discord-guild-membership', fixed),
      builtIn('not-a-member'),
    );
    const calls = trace.steps
      .flatMap((step) => step.http ?? [])
      .filter((exchange) => exchange.by.startsWith('policy'));

    expect(
      calls.map((exchange) => `${exchange.method} ${exchange.url} ${exchange.status}`),
    ).toEqual(['GET https://discord.com/api/users/@me/guilds 200']);
  });

  it('explains the error body read as data', async () => {
    const trace = await loginAs(
      pool,
      onlyPolicy('discord-guild-membership', fixed),
      builtIn('no-guilds-scope'),
    );

    expect(
      trace.findings.find((finding) => finding.code === 'policy-reads-error-body')?.message,
    ).toContain('HTTP 401');
  });

  it('explains the missing plan of a flow binding', async () => {
    const trace = await loginAs(
      pool,
      onlyPolicy('discord-role-sync-enrollment', fixed),
      builtIn('member-with-role'),
    );

    expect(trace.findings.map((finding) => finding.code)).toContain('policy-without-flow-plan');
  });
});
