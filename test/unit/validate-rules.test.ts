import { describe, expect, it } from 'vitest';
import { isStagecraftError } from '../../shared/errors.js';
import type { StagecraftError } from '../../shared/errors.js';
import type { Problem, ProblemCode } from '../../shared/blueprint/problems.js';
import { validateDocument, validateObjects } from '../../shared/blueprint/validate.js';
import type { ModelObject } from '../../shared/model/object.js';
import { ref, tag } from '../../shared/model/values.js';
import { readText, withCode } from './validate-support.js';

const FLOW = `  - model: authentik_flows.flow
    id: flow
    identifiers: {slug: login}
    attrs: {name: Login, title: Sign in, designation: authentication}
`;

function validate(entries: string, header = 'version: 1\n'): Problem[] {
  return validateDocument(readText(`${header}entries:\n${entries}`));
}

function only(problems: Problem[], code: ProblemCode): Problem {
  const found = withCode(problems, code);
  expect(found.map((problem) => problem.code)).toEqual([code]);
  return found[0]!;
}

describe('file shape', () => {
  it('warns about a missing version', () => {
    const problem = only(validate(FLOW, ''), 'version-missing');

    expect(problem.severity).toBe('warning');
  });

  it('rejects a version other than 1', () => {
    const problem = only(validate(FLOW, 'version: 2\n'), 'version-unsupported');

    expect(problem).toMatchObject({ line: 1, column: 10, severity: 'error' });
  });

  it('requires a metadata name', () => {
    only(validate(FLOW, 'version: 1\nmetadata:\n  labels: {a: b}\n'), 'metadata-name-missing');
  });

  it('rejects a label that is not a string', () => {
    const problem = only(
      validate(
        FLOW,
        'version: 1\nmetadata:\n  name: x\n  labels:\n    blueprints.goauthentik.io/instantiate: false\n',
      ),
      'label-not-string',
    );

    expect(problem.message).toContain('"false"');
    expect(problem.line).toBe(5);
  });

  it('suggests the closest top-level key', () => {
    const problems = validateDocument(readText(`version: 1\nentries:\n${FLOW}contxt: {}\n`));

    expect(only(problems, 'top-level-key-unknown').message).toContain('`context`');
  });

  it('rejects entries that are not a list', () => {
    only(validateDocument(readText('version: 1\nentries: 3\n')), 'entries-shape');
  });

  it('rejects an entry that is not a map', () => {
    const problem = only(validate(`${FLOW}  - just text\n`), 'entry-shape');

    expect(problem.line).toBe(7);
  });

  it('rejects sections for releases before 2025.10', () => {
    const text = `version: 1\nentries:\n  flows:\n${FLOW.replaceAll('\n  ', '\n    ').replace(/^ {2}/, '    ')}`;

    expect(withCode(validateDocument(readText(text)), 'entries-shape')).toEqual([]);
    only(validateDocument(readText(text), { authentikVersion: '2025.6' }), 'entries-shape');
  });
});

describe('entries', () => {
  it('suggests attrs for a typo of the key', () => {
    const problem = only(
      validate(
        `  - model: authentik_flows.flow\n    identifiers: {slug: x}\n    attr: {name: x}\n`,
      ),
      'entry-key-unknown',
    );

    expect(problem.message).toContain('Did you mean `attrs`?');
    expect(problem).toMatchObject({ line: 5, column: 5 });
  });

  it('requires a model', () => {
    only(validate('  - identifiers: {slug: x}\n'), 'model-missing');
  });

  it('suggests the closest model', () => {
    const problem = only(
      validate('  - model: authentik_flows.flw\n    identifiers: {slug: x}\n'),
      'model-unknown',
    );

    expect(problem.message).toContain('Did you mean `authentik_flows.flow`?');
  });

  it('rejects base classes', () => {
    const problem = only(
      validate('  - model: authentik_flows.stage\n    identifiers: {name: x}\n'),
      'model-not-allowed',
    );

    expect(problem.message).toContain('concrete stage model');
  });

  it('warns about a mixed-case model', () => {
    only(
      validate('  - model: authentik_stages_deny.DenyStage\n    identifiers: {name: x}\n'),
      'model-case',
    );
  });

  it('rejects an unknown state with a suggestion', () => {
    const problem = only(
      validate(`${FLOW.replace('    id: flow\n', '    state: presnt\n')}`),
      'state-invalid',
    );

    expect(problem.message).toContain('Did you mean `present`?');
  });

  it('requires identifiers for non-meta models', () => {
    only(
      validate('  - model: authentik_stages_deny.denystage\n    attrs: {name: x}\n'),
      'identifiers-missing',
    );
  });

  it('needs no identifiers for meta models', () => {
    const problems = validate(
      '  - model: authentik_blueprints.metaapplyblueprint\n    attrs: {identifiers: {name: x}}\n',
    );

    expect(withCode(problems, 'identifiers-missing')).toEqual([]);
  });

  it('suggests the closest field', () => {
    const problem = only(validate(FLOW.replace('designation:', 'designaton:')), 'field-unknown');

    expect(problem.message).toContain('Did you mean `designation`?');
  });

  it('lists the choices of a choice field', () => {
    const problem = only(validate(FLOW.replace('authentication}', 'login}')), 'field-choice');

    expect(problem.message).toContain('"authentication"');
    expect(problem.path).toBe('attrs/designation');
  });

  it('errors on a missing required field of a must_created entry', () => {
    const problems = validate(
      '  - model: authentik_flows.flow\n    state: must_created\n    identifiers: {slug: x}\n    attrs: {name: x, title: x}\n',
    );

    expect(only(problems, 'field-required').severity).toBe('error');
  });

  it('warns on a missing required field that may exist already', () => {
    const problems = validate(
      '  - model: authentik_flows.flow\n    identifiers: {slug: x}\n    attrs: {name: x, title: x}\n',
    );

    expect(only(problems, 'field-required').severity).toBe('warning');
  });

  it('warns about a number in a text field', () => {
    const problems = validate(FLOW.replace('title: Sign in', 'title: 42'));

    expect(only(problems, 'field-type').severity).toBe('warning');
  });

  it('treats tags as wildcards', () => {
    const problems = validate(
      FLOW.replace('designation: authentication', 'designation: !Env DESIGNATION'),
    );

    expect(problems.filter((problem) => problem.code.startsWith('field-'))).toEqual([]);
  });

  it('softens errors of absent entries', () => {
    const problems = validate(
      '  - model: authentik_flows.stage\n    state: absent\n    identifiers: {name: x}\n',
    );

    expect(only(problems, 'model-not-allowed').severity).toBe('warning');
  });

  it('checks permission codenames', () => {
    const problems = validate(
      `${FLOW}    permissions:\n      - {permission: view_flows, role: r}\n`,
    );

    expect(only(problems, 'schema').message).toContain('Did you mean `view_flow`?');
  });
});

describe('references', () => {
  it('reports a dangling !KeyOf with a suggestion', () => {
    const problems = validate(
      `${FLOW}  - model: authentik_flows.flowstagebinding\n    identifiers: {target: !KeyOf flw, stage: !Find [authentik_stages_deny.denystage, [name, d]], order: 0}\n`,
    );

    expect(only(problems, 'keyof-unknown').message).toContain('Did you mean `flow`?');
  });

  it('reports a duplicate id', () => {
    const problems = validate(`${FLOW}${FLOW.replace('slug: login', 'slug: other')}`);

    expect(only(problems, 'id-duplicate').line).toBe(8);
  });

  it('accepts a !Find that an earlier entry satisfies', () => {
    const problems = validate(
      `${FLOW}  - model: authentik_flows.flowstagebinding\n    identifiers: {target: !Find [authentik_flows.flow, [slug, login]], stage: !KeyOf flow, order: 0}\n`,
    );

    expect(withCode(problems, 'find-no-match')).toEqual([]);
  });
});

describe('tags', () => {
  const entry = (attrs: string): string =>
    `  - model: authentik_flows.flow\n    identifiers: {slug: x}\n    attrs: {name: x, designation: authentication, title: ${attrs}}\n`;

  it('requires a model and pairs in !Find', () => {
    only(validate(entry('!Find [authentik_flows.flow, slug]')), 'tag-argument');
  });

  it('rejects an unknown !Condition mode', () => {
    const problem = only(validate(entry('!Condition [MAYBE, true]')), 'tag-argument');

    expect(problem.message).toContain('AND, NAND, OR, NOR, XOR, XNOR');
  });

  it('rejects !Index outside !Enumerate', () => {
    only(validate(entry('!Index 0')), 'tag-context');
  });

  it('accepts !Value inside an !Enumerate body', () => {
    const problems = validate(entry('!Enumerate [[a, b], SEQ, !Value 0]'));

    expect(problems.filter((problem) => problem.code.startsWith('tag'))).toEqual([]);
  });

  it('rejects an !Enumerate over its own !Value 0', () => {
    only(validate(entry('!Enumerate [[a], SEQ, !Enumerate [!Value 0, SEQ, x]]')), 'tag-context');
  });

  it('needs two or three !AtIndex arguments', () => {
    only(validate(entry('!AtIndex [a]')), 'tag-argument');
  });

  it('rejects invalid !ParseJSON text', () => {
    only(validate(entry("!ParseJSON '{nope'")), 'tag-argument');
  });

  it('rejects !FindObject before 2025.8', () => {
    const text = `version: 1\nentries:\n${entry('!AtIndex [!FindObject [authentik_flows.flow, [slug, x]], title, t]')}`;
    const problems = validateDocument(readText(text), { authentikVersion: '2025.6' });

    expect(only(problems, 'tag-context').message).toContain('2025.8');
  });

  it('rejects an invalid authentikVersion option', () => {
    let caught: unknown;
    try {
      validateDocument(readText(`version: 1\nentries:\n${FLOW}`), { authentikVersion: 'latest' });
    } catch (error) {
      caught = error;
    }

    expect(isStagecraftError(caught)).toBe(true);
    expect((caught as StagecraftError).code).toBe('usage');
  });
});

describe('validateObjects', () => {
  function object(
    uid: string,
    model: string,
    identifiers: ModelObject['identifiers'],
    extra: Partial<ModelObject> = {},
  ): ModelObject {
    return {
      uid,
      model,
      state: 'present',
      conditions: [],
      identifiers,
      attrs: {},
      permissions: [],
      origin: { file: 'project.yaml', line: 3, column: 5, index: 0 },
      ...extra,
    };
  }

  const flow = object(
    'f1',
    'authentik_flows.flow',
    { slug: 'x' },
    {
      attrs: { name: 'x', title: 'x', designation: 'authentication' },
    },
  );

  it('accepts references between objects', () => {
    const binding = object('b1', 'authentik_flows.flowstagebinding', {
      target: ref('f1'),
      stage: tag('Find', ['authentik_stages_deny.denystage', ['name', 'd']]),
      order: 0,
    });
    const problems = validateObjects([flow, binding]);

    expect(problems.filter((problem) => problem.severity === 'error')).toEqual([]);
  });

  it('reports a reference to a missing object with its uid', () => {
    const binding = object('b1', 'authentik_flows.flowstagebinding', {
      target: ref('gone'),
      stage: ref('f1'),
      order: 0,
    });
    const problem = only(validateObjects([flow, binding]), 'keyof-unknown');

    expect(problem).toMatchObject({ uid: 'b1', file: 'project.yaml', line: 3 });
  });

  it('reports a reference to an absent object', () => {
    const absent = { ...flow, state: 'absent' as const };
    const binding = object('b1', 'authentik_flows.flowstagebinding', {
      target: ref('f1'),
      stage: ref('f1'),
      order: 0,
    });

    expect(withCode(validateObjects([absent, binding]), 'keyof-absent')).toHaveLength(2);
  });

  it('checks field values', () => {
    const bad = object(
      'f2',
      'authentik_flows.flow',
      { slug: 'y' },
      { attrs: { name: 'y', title: 'y', designation: 'nope' } },
    );

    expect(only(validateObjects([bad]), 'field-choice').uid).toBe('f2');
  });

  it('allows one id in two files', () => {
    const first = { ...flow, id: 'login' };
    const second = object(
      'f3',
      'authentik_flows.flow',
      { slug: 'z' },
      {
        id: 'login',
        attrs: { name: 'z', title: 'z', designation: 'authentication' },
        origin: { file: 'other.yaml', line: 3, column: 5, index: 0 },
      },
    );

    expect(withCode(validateObjects([first, second]), 'id-duplicate')).toEqual([]);
  });

  it('reports one id twice in a file', () => {
    const first = { ...flow, id: 'login' };
    const second = object(
      'f3',
      'authentik_flows.flow',
      { slug: 'z' },
      { id: 'login', attrs: { name: 'z', title: 'z', designation: 'authentication' } },
    );

    expect(only(validateObjects([first, second]), 'id-duplicate').uid).toBe('f3');
  });
});
