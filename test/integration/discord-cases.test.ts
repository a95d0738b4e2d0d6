/**
 * Real Discord failure cases, run through a whole OAuth login with the real Python sandbox: a
 * member call answered 404 code 10004, a guild list answered 401 for a missing scope, accounts
 * without a display name, and a link through an unverified email. Recorded exchanges of a case
 * are replayed through the HTTP layer. Identities without an exchange come from built-in
 * personas, or from personas built here from the case's recorded user objects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { Redactor } from '../../main/http/redact.js';
import { createPythonPool } from '../../main/python/pool.js';
import type { PythonPool } from '../../main/python/pool.js';
import { personaLogin, recordingLogin } from '../../main/simulator/oauth/run-options.js';
import { asText } from '../../main/simulator/json.js';
import { simulateFlow } from '../../main/simulator/simulate.js';
import type { HttpExchangeData } from '../../shared/http/exchange.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import { parseDiscordPersona } from '../../shared/http/persona.js';
import type { Recording } from '../../shared/http/recording.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { objectsFromYaml, readShared } from '../unit/simulator-helpers.js';
import { builtIn, evaluationsOf } from './discord-support.js';

let pool: PythonPool;

beforeAll(async () => {
  readShared('cases/15-discord-member-10004-not-in-guild/expected.md');
  pool = createPythonPool({ size: 1 });
  await pool.ready;
});

afterAll(async () => {
  await pool.close();
});

function indent(text: string, spaces: number): string {
  return text
    .split('\n')
    .map((line) => (line.trim() === '' ? '' : `${' '.repeat(spaces)}${line}`))
    .join('\n');
}

/**
 * Returns a project whose enrollment flow is gated by one policy, bound to the flow, and a
 * Discord source with the given additional scopes and matching mode.
 */
function project(
  policyName: string,
  expression: string,
  options: { scopes?: string; matching?: string } = {},
): string {
  return `version: 1
entries:
  - model: authentik_flows.flow
    id: enroll
    identifiers: {slug: enroll}
    attrs: {name: Enroll, title: Enroll, designation: enrollment}
  - model: authentik_flows.flow
    id: auth
    identifiers: {slug: auth}
    attrs: {name: Auth, title: Auth, designation: authentication}
  - model: authentik_policies_expression.expressionpolicy
    id: gate
    identifiers: {name: ${policyName}}
    attrs:
      expression: |
${indent(expression, 8)}
  - model: authentik_stages_user_write.userwritestage
    id: write
    identifiers: {name: write}
    attrs: {user_creation_mode: always_create}
  - model: authentik_stages_user_login.userloginstage
    id: login
    identifiers: {name: login}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf enroll, stage: !KeyOf write, order: 0}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf enroll, stage: !KeyOf login, order: 1}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf auth, stage: !KeyOf login, order: 0}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf enroll, policy: !KeyOf gate, order: 0}
  - model: authentik_sources_oauth.oauthsource
    id: discord
    identifiers: {slug: discord}
    attrs:
      name: Discord
      provider_type: discord
      consumer_key: "900000000000000017"
      consumer_secret: FAKEsecret0case17
      additional_scopes: "${options.scopes ?? 'guilds guilds.members.read'}"
      user_matching_mode: ${options.matching ?? 'identifier'}
      authentication_flow: !KeyOf auth
      enrollment_flow: !KeyOf enroll
  - model: authentik_core.user
    identifiers: {username: r.otter}
    attrs: {name: River Otter, email: river.otter@mail.glade.example}
`;
}

const ALLOW = 'return True';

interface CaseExchange {
  method: string;
  url: string;
  request_headers?: Record<string, string>;
  request_body?: string;
  status: number;
  response_headers?: Record<string, string>;
  body: JsonValue;
}

/** Turns a case's exchanges into a recording, with secrets replaced as the HTTP layer does. */
function caseRecording(exchanges: CaseExchange[]): Recording {
  const redactor = new Redactor();
  const data: HttpExchangeData[] = exchanges.map((exchange) =>
    redactor.redactExchange({
      request: {
        method: exchange.method,
        url: exchange.url,
        headers: exchange.request_headers ?? {},
        body: exchange.request_body ?? null,
      },
      response: {
        status: exchange.status,
        headers: exchange.response_headers ?? { 'Content-Type': 'application/json' },
        body: { json: exchange.body },
      },
    }),
  );

  return {
    format: 'stagecraft-http-recording',
    version: 1,
    source: 'discord',
    providerType: 'discord',
    apiBase: 'https://discord.com/api',
    createdAt: '2026-01-01T00:00:00.000Z',
    exchanges: data,
  };
}

/** Builds a persona whose users/@me response is a case's recorded user object. */
function personaFromUser(
  name: string,
  user: Record<string, JsonValue>,
  scope: string,
): DiscordPersona {
  return parseDiscordPersona(
    {
      name,
      user: { username: asText(user.username) },
      inDirectory: false,
      discord: {
        version: 1,
        token: {
          access_token: `FAKEaccess-${name}`,
          token_type: 'Bearer',
          expires_in: 604800,
          refresh_token: `FAKErefresh-${name}`,
          scope,
        },
        user,
        guilds: [],
        members: {},
      },
    },
    name,
  );
}

function run(
  yaml: string,
  persona: DiscordPersona | undefined,
  login: ReturnType<typeof personaLogin>,
  authentikVersion?: string,
): Promise<SimulationTrace> {
  return simulateFlow({
    objects: objectsFromYaml(yaml),
    flow: 'auth',
    evaluator: pool,
    personas: persona === undefined ? [] : [persona],
    ...(persona === undefined ? {} : { actor: persona.name }),
    viaSource: 'discord',
    oauth: login,
    ...(authentikVersion === undefined ? {} : { authentikVersion }),
  });
}

describe('member call answered 404 code 10004', () => {
  const policy = (): string => readShared('cases/15-discord-member-10004-not-in-guild/policy.py');
  const naive = [
    'GUILD = "1122334455667788990"',
    'ROLE = "1199887766554433221"',
    'conn = context.get("goauthentik.io/sources/connection")',
    'return ROLE in requests.get(',
    '    f"https://discord.com/api/v10/users/@me/guilds/{GUILD}/member",',
    '    headers={"Authorization": f"Bearer {conn.access_token}"},',
    ').json()["roles"]',
  ].join('\n');

  it('denies a non-member with the policy message', async () => {
    const persona = builtIn('not-a-member');
    const trace = await run(
      project('case15-glade-crew-role', policy()),
      persona,
      personaLogin(persona),
    );

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: 'Join the Glade Discord server first.',
    });
  });

  it('replays the recorded 404 for the member call', async () => {
    const persona = builtIn('not-a-member');
    const recorded = JSON.parse(
      readShared('cases/15-discord-member-10004-not-in-guild/exchange.json'),
    ) as CaseExchange;
    const login = recordingLogin(caseRecording([recorded]), 'case 15', {}, persona);
    const trace = await run(project('case15-glade-crew-role', policy()), persona, login);
    const call = trace.steps
      .flatMap((step) => step.http ?? [])
      .find((exchange) => exchange.by.startsWith('policy'));

    expect([call?.status, call?.responseBody]).toEqual([
      404,
      { message: 'Unknown Guild', code: 10004 },
    ]);
  });

  it('fails the naive variant with KeyError roles', async () => {
    const persona = builtIn('not-a-member');
    const trace = await run(project('case15-naive', naive), persona, personaLogin(persona));

    expect(evaluationsOf(trace, 'case15-naive')[0]?.error).toMatchObject({
      type: 'KeyError',
      message: "'roles'",
    });
  });

  it('flags the unguarded roles access', async () => {
    const persona = builtIn('not-a-member');
    const trace = await run(project('case15-naive', naive), persona, personaLogin(persona));

    expect(trace.findings.map((finding) => finding.code)).toContain('policy-reads-error-body');
  });

  it('tells missing access apart', async () => {
    const persona = builtIn('member-with-role', (item) => {
      item.discord.errors = {
        member: { status: 403, body: { message: 'Missing Access', code: 50001 } },
      };
    });
    const trace = await run(
      project('case15-glade-crew-role', policy()),
      persona,
      personaLogin(persona),
    );

    expect(trace.outcome).toMatchObject({ message: 'Discord error 50001: Missing Access' });
  });

  it('tells a missing scope apart', async () => {
    const persona = builtIn('no-guilds-scope');
    const trace = await run(
      project('case15-glade-crew-role', policy()),
      persona,
      personaLogin(persona),
    );

    expect(trace.outcome).toMatchObject({ message: 'Discord error 0: 401: Unauthorized' });
  });
});

describe('guild list 401 without the guilds scope', () => {
  const policy = (): string => readShared('cases/17-discord-guilds-401-missing-scope/policy.py');
  const recording = (): Recording => {
    const exchanges = JSON.parse(
      readShared('cases/17-discord-guilds-401-missing-scope/exchanges.json'),
    ) as CaseExchange[];
    const user: CaseExchange = {
      method: 'GET',
      url: 'https://discord.com/api/users/@me?access_token=FAKEaccess0case17',
      request_headers: { Authorization: 'Bearer FAKEaccess0case17' },
      status: 200,
      body: {
        id: '1187000000000000017',
        username: 'glade.visitor',
        discriminator: '0',
        global_name: null,
        avatar: null,
      },
    };
    return caseRecording([exchanges[0]!, user, exchanges[1]!]);
  };

  it('warns before the run that the guilds scope is missing', async () => {
    const trace = await run(
      project('case17-in-glade-guild', policy(), { scopes: '' }),
      undefined,
      recordingLogin(recording(), 'case 17'),
    );
    const warning = trace.findings.find((finding) => finding.code === 'source-scope-missing');

    expect([warning?.step, warning?.message]).toEqual([
      0,
      'Policy "case17-in-glade-guild" calls users/@me/guilds on line 7, which needs the guilds scope, but source discord requests only "email identify". Discord responds to such a call with HTTP 401 {"message": "401: Unauthorized", "code": 0}. Fix: Add guilds to the additional_scopes of source discord.',
    ]);
  });

  it('fails with the TypeError of iterating the error body', async () => {
    const trace = await run(
      project('case17-in-glade-guild', policy(), { scopes: '' }),
      undefined,
      recordingLogin(recording(), 'case 17'),
    );

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: "string indices must be integers, not 'str'",
    });
  });

  it('takes the 401 from the recording', async () => {
    const trace = await run(
      project('case17-in-glade-guild', policy(), { scopes: '' }),
      undefined,
      recordingLogin(recording(), 'case 17'),
    );
    const call = trace.steps
      .flatMap((step) => step.http ?? [])
      .find((exchange) => exchange.by.startsWith('policy'));

    expect([call?.url, call?.status]).toEqual(['https://discord.com/api/users/@me/guilds', 401]);
  });

  it('lets the policy pass when the token has the scope', async () => {
    const persona = builtIn('member-with-role', (item) => {
      item.discord.guilds.push({
        ...item.discord.guilds[0]!,
        id: '1122334455667788990',
        name: 'Glade',
      });
    });
    const trace = await run(
      project('case17-in-glade-guild', policy()),
      persona,
      personaLogin(persona),
    );

    expect(trace.outcome.kind).toBe('completed');
  });
});

describe('account without a display name', () => {
  const users = (): Record<string, JsonValue>[] =>
    (
      JSON.parse(
        readShared('cases/18-discord-new-username-global-name-null/exchanges.json'),
      ) as CaseExchange[]
    ).map((exchange) => exchange.body as Record<string, JsonValue>);
  const created = async (index: number, version?: string) => {
    const persona = personaFromUser(`case18-${index}`, users()[index]!, 'identify email');
    const trace = await run(project('allow', ALLOW), persona, personaLogin(persona), version);
    return { trace, user: trace.effects.users[0] };
  };
  const field = (user: Awaited<ReturnType<typeof created>>['user'], name: string) =>
    user?.changes.find((change) => change.field === name)?.after;

  it('keeps the new username without a tag', async () => {
    const { user } = await created(0);

    expect(user?.username).toBe('mossy.lantern');
  });

  it('names the user by the username in 2025.12', async () => {
    const { user } = await created(0);

    expect(field(user, 'name')).toBe('mossy.lantern');
  });

  it('leaves the user without a name in newer versions', async () => {
    const { user } = await created(0, '2026.6');

    expect(field(user, 'name')).toBe('');
  });

  it('warns about the dropped name', async () => {
    const { trace } = await created(0, '2026.6');

    expect(trace.findings.map((finding) => finding.code)).toContain('source-name-dropped');
  });

  it('keeps a legacy username as it is', async () => {
    const { user } = await created(1);

    expect(user?.username).toBe('Pebble');
  });

  it('uses the display name of a legacy account in newer versions', async () => {
    const { user } = await created(1, '2026.6');

    expect(field(user, 'name')).toBe('Pebble the Bold');
  });
});

describe('link through an unverified email', () => {
  const body = (): Record<string, JsonValue> => {
    const exchange = JSON.parse(
      readShared('cases/20-discord-unverified-email-link/exchange.json'),
    ) as CaseExchange & {
      variant_without_email_scope: { body: Record<string, JsonValue> };
    };
    return {
      ...(exchange.body as Record<string, JsonValue>),
      email: 'river.otter@mail.glade.example',
    };
  };

  it('links the identity to the account that owns the email', async () => {
    const persona = personaFromUser('case20', body(), 'identify email');
    const trace = await run(
      project('allow', ALLOW, { matching: 'email_link' }),
      persona,
      personaLogin(persona),
    );

    expect(trace.effects.sessions[0]?.username).toBe('r.otter');
  });

  it('raises a critical finding for the unverified email', async () => {
    const persona = personaFromUser('case20', body(), 'identify email');
    const trace = await run(
      project('allow', ALLOW, { matching: 'email_link' }),
      persona,
      personaLogin(persona),
    );
    const finding = trace.findings.find((item) => item.code === 'source-link-unverified-email');

    expect([finding?.severity, finding?.fix]).toEqual([
      'critical',
      'Use user_matching_mode identifier or email_deny, or bind a policy such as `return context["oauth_userinfo"].get("verified") is True` to the source\'s authentication and enrollment flows.',
    ]);
  });

  it('enrolls without an email when the email scope is missing', async () => {
    const persona = personaFromUser('case20-no-email', body(), 'identify');
    const trace = await run(project('allow', ALLOW), persona, personaLogin(persona));
    const email = trace.effects.users[0]?.changes.find((change) => change.field === 'email')?.after;

    expect(email).toBe('');
  });
});
