/**
 * Objects outside flow exports against the fake authentik server: a source reference of a pulled
 * identification stage, and sources, property mappings, groups and unbound stages compared
 * field by field through their API endpoints.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { textField } from '../../main/blueprints/references.js';
import type { AuthentikApi } from '../../main/server/api.js';
import { diffWithServer } from '../../main/server/diff.js';
import { formatDiff } from '../../main/server/format.js';
import { pullFlows } from '../../main/server/pull.js';
import { selectBlueprint } from '../../main/server/selection.js';
import type { ModelObject } from '../../shared/model/object.js';
import { ref, tag } from '../../shared/model/values.js';
import type { Value } from '../../shared/model/values.js';
import { FakeAuthentik } from '../support/fake-authentik.js';
import { apiFor, createTempProject } from '../support/server-fixtures.js';
import type { TempProject } from '../support/server-fixtures.js';

const SOURCE_MODEL = 'authentik_sources_oauth.oauthsource';
const MAPPING_MODEL = 'authentik_sources_oauth.oauthsourcepropertymapping';
const IDENTIFICATION_MODEL = 'authentik_stages_identification.identificationstage';

/** A Discord source with a property mapping, shown on the identification stage of `login`. */
const OUTSIDE_SEED = `version: 1
entries:
  - model: authentik_flows.flow
    id: flow
    identifiers: {slug: login}
    attrs: {name: Login, title: Welcome back, designation: authentication}
  - model: ${MAPPING_MODEL}
    id: mapping
    identifiers: {name: discord-username}
    attrs: {expression: "return {'username': info.get('username')}"}
  - model: ${SOURCE_MODEL}
    id: discord
    identifiers: {slug: discord}
    attrs:
      name: Discord
      provider_type: discord
      consumer_key: client-id
      consumer_secret: server-secret
      authentication_flow: !KeyOf flow
      user_property_mappings: [!KeyOf mapping]
  - model: authentik_core.group
    identifiers: {name: admins}
    attrs: {is_superuser: true}
  - model: authentik_stages_deny.denystage
    identifiers: {name: unbound-deny}
    attrs: {deny_message: Go away}
  - model: ${IDENTIFICATION_MODEL}
    id: ident
    identifiers: {name: login-identification}
    attrs: {user_fields: [username], sources: [!KeyOf discord]}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf flow, stage: !KeyOf ident, order: 10}
`;

let fake: FakeAuthentik;
let project: TempProject;
let api: AuthentikApi;

beforeEach(async () => {
  fake = await FakeAuthentik.start();
  fake.seed(OUTSIDE_SEED);
  project = createTempProject();
  api = apiFor(fake);
});

afterEach(async () => {
  await api.client.close();
  project.remove();
  await fake.close();
});

function objectOf(model: string): ModelObject {
  const found = project.store.listObjects().find((object) => object.model === model);
  if (found === undefined) {
    throw new Error(`the project has no ${model}`);
  }
  return found;
}

function create(
  uid: string,
  model: string,
  identifiers: Record<string, Value>,
  attrs: Record<string, Value>,
): void {
  project.store.apply([
    {
      kind: 'object.create',
      object: { uid, model, state: 'present', conditions: [], identifiers, attrs, permissions: [] },
    },
  ]);
}

/** Adds the source, its mapping, the group and the unbound stage as the server has them. */
function addOutsideObjects(overrides: { title?: string; denyMessage?: string } = {}): void {
  const flow = project.store.listObjects().find((object) => textField(object, 'slug') === 'login')!;
  create(
    'mapping',
    MAPPING_MODEL,
    { name: 'discord-username' },
    { expression: "return {'username': info.get('username')}" },
  );
  create(
    'discord',
    SOURCE_MODEL,
    { slug: 'discord' },
    {
      name: overrides.title ?? 'Discord',
      provider_type: 'discord',
      consumer_key: 'client-id',
      consumer_secret: tag('Env', ['DISCORD_CLIENT_SECRET']),
      authentication_flow: ref(flow.uid),
      user_property_mappings: [ref('mapping')],
    },
  );
  create('admins', 'authentik_core.group', { name: 'admins' }, { is_superuser: true });
  create(
    'deny',
    'authentik_stages_deny.denystage',
    { name: 'unbound-deny' },
    { deny_message: overrides.denyMessage ?? 'Go away' },
  );
}

async function diffProject() {
  return diffWithServer(api, selectBlueprint(project.store, {}));
}

function differenceOf(report: Awaited<ReturnType<typeof diffProject>>, name: string) {
  return report.objects.find((object) => object.name === name);
}

describe('source references after pull', () => {
  it('become !Find by slug', async () => {
    const result = await pullFlows(api, project.store, ['login']);

    expect(objectOf(IDENTIFICATION_MODEL).attrs.sources).toEqual([
      tag('Find', [SOURCE_MODEL, ['slug', 'discord']]),
    ]);
    expect(result.flows[0]?.unresolved).toEqual([]);
  });

  it('are reported as lookups', async () => {
    const result = await pullFlows(api, project.store, ['login']);

    expect(result.flows[0]?.lookups).toContainEqual({
      model: IDENTIFICATION_MODEL,
      field: 'sources',
      find: `!Find [${SOURCE_MODEL}, [slug, discord]]`,
    });
  });

  it('keep the key when the lookup fails', async () => {
    // authentik lists only the objects the token's user may view.
    fake.inject({
      path: '/api/v3/sources/all/',
      action: 'status',
      status: 200,
      body: { pagination: { next: 0, count: 0 }, results: [] },
    });

    const result = await pullFlows(api, project.store, ['login']);

    const key = String(fake.find(SOURCE_MODEL, 'slug', 'discord')?.pk);
    expect(objectOf(IDENTIFICATION_MODEL).attrs.sources).toEqual([key]);
    expect(result.flows[0]?.unresolved).toEqual([
      { model: IDENTIFICATION_MODEL, field: 'sources', value: key },
    ]);
  });
});

describe('diff outside flow exports', () => {
  beforeEach(async () => {
    await pullFlows(api, project.store, ['login']);
  });

  it('equal objects are unchanged', async () => {
    addOutsideObjects();

    const report = await diffProject();

    expect(differenceOf(report, 'discord')?.status).toBe('same');
    expect(differenceOf(report, 'discord-username')?.status).toBe('same');
    expect(differenceOf(report, 'admins')?.status).toBe('same');
    expect(differenceOf(report, 'unbound-deny')?.status).toBe('same');
    expect(report.notCompared).toEqual([]);
  });

  it('lists changed fields of a source', async () => {
    addOutsideObjects({ title: 'Discord login' });

    const report = await diffProject();

    expect(differenceOf(report, 'discord')?.status).toBe('change');
    expect(differenceOf(report, 'discord')?.fields).toEqual([
      { field: 'name', server: 'Discord', local: 'Discord login' },
    ]);
  });

  it('lists changed fields of an unbound stage', async () => {
    addOutsideObjects({ denyMessage: 'Not here' });

    const report = await diffProject();

    expect(differenceOf(report, 'unbound-deny')?.fields).toEqual([
      { field: 'deny_message', server: 'Go away', local: 'Not here' },
    ]);
  });

  it('never compares the client secret', async () => {
    addOutsideObjects();

    const report = await diffProject();

    const source = differenceOf(report, 'discord');
    expect(source?.secrets).toEqual(['consumer_secret']);
    expect(source?.fields.map((field) => field.field)).not.toContain('consumer_secret');
    expect(JSON.stringify(report)).not.toContain('server-secret');
  });

  it('compares references by natural key', async () => {
    addOutsideObjects();
    fake.seed(`version: 1
entries:
  - model: authentik_flows.flow
    identifiers: {slug: other}
    attrs: {name: Other, title: Other, designation: authentication}
  - model: ${SOURCE_MODEL}
    identifiers: {slug: discord}
    attrs: {authentication_flow: !Find [authentik_flows.flow, [slug, other]]}
`);

    const report = await diffProject();

    expect(differenceOf(report, 'discord')?.fields).toEqual([
      {
        field: 'authentication_flow',
        server: '!Find [authentik_flows.flow, [slug, other]]',
        local: '→ flow "login"',
      },
    ]);
  });

  it('objects missing on the server are created', async () => {
    addOutsideObjects();
    create('new-group', 'authentik_core.group', { name: 'newcomers' }, {});

    const report = await diffProject();

    expect(differenceOf(report, 'newcomers')?.status).toBe('create');
  });

  it('models without endpoint keep the reason', async () => {
    create(
      'brand',
      'authentik_brands.brand',
      { domain: 'auth.example.com' },
      { branding_title: 'Example' },
    );

    const report = await diffProject();

    const brand = report.notCompared.find((object) => object.name === 'auth.example.com');
    expect(brand?.reason).toBe('Stagecraft has no API endpoint for this model');
    expect(formatDiff(report).join('\n')).toContain(
      '? brand auth.example.com: not compared (no flow export contains it) (Stagecraft has no API endpoint for this model)',
    );
  });

  it('forbidden endpoint keeps the object listed', async () => {
    addOutsideObjects();
    fake.inject({ path: '/api/v3/sources/oauth/', action: 'status', status: 403 });

    const report = await diffProject();

    const source = report.notCompared.find((object) => object.name === 'discord');
    expect(source?.reason).toBe("the token's user may not read /api/v3/sources/oauth/");
  });
});
