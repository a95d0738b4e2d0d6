/**
 * Logins through a Discord OAuth source: the callback's token and profile requests against the
 * built-in personas, the properties per authentik version, the flow manager's decision for each
 * matching mode, the context the flow gets, and the stages appended after it. Policies are
 * scripted here; the Python runs are in the integration tests.
 */
import { describe, expect, it } from 'vitest';

import { builtInPersonas } from '../../main/http/personas.js';
import type { OAuthLoginOptions } from '../../main/simulator/oauth/login.js';
import { personaLogin } from '../../main/simulator/oauth/run-options.js';
import { simulateFlow } from '../../main/simulator/simulate.js';
import type { SimulationOptions } from '../../main/simulator/simulate.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import type { EvaluationRequest } from '../../shared/simulator/evaluation.js';
import type { Persona } from '../../shared/simulator/persona.js';
import type { SimulationTrace } from '../../shared/simulator/trace.js';
import { policy } from './simulator-fixtures.js';
import type { Script } from './simulator-helpers.js';
import { ScriptedEvaluator, objectsFromYaml, stageSteps } from './simulator-helpers.js';

interface ProjectSettings {
  matching?: string;
  groupMatching?: string;
  enrollment?: boolean;
  guild?: boolean;
  mappings?: string[];
  extra?: string;
}

function project(settings: ProjectSettings = {}): string {
  const mappings = (settings.mappings ?? [])
    .map(
      (name) => `  - model: authentik_sources_oauth.oauthsourcepropertymapping
    id: ${name}
    identifiers: {name: ${name}}
    attrs: {expression: "return {}"}
`,
    )
    .join('');
  const mappingRefs = (settings.mappings ?? []).map((name) => `!KeyOf ${name}`).join(', ');

  return `version: 1
entries:
  - model: authentik_flows.flow
    id: auth-flow
    identifiers: {slug: src-auth}
    attrs: {name: Source login, title: Source login, designation: authentication, authentication: require_unauthenticated}
  - model: authentik_flows.flow
    id: enroll-flow
    identifiers: {slug: src-enroll}
    attrs: {name: Source enrollment, title: Source enrollment, designation: enrollment}
${policy('if-sso')}${policy('capture')}
  - model: authentik_stages_user_login.userloginstage
    id: login
    identifiers: {name: login}
  - model: authentik_stages_user_write.userwritestage
    id: write
    identifiers: {name: write}
    attrs: {user_creation_mode: always_create}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf auth-flow, stage: !KeyOf login, order: 0}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf enroll-flow, stage: !KeyOf write, order: 0}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf enroll-flow, stage: !KeyOf login, order: 1}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf auth-flow, policy: !KeyOf if-sso, order: 0}
  - model: authentik_policies.policybinding
    identifiers: {target: !KeyOf enroll-flow, policy: !KeyOf capture, order: 0}
${mappings}  - model: authentik_sources_oauth.oauthsource
    id: discord
    identifiers: {slug: discord}
    attrs:
      name: Discord
      provider_type: discord
      consumer_key: "100000000000000001"
      consumer_secret: FAKEsecret
      additional_scopes: guilds guilds.members.read
      user_matching_mode: ${settings.matching ?? 'identifier'}
      group_matching_mode: ${settings.groupMatching ?? 'identifier'}
      authentication_flow: !KeyOf auth-flow
${settings.enrollment === false ? '' : '      enrollment_flow: !KeyOf enroll-flow\n'}${settings.guild === true ? '      discord_guild_id: "123456789123456789"\n' : ''}${mappingRefs === '' ? '' : `      user_property_mappings: [${mappingRefs}]\n`}  - model: authentik_core.user
    id: otter
    identifiers: {username: r.otter}
    attrs: {name: River Otter, email: river.otter@mail.example}
  - model: authentik_core.user
    id: admin
    identifiers: {username: akadmin}
    attrs: {name: Admin, email: admin@example.org}
${settings.extra ?? ''}`;
}

function persona(
  name: string,
  change: (persona: DiscordPersona) => void = () => {},
): DiscordPersona {
  const found = builtInPersonas().find((candidate) => candidate.name === name);
  if (found === undefined) {
    throw new Error(`The built-in persona ${name} is missing from assets/personas.`);
  }

  change(found);
  return found;
}

function evaluator(extra: Record<string, Script> = {}): ScriptedEvaluator {
  return new ScriptedEvaluator({
    'if-sso': (request) => ({ passing: request.context.is_sso === true }),
    capture: () => ({ passing: true }),
    ...extra,
  });
}

async function login(
  discord: DiscordPersona,
  settings: ProjectSettings = {},
  options: Omit<Partial<SimulationOptions>, 'oauth'> & { oauth?: Partial<OAuthLoginOptions> } = {},
  scripted: ScriptedEvaluator = evaluator(),
): Promise<SimulationTrace> {
  const { oauth, ...rest } = options;
  return simulateFlow({
    objects: objectsFromYaml(project(settings)),
    flow: 'src-auth',
    evaluator: scripted,
    personas: [discord],
    actor: discord.name,
    viaSource: 'discord',
    oauth: { ...personaLogin(discord), ...oauth },
    ...rest,
  });
}

function capturedContext(scripted: ScriptedEvaluator): EvaluationRequest['context'] {
  const call = scripted.callsOf('capture')[0];
  if (call === undefined) {
    throw new Error('The capture policy did not run.');
  }

  return call.context;
}

describe('callback failures', () => {
  it('reports a failed token request', async () => {
    const broken = persona('member-with-role', (item) => {
      item.discord.errors = { token: { status: 401, body: { error: 'invalid_client' } } };
    });
    const trace = await login(broken);

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: 'Authentication failed: Could not retrieve token.',
    });
  });

  it('reports the error of a token response', async () => {
    const broken = persona('member-with-role', (item) => {
      item.discord.errors = { token: { status: 200, body: { error: 'invalid_grant' } } };
    });
    const trace = await login(broken);

    expect(trace.outcome).toMatchObject({ message: 'Authentication failed: invalid_grant' });
  });

  it('reports a failed profile request', async () => {
    const broken = persona('member-with-role', (item) => {
      item.discord.errors = { user: { status: 502, body: { message: 'Bad Gateway', code: 0 } } };
    });
    const trace = await login(broken);

    expect(trace.outcome).toMatchObject({
      message: 'Authentication failed: Could not retrieve profile.',
    });
  });

  it('reports a cancelled consent', async () => {
    const trace = await login(
      persona('member-with-role'),
      {},
      { oauth: { authorization: 'denied' } },
    );

    expect(trace.outcome).toMatchObject({
      message:
        'Authentication failed: The resource owner or authorization server denied the request.',
    });
  });

  it('reports a state mismatch', async () => {
    const trace = await login(
      persona('member-with-role'),
      {},
      { oauth: { authorization: 'state-mismatch' } },
    );

    expect(trace.outcome).toMatchObject({ message: 'Authentication failed: State check failed.' });
  });

  it('shows the failure message', async () => {
    const broken = persona('member-with-role', (item) => {
      item.discord.errors = { token: { status: 500, body: null } };
    });
    const trace = await login(broken);

    expect(trace.effects.messages).toEqual([
      {
        level: 'error',
        text: 'Authentication failed: Could not retrieve token.',
        by: 'OAuth callback',
      },
    ]);
  });

  it('fails with a server error when a property mapping raises', async () => {
    const scripted = evaluator({
      'broken-mapping': () => ({
        passing: false,
        error: {
          type: 'NameError',
          message: "name 'context' is not defined",
          traceback: '',
          line: 3,
        },
      }),
    });
    const trace = await login(
      persona('member-with-role'),
      { mappings: ['broken-mapping'] },
      {},
      scripted,
    );

    expect(trace.outcome).toMatchObject({
      kind: 'error',
      code: 'source-property-mapping-failed',
      message: "Failed to evaluate property mapping: 'broken-mapping'",
    });
  });

  it('suggests a fix for a mapping that reads context', async () => {
    const scripted = evaluator({
      'broken-mapping': () => ({
        passing: false,
        error: {
          type: 'NameError',
          message: "name 'context' is not defined",
          traceback: '',
          line: 3,
        },
      }),
    });
    const trace = await login(
      persona('member-with-role'),
      { mappings: ['broken-mapping'] },
      {},
      scripted,
    );

    expect(trace.findings.find((item) => item.code === 'mapping-without-context')?.fix).toContain(
      '`info`',
    );
  });
});

describe('requests of the callback', () => {
  it('records the token and profile requests in the trace', async () => {
    const trace = await login(persona('member-with-role'));
    const http = trace.steps[0]?.http ?? [];

    expect(http.map((exchange) => `${exchange.method} ${exchange.url} ${exchange.status}`)).toEqual(
      [
        'POST https://discord.com/api/oauth2/token 200',
        'GET https://discord.com/api/users/@me?access_token=*** 200',
      ],
    );
  });

  it('masks the client credentials', async () => {
    const trace = await login(persona('member-with-role'));

    expect(trace.steps[0]?.http?.[0]?.requestHeaders.Authorization).toBe('Basic ***');
  });

  it('reports the scopes asked for', async () => {
    const trace = await login(persona('member-with-role'));

    expect(trace.source?.requestedScopes).toEqual([
      'email',
      'guilds',
      'guilds.members.read',
      'identify',
    ]);
  });

  it('reports the granted scope', async () => {
    const trace = await login(persona('no-guilds-scope'));

    expect(trace.source?.grantedScope).toBe('identify email');
  });

  it('notes scopes the token does not grant', async () => {
    const trace = await login(persona('no-guilds-scope'));

    expect(trace.findings.map((item) => item.code)).toContain('source-scope-not-granted');
  });

  it('keys the connection by the Discord id', async () => {
    const trace = await login(persona('member-with-role'));

    expect(trace.source?.identifier).toBe(persona('member-with-role').discord.user.id);
  });
});

describe('properties by version', () => {
  it('names the user by the username in 2025.12', async () => {
    const trace = await login(persona('member-with-role'));

    expect(trace.effects.users[0]).toMatchObject({ action: 'created', username: 'willow.member' });
  });

  it('uses the username as name in 2025.12', async () => {
    const trace = await login(persona('new-username'));
    const change = trace.effects.users[0]?.changes.find((item) => item.field === 'name');

    expect(change?.after).toBe('mossy.lantern');
  });

  it('uses global_name as name in newer versions', async () => {
    const trace = await login(persona('member-with-role'), {}, { authentikVersion: '2026.6' });

    expect(trace.source?.properties?.name).toBe('Willow');
  });

  it('drops the name when global_name is null in newer versions', async () => {
    const trace = await login(persona('new-username'), {}, { authentikVersion: '2026.6' });

    expect(trace.source?.properties).not.toHaveProperty('name');
  });

  it('never writes the string None as name', async () => {
    const trace = await login(persona('new-username'), {}, { authentikVersion: '2026.6' });
    const change = trace.effects.users[0]?.changes.find((item) => item.field === 'name');

    expect(change?.after).toBe('');
  });

  it('sets the avatar attribute in newer versions', async () => {
    const trace = await login(persona('member-with-role'), {}, { authentikVersion: '2026.6' });
    const attributes = trace.source?.properties?.attributes as Record<string, unknown>;

    const user = persona('member-with-role').discord.user;
    expect(attributes.discord_avatar).toBe(
      `https://cdn.discordapp.com/avatars/${user.id}/${String(user.avatar)}.png?size=64`,
    );
  });

  it('syncs guild roles to groups in newer versions', async () => {
    const trace = await login(
      persona('member-with-role'),
      { guild: true },
      { authentikVersion: '2026.6' },
    );

    expect(trace.effects.memberships[0]?.after).toEqual([
      '123456789123456789@discord',
      '223456789123456789@discord',
    ]);
  });

  it('calls the versioned member endpoint for the roles', async () => {
    const trace = await login(
      persona('member-with-role'),
      { guild: true },
      { authentikVersion: '2026.6' },
    );

    expect(trace.steps[0]?.http?.[2]?.url).toBe(
      'https://discord.com/api/v10/users/@me/guilds/123456789123456789/member?access_token=***',
    );
  });

  it('syncs no groups for a user outside the guild', async () => {
    const trace = await login(
      persona('not-a-member'),
      { guild: true },
      { authentikVersion: '2026.6' },
    );

    expect(trace.effects.memberships).toEqual([]);
  });

  it('leaves the email out without one', async () => {
    const trace = await login(persona('no-email'));

    expect(trace.source?.properties).not.toHaveProperty('email');
  });

  it('merges what a property mapping returns', async () => {
    const scripted = evaluator({
      'extra-attributes': () => ({
        passing: true,
        rawResult: { repr: '{}', type: 'dict', json: { attributes: { tier: 'gold' } } },
      }),
    });
    const trace = await login(
      persona('member-with-role'),
      { mappings: ['extra-attributes'] },
      {},
      scripted,
    );

    expect(trace.source?.properties?.attributes).toEqual({ tier: 'gold' });
  });

  it('runs property mappings ordered by name', async () => {
    const scripted = evaluator({
      'b-mapping': () => ({ passing: true }),
      'a-mapping': () => ({ passing: true }),
    });
    await login(
      persona('member-with-role'),
      { mappings: ['b-mapping', 'a-mapping'] },
      {},
      scripted,
    );

    expect(
      scripted.requests.filter((item) => item.kind === 'property_mapping').map((item) => item.name),
    ).toEqual(['a-mapping', 'b-mapping']);
  });
});

describe('flow context', () => {
  it('passes the source', async () => {
    const scripted = evaluator();
    await login(persona('member-with-role'), {}, {}, scripted);

    expect(capturedContext(scripted).source).toMatchObject({
      $model: 'authentik_sources_oauth.oauthsource',
      slug: 'discord',
      provider_type: 'discord',
    });
  });

  it('passes the connection with the access token', async () => {
    const scripted = evaluator();
    const member = persona('member-with-role');
    await login(member, {}, {}, scripted);

    expect(capturedContext(scripted)['goauthentik.io/sources/connection']).toMatchObject({
      $model: 'authentik_sources_oauth.useroauthsourceconnection',
      pk: null,
      identifier: member.discord.user.id,
      access_token: member.discord.token.access_token,
    });
  });

  it('passes the user info', async () => {
    const scripted = evaluator();
    await login(persona('member-with-role'), {}, {}, scripted);

    expect(capturedContext(scripted).oauth_userinfo).toMatchObject({ username: 'willow.member' });
  });

  it('passes the properties as prompt data', async () => {
    const scripted = evaluator();
    await login(persona('member-with-role'), {}, {}, scripted);

    expect(capturedContext(scripted).prompt_data).toEqual({
      username: 'willow.member',
      email: 'willow@mail.example',
      name: 'willow.member',
      path: 'goauthentik.io/sources/discord',
      attributes: {},
    });
  });

  it('marks the flow as single sign-on', async () => {
    const scripted = evaluator();
    await login(persona('member-with-role'), {}, {}, scripted);

    expect(capturedContext(scripted).is_sso).toBe(true);
  });

  it('passes the user path, redirect and groups', async () => {
    const scripted = evaluator();
    await login(persona('member-with-role'), {}, {}, scripted);
    const context = capturedContext(scripted);

    expect([context.user_path, context.redirect, context.source_groups]).toEqual([
      'goauthentik.io/sources/discord',
      '/if/user/',
      {},
    ]);
  });
});

describe('flow manager decision', () => {
  it('enrolls a new identity', async () => {
    const trace = await login(persona('member-with-role'));

    expect(trace.outcome).toMatchObject({ kind: 'completed', flow: 'src-enroll' });
  });

  it('needs an enrollment flow for a new identity', async () => {
    const trace = await login(persona('member-with-role'), { enrollment: false });

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: 'Source is not configured for enrollment.',
    });
  });

  it('authenticates a connected identity', async () => {
    const member = persona('member-with-role', (item) => {
      (item as unknown as Persona).inDirectory = true;
      (item as unknown as Persona).sourceConnections = ['discord'];
    });
    const trace = await login(member);

    expect(trace.outcome).toMatchObject({ kind: 'completed', flow: 'src-auth' });
  });

  it('links by email in email_link', async () => {
    const trace = await login(persona('unverified-email'), { matching: 'email_link' });

    expect(trace.effects.sessions[0]?.username).toBe('r.otter');
  });

  it('flags a link through an unverified email', async () => {
    const trace = await login(persona('unverified-email'), { matching: 'email_link' });

    expect(
      trace.findings.find((item) => item.code === 'source-link-unverified-email')?.severity,
    ).toBe('critical');
  });

  it('denies a taken email in email_deny', async () => {
    const trace = await login(persona('unverified-email'), { matching: 'email_deny' });

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message:
        "Request to authenticate with Discord has been denied. Please authenticate with the source you've previously signed up with.",
    });
  });

  it('denies an email mode without email', async () => {
    const trace = await login(persona('no-email'), { matching: 'email_link' });

    expect(trace.outcome.kind).toBe('denied');
  });

  it('links a colliding username in username_link', async () => {
    const trace = await login(persona('username-collides'), { matching: 'username_link' });

    expect(trace.effects.sessions[0]?.username).toBe('akadmin');
  });

  it('enrolls without a match in username_deny', async () => {
    const trace = await login(persona('member-with-role'), { matching: 'username_deny' });

    expect(trace.outcome).toMatchObject({ kind: 'completed', flow: 'src-enroll' });
  });

  it('links to the logged-in user without a flow', async () => {
    const member = persona('member-with-role');
    const local: Persona = { name: 'otter', user: { username: 'r.otter' }, authenticated: true };
    const trace = await simulateFlow({
      objects: objectsFromYaml(project()),
      flow: 'src-auth',
      evaluator: evaluator(),
      personas: [local, member],
      actor: 'otter',
      viaSource: 'discord',
      oauth: personaLogin(member),
    });

    expect(trace.outcome).toMatchObject({
      kind: 'completed',
      redirect: '/if/user/settings/sources',
    });
  });
});

describe('appended stages', () => {
  it('runs the post-source stages in order', async () => {
    const trace = await login(persona('member-with-role'));
    const names = trace.steps
      .filter((step) => step.kind === 'stage')
      .map((step) => step.stage?.name);

    expect(names.slice(-3)).toEqual(['PostSourceStage', 'GroupUpdateStage', 'MessageStage']);
  });

  it('shows the success message', async () => {
    const trace = await login(persona('member-with-role'));

    expect(trace.effects.messages.map((message) => message.text)).toEqual([
      'Successfully authenticated with Discord!',
    ]);
  });

  it('fails the group update for a denied group', async () => {
    const extra = `  - model: authentik_core.group
    identifiers: {name: "123456789123456789@discord"}
`;
    const trace = await login(
      persona('member-with-role'),
      { guild: true, groupMatching: 'name_deny', extra },
      { authentikVersion: '2026.6' },
    );

    expect(trace.outcome).toMatchObject({
      kind: 'denied',
      message: 'Failed to update groups. Please try again later.',
    });
  });

  it('fails creating a group whose name exists', async () => {
    const extra = `  - model: authentik_core.group
    identifiers: {name: "123456789123456789@discord"}
`;
    const trace = await login(
      persona('member-with-role'),
      { guild: true, extra },
      { authentikVersion: '2026.6' },
    );

    expect(trace.outcome.kind).toBe('error');
    expect(stageSteps(trace, 'GroupUpdateStage')[0]?.why).toContain(
      'duplicate key value violates the unique group name "123456789123456789@discord"',
    );
  });

  it('links a group through its connection', async () => {
    const extra = `  - model: authentik_core.group
    id: members
    identifiers: {name: "Guild members"}
  - model: authentik_sources_oauth.groupoauthsourceconnection
    identifiers: {source: !KeyOf discord, identifier: "123456789123456789"}
    attrs: {group: !KeyOf members}
`;
    const trace = await login(
      persona('member-with-role'),
      { guild: true, extra },
      { authentikVersion: '2026.6' },
    );

    expect(trace.outcome.kind).toBe('completed');
    expect([...(trace.effects.memberships[0]?.after ?? [])].sort()).toEqual([
      '223456789123456789@discord',
      'Guild members',
    ]);
  });

  it('runs the group update after the flow', async () => {
    const trace = await login(persona('member-with-role'));

    expect(stageSteps(trace, 'GroupUpdateStage')[0]?.status).toBe('passed');
  });
});
