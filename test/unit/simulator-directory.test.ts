/**
 * The simulated directory around the runs: password hashes, personas in a real project file,
 * applying a run's effects on request, masking, version rules and the text rendering.
 */
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { parseInputs } from '../../main/cli/simulate.js';
import { ProjectStore } from '../../main/project/index.js';
import { applyEffectsToProject } from '../../main/simulator/apply-effects.js';
import { hashPassword, verifyPassword } from '../../main/simulator/passwords.js';
import { loadPersonas, savePersona } from '../../main/simulator/personas.js';
import { simulateFlow } from '../../main/simulator/simulate.js';
import { isStagecraftError } from '../../shared/errors.js';
import { formatTrace } from '../../shared/simulator/format.js';
import { maskSecrets } from '../../shared/simulator/mask.js';
import { parsePersona } from '../../shared/simulator/persona.js';
import type { AuthentikVersion } from '../../shared/simulator/rules.js';
import { parseAuthentikVersion, ruleFor } from '../../shared/simulator/rules.js';
import { makeTempFolder } from '../support/project-fixtures.js';
import { DIRECTORY, loginFlow } from './simulator-fixtures.js';
import { ScriptedEvaluator, objectsFromYaml } from './simulator-helpers.js';

let folder: string;
let remove: () => void;
let store: ProjectStore;

beforeEach(() => {
  ({ folder, remove } = makeTempFolder());
  store = ProjectStore.create(join(folder, 'directory.stagecraft'), { name: 'Directory' });
});

afterEach(() => {
  store.close();
  remove();
});

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return isStagecraftError(error) ? error.code : String(error);
  }
  return undefined;
}

describe('password hashes', () => {
  it('verify the right password', () => {
    expect(verifyPassword('s3cret', hashPassword('s3cret'))).toBe(true);
  });

  it('refuse a wrong password', () => {
    expect(verifyPassword('other', hashPassword('s3cret'))).toBe(false);
  });

  it('are salted', () => {
    expect(hashPassword('s3cret')).not.toBe(hashPassword('s3cret'));
  });
});

describe('personas', () => {
  it('store only the password hash', () => {
    savePersona(store, { name: 'alice', user: { username: 'alice' } }, { password: 's3cret' });
    const stored = JSON.stringify(store.personas.get(store.personas.list()[0]?.id ?? '')?.data);

    expect(stored).not.toContain('s3cret');
    expect(stored).toContain('scrypt$');
  });

  it('load back from the project', () => {
    savePersona(store, { name: 'alice', user: { username: 'alice' }, captcha: 'fail' });

    expect(loadPersonas(store)).toEqual([
      { name: 'alice', user: { username: 'alice' }, captcha: 'fail' },
    ]);
  });

  it('replace a persona with the same name', () => {
    savePersona(store, { name: 'alice', user: { username: 'alice' } });
    savePersona(store, { name: 'alice', user: { username: 'alice2' } });

    expect(loadPersonas(store).map((persona) => persona.user.username)).toEqual(['alice2']);
  });

  it('reject a plain password field', () => {
    const persona = { name: 'alice', user: { username: 'alice' }, password: 'plain' };

    expect(codeOf(() => savePersona(store, persona))).toBe('persona-invalid');
  });

  it('reject a malformed record', () => {
    expect(codeOf(() => parsePersona({ name: 'x', user: {} }, 'x'))).toBe('persona-invalid');
  });

  it('let a project persona log in', async () => {
    savePersona(store, { name: 'alice', user: { username: 'alice' } }, { password: 's3cret' });
    const trace = await simulateFlow({
      objects: objectsFromYaml(loginFlow() + DIRECTORY),
      flow: 'login',
      evaluator: new ScriptedEvaluator(),
      personas: loadPersonas(store),
      actor: 'alice',
      inputs: { password: ['s3cret'] },
    });

    expect(trace.outcome.kind).toBe('completed');
  });
});

describe('applying effects', () => {
  it('creates users the run created', () => {
    applyEffectsToProject(store, {
      users: [
        {
          action: 'created',
          username: 'carol',
          pk: 5,
          changes: [{ field: 'email', before: null, after: 'c@example.org' }],
          by: 'test',
        },
      ],
      memberships: [],
      events: [],
      messages: [],
      emails: [],
      sessions: [],
      other: [],
    });
    const carol = store.listObjects().find((object) => object.identifiers.username === 'carol');

    expect(carol?.attrs).toEqual({ email: 'c@example.org' });
  });

  it('is one undo step', () => {
    applyEffectsToProject(store, {
      users: [{ action: 'created', username: 'carol', pk: 5, changes: [], by: 'test' }],
      memberships: [],
      events: [],
      messages: [],
      emails: [],
      sessions: [],
      other: [],
    });
    store.undo();

    expect(store.listObjects()).toHaveLength(0);
  });

  it('leaves the project alone until asked', async () => {
    const objects = objectsFromYaml(loginFlow() + DIRECTORY);
    store.apply(objects.map((object) => ({ kind: 'object.create', object })));
    const before = store.listObjects();
    await simulateFlow({
      objects: before,
      flow: 'login',
      evaluator: new ScriptedEvaluator(),
      actor: 'alice',
      inputs: { password: ['x'] },
    });

    expect(store.listObjects()).toEqual(before);
  });
});

describe('trace helpers', () => {
  it('mask every password-like key', () => {
    const masked = maskSecrets({
      password: 'a',
      password_repeat: 'b',
      password_change_date: 'c',
      nested: { access_token: 'd' },
    });

    expect(masked).toEqual({
      password: '***',
      password_repeat: '***',
      password_change_date: 'c',
      nested: { access_token: '***' },
    });
  });

  it('read versions with and without a patch', () => {
    expect(parseAuthentikVersion('2025.12.4')).toEqual({ year: 2025, month: 12, patch: 4 });
    expect(parseAuthentikVersion('latest')).toBeUndefined();
  });

  it('pick the rule variant of a version', () => {
    const version = (text: string): AuthentikVersion => {
      const parsed = parseAuthentikVersion(text);
      if (parsed === undefined) {
        throw new Error(`${text} does not parse`);
      }
      return parsed;
    };

    expect(ruleFor('staticBindingsAll', version('2025.12.4')).id).toBe(
      'static-bindings-all@before-2025.12.5',
    );
    expect(ruleFor('staticBindingsAll', version('2025.12')).id).toBe(
      'static-bindings-all@2025.12.5',
    );
  });

  it('parse repeated inputs into queues', () => {
    expect(parseInputs(['password=a', 'password=b', 'x=1=2'])).toEqual({
      password: ['a', 'b'],
      x: ['1=2'],
    });
  });

  it('reject an input without a key', () => {
    expect(codeOf(() => parseInputs(['=value']))).toBe('usage');
  });

  it('render the outcome last', async () => {
    const trace = await simulateFlow({
      objects: objectsFromYaml(loginFlow() + DIRECTORY),
      flow: 'login',
      evaluator: new ScriptedEvaluator(),
      inputs: { username: ['nobody'], password: ['x'] },
    });
    const lines = formatTrace(trace).trim().split('\n');

    expect(lines.at(-1)).toMatch(/^Rejected at stage pw: Invalid password/);
  });
});
