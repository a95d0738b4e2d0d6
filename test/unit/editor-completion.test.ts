import { describe, expect, it } from 'vitest';

import { describePlacement } from '../../shared/editor/binding-context.js';
import { completeAt, importEditFor } from '../../shared/editor/completion.js';
import type { CompletionOptions } from '../../shared/editor/completion.js';
import { applyEdits } from '../../shared/editor/diagnostic.js';
import { hoverAt } from '../../shared/editor/hover.js';
import { discordObjects, sampleObjects, uidOf } from './editor-fixtures.js';

const POLICY = { kind: 'policy' } as const;

// Completes at the end of `text`, whose last line contains the cursor.
function complete(text: string, options: CompletionOptions = POLICY) {
  const lines = text.split('\n');
  return completeAt(text, lines.length, lines[lines.length - 1]!.length, options);
}

function labels(text: string, options: CompletionOptions = POLICY): string[] {
  return complete(text, options).items.map((item) => item.label);
}

describe('completion', () => {
  it('lists every authentik global at the start of a name', () => {
    const names = labels('ak_');

    for (const name of [
      'ak_message',
      'ak_logger',
      'ak_create_event',
      'ak_is_group_member',
      'ak_user_by',
      'ak_user_has_authenticator',
      'ak_call_policy',
      'ak_create_jwt',
      'ak_create_jwt_raw',
      'ak_send_email',
      'ak_is_sso_flow',
      'regex_match',
      'regex_replace',
      'list_flatten',
      'ip_address',
      'ip_network',
      'resolve_dns',
      'reverse_dns',
      'slugify',
      'requests',
      'request',
      'context',
    ]) {
      expect(names, name).toContain(name);
    }
  });

  it('starts the replaced range at the typed word', () => {
    expect(complete('x = ak_me').startColumn).toBe(4);
  });

  it('lists the members of request', () => {
    expect(labels('request.')).toEqual(['user', 'http_request', 'obj', 'context', 'debug']);
  });

  it('lists user members after request.user', () => {
    const names = labels('if request.user.');

    expect(names).toContain('attributes');
    expect(names).toContain('is_anonymous');
    expect(names).toContain('all_groups');
  });

  it('follows assignments to their type', () => {
    expect(labels('member = request.user\nmember.')).toContain('group_attributes');
  });

  it('lists query set methods after a manager call', () => {
    const text = 'from authentik.core.models import Group\nGroup.objects.filter(name="a").';

    expect(labels(text)).toContain('with_ancestors');
    expect(labels(text)).toContain('values_list');
  });

  it('lists response members after a requests call', () => {
    expect(labels('r = requests.get(url)\nr.')).toContain('status_code');
  });

  it('lists the context keys where the policy is bound', () => {
    const objects = discordObjects({ sso: false, scopes: '' });
    const placement = describePlacement(objects, uidOf(objects, 'write-check'));
    const result = complete('x = context["', { kind: 'policy', placement });
    const keys = result.items.map((item) => item.label);

    expect(keys).toContain('prompt_data');
    expect(keys).toContain('goauthentik.io/sources/connection');
    expect(keys).toContain('oauth_userinfo');
    expect(keys).toContain('flow_plan');
    expect(result.items.find((item) => item.label === 'source')?.detail).toBe(
      'sometimes missing here',
    );
  });

  it('offers no prompt_data in a flow-level policy', () => {
    const objects = sampleObjects();
    const placement = describePlacement(
      objects,
      uidOf(objects, 'sample-authentication-visitors-only'),
    );

    expect(labels('context.get("', { kind: 'policy', placement })).toEqual(['geoip', 'asn']);
  });

  it('lists prompt fields inside prompt_data', () => {
    const objects = discordObjects({ sso: true, scopes: '' });
    const placement = describePlacement(objects, uidOf(objects, 'write-check'));

    expect(labels('context["prompt_data"]["', { kind: 'policy', placement })).toContain('nickname');
  });

  it('quotes keys typed without a quote', () => {
    expect(complete('context[').items[0]?.insertText.startsWith('"')).toBe(true);
  });

  it('lists authentik modules and their classes', () => {
    expect(labels('from authentik.')).toContain('authentik.sources.oauth.models');
    expect(labels('from authentik.sources.oauth.models import ')).toContain('OAuthSource');
  });

  it('adds the import when a class is accepted', () => {
    const text = 'x = 1\nreturn isinstance(context.get("source"), OAuthS';
    const item = complete(text).items.find((candidate) => candidate.label === 'OAuthSource')!;

    expect(applyEdits(text, [importEditFor(text, item.importStatement!)])).toBe(
      'from authentik.sources.oauth.models import OAuthSource\nx = 1\nreturn isinstance(context.get("source"), OAuthS',
    );
  });

  it('offers mapping variables in property mappings', () => {
    const names = labels('re', {
      kind: 'property_mapping',
      mappingModel: 'authentik_sources_oauth.oauthsourcepropertymapping',
    });

    expect(names).toContain('request');
    expect(
      labels('x = ', {
        kind: 'property_mapping',
        mappingModel: 'authentik_sources_oauth.oauthsourcepropertymapping',
      }),
    ).toContain('info');
    expect(names).not.toContain('ak_message');
  });

  it('offers nothing inside a comment', () => {
    expect(labels('# request.')).toEqual([]);
  });
});

describe('hover', () => {
  it('documents a global', () => {
    const hover = hoverAt('ak_message("x")', 1, 3, POLICY);

    expect(hover?.markdown).toContain('ak_message(message)');
    expect(hover?.column).toBe(0);
  });

  it('documents a member', () => {
    expect(hoverAt('request.user.attributes', 1, 15, POLICY)?.markdown).toContain(
      'JSON attributes',
    );
  });

  it('documents a context key where the policy is bound', () => {
    const objects = sampleObjects();
    const placement = describePlacement(
      objects,
      uidOf(objects, 'sample-authentication-visitors-only'),
    );
    const hover = hoverAt('context["prompt_data"]', 1, 12, { kind: 'policy', placement });

    expect(hover?.markdown).toContain('**Not set** where this policy is bound.');
  });

  it('documents an imported class', () => {
    const text = 'from authentik.core.models import Group';

    expect(hoverAt(text, 1, 36, POLICY)?.markdown).toContain('A group of users.');
  });
});
