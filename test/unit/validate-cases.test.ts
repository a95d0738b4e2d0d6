import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateDocument } from '../../shared/blueprint/validate.js';
import {
  codesOf,
  readSharedBlueprint,
  readText,
  sharedPath,
  withCode,
} from './validate-support.js';

function caseText(path: string): string {
  return readFileSync(sharedPath(path), 'utf8');
}

describe('case 01: !KeyOf forward reference', () => {
  const file = 'cases/01-keyof-forward-reference/blueprint.yaml';
  const problems = validateDocument(readSharedBlueprint(file));
  const forward = withCode(problems, 'keyof-forward');

  it('fails on both forward references', () => {
    expect(codesOf(problems, 'error')).toEqual(['keyof-forward']);
    expect(forward).toHaveLength(2);
  });

  it("carries authentik's wording", () => {
    expect(forward[0]?.message).toContain(
      'KeyOf: failed to find entry with `id` of `glade-login-flow` and a model instance',
    );
  });

  it('points at the tag in entry 0', () => {
    expect(forward[0]).toMatchObject({ file, line: 9, column: 15, entry: 0 });
    expect(forward[0]?.model).toBe('authentik_flows.flowstagebinding');
  });

  it('names the fix', () => {
    expect(forward[0]?.message).toContain('Move this entry');
    expect(forward[0]?.message).toContain('below entry 1 (authentik_flows.flow)');
  });

  it('accepts the reordered file', () => {
    const text = caseText(file);
    const lines = text.split('\n');
    const binding = lines.slice(6, 11).join('\n');
    const reordered = [...lines.slice(0, 6), ...lines.slice(11), binding].join('\n');

    expect(codesOf(validateDocument(readText(reordered)), 'error')).toEqual([]);
  });

  it('fails when the target entry is absent', () => {
    const text = `version: 1
entries:
  - model: authentik_flows.flow
    id: glade-login-flow
    state: absent
    identifiers: {slug: case01}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf glade-login-flow, stage: !Find [authentik_stages_user_login.userloginstage, [name, x]], order: 10}
`;
    const absent = withCode(validateDocument(readText(text)), 'keyof-absent');

    expect(absent).toHaveLength(1);
    expect(absent[0]?.message).toContain(
      'KeyOf: failed to find entry with `id` of `glade-login-flow` and a model instance',
    );
  });

  it('warns when the target entry has conditions', () => {
    const text = `version: 1
entries:
  - model: authentik_flows.flow
    id: glade-login-flow
    conditions: [!Env FEATURE]
    identifiers: {slug: case01}
    attrs: {name: n, title: t, designation: authentication}
  - model: authentik_flows.flowstagebinding
    identifiers: {target: !KeyOf glade-login-flow, stage: !Find [authentik_stages_user_login.userloginstage, [name, x]], order: 10}
`;
    const conditional = withCode(validateDocument(readText(text)), 'keyof-conditional');

    expect(conditional).toHaveLength(1);
    expect(conditional[0]?.severity).toBe('warning');
  });
});

describe('case 02: !Find without a match', () => {
  const file = 'cases/02-find-no-match-resolves-null/blueprint.yaml';
  const problems = validateDocument(readSharedBlueprint(file));
  const finds = withCode(problems, 'find-no-match');

  it('imports without errors', () => {
    expect(codesOf(problems, 'error')).toEqual([]);
  });

  it('warns about both lookups as unresolvable offline', () => {
    expect(finds.map((problem) => problem.line)).toEqual([17, 18]);
    expect(finds[0]?.message).toContain(
      '`!Find [authentik_flows.flow, [slug, default-source-authenticaton]]`',
    );
    expect(finds[0]?.message).toContain('cannot be resolved offline');
    expect(finds[0]?.message).toContain('null');
  });

  it('names the serializer message on a field that may not be null', () => {
    const text = `version: 1
entries:
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: !Find [authentik_flows.flow, [slug, default-source-authenticaton]]
      stage: !Find [authentik_stages_user_login.userloginstage, [name, x]]
      order: 0
`;
    const [target] = withCode(validateDocument(readText(text)), 'find-no-match');

    expect(target?.message).toContain('This field may not be null.');
  });

  it('accepts a lookup that an earlier entry satisfies', () => {
    const text = `version: 1
entries:
  - model: authentik_flows.flow
    identifiers: {slug: default-source-authentication}
    attrs: {name: n, title: t, designation: authentication}
  - model: authentik_sources_oauth.oauthsource
    identifiers: {slug: s}
    attrs:
      name: s
      provider_type: discord
      consumer_key: k
      consumer_secret: !Env [SECRET]
      authentication_flow: !Find [authentik_flows.flow, [slug, default-source-authentication]]
`;

    expect(withCode(validateDocument(readText(text)), 'find-no-match')).toEqual([]);
  });
});

describe('case 03: absent entry applied twice', () => {
  const problems = validateDocument(
    readSharedBlueprint('cases/03-absent-entry-already-deleted/blueprint.yaml'),
  );

  it('reports only the re-apply note', () => {
    expect(codesOf(problems, 'error')).toEqual([]);
    expect(codesOf(problems, 'warning')).toEqual([]);
    expect(codesOf(problems, 'info')).toEqual(['absent-reapply']);
  });

  it('points at the state of the absent entry', () => {
    const [note] = withCode(problems, 'absent-reapply');

    expect(note).toMatchObject({ line: 21, entry: 2 });
    expect(note?.message).toContain('fail');
  });
});

describe('case 05: brand default in identifiers', () => {
  const file = 'cases/05-identifiers-vs-attrs-brand-default/blueprint.yaml';
  const problems = validateDocument(readSharedBlueprint(file));
  const misplaced = withCode(problems, 'identifier-belongs-in-attrs');

  it('flags the boolean identifier', () => {
    expect(misplaced).toHaveLength(1);
    expect(misplaced[0]).toMatchObject({ line: 10, column: 7, path: 'identifiers/default' });
  });

  it('names the lookup key and the fix', () => {
    expect(misplaced[0]?.message).toContain('`domain`');
    expect(misplaced[0]?.message).toContain('move `default` into attrs');
  });

  it('accepts default in attrs', () => {
    const fixed = caseText(file).replace(
      '      default: true\n    attrs:\n',
      '    attrs:\n      default: true\n',
    );

    expect(withCode(validateDocument(readText(fixed)), 'identifier-belongs-in-attrs')).toEqual([]);
  });
});

describe('case 06: exported flow with a foreign primary key', () => {
  const problems = validateDocument(
    readSharedBlueprint('cases/06-exported-flow-hardcoded-pk/blueprint.yaml'),
  );
  const dangling = withCode(problems, 'pk-dangling');

  it('lists exactly the dangling UUID', () => {
    expect(codesOf(problems, 'error')).toEqual(['pk-dangling']);
    expect(dangling).toHaveLength(1);
    expect(dangling[0]).toMatchObject({
      line: 23,
      entry: 1,
      path: 'attrs/configuration_stages/0',
    });
  });

  it('names the field, the value and both rewrites', () => {
    const message = dangling[0]?.message ?? '';

    expect(message).toContain('`configuration_stages`');
    expect(message).toContain('1f4a7c2e-88d0-4b5a-a3e9-2c6b0d9e7f45');
    expect(message).toContain('`!KeyOf`');
    expect(message).toContain(
      '`!Find [authentik_stages_authenticator_totp.authenticatortotpstage, [name, <name>]]`',
    );
  });

  it('flags a primary key declared further down', () => {
    const text = `version: 1
entries:
  - model: authentik_flows.flowstagebinding
    identifiers:
      target: 5d0f6a4e-2b7c-4c1e-9a61-0c3f2d7e8a11
      stage: !Find [authentik_stages_user_login.userloginstage, [name, x]]
      order: 0
  - model: authentik_flows.flow
    identifiers: {pk: 5d0f6a4e-2b7c-4c1e-9a61-0c3f2d7e8a11, slug: f}
    attrs: {name: n, title: t, designation: authentication}
`;
    const [later] = withCode(validateDocument(readText(text)), 'pk-dangling');

    expect(later?.message).toContain('further down');
  });
});

describe('case 07: export without the write-only secret', () => {
  const problems = validateDocument(
    readSharedBlueprint('cases/07-export-omits-write-only-secret/exported-source.yaml'),
  );
  const [missing] = withCode(problems, 'secret-missing');

  it('warns before contacting the server', () => {
    expect(missing?.severity).toBe('warning');
    expect(missing?.entry).toBe(0);
  });

  it('names the secret, the server message and the fix', () => {
    expect(missing?.message).toContain('`consumer_secret`');
    expect(missing?.message).toContain('This field is required.');
    expect(missing?.message).toContain('!Env');
  });
});

describe('case 08: !Env edge cases', () => {
  const file = 'cases/08-env-tag-null-and-tag-default/blueprint.yaml';
  const problems = validateDocument(readSharedBlueprint(file));

  it('warns that a null default breaks consumer_secret', () => {
    const [nullDefault] = withCode(problems, 'env-default-null');

    expect(nullDefault).toMatchObject({ line: 22, path: 'attrs/consumer_secret' });
    expect(nullDefault?.message).toContain('This field may not be null.');
  });

  it('warns that 2025.12 leaves a tag default unresolved', () => {
    const [tagDefault] = withCode(problems, 'tag-default-unresolved');

    expect(tagDefault?.line).toBe(14);
  });

  it('drops the tag default warning for newer servers', () => {
    const newer = validateDocument(readSharedBlueprint(file), { authentikVersion: '2026.2' });

    expect(withCode(newer, 'tag-default-unresolved')).toEqual([]);
  });

  it('lints the scalar form with a comma', () => {
    const text = caseText(file).replace(
      '!Env [CASE08_FLOW_TITLE, !Context fallback_title]',
      '!Env CASE08_FLOW_TITLE, Sign in',
    );
    const [comma] = withCode(validateDocument(readText(text)), 'env-scalar-comma');

    expect(comma?.line).toBe(14);
    expect(comma?.message).toContain('`!Env [CASE08_FLOW_TITLE, Sign in]`');
  });
});
