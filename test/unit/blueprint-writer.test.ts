import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import { writeBlueprint } from '../../shared/blueprint/writer.js';
import type { WriteResult } from '../../shared/blueprint/writer.js';
import type { ModelObject } from '../../shared/model/object.js';
import { envVariableName, SECRET_FIELDS } from '../../shared/model/secrets.js';
import { ref, tag } from '../../shared/model/values.js';

const SHARED = '../shared';

if (!existsSync(join(SHARED, 'corpus')) || !existsSync(join(SHARED, 'cases'))) {
  throw new Error(
    `${SHARED}/corpus or ${SHARED}/cases is missing: these tests read authentik's schema and the failure cases from the shared reference folder next to the repository`,
  );
}

function object(uid: string, model: string, fields: Partial<ModelObject> = {}): ModelObject {
  return {
    uid,
    model,
    state: 'present',
    conditions: [],
    identifiers: {},
    attrs: {},
    permissions: [],
    ...fields,
  };
}

function resolveText(text: string, file = 'input.yaml'): ModelObject[] {
  let next = 0;
  return resolveDocument(readBlueprint(text, { file }), { uid: () => `uid-${(next += 1)}` })
    .objects;
}

function write(
  objects: ModelObject[],
  options: Partial<Parameters<typeof writeBlueprint>[1]> = {},
) {
  return writeBlueprint(objects, { name: 'Test', ...options });
}

function rereadAttrs(result: WriteResult, index = 0): Record<string, unknown> {
  return resolveText(result.text, 'written.yaml')[index]?.attrs ?? {};
}

const flow = object('f', 'authentik_flows.flow', {
  identifiers: { slug: 'default-source-enrollment' },
  attrs: { name: 'Enrollment', designation: 'enrollment' },
});

describe('writeBlueprint document', () => {
  it('writes version, metadata and a list of entries', () => {
    const { text } = write([flow], {
      labels: { 'blueprints.goauthentik.io/instantiate': 'false' },
    });
    const doc = readBlueprint(text, { file: 'written.yaml' });

    expect(doc.version).toMatchObject({ value: 1 });
    expect(doc.entriesForm).toBe('list');
    expect(text).toContain(
      'metadata:\n  name: Test\n  labels:\n    blueprints.goauthentik.io/instantiate: "false"\n',
    );
  });

  it('writes the description as a label', () => {
    const { text } = write([flow], { description: 'Sign up with Discord' });
    expect(text).toContain('blueprints.goauthentik.io/description: Sign up with Discord');
  });

  it('starts with the schema modeline', () => {
    const { text } = write([flow]);
    expect(
      text.startsWith(
        '# yaml-language-server: $schema=https://goauthentik.io/blueprints/schema.json\n',
      ),
    ).toBe(true);
  });

  it('writes entry keys in order', () => {
    const entry = object('s', 'authentik_stages_dummy.dummystage', {
      state: 'created',
      id: 'dummy',
      conditions: [true],
      identifiers: { name: 'dummy' },
      attrs: { throw_error: false },
      permissions: [{ permission: 'view_dummystage', role: 'r' }],
      extraKeys: { attr: { typo: true } },
    });
    const doc = readBlueprint(write([entry]).text, { file: 'written.yaml' });

    expect(doc.entries[0]?.node.items.map((item) => item.key)).toEqual([
      'model',
      'state',
      'id',
      'conditions',
      'identifiers',
      'attrs',
      'permissions',
      'attr',
    ]);
  });

  it('omits state present and empty parts', () => {
    const doc = readBlueprint(
      write([object('s', 'authentik_stages_dummy.dummystage', { identifiers: { name: 'd' } })])
        .text,
      {
        file: 'written.yaml',
      },
    );
    expect(doc.entries[0]?.node.items.map((item) => item.key)).toEqual(['model', 'identifiers']);
  });

  it('drops pk next to a natural identifier', () => {
    const entry = object('s', 'authentik_stages_dummy.dummystage', {
      identifiers: { pk: '5d0f6a4e-2b7c-4c1e-9a61-0c3f2d7e8a11', name: 'd' },
    });
    expect(write([entry]).text).not.toContain('pk:');
  });

  it('keeps pk as the only identifier', () => {
    const entry = object('s', 'authentik_stages_dummy.dummystage', {
      identifiers: { pk: '5d0f6a4e-2b7c-4c1e-9a61-0c3f2d7e8a11' },
    });
    expect(write([entry]).text).toContain('pk: 5d0f6a4e-2b7c-4c1e-9a61-0c3f2d7e8a11');
  });

  it('writes the same bytes for the same input', () => {
    const objects = resolveText(
      readFileSync(join(SHARED, 'cases/01-keyof-forward-reference/blueprint.yaml'), 'utf8'),
    );
    expect(write(objects).text).toBe(write(objects).text);
  });
});

describe('writeBlueprint values', () => {
  const quoted = [
    'yes',
    'No',
    'on',
    'off',
    'true',
    'null',
    '~',
    '0123',
    '12',
    '1_000',
    '3.5',
    '2024-01-31',
    '900000000000000002',
    '=',
  ];

  for (const value of quoted) {
    it(`quotes the string ${value}`, () => {
      const result = write([object('s', 'x.y', { identifiers: { name: 'n' }, attrs: { value } })]);
      expect(rereadAttrs(result).value).toBe(value);
    });
  }

  it('quotes a key PyYAML reads as a boolean', () => {
    const result = write([object('s', 'x.y', { identifiers: { name: 'n' }, attrs: { on: 1 } })]);
    expect(result.text).toContain('"on": 1');
  });

  it('writes multi-line strings as literal blocks', () => {
    const expression = 'if request.user.is_anonymous:\n    return False\nreturn True\n';
    const result = write([
      object('p', 'authentik_policies_expression.expressionpolicy', {
        identifiers: { name: 'p' },
        attrs: { expression },
      }),
    ]);

    expect(result.text).toContain(
      '      expression: |\n        if request.user.is_anonymous:\n            return False\n        return True\n',
    );
    expect(rereadAttrs(result).expression).toBe(expression);
  });

  it('keeps a multi-line string without final newline', () => {
    const result = write([
      object('p', 'x.y', { identifiers: { name: 'p' }, attrs: { text: 'a\nb' } }),
    ]);
    expect(rereadAttrs(result).text).toBe('a\nb');
  });

  it('does not fold long lines', () => {
    const long = 'word '.repeat(60).trim();
    const result = write([object('s', 'x.y', { identifiers: { name: 'n' }, attrs: { long } })]);

    expect(result.text).toContain(`long: ${long}\n`);
  });

  it('keeps numbers, booleans and null', () => {
    const attrs = { order: 10, ratio: 0.5, enabled: false, parent: null };
    const result = write([object('s', 'x.y', { identifiers: { name: 'n' }, attrs })]);
    expect(rereadAttrs(result)).toEqual(attrs);
  });

  it('writes tags in scalar form', () => {
    const result = write([
      object('s', 'x.y', { identifiers: { name: 'n' }, attrs: { title: tag('Context', 'title') } }),
    ]);
    expect(result.text).toContain('title: !Context title');
  });

  it('writes tags in list form', () => {
    const value = tag('Format', ['%s-login', tag('Context', 'slug')]);
    const result = write([
      object('s', 'x.y', { identifiers: { name: 'n' }, attrs: { slug: value } }),
    ]);

    expect(result.text).toContain('slug: !Format ["%s-login", !Context slug]');
    expect(rereadAttrs(result).slug).toEqual(value);
  });

  it('writes a tag with a map inside as a block list', () => {
    const value = tag('If', [tag('Context', 'enabled'), { a: 1 }, { b: 2 }]);
    const result = write([
      object('s', 'x.y', { identifiers: { name: 'n' }, attrs: { choice: value } }),
    ]);

    expect(rereadAttrs(result).choice).toEqual(value);
  });

  it('quotes a tag argument that YAML would misread', () => {
    const value = tag('Env', 'NAME: X');
    const result = write([object('s', 'x.y', { identifiers: { name: 'n' }, attrs: { v: value } })]);
    expect(rereadAttrs(result).v).toEqual(value);
  });
});

describe('writeBlueprint references', () => {
  const stage = object('s', 'authentik_stages_user_login.userloginstage', {
    identifiers: { name: 'login' },
  });
  const binding = object('b', 'authentik_flows.flowstagebinding', {
    identifiers: { target: ref('f'), stage: ref('s'), order: 10 },
  });

  it('writes a reference inside the file as !KeyOf with a generated id', () => {
    const { text } = write([binding, stage, flow]);

    expect(text).toContain('id: flow-default-source-enrollment');
    expect(text).toContain('target: !KeyOf flow-default-source-enrollment');
    expect(text).toContain('stage: !KeyOf userloginstage-login');
  });

  it('keeps existing ids', () => {
    const { text } = write([binding, { ...flow, id: 'flow' }, stage]);
    expect(text).toContain('target: !KeyOf flow');
  });

  it('writes referenced objects before their users', () => {
    const objects = resolveText(write([binding, stage, flow]).text, 'written.yaml');
    expect(objects.map((item) => item.model)).toEqual([
      'authentik_flows.flow',
      'authentik_stages_user_login.userloginstage',
      'authentik_flows.flowstagebinding',
    ]);
  });

  it('orders a forward reference file so it applies', () => {
    const text = readFileSync(
      join(SHARED, 'cases/01-keyof-forward-reference/blueprint.yaml'),
      'utf8',
    );
    const written = resolveText(write(resolveText(text)).text, 'written.yaml');

    expect(written.map((item) => item.model)).toEqual([
      'authentik_flows.flow',
      'authentik_stages_user_login.userloginstage',
      'authentik_flows.flowstagebinding',
    ]);
  });

  it('orders ties by authentik usual order', () => {
    const objects = [
      object('app', 'authentik_core.application', { identifiers: { slug: 'app' } }),
      object('pb', 'authentik_policies.policybinding', { identifiers: { order: 0 } }),
      object('fsb', 'authentik_flows.flowstagebinding', { identifiers: { order: 0 } }),
      object('st', 'authentik_stages_dummy.dummystage', { identifiers: { name: 'st' } }),
      object('fl', 'authentik_flows.flow', { identifiers: { slug: 'fl' } }),
      object('meta', 'authentik_blueprints.metaapplyblueprint', {
        attrs: { identifiers: { name: 'x' } },
      }),
    ];
    const written = resolveText(write(objects).text, 'written.yaml');

    expect(written.map((item) => item.model)).toEqual([
      'authentik_blueprints.metaapplyblueprint',
      'authentik_flows.flow',
      'authentik_stages_dummy.dummystage',
      'authentik_flows.flowstagebinding',
      'authentik_policies.policybinding',
      'authentik_core.application',
    ]);
  });

  it('writes a reference outside the file as !Find by natural key', () => {
    const outside = object('o', 'authentik_stages_authenticator_totp.authenticatortotpstage', {
      identifiers: { name: 'totp-setup' },
    });
    const validate = object(
      'v',
      'authentik_stages_authenticator_validate.authenticatorvalidatestage',
      {
        identifiers: { name: 'mfa' },
        attrs: { configuration_stages: [ref('o')] },
      },
    );
    const { text } = write([validate], { lookup: (uid) => (uid === 'o' ? outside : undefined) });

    expect(text).toContain(
      '- !Find [authentik_stages_authenticator_totp.authenticatortotpstage, [name, totp-setup]]',
    );
  });

  it('writes a flow outside the file by slug', () => {
    const stageWithFlow = object('p', 'authentik_stages_password.passwordstage', {
      identifiers: { name: 'password' },
      attrs: { configure_flow: ref('f') },
    });
    const { text } = write([stageWithFlow], { lookup: () => flow });

    expect(text).toContain(
      'configure_flow: !Find [authentik_flows.flow, [slug, default-source-enrollment]]',
    );
  });

  it('warns about a policy binding target written as !Find', () => {
    const policyBinding = object('pb', 'authentik_policies.policybinding', {
      identifiers: { target: ref('f'), policy: ref('p'), order: 0 },
    });
    const policy = object('p', 'authentik_policies_expression.expressionpolicy', {
      identifiers: { name: 'p' },
    });
    const result = write([policyBinding, policy], { lookup: () => flow });

    expect(result.warnings.map((warning) => [warning.code, warning.path])).toEqual([
      ['find-policy-target', 'identifiers/target'],
    ]);
  });

  it('warns about a reference to an unknown object', () => {
    const stageWithFlow = object('p', 'authentik_stages_password.passwordstage', {
      identifiers: { name: 'password' },
      attrs: { configure_flow: ref('gone') },
    });
    const result = write([stageWithFlow]);

    expect(result.warnings[0]?.code).toBe('reference-missing');
    expect(result.text).toContain('configure_flow: !KeyOf gone');
  });

  it('breaks a cycle with !Find and reports it', () => {
    const source = object('src', 'authentik_sources_oauth.oauthsource', {
      identifiers: { slug: 'discord' },
      attrs: {
        enrollment_flow: ref('enr'),
        consumer_secret: tag('Env', ['DISCORD_CLIENT_SECRET']),
      },
    });
    const enrollment = object('enr', 'authentik_flows.flow', {
      identifiers: { slug: 'discord-enrollment' },
      attrs: { sources_hint: ref('src') },
    });
    const result = write([source, enrollment]);

    expect(result.text).toContain(
      'sources_hint: !Find [authentik_sources_oauth.oauthsource, [slug, discord]]',
    );
    expect(result.text).toContain('enrollment_flow: !KeyOf flow-discord-enrollment');
    expect(result.warnings.map((warning) => [warning.code, warning.uid, warning.path])).toEqual([
      ['reference-cycle', 'enr', 'attrs/sources_hint'],
    ]);
  });

  it('reads a broken cycle back as the same reference', () => {
    const source = object('src', 'authentik_sources_oauth.oauthsource', {
      identifiers: { slug: 'discord' },
      attrs: { enrollment_flow: ref('enr') },
    });
    const enrollment = object('enr', 'authentik_flows.flow', {
      identifiers: { slug: 'discord-enrollment' },
      attrs: { sources_hint: ref('src') },
    });
    const reread = resolveText(write([source, enrollment]).text, 'written.yaml');

    expect(reread[0]?.attrs.sources_hint).toEqual({ $ref: reread[1]?.uid });
  });

  it('renames a shadowed referenced id', () => {
    const first = object('a', 'authentik_flows.flow', { id: 'same', identifiers: { slug: 'a' } });
    const second = object('b', 'authentik_stages_dummy.dummystage', {
      id: 'same',
      identifiers: { name: 'b' },
    });
    const user = object('c', 'authentik_flows.flowstagebinding', {
      identifiers: { target: ref('a'), stage: ref('b'), order: 0 },
    });
    const reread = resolveText(write([first, second, user]).text, 'written.yaml');

    expect(reread[2]?.identifiers).toEqual({
      target: { $ref: reread[0]?.uid },
      stage: { $ref: reread[1]?.uid },
      order: 0,
    });
  });
});

describe('writeBlueprint secrets', () => {
  it('never writes a literal consumer secret', () => {
    const source = object('src', 'authentik_sources_oauth.oauthsource', {
      identifiers: { slug: 'discord' },
      attrs: {
        name: 'Discord',
        consumer_key: '900000000000000007',
        consumer_secret: 'hunter2-secret',
      },
    });
    const result = write([source]);

    expect(result.text).not.toContain('hunter2-secret');
    expect(result.text).toContain('consumer_secret: !Env [DISCORD_CLIENT_SECRET]');
  });

  it('lists the replaced secret in env', () => {
    const source = object('src', 'authentik_sources_oauth.oauthsource', {
      identifiers: { slug: 'discord' },
      attrs: { consumer_secret: 'hunter2-secret' },
    });
    expect(write([source]).env).toEqual([
      {
        name: 'DISCORD_CLIENT_SECRET',
        uid: 'src',
        model: 'authentik_sources_oauth.oauthsource',
        field: 'consumer_secret',
        object: 'discord',
      },
    ]);
  });

  it('lists existing !Env secrets in env', () => {
    const text = readFileSync(
      join(SHARED, 'cases/08-env-tag-null-and-tag-default/blueprint.yaml'),
      'utf8',
    );
    const result = write(resolveText(text));

    expect(result.env.map((variable) => variable.name)).toEqual(['CASE08_DISCORD_CLIENT_SECRET']);
  });

  it('lists the variable an exported source needs', () => {
    const text = readFileSync(
      join(SHARED, 'cases/07-export-omits-write-only-secret/exported-source.yaml'),
      'utf8',
    );
    const result = write(resolveText(text));

    expect(result.env.map((variable) => [variable.name, variable.field])).toEqual([
      ['DISCORD_CLIENT_SECRET', 'consumer_secret'],
    ]);
    expect(rereadAttrs(result).consumer_secret).toEqual({
      $tag: 'Env',
      value: ['DISCORD_CLIENT_SECRET'],
    });
  });

  it('keeps the quoted client id of an exported source as text', () => {
    const text = readFileSync(
      join(SHARED, 'cases/07-export-omits-write-only-secret/exported-source.yaml'),
      'utf8',
    );
    const result = write(resolveText(text));

    expect(rereadAttrs(result).consumer_key).toBe('900000000000000007');
  });

  it('adds no placeholder to an absent entry', () => {
    const source = object('src', 'authentik_sources_oauth.oauthsource', {
      state: 'absent',
      identifiers: { slug: 'old' },
    });
    expect(write([source]).env).toEqual([]);
  });

  it('names other secrets by model, natural key and field', () => {
    const stage = object('e', 'authentik_stages_email.emailstage', {
      identifiers: { name: 'default-email' },
      attrs: { password: 'smtp-password' },
    });
    expect(write([stage]).text).toContain('password: !Env [EMAILSTAGE_DEFAULT_EMAIL_PASSWORD]');
  });

  it('keeps an empty secret as written', () => {
    const stage = object('e', 'authentik_stages_email.emailstage', {
      identifiers: { name: 'default-email' },
      attrs: { password: '' },
    });
    expect(write([stage]).env).toEqual([]);
  });
});

describe('writeBlueprint comments', () => {
  const text = [
    'version: 1',
    'entries:',
    '  # The enrollment flow',
    '  - model: authentik_flows.flow',
    '    identifiers:',
    '      slug: enroll # the slug',
    '    attrs:',
    '      # shown on the page',
    '      title: Welcome',
    '  - model: authentik_policies_expression.expressionpolicy',
    '    identifiers:',
    '      name: p',
    '    attrs:',
    '      # runs on every request',
    '      expression: |',
    '        return True',
    '',
  ].join('\n');
  const objects = resolveText(text);
  const written = write(objects).text;

  it('writes the comment above an entry', () => {
    expect(written).toContain('  # The enrollment flow\n  - model: authentik_flows.flow\n');
  });

  it('writes a trailing comment', () => {
    expect(written).toContain('slug: enroll # the slug\n');
  });

  it('writes the comment above a field', () => {
    expect(written).toContain('      # shown on the page\n      title: Welcome\n');
  });

  it('writes the comment above a block', () => {
    expect(written).toContain('      # runs on every request\n      expression: |\n');
  });

  it('keeps comments through a second round trip', () => {
    const again = resolveText(written, 'written.yaml');
    expect(again.map((item) => item.comments)).toEqual(objects.map((item) => item.comments));
  });
});

describe('secret fields and variable names', () => {
  const schema = JSON.parse(
    readFileSync(join(SHARED, 'corpus/authentik/blueprints/schema.json'), 'utf8'),
  ) as { $defs: Record<string, { properties?: Record<string, unknown> }> };

  for (const secret of SECRET_FIELDS) {
    if (secret.model === 'authentik_blueprints.metausersetpassword') {
      continue;
    }
    it(`finds ${secret.model}.${secret.field} in the schema`, () => {
      const properties = schema.$defs[`model_${secret.model}`]?.properties ?? {};
      expect(Object.keys(properties)).toContain(secret.field);
    });
  }

  it('names an OAuth source secret by slug', () => {
    const source = object('s', 'authentik_sources_oauth.oauthsource', {
      identifiers: { slug: 'discord' },
    });
    expect(envVariableName(source, 'consumer_secret', new Set())).toBe('DISCORD_CLIENT_SECRET');
  });

  it('adds a suffix when the name is taken', () => {
    const source = object('s', 'authentik_sources_oauth.oauthsource', {
      identifiers: { slug: 'discord' },
    });
    const taken = new Set(['DISCORD_CLIENT_SECRET']);
    expect(envVariableName(source, 'consumer_secret', taken)).toBe('DISCORD_CLIENT_SECRET_2');
  });

  it('records the name it returns', () => {
    const source = object('s', 'authentik_sources_oauth.oauthsource', {
      identifiers: { slug: 'discord' },
    });
    const taken = new Set<string>();
    envVariableName(source, 'consumer_secret', taken);
    expect(taken.has('DISCORD_CLIENT_SECRET')).toBe(true);
  });

  it('replaces other characters with underscores', () => {
    const stage = object('s', 'authentik_stages_captcha.captchastage', {
      identifiers: { name: 'Captcha (main) v2' },
    });
    expect(envVariableName(stage, 'private_key', new Set())).toBe(
      'CAPTCHASTAGE_CAPTCHA_MAIN_V2_PRIVATE_KEY',
    );
  });

  it('keeps a name from starting with a digit', () => {
    const source = object('s', 'authentik_sources_oauth.oauthsource', {
      identifiers: { slug: '42-guild' },
    });
    expect(envVariableName(source, 'consumer_secret', new Set())).toBe(
      'OAUTHSOURCE_42_GUILD_CLIENT_SECRET',
    );
  });
});
