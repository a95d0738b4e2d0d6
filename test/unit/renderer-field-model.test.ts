import { describe, expect, it } from 'vitest';

import { getFieldSpec } from '../../shared/model/catalog.js';
import { getModelFacts, getReference } from '../../shared/model/fields.js';
import {
  controlFor,
  fieldProblems,
  formatDraft,
  parseDraft,
} from '../../renderer/inspector/field-model.js';
import { paletteSections } from '../../renderer/canvas/palette-data.js';

const FLOW = 'authentik_flows.flow';
const BINDING = 'authentik_flows.flowstagebinding';

describe('inspector fields', () => {
  it('controls follow the catalogue', () => {
    expect(
      controlFor('designation', getFieldSpec(FLOW, 'designation')!, undefined, undefined),
    ).toBe('choice');
    expect(controlFor('order', getFieldSpec(BINDING, 'order')!, undefined, 1)).toBe('number');
    expect(
      controlFor('stage', getFieldSpec(BINDING, 'stage')!, getReference(BINDING, 'stage'), null),
    ).toBe('reference');
    expect(
      controlFor('name', getFieldSpec(FLOW, 'name')!, undefined, { $tag: '!Env', value: 'X' }),
    ).toBe('tag');
  });

  it('parseDraft rejects bad numbers', () => {
    expect(parseDraft('number', '12')).toEqual({ ok: true, value: 12 });
    expect(parseDraft('number', 'twelve').ok).toBe(false);
    expect(parseDraft('number', '')).toEqual({ ok: true, value: undefined });
  });

  it('parseDraft reads JSON', () => {
    expect(parseDraft('json', '{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseDraft('json', '{a').ok).toBe(false);
  });

  it('fieldProblems reports bad choices', () => {
    const spec = getFieldSpec(FLOW, 'designation')!;
    const problems = fieldProblems('designation', spec, getModelFacts(FLOW), 'login');

    expect(problems).toHaveLength(1);
  });

  it('fieldProblems reports required fields', () => {
    const spec = getFieldSpec(FLOW, 'title')!;

    expect(fieldProblems('title', spec, getModelFacts(FLOW), undefined)[0]).toMatch(/^Required/);
  });

  it('formatDraft shows references by uid', () => {
    expect(formatDraft('reference', { $ref: 'abc' })).toBe('abc');
  });

  it('palette lists every stage and policy type', () => {
    const [stages, policies] = paletteSections();

    expect(stages?.entries.map((entry) => entry.title)).toContain('Identification stage');
    expect(policies?.entries.map((entry) => entry.title)).toContain('Expression policy');
    expect(stages?.entries.length).toBeGreaterThanOrEqual(25);
  });
});
