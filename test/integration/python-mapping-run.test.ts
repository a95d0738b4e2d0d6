// Running property mappings of models other than OAuth sources from the editor, in real Python
// (Pyodide), with the variables authentik passes to that model.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPythonPool, type PythonPool } from '../../main/python/pool.js';
import { testExpression } from '../../main/services/simulator-expression.js';
import type { RunSetup } from '../../main/services/simulator-runs.js';
import type { ModelObject } from '../../shared/model/object.js';
import type { Persona } from '../../shared/simulator/persona.js';

let pool: PythonPool;

beforeAll(async () => {
  pool = createPythonPool({ size: 1, cacheDir: null });
  await pool.ready;
});

afterAll(async () => {
  await pool.close();
});

function object(uid: string, model: string, attrs: ModelObject['attrs']): ModelObject {
  return { uid, model, state: 'present', conditions: [], identifiers: {}, attrs, permissions: [] };
}

const MAPPING_UID = 'saml-mapping';

const OBJECTS: ModelObject[] = [
  object(MAPPING_UID, 'authentik_providers_saml.samlpropertymapping', {
    name: 'saml-email',
    saml_name: 'email',
    expression: 'return user.email',
  }),
  object('saml-provider', 'authentik_providers_saml.samlprovider', {
    name: 'wiki-saml',
    acs_url: 'https://wiki.example.org/saml/acs',
    property_mappings: [{ $ref: MAPPING_UID }],
  }),
];

const PERSONAS: Persona[] = [
  { name: 'Alice', user: { username: 'alice', email: 'alice@example.org' } },
] as Persona[];

function setup(): RunSetup {
  return { objects: OBJECTS, personas: PERSONAS, evaluator: pool, authentikVersion: '2025.12' };
}

function runSaml(expression: string, persona?: string) {
  return testExpression(
    setup(),
    {
      expression,
      kind: 'property_mapping',
      name: 'saml-email',
      uid: MAPPING_UID,
      ...(persona === undefined ? {} : { persona }),
    },
    [],
  );
}

describe('SAML provider mapping run', () => {
  it('gets the provider of the project', async () => {
    const run = await runSaml('return provider.name');

    expect(run.result.error?.message).toBeUndefined();
    expect(run.result.rawResult?.json).toBe('wiki-saml');
  });

  it('gets the persona as user', async () => {
    const run = await runSaml('return [user.email, request.user.username]', 'Alice');

    expect(run.result.rawResult?.json).toEqual(['alice@example.org', 'alice']);
  });

  it('gets an HTTP request', async () => {
    const run = await runSaml('return http_request is not None', 'Alice');

    expect(run.result.rawResult?.json).toBe(true);
  });

  it('gets no OAuth source variables', async () => {
    const run = await runSaml('return info', 'Alice');

    expect(run.result.error?.type).toBe('NameError');
  });

  it('names the stand-ins in the context source', async () => {
    const run = await runSaml('return 1', 'Alice');

    expect(run.contextSource).toContain('wiki-saml');
  });
});
