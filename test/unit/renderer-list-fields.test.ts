import { describe, expect, it } from 'vitest';

import { getFieldSpec } from '../../shared/model/catalog.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { ref, tag } from '../../shared/model/values.js';
import { controlFor } from '../../renderer/inspector/field-model.js';
import {
  differsFromChoiceOrder,
  itemChoices,
  listModes,
  parseItem,
  toggleChoice,
  writtenList,
} from '../../renderer/inspector/list-model.js';
import {
  chipOrderOf,
  describeUnresolved,
  referenceCandidates,
  referenceChips,
} from '../../renderer/inspector/reference-model.js';

const PASSWORD = 'authentik_stages_password.passwordstage';
const IDENTIFICATION = 'authentik_stages_identification.identificationstage';
const GEOIP = 'authentik_policies_geoip.geoippolicy';
const MTLS = 'authentik_stages_mtls.mutualtlsstage';
const PROMPT = 'authentik_stages_prompt.prompt';
const PROMPT_STAGE = 'authentik_stages_prompt.promptstage';
const INBUILT = 'authentik.core.auth.InbuiltBackend';
const TOKEN = 'authentik.core.auth.TokenBackend';

function object(uid: string, model: string, attrs: Record<string, Value>): ModelObject {
  return {
    uid,
    model,
    state: 'present',
    conditions: [],
    identifiers: { name: uid },
    attrs,
    permissions: [],
  };
}

describe('list fields', () => {
  it('scalar lists get the list control', () => {
    expect(controlFor('backends', getFieldSpec(PASSWORD, 'backends')!, undefined, [])).toBe('list');
    expect(controlFor('asns', getFieldSpec(GEOIP, 'asns')!, undefined, [])).toBe('list');
  });

  it('choices come in catalogue order', () => {
    expect(itemChoices(getFieldSpec(IDENTIFICATION, 'user_fields')!)).toEqual([
      'email',
      'username',
      'upn',
    ]);
  });

  it('blank choice is left out', () => {
    expect(itemChoices(getFieldSpec(GEOIP, 'countries')!)).not.toContain('');
  });

  it('choice values open as checkboxes', () => {
    const spec = getFieldSpec(PASSWORD, 'backends')!;

    expect(listModes(spec, [INBUILT])).toEqual(['choices', 'rows', 'json']);
  });

  it('unknown item opens as rows', () => {
    const spec = getFieldSpec(PASSWORD, 'backends')!;

    expect(listModes(spec, ['custom.Backend'])).toEqual(['rows', 'json']);
  });

  it('tag item opens as JSON only', () => {
    const spec = getFieldSpec(PASSWORD, 'backends')!;

    expect(listModes(spec, [tag('Env', 'BACKEND')])).toEqual(['json']);
  });

  it('checking appends and keeps order', () => {
    expect(toggleChoice([TOKEN], INBUILT, true)).toEqual([TOKEN, INBUILT]);
    expect(toggleChoice([TOKEN, INBUILT], TOKEN, false)).toEqual([INBUILT]);
  });

  it('order differing from choices is noticed', () => {
    const choices = itemChoices(getFieldSpec(PASSWORD, 'backends')!)!;

    expect(differsFromChoiceOrder([TOKEN, INBUILT], choices)).toBe(true);
    expect(differsFromChoiceOrder([INBUILT, TOKEN], choices)).toBe(false);
  });

  it('integer items are checked', () => {
    const spec = getFieldSpec(GEOIP, 'asns')!.items;

    expect(parseItem('13335', spec)).toEqual({ ok: true, item: 13335 });
    expect(parseItem('1.5', spec).ok).toBe(false);
    expect(parseItem('abc', spec).ok).toBe(false);
    expect(parseItem('99999999999', spec).ok).toBe(false);
  });

  it('uuid items are checked', () => {
    const spec = getFieldSpec(MTLS, 'certificate_authorities')!.items;
    const result = parseItem('not-a-uuid', spec);

    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toContain('is not a UUID');
  });

  it('empty item is rejected', () => {
    expect(parseItem(' ', getFieldSpec(PASSWORD, 'backends')!.items).ok).toBe(false);
  });

  it('emptied list respects the default', () => {
    expect(writtenList([], [])).toBeUndefined();
    expect(writtenList([], ['static', 'totp'])).toEqual([]);
    expect(writtenList(['a'], [])).toEqual(['a']);
  });
});

describe('reference lists', () => {
  const objects = new Map<string, ModelObject>([
    ['late', object('late', PROMPT, { order: 300 })],
    ['early', object('early', PROMPT, { order: 10 })],
    ['middle', object('middle', PROMPT, { order: 100 })],
    ['stage', object('stage', PROMPT_STAGE, {})],
  ]);

  it('prompt fields sort by order', () => {
    const chips = referenceChips(
      [ref('late'), ref('early'), ref('middle')],
      objects,
      chipOrderOf(PROMPT_STAGE, 'fields'),
    );

    expect(chips.map((chip) => chip.title)).toEqual(['early', 'middle', 'late']);
    expect(chips[0]?.detail).toContain('order 10');
  });

  it('sources sort by name', () => {
    expect(chipOrderOf(IDENTIFICATION, 'sources')).toBe('name');
  });

  it('other lists keep their order', () => {
    const chips = referenceChips([ref('late'), ref('early')], objects, 'list');

    expect(chips.map((chip) => chip.title)).toEqual(['late', 'early']);
  });

  it('unresolved items are kept as missing', () => {
    const find = tag('Find', [PROMPT, ['name', 'gone']]);
    const chips = referenceChips([find, ref('early')], objects, 'prompt-order');

    expect(chips).toHaveLength(2);
    expect(chips[1]?.missing).toBe(true);
    expect(chips[1]?.index).toBe(0);
    expect(chips[1]?.title).toBe(`!Find [${PROMPT}, [name, gone]]`);
    expect(chips[1]?.detail).toBe('not found in the project');
  });

  it('primary key is described as written', () => {
    expect(describeUnresolved('0b5b3d5c-3c3a-4e2a-9f3e-0a1b2c3d4e5f')).toBe(
      '0b5b3d5c-3c3a-4e2a-9f3e-0a1b2c3d4e5f',
    );
  });

  it('candidates skip chosen objects', () => {
    const found = referenceCandidates(objects, [PROMPT], [ref('early')], '');

    expect(found.map((candidate) => candidate.uid)).toEqual(['late', 'middle']);
  });

  it('candidates filter by text', () => {
    const found = referenceCandidates(objects, [PROMPT], [], 'MID');

    expect(found.map((candidate) => candidate.uid)).toEqual(['middle']);
  });
});
