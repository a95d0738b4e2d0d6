/**
 * The `!Env` variables of a pushed blueprint: finding them and filling those given a value.
 */
import { describe, expect, it } from 'vitest';

import { applyEnvChoices, findEnvRequirements } from '../../main/server/env.js';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { parseBlueprintText } from '../support/cli.js';

const TEXT = `version: 1
metadata:
  name: env
context:
  fallback: !Env [CONTEXT_DEFAULT, x]
entries:
  - model: authentik_sources_oauth.oauthsource
    identifiers:
      slug: discord
    attrs:
      name: Discord
      provider_type: discord
      consumer_key: "123"
      consumer_secret: !Env [DISCORD_CLIENT_SECRET]
  - model: authentik_flows.flow
    identifiers:
      slug: login
    attrs:
      name: !Env LOGIN_NAME
      title: !Env [LOGIN_TITLE, "Welcome: yes"]
      designation: authentication
      compatibility_mode: yes
`;

function requirements() {
  return findEnvRequirements(readBlueprint(TEXT, { file: 'env.yaml' }));
}

describe('env requirements', () => {
  it('lists every variable with its uses', () => {
    expect(requirements()).toEqual([
      { name: 'CONTEXT_DEFAULT', hasDefault: true, uses: ['context: fallback'] },
      {
        name: 'DISCORD_CLIENT_SECRET',
        hasDefault: false,
        uses: ['authentik_sources_oauth.oauthsource discord: attrs/consumer_secret'],
      },
      { name: 'LOGIN_NAME', hasDefault: false, uses: ['authentik_flows.flow login: attrs/name'] },
      { name: 'LOGIN_TITLE', hasDefault: true, uses: ['authentik_flows.flow login: attrs/title'] },
    ]);
  });
});

describe('env choices', () => {
  it('without values the text is unchanged', () => {
    const prepared = applyEnvChoices(
      TEXT,
      requirements(),
      [{ name: 'LOGIN_NAME', source: 'server' }],
      'import',
    );

    expect(prepared.text).toBe(TEXT);
    expect(prepared.fromServer).toEqual([
      'CONTEXT_DEFAULT',
      'DISCORD_CLIENT_SECRET',
      'LOGIN_NAME',
      'LOGIN_TITLE',
    ]);
  });

  it('an import gets the value in place of the tag', () => {
    const prepared = applyEnvChoices(
      TEXT,
      requirements(),
      [
        { name: 'DISCORD_CLIENT_SECRET', source: 'value', value: 's3cr3t: "quoted"' },
        { name: 'LOGIN_TITLE', source: 'value', value: 'true' },
      ],
      'import',
    );
    const parsed = parseBlueprintText(prepared.text) as {
      entries: { attrs: Record<string, unknown> }[];
    };

    expect(parsed.entries[0]?.attrs.consumer_secret).toBe('s3cr3t: "quoted"');
    expect(parsed.entries[1]?.attrs.title).toBe('true');
    expect(parsed.entries[1]?.attrs.name).toEqual({ $tag: 'Env', value: 'LOGIN_NAME' });
    expect(parsed.entries[1]?.attrs.compatibility_mode).toBe(true);
    expect(prepared.context).toEqual({});
    expect(prepared.provided).toEqual(['DISCORD_CLIENT_SECRET', 'LOGIN_TITLE']);
  });

  it('a managed instance gets !Context and the context value', () => {
    const prepared = applyEnvChoices(
      TEXT,
      requirements(),
      [{ name: 'DISCORD_CLIENT_SECRET', source: 'value', value: 'abc' }],
      'managed',
    );

    expect(prepared.text).toContain('consumer_secret: !Context DISCORD_CLIENT_SECRET');
    expect(prepared.text).not.toContain('abc');
    expect(prepared.context).toEqual({ DISCORD_CLIENT_SECRET: 'abc' });
  });

  it('rejects a variable the file does not read', () => {
    expect(() =>
      applyEnvChoices(
        TEXT,
        requirements(),
        [{ name: 'OTHER', source: 'value', value: 'x' }],
        'import',
      ),
    ).toThrow(/reads no variable OTHER/);
  });

  it('rejects a value choice without value', () => {
    expect(() =>
      applyEnvChoices(TEXT, requirements(), [{ name: 'LOGIN_NAME', source: 'value' }], 'import'),
    ).toThrow(/No value given for LOGIN_NAME/);
  });
});
