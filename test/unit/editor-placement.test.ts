import { describe, expect, it } from 'vitest';

import { describePlacement, sourceScopes } from '../../shared/editor/binding-context.js';
import { lineFromMessage, syntaxDiagnostic } from '../../shared/editor/syntax.js';
import { discordObjects, sampleObjects, uidOf } from './editor-fixtures.js';

describe('policy placement', () => {
  const sample = sampleObjects();

  it('describes a flow policy', () => {
    const placement = describePlacement(
      sample,
      uidOf(sample, 'sample-authentication-visitors-only'),
    );

    expect(placement.sites.map((site) => site.label)).toEqual([
      'flow default-authentication-flow (flow policy)',
    ]);
    expect(placement.keys.map((key) => key.key)).toEqual(['geoip', 'asn']);
    expect(placement.known).toBe(true);
  });

  it('gives a stage binding policy the plan', () => {
    const placement = describePlacement(
      sample,
      uidOf(sample, 'sample-source-enrollment-username-missing'),
    );

    expect(placement.sites[0]?.kind).toBe('stage-binding');
    expect(placement.keys.map((key) => key.key)).toContain('flow_plan');
    expect(placement.keys.map((key) => key.key)).not.toContain('prompt_data');
  });

  it('is unknown for an unbound policy', () => {
    const objects = discordObjects({ sso: false, scopes: '' }).filter(
      (object) => object.model !== 'authentik_policies.policybinding',
    );
    const placement = describePlacement(objects, uidOf(objects, 'flow-check'));

    expect(placement.sites).toEqual([]);
    expect(placement.known).toBe(false);
  });

  it('marks source keys as sometimes missing without an SSO check', () => {
    const objects = discordObjects({ sso: false, scopes: '' });
    const source = describePlacement(objects, uidOf(objects, 'flow-check')).keys.find(
      (key) => key.key === 'source',
    );

    expect(source?.presence).toBe('sometimes');
  });

  it('marks source keys as always set with an SSO check', () => {
    const objects = discordObjects({ sso: true, scopes: '' });
    const source = describePlacement(objects, uidOf(objects, 'flow-check')).keys.find(
      (key) => key.key === 'source',
    );

    expect(source?.presence).toBe('always');
  });

  it('adds what earlier stages write', () => {
    const objects = discordObjects({ sso: true, scopes: '' });
    const prompt = describePlacement(objects, uidOf(objects, 'write-check')).keys.find(
      (key) => key.key === 'prompt_data',
    );

    expect(prompt?.presence).toBe('always');
    expect(prompt?.children?.map((child) => child.key)).toContain('nickname');
  });

  it('lists the sources of the flow with their scopes', () => {
    const objects = discordObjects({ sso: true, scopes: 'guilds' });
    const [source] = describePlacement(objects, uidOf(objects, 'flow-check')).sources;

    expect(source?.slug).toBe('discord');
    expect(source?.scopes).toEqual(['email', 'guilds', 'identify']);
    expect(source?.role).toBe('enrollment');
  });

  it('computes scopes as authentik does', () => {
    expect(sourceScopes('discord', 'guilds guilds.members.read')).toEqual([
      'email',
      'guilds',
      'guilds.members.read',
      'identify',
    ]);
    expect(sourceScopes('discord', '*identify')).toEqual(['identify']);
  });
});

describe('syntax diagnostics', () => {
  const text = 'x = 1\nif x\n    return True\nreturn False';
  const check = {
    valid: false,
    message: "Expression Syntax Error: expected ':' (temp-policy, line 3)",
    line: 3,
    traceback: '  File "temp-policy", line 3\n    if x\n        ^\nSyntaxError: expected \':\'\n',
  };

  it('keeps authentik message', () => {
    expect(syntaxDiagnostic(check, text)?.message).toBe(check.message);
  });

  it('moves the marker up by the wrapper line', () => {
    expect(syntaxDiagnostic(check, text)?.line).toBe(2);
  });

  it('places the marker at the caret', () => {
    const found = syntaxDiagnostic(check, text)!;

    expect(found.column).toBe(4);
    expect(found.endColumn).toBe(5);
  });

  it('reads the line from the message alone', () => {
    expect(lineFromMessage(check.message)).toBe(3);
  });

  it('keeps wrapper lines inside the text', () => {
    const found = syntaxDiagnostic(
      { valid: false, message: 'Expression Syntax Error: x (p, line 9)' },
      'a(',
    );

    expect(found?.line).toBe(1);
  });

  it('returns nothing for valid text', () => {
    expect(syntaxDiagnostic({ valid: true }, text)).toBeUndefined();
  });
});
