import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';

import { describePlacement, listSources } from '../../shared/editor/binding-context.js';
import { applyEdits } from '../../shared/editor/diagnostic.js';
import type { EditorDiagnostic } from '../../shared/editor/diagnostic.js';
import { diagnoseExpression } from '../../shared/editor/diagnostics.js';
import { readBlueprint } from '../../shared/blueprint/reader.js';
import { resolveDocument } from '../../shared/blueprint/resolve.js';
import { mergeEntryData } from '../../shared/model/view.js';
import { discordObjects, sampleObjects, uidOf } from './editor-fixtures.js';
import { readShared, SHARED } from './simulator-helpers.js';

function codes(diagnostics: EditorDiagnostic[]): string[] {
  return diagnostics.map((diagnostic) => diagnostic.code);
}

function policy(
  text: string,
  extra: Parameters<typeof diagnoseExpression>[1] = { kind: 'policy' },
) {
  return diagnoseExpression(text, extra);
}

describe('undefined names', () => {
  it('offers the import of a model', () => {
    const text = '# Discord only\nreturn isinstance(context.get("source"), OAuthSource)';
    const [found] = policy(text);

    expect(found?.code).toBe('undefined-name');
    expect(found?.line).toBe(2);
    expect(applyEdits(text, found!.fixes![0]!.edits)).toBe(
      '# Discord only\nfrom authentik.sources.oauth.models import OAuthSource\nreturn isinstance(context.get("source"), OAuthSource)',
    );
  });

  it('adds the import after the existing imports', () => {
    const text = 'from authentik.core.models import Group\nreturn User.objects.exists()';
    const fix = policy(text)[0]!.fixes![0]!;

    expect(applyEdits(text, fix.edits).split('\n')[1]).toBe(
      'from authentik.core.models import User',
    );
  });

  it('points policies from user to request.user', () => {
    const [found] = policy('return user.is_active');

    expect(found?.message).toContain('request.user');
    expect(applyEdits('return user.is_active', found!.fixes![0]!.edits)).toBe(
      'return request.user.is_active',
    );
  });

  it('knows every global and policy variable', () => {
    const text = [
      'ak_message(str(ak_client_ip))',
      'ak_logger.info("x", ip=str(http_request))',
      'ak_create_event("x", a=regex_match("a", "b"), b=slugify("x"))',
      'u = ak_user_by(username="a") or list_flatten([])',
      'ak_is_group_member(u, name="x") and ak_user_has_authenticator(u)',
      'ip_network("10.0.0.0/8") and ip_address("10.0.0.1") and resolve_dns("h") and reverse_dns("1.1.1.1")',
      'ak_send_email("a@b", "s", body="b") and ak_create_jwt(u, "p", []) and ak_create_jwt_raw("p")',
      'r = requests.get("https://example.org") and regex_replace("a", "b", "c")',
      'return ak_is_sso_flow and ak_call_policy("other").passing and request and context',
    ].join('\n');

    expect(codes(policy(text))).toEqual([]);
  });

  it('flags context in a property mapping', () => {
    const found = diagnoseExpression('return {"name": context["x"]}', {
      kind: 'property_mapping',
      mappingModel: 'authentik_sources_oauth.oauthsourcepropertymapping',
    });

    expect(codes(found)).toEqual(['undefined-name']);
  });

  it('accepts the variables of OAuth source mappings', () => {
    const found = diagnoseExpression(
      'if not info.get("id"):\n    raise SkipObject\nreturn {"username": properties["username"], "s": source.slug, "t": token["scope"]}',
      {
        kind: 'property_mapping',
        mappingModel: 'authentik_sources_oauth.oauthsourcepropertymapping',
      },
    );

    expect(found).toEqual([]);
  });

  it('skips names of mappings whose variables are unknown', () => {
    const found = diagnoseExpression('return provider.name', {
      kind: 'property_mapping',
      mappingModel: 'authentik_sources_telegram.telegramsourcepropertymapping',
    });

    expect(found).toEqual([]);
  });

  it('flags an undefined name in a SAML provider mapping', () => {
    const found = diagnoseExpression('return source.name', {
      kind: 'property_mapping',
      mappingModel: 'authentik_providers_saml.samlpropertymapping',
    });

    expect(codes(found)).toEqual(['undefined-name']);
    expect(found[0]?.message).toContain('"source"');
  });

  it('accepts the variables of SAML provider mappings', () => {
    const found = diagnoseExpression(
      'if not user.email:\n    raise SkipObject\nreturn [user.email, provider.name, request.user.pk, http_request.path]',
      {
        kind: 'property_mapping',
        mappingModel: 'authentik_providers_saml.samlpropertymapping',
      },
    );

    expect(found).toEqual([]);
  });

  it('finds no undefined names in the corpus expressions', () => {
    const folder = join(SHARED, 'corpus', 'authentik', 'blueprints');
    if (!existsSync(folder)) {
      throw new Error(
        `The blueprint corpus ${folder} is missing; these tests need the shared folder.`,
      );
    }

    const files = readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((file) =>
      /(?:example|default|system)\/.*\.(?:ya?ml|akflow)$/.test(file),
    );
    let checked = 0;
    const wrong: string[] = [];
    for (const file of files) {
      let uid = 0;
      const document = readBlueprint(readFileSync(join(folder, file), 'utf8'), { file });
      for (const object of resolveDocument(document, { uid: () => `u${uid++}` }).objects) {
        const expression = mergeEntryData(object).expression;
        // One file writes `''username''` inside a literal block, which is not valid Python.
        if (typeof expression !== 'string' || expression.includes("''username''")) {
          continue;
        }
        checked += 1;
        const kind = object.model.includes('expression') ? 'policy' : 'property_mapping';
        const found = diagnoseExpression(expression, { kind, mappingModel: object.model });
        wrong.push(
          ...found
            .filter((item) => item.code === 'undefined-name')
            .map((item) => `${file}: ${item.message}`),
        );
      }
    }

    expect(checked).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });
});

describe('returns', () => {
  // Each block of the case file is one policy body.
  const blocks = readShared('cases/14-policy-non-bool-truthiness/policies.py')
    .split(/^# --- /m)
    .slice(1)
    .map((block) => block.slice(block.indexOf('\n') + 1));

  it('warns about a truthy default of get', () => {
    expect(codes(policy(blocks[0]!))).toEqual(['non-bool-return']);
  });

  it('points at the missing return', () => {
    const [found] = policy(blocks[1]!);

    expect(found?.code).toBe('missing-return');
    expect(found?.line).toBe(2);
    expect(applyEdits(blocks[1]!, found!.fixes![0]!.edits)).toContain(
      'return "1199887766554433221" in member_roles',
    );
  });

  it('warns about a string return', () => {
    expect(policy(blocks[2]!)[0]?.message).toContain('"False" passes');
  });

  it('warns about a list return', () => {
    expect(policy(blocks[3]!)[0]?.message).toContain('an empty one fails');
  });

  it('accepts returns on every path', () => {
    const text =
      'a = context.get("a")\nb = context.get("b")\nif a:\n    return True\nelif b:\n    raise ValueError()\nelse:\n    return False';

    expect(policy(text)).toEqual([]);
  });

  it('accepts try and with blocks that return', () => {
    const text =
      'try:\n    return context["a"] == 1\nexcept KeyError:\n    return False\nfinally:\n    ak_logger.info("done")';

    expect(policy(text)).toEqual([]);
  });

  it('warns when an if has no else', () => {
    expect(codes(policy('if request.user.is_active:\n    return True'))).toEqual([
      'missing-return',
    ]);
  });

  it('ignores returns inside functions', () => {
    expect(codes(policy('def f():\n    return "x"\nreturn f() == "x"'))).toEqual([]);
  });

  it('warns about returning a PolicyResult', () => {
    const text = 'result = ak_call_policy("other")\nreturn result';
    const [found] = policy(text);

    expect(found?.code).toBe('policy-result-truthy');
    expect(applyEdits(text, found!.fixes![0]!.edits)).toBe(
      'result = ak_call_policy("other")\nreturn result.passing',
    );
  });
});

describe('context keys', () => {
  const objects = sampleObjects();

  it('flags keys a flow policy never has', () => {
    const placement = describePlacement(
      objects,
      uidOf(objects, 'sample-authentication-visitors-only'),
    );
    const found = policy('return context["prompt_data"]["username"] == "x"', {
      kind: 'policy',
      placement,
    });

    expect(codes(found)).toEqual(['context-key-missing']);
    expect(found[0]!.message).toContain('flow default-authentication-flow (flow policy)');
    expect(applyEdits('return context["prompt_data"]', found[0]!.fixes![0]!.edits)).toBe(
      'return context.get("prompt_data")',
    );
  });

  it('accepts keys a guard checks first', () => {
    const placement = describePlacement(
      objects,
      uidOf(objects, 'sample-authentication-visitors-only'),
    );
    const text =
      'if "prompt_data" not in context:\n    return False\nreturn context["prompt_data"] != {}';

    expect(policy(text, { kind: 'policy', placement })).toEqual([]);
  });

  it('flags source keys in a flow that runs without a source', () => {
    const discord = discordObjects({ sso: false, scopes: '' });
    const placement = describePlacement(discord, uidOf(discord, 'flow-check'));
    const found = policy(readShared('cases/11-policy-source-missing-or-not-oauth/policy.py'), {
      kind: 'policy',
      placement,
    });

    expect(codes(found)).toEqual(['context-key-maybe-missing', 'context-key-maybe-missing']);
    expect(found[0]!.message).toContain('can also be opened without a source login');
  });

  it('accepts source keys in a flow that requires a source login', () => {
    const discord = discordObjects({ sso: true, scopes: '' });
    const placement = describePlacement(discord, uidOf(discord, 'flow-check'));

    expect(
      policy('return context["source"].slug == "discord"', { kind: 'policy', placement }),
    ).toEqual([]);
  });

  it('knows prompt fields written before a binding', () => {
    const discord = discordObjects({ sso: true, scopes: '' });
    const placement = describePlacement(discord, uidOf(discord, 'write-check'));

    expect(
      policy('return context["prompt_data"]["nickname"] != ""', { kind: 'policy', placement }),
    ).toEqual([]);
    expect(
      codes(policy('return context["prompt_data"]["age"] > 3', { kind: 'policy', placement })),
    ).toEqual(['context-key-missing']);
  });

  it('explains that new context keys do not reach the plan', () => {
    const discord = discordObjects({ sso: true, scopes: '' });
    const placement = describePlacement(discord, uidOf(discord, 'write-check'));

    expect(
      codes(policy('context["groups"] = []\nreturn True', { kind: 'policy', placement })),
    ).toEqual(['context-assignment']);
  });
});

describe('Discord calls', () => {
  const case17 = readShared('cases/17-discord-guilds-401-missing-scope/policy.py');
  const case15 = readShared('cases/15-discord-member-10004-not-in-guild/policy.py');

  it('flags a scope the source does not request', () => {
    const discord = discordObjects({ sso: true, scopes: '' });
    const placement = describePlacement(discord, uidOf(discord, 'flow-check'));
    const found = policy(case17, { kind: 'policy', placement }).filter(
      (item) => item.code === 'discord-scope-missing',
    );

    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('"guilds" scope');
    expect(found[0]!.message).toContain('"discord" requests only email identify');
  });

  it('accepts scopes the source adds', () => {
    const discord = discordObjects({ sso: true, scopes: 'guilds guilds.members.read' });
    const placement = describePlacement(discord, uidOf(discord, 'flow-check'));

    expect(codes(policy(case15, { kind: 'policy', placement }))).not.toContain(
      'discord-scope-missing',
    );
  });

  it('checks unbound policies against every Discord source', () => {
    const discord = discordObjects({ sso: true, scopes: '' });
    const found = policy(case15, { kind: 'policy', projectSources: listSources(discord) });

    expect(codes(found)).toContain('discord-scope-missing');
  });

  it('flags iterating an unchecked guild list', () => {
    const found = policy(case17).filter((item) => item.code === 'discord-error-body');

    expect(found).toHaveLength(1);
    expect(found[0]!.message).toContain('iterating it yields its keys');
  });

  it('accepts a body read after a status check', () => {
    expect(codes(policy(case15))).not.toContain('discord-error-body');
  });

  it('flags an unguarded roles lookup', () => {
    const text =
      'GUILD = "1"\nreturn "2" in requests.get(f"https://discord.com/api/users/@me/guilds/{GUILD}/member").json()["roles"]';

    expect(codes(policy(text))).toContain('discord-error-body');
  });

  it('flags a roles lookup on a stored body', () => {
    const text =
      'member = requests.get("https://discord.com/api/v10/users/@me/guilds/1/member").json()\nreturn "2" in member["roles"]';
    const found = policy(text).filter((item) => item.code === 'discord-error-body');

    expect(found).toHaveLength(1);
    expect(found[0]!.line).toBe(2);
  });
});
