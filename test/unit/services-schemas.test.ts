import { describe, expect, it } from 'vitest';

import {
  SERVICE_SCHEMAS,
  listMethods,
  listServices,
  validateCall,
} from '../../shared/api/schemas.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { StagecraftError } from '../../shared/errors.js';

function rejection(service: string, method: string, args: unknown): StagecraftError {
  try {
    validateCall(service, method, args);
  } catch (error) {
    if (isStagecraftError(error)) {
      return error;
    }
    throw error;
  }
  throw new Error(`${service}.${method} accepted ${JSON.stringify(args)}`);
}

const flow = {
  uid: 'f1',
  model: 'authentik_flows.flow',
  state: 'present',
  conditions: [],
  identifiers: { slug: 'login' },
  attrs: {},
  permissions: [],
};

describe('service schemas', () => {
  it('accept valid arguments', () => {
    const valid: [string, string, unknown][] = [
      ['project', 'open', { path: '/tmp/a.stagecraft' }],
      ['project', 'open', { path: '/tmp/a.stagecraft', create: true }],
      ['project', 'openSample', {}],
      ['project', 'apply', { changes: [{ kind: 'object.create', object: flow }], label: 'Add' }],
      ['blueprints', 'importFiles', { files: [{ name: 'a.yaml', text: '' }] }],
      ['blueprints', 'previewExport', { flows: ['login'] }],
      ['blueprints', 'writeExport', { path: '/tmp/x.yaml', allowErrors: true }],
      ['app', 'chooseProject', { purpose: 'open' }],
      ['secrets', 'set', { name: 'discord.client_secret', value: 's3cret' }],
    ];

    for (const [service, method, args] of valid) {
      expect(() => validateCall(service, method, args), `${service}.${method}`).not.toThrow();
    }
  });

  it('name method, field and expectation', () => {
    const error = rejection('project', 'open', { path: 42 });

    expect(error.code).toBe('invalid-argument');
    expect(error.message).toBe(
      'project.open: path must be a non-empty string of at most 4096 characters, but is number 42.',
    );
    expect(error.data).toMatchObject({ service: 'project', method: 'open', field: 'path' });
  });

  it('reject a missing required field', () => {
    const error = rejection('project', 'forgetRecent', {});

    expect(error.message).toContain('path must be a non-empty string');
    expect(error.message).toContain('but is nothing');
  });

  it('reject unknown keys', () => {
    const error = rejection('project', 'open', { path: '/a.stagecraft', creat: true });

    expect(error.code).toBe('invalid-argument');
    expect(error.data.field).toBe('creat');
    expect(error.message).toContain('only path, create are known');
  });

  it('reject a non-object argument', () => {
    expect(rejection('project', 'current', null).message).toBe(
      'project.current: the argument must be an empty object, but is null.',
    );
    expect(rejection('project', 'current', []).code).toBe('invalid-argument');
  });

  it('reject nested bad values with their path', () => {
    const error = rejection('blueprints', 'importFiles', { files: [{ name: 'a.yaml', text: 5 }] });

    expect(error.data.field).toBe('files[0].text');
  });

  it('reject malformed changes', () => {
    const error = rejection('project', 'apply', { changes: [{ kind: 'object.explode' }] });

    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('changes[0].kind is "object.explode"');
  });

  it('reject a wrong enum value', () => {
    const error = rejection('app', 'chooseProject', { purpose: 'delete' });

    expect(error.message).toContain('purpose must be one of "open", "create"');
  });

  it('reject secret names with odd characters', () => {
    expect(rejection('secrets', 'set', { name: 'a b', value: 'x' }).data.field).toBe('name');
  });

  it('reject strings with NUL characters', () => {
    expect(rejection('project', 'open', { path: '/a\0b.stagecraft' }).code).toBe(
      'invalid-argument',
    );
  });

  it('reject unknown services and methods', () => {
    expect(rejection('project', 'drop', {}).code).toBe('method-not-found');
    expect(rejection('fs', 'read', {}).code).toBe('method-not-found');
    expect(rejection('project', 'constructor', {}).code).toBe('method-not-found');
    expect(rejection('__proto__', 'toString', {}).code).toBe('method-not-found');
  });

  it('list every service and method', () => {
    expect(listServices()).toEqual([
      'project',
      'blueprints',
      'app',
      'secrets',
      'simulator',
      'server',
    ]);
    expect(listMethods('project')).toContain('openSample');
    expect(Object.keys(SERVICE_SCHEMAS.blueprints)).toHaveLength(4);
  });
});
