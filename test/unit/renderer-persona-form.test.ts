import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import type { PersonaJson } from '../../renderer/simulator/persona-form.js';
import {
  applyEdit,
  newGuild,
  parseFieldText,
  sectionsOf,
  textOf,
  unusedGuildId,
  valueAt,
} from '../../renderer/simulator/persona-form.js';

function builtIn(name: string): PersonaJson {
  return JSON.parse(
    readFileSync(join('assets', 'personas', `${name}.json`), 'utf8'),
  ) as PersonaJson;
}

const DIRECTORY_PERSONA: PersonaJson = { name: 'Alice', user: { username: 'alice' } };

describe('persona form', () => {
  it('parses field text by kind', () => {
    expect(parseFieldText('nullable', '')).toEqual({ value: null });
    expect(parseFieldText('optional', '')).toEqual({ value: undefined });
    expect(parseFieldText('integer', '42')).toEqual({ value: 42 });
    expect(parseFieldText('integer', 'many')).toEqual({ value: 'many' });
    expect(parseFieldText('number', '2.5')).toEqual({ value: 2.5 });
    expect(parseFieldText('list', '1, 2 3')).toEqual({ value: ['1', '2', '3'] });
    expect(parseFieldText('boolean', 'true')).toEqual({ value: true });
    expect(parseFieldText('json', '')).toEqual({ value: undefined });
  });

  it('rejects invalid JSON text', () => {
    const parsed = parseFieldText('json', '{"status": ');

    expect(parsed).toHaveProperty('error');
    expect('error' in parsed ? parsed.error : '').toContain('Invalid JSON');
  });

  it('shows lists and JSON as text', () => {
    expect(textOf('list', ['1', '2'])).toBe('1, 2');
    expect(textOf('json', { status: 502 })).toBe('{\n  "status": 502\n}');
    expect(textOf('nullable', null)).toBe('');
  });

  it('applies a valid Discord edit', () => {
    const outcome = applyEdit(builtIn('member-with-role'), 'discord.user.username', 'new.name');

    expect('persona' in outcome).toBe(true);
    const persona = 'persona' in outcome ? outcome.persona : {};
    expect(valueAt(persona, 'discord.user.username')).toBe('new.name');
    expect(valueAt(persona, 'user.username')).toBe('new.name');
  });

  it('rejects an invalid Discord edit', () => {
    const outcome = applyEdit(builtIn('member-with-role'), 'discord.user.discriminator', '12');

    expect('error' in outcome ? outcome.error : '').toContain('discord.user.discriminator');
  });

  it('rejects an empty directory username', () => {
    const outcome = applyEdit(DIRECTORY_PERSONA, 'user.username', '');

    expect('error' in outcome ? outcome.error : '').toContain('user.username');
  });

  it('applies a directory persona edit', () => {
    const outcome = applyEdit(DIRECTORY_PERSONA, 'user.email', 'alice@example.org');

    expect('persona' in outcome ? valueAt(outcome.persona, 'user.email') : '').toBe(
      'alice@example.org',
    );
  });

  it('lists guild sections with members', () => {
    const sections = sectionsOf(builtIn('member-with-role'));
    const guilds = sections.filter((section) => section.guild !== undefined);

    expect(guilds.map((section) => section.guild?.member)).toEqual([true, false]);
    expect(sections.map((section) => section.title)).toContain('Rate limits');
  });

  it('shows no Discord sections for a directory persona', () => {
    const titles = sectionsOf(DIRECTORY_PERSONA).map((section) => section.title);

    expect(titles).toEqual(['Persona', 'Directory user']);
  });

  it('adds a guild with an unused id', () => {
    const persona = builtIn('member-with-role');
    const id = unusedGuildId(persona);
    const outcome = applyEdit(persona, 'discord.guilds.2', newGuild(id));

    expect('persona' in outcome ? valueAt(outcome.persona, 'discord.guilds.2.id') : '').toBe(id);
    expect(id).not.toBe('123456789123456789');
  });
});
