import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import type { ServiceHandlers } from '../../shared/api/services.js';
import { validateCall } from '../../shared/api/schemas.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { JsonValue } from '../../shared/simulator/evaluation.js';
import { createServiceFixture } from '../support/services.js';
import type { ServiceFixture } from '../support/services.js';

let fixture: ServiceFixture;
let services: ServiceHandlers;

const DISCORD_USER = {
  id: '1100000000000000042',
  username: 'rowan.recorded',
  discriminator: '0',
  global_name: 'Rowan',
  avatar: null,
  email: 'rowan@mail.example',
  verified: true,
};

// A recording of a Discord login: the token exchange and users/@me, both with status 200.
function loginRecording(withUser: boolean): Record<string, JsonValue> {
  const exchanges: JsonValue[] = [
    {
      request: {
        method: 'POST',
        url: 'https://discord.com/api/oauth2/token',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=authorization_code',
      },
      response: {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: {
          json: {
            access_token: '<access-token-1>',
            token_type: 'Bearer',
            expires_in: 604800,
            refresh_token: '<refresh-token-1>',
            scope: 'identify email',
          },
        },
      },
    },
  ];
  if (withUser) {
    exchanges.push({
      request: {
        method: 'GET',
        url: 'https://discord.com/api/users/@me',
        headers: { Authorization: 'Bearer <access-token-1>' },
        body: null,
      },
      response: {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
        body: { json: DISCORD_USER },
      },
    });
  }

  return {
    format: 'stagecraft-http-recording',
    version: 1,
    source: 'discord',
    providerType: 'discord',
    apiBase: 'https://discord.com/api',
    createdAt: '2026-01-01T00:00:00.000Z',
    exchanges,
  };
}

function storeRecording(name: string, withUser: boolean): string {
  const store = fixture.services.session.current!;
  return store.recordings.put({ name, data: loginRecording(withUser) }).id;
}

async function builtInCopy(name: string): Promise<Record<string, JsonValue>> {
  const details = await services.simulator.getPersona({ name: 'member-with-role' });
  return { ...details.persona, name };
}

async function rejection(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isStagecraftError(error)) {
      return { code: error.code, message: error.message };
    }
    throw error;
  }
  throw new Error('the call resolved, but it should have been rejected');
}

beforeEach(async () => {
  fixture = createServiceFixture();
  services = fixture.services.handlers;
  await services.project.open({ path: join(fixture.folder, 'personas.stagecraft'), create: true });
});

afterEach(async () => {
  await fixture.services.dispose();
  fixture.dispose();
});

describe('persona service', () => {
  it('marks built-in personas', async () => {
    await services.simulator.savePersona({ persona: { name: 'Alice', user: { username: 'a' } } });
    const personas = await services.simulator.listPersonas({});

    expect(personas.find((persona) => persona.name === 'Alice')?.builtIn).toBe(false);
    expect(personas.find((persona) => persona.name === 'member-with-role')?.builtIn).toBe(true);
  });

  it('returns a built-in persona with every field', async () => {
    const details = await services.simulator.getPersona({ name: 'member-with-role' });

    expect(details.builtIn).toBe(true);
    expect(details.persona.discord).toMatchObject({ user: { username: 'willow.member' } });
  });

  it('rejects an unknown persona name', async () => {
    const error = await rejection(services.simulator.getPersona({ name: 'nobody' }));

    expect(error.code).toBe('persona-not-found');
    expect(error.message).toContain('member-with-role');
  });

  it('derives the user of a saved Discord copy', async () => {
    const copy = await builtInCopy('willow-copy');
    (copy.discord as { user: { username: string } }).user.username = 'willow.renamed';
    await services.simulator.savePersona({ persona: copy });
    const details = await services.simulator.getPersona({ name: 'willow-copy' });

    expect(details.builtIn).toBe(false);
    expect(details.persona.user).toMatchObject({ username: 'willow.renamed' });
  });

  it('rejects an invalid Discord field on save', async () => {
    const copy = await builtInCopy('broken');
    (copy.discord as { user: { id: string } }).user.id = 'not-a-snowflake';
    const error = await rejection(services.simulator.savePersona({ persona: copy }));

    expect(error.code).toBe('persona-invalid');
    expect(error.message).toContain('discord.user.id');
  });

  it('never returns the password hash', async () => {
    await services.simulator.savePersona({
      persona: { name: 'Alice', user: { username: 'alice' } },
      password: 'correct horse',
    });
    const details = await services.simulator.getPersona({ name: 'Alice' });

    expect(details.hasPassword).toBe(true);
    expect(JSON.stringify(details)).not.toContain('scrypt$');
  });

  it('keeps the password hash on an edit', async () => {
    await services.simulator.savePersona({
      persona: { name: 'Alice', user: { username: 'alice' } },
      password: 'correct horse',
    });
    const { persona } = await services.simulator.getPersona({ name: 'Alice' });
    await services.simulator.savePersona({
      persona: { ...persona, description: 'Edited' },
      keepPassword: true,
    });
    const details = await services.simulator.getPersona({ name: 'Alice' });

    expect(details.persona.description).toBe('Edited');
    expect(details.hasPassword).toBe(true);
  });

  it('drops the password without keepPassword', async () => {
    await services.simulator.savePersona({
      persona: { name: 'Alice', user: { username: 'alice' } },
      password: 'correct horse',
    });
    await services.simulator.savePersona({ persona: { name: 'Alice', user: { username: 'a' } } });

    expect((await services.simulator.getPersona({ name: 'Alice' })).hasPassword).toBe(false);
  });

  it('renames a persona in place', async () => {
    await services.simulator.savePersona({
      persona: { name: 'Alice', user: { username: 'alice' } },
      password: 'correct horse',
    });
    await services.simulator.savePersona({
      persona: { name: 'Alicia', user: { username: 'alice' } },
      previousName: 'Alice',
      keepPassword: true,
    });
    const names = (await services.simulator.listPersonas({})).map((persona) => persona.name);

    expect(names).toContain('Alicia');
    expect(names).not.toContain('Alice');
    expect((await services.simulator.getPersona({ name: 'Alicia' })).hasPassword).toBe(true);
  });

  it('rejects a rename onto a taken name', async () => {
    await services.simulator.savePersona({ persona: { name: 'Alice', user: { username: 'a' } } });
    await services.simulator.savePersona({ persona: { name: 'Bob', user: { username: 'b' } } });
    const error = await rejection(
      services.simulator.savePersona({
        persona: { name: 'Bob', user: { username: 'a' } },
        previousName: 'Alice',
      }),
    );

    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('already has a persona of that name');
  });

  it('deletes a project persona', async () => {
    await services.simulator.savePersona({ persona: { name: 'Alice', user: { username: 'a' } } });

    expect(await services.simulator.deletePersona({ name: 'Alice' })).toBe(true);
    const names = (await services.simulator.listPersonas({})).map((persona) => persona.name);
    expect(names).not.toContain('Alice');
  });

  it('returns false deleting an unknown persona', async () => {
    expect(await services.simulator.deletePersona({ name: 'nobody' })).toBe(false);
  });

  it('rejects deleting a built-in persona', async () => {
    const error = await rejection(services.simulator.deletePersona({ name: 'no-email' }));

    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('built in');
  });

  it('lists a hidden built-in again after delete', async () => {
    const copy = await builtInCopy('member-with-role');
    (copy.discord as { user: { global_name: string } }).user.global_name = 'Edited';
    await services.simulator.savePersona({ persona: copy });
    const hidden = await services.simulator.listPersonas({});
    expect(hidden.find((persona) => persona.name === 'member-with-role')?.builtIn).toBe(false);

    await services.simulator.deletePersona({ name: 'member-with-role' });
    const shown = await services.simulator.listPersonas({});
    expect(shown.find((persona) => persona.name === 'member-with-role')?.builtIn).toBe(true);
  });

  it('builds a persona from a recording', async () => {
    const id = storeRecording('login', true);
    const summary = await services.simulator.personaFromRecording({ recording: id, name: 'Rowan' });
    const details = await services.simulator.getPersona({ name: 'Rowan' });

    expect(summary).toMatchObject({ name: 'Rowan', username: 'rowan.recorded', discord: true });
    expect(details.persona.discord).toMatchObject({ token: { scope: 'identify email' } });
    expect(details.persona.inDirectory).toBe(false);
  });

  it('rejects a recording without users/@me', async () => {
    const id = storeRecording('token only', false);
    const error = await rejection(
      services.simulator.personaFromRecording({ recording: id, name: 'Rowan' }),
    );

    expect(error.code).toBe('recording-invalid');
    expect(error.message).toContain('users/@me');
    expect(error.message).toContain('"token only"');
  });

  it('rejects an unknown recording id', async () => {
    const error = await rejection(
      services.simulator.personaFromRecording({ recording: 'missing', name: 'Rowan' }),
    );

    expect(error.code).toBe('invalid-argument');
    expect(error.message).toContain('missing');
  });

  it('checks the arguments of the new methods', () => {
    expect(() => validateCall('simulator', 'deletePersona', {})).toThrow(/name/);
    expect(() => validateCall('simulator', 'getPersona', { name: 3 })).toThrow(/name/);
    expect(() =>
      validateCall('simulator', 'personaFromRecording', { recording: 'x', name: '' }),
    ).toThrow(/name/);
    expect(() =>
      validateCall('simulator', 'savePersona', { persona: {}, keepPassword: 'yes' }),
    ).toThrow(/keepPassword/);
  });
});
