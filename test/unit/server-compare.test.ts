/**
 * Comparing project objects with a server's objects as authentik's importer would meet them.
 */
import { describe, expect, it } from 'vitest';

import type { CompareSides } from '../../main/server/compare.js';
import {
  canonicalValue,
  compareMatched,
  findRemoteMatch,
  objectName,
} from '../../main/server/compare.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Value } from '../../shared/model/values.js';
import { ref, tag } from '../../shared/model/values.js';

function object(
  uid: string,
  model: string,
  identifiers: Record<string, Value>,
  attrs: Record<string, Value> = {},
  state: ModelObject['state'] = 'present',
): ModelObject {
  return { uid, model, state, conditions: [], identifiers, attrs, permissions: [] };
}

const FLOW = 'authentik_flows.flow';
const BINDING = 'authentik_flows.flowstagebinding';
const STAGE = 'authentik_stages_password.passwordstage';

function sides(local: ModelObject[], remote: ModelObject[]): CompareSides {
  const byUid = new Map([...local, ...remote].map((item) => [item.uid, item]));
  const lookup = (uid: string) => byUid.get(uid);
  return { local, localLookup: lookup, remote, remoteLookup: lookup };
}

const remoteFlow = object(
  'r-flow',
  FLOW,
  { pk: 'f-1', slug: 'login' },
  { title: 'Old', layout: 'stacked' },
);
const remoteStage = object(
  'r-stage',
  STAGE,
  { pk: 's-1', name: 'login-password' },
  { backends: [] },
);
const remoteBinding = object(
  'r-binding',
  BINDING,
  { pk: 'b-1', target: ref('r-flow'), stage: ref('r-stage'), order: 20 },
  { re_evaluate_policies: true },
);

describe('canonical values', () => {
  it('reference equals a !Find of the same natural key', () => {
    const all = sides([remoteStage], []);

    expect(canonicalValue(ref('r-stage'), all.localLookup)).toBe(
      canonicalValue(tag('Find', [STAGE, ['name', 'login-password']]), all.localLookup),
    );
  });

  it('lists of references ignore order', () => {
    const all = sides([remoteFlow, remoteStage], []);

    expect(canonicalValue([ref('r-stage'), ref('r-flow')], all.localLookup)).toBe(
      canonicalValue([ref('r-flow'), ref('r-stage')], all.localLookup),
    );
  });

  it('other lists keep their order', () => {
    const lookup = () => undefined;

    expect(canonicalValue(['a', 'b'], lookup)).not.toBe(canonicalValue(['b', 'a'], lookup));
  });

  it('server-side tags have no canonical value', () => {
    expect(canonicalValue(tag('Env', ['X']), () => undefined)).toBeUndefined();
  });
});

describe('matching', () => {
  it('finds the binding by its identifiers through references', () => {
    const localFlow = object('l-flow', FLOW, { slug: 'login' });
    const localStage = object('l-stage', STAGE, { name: 'login-password' });
    const localBinding = object(
      'l-binding',
      BINDING,
      { target: ref('l-flow'), stage: ref('l-stage') },
      { order: 20 },
    );
    const all = sides(
      [localFlow, localStage, localBinding],
      [remoteFlow, remoteStage, remoteBinding],
    );

    expect(findRemoteMatch(localBinding, all)?.uid).toBe('r-binding');
  });

  it('finds by primary key even when other identifiers differ', () => {
    const local = object('l-flow', FLOW, { pk: 'f-1', slug: 'renamed' });

    expect(findRemoteMatch(local, sides([local], [remoteFlow]))?.uid).toBe('r-flow');
  });

  it('identifier resolved by the server matches nothing', () => {
    const local = object('l-flow', FLOW, { slug: tag('Env', ['SLUG']) });

    expect(findRemoteMatch(local, sides([local], [remoteFlow]))).toBeUndefined();
  });
});

describe('field comparison', () => {
  it('reports only fields the project sets', () => {
    const local = object(
      'l-flow',
      FLOW,
      { slug: 'login' },
      { title: 'New', name: tag('Env', ['NAME']) },
    );

    const difference = compareMatched(local, remoteFlow, sides([local], [remoteFlow]));

    expect(difference).toEqual({
      status: 'change',
      model: FLOW,
      name: 'login',
      uid: 'l-flow',
      fields: [{ field: 'title', server: 'Old', local: 'New' }],
      unresolved: ['name'],
    });
  });

  it('field missing on the server is a change', () => {
    const local = object('l-flow', FLOW, { slug: 'login' }, { denied_action: 'continue' });

    const difference = compareMatched(local, remoteFlow, sides([local], [remoteFlow]));

    expect(difference.fields).toEqual([
      { field: 'denied_action', server: null, local: 'continue' },
    ]);
  });

  it('created state keeps the server object', () => {
    const local = object('l-flow', FLOW, { slug: 'login' }, { title: 'New' }, 'created');

    expect(compareMatched(local, remoteFlow, sides([local], [remoteFlow])).status).toBe('kept');
  });

  it('absent state deletes it', () => {
    const local = object('l-flow', FLOW, { slug: 'login' }, {}, 'absent');

    expect(compareMatched(local, remoteFlow, sides([local], [remoteFlow])).status).toBe('delete');
  });

  it('names bindings by what they bind', () => {
    const all = sides([], [remoteFlow, remoteStage, remoteBinding]);

    expect(objectName(remoteBinding, all.remoteLookup)).toBe('login-password in login (order 20)');
  });
});
