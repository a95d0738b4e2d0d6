import { describe, expect, it } from 'vitest';
import { isStagecraftError } from '../../shared/errors.js';
import type { StagecraftError } from '../../shared/errors.js';
import { readGroup, readUser } from '../../shared/model/core.js';
import { readFlow, readFlowStageBinding } from '../../shared/model/flows.js';
import type { ModelObject } from '../../shared/model/object.js';
import {
  policyBindingKind,
  readExpressionPolicy,
  readPasswordPolicy,
  readPolicyBinding,
} from '../../shared/model/policies.js';
import { readPrompt, readPromptStage } from '../../shared/model/prompts.js';
import { readOAuthSource } from '../../shared/model/sources.js';
import {
  readAuthenticatorValidateStage,
  readIdentificationStage,
  readUserLoginStage,
} from '../../shared/model/stages.js';
import { mergeEntryData } from '../../shared/model/view.js';
import type { Value } from '../../shared/model/values.js';
import { ref, tag } from '../../shared/model/values.js';

function object(
  model: string,
  identifiers: Record<string, Value>,
  attrs: Record<string, Value> = {},
): ModelObject {
  return {
    uid: `uid-${model}`,
    model,
    state: 'present',
    conditions: [],
    identifiers,
    attrs,
    permissions: [],
  };
}

describe('mergeEntryData', () => {
  it('lets identifiers win over attrs', () => {
    const data = mergeEntryData(object('authentik_flows.flow', { slug: 'a' }, { slug: 'b' }));

    expect(data.slug).toBe('a');
  });

  it('merges maps and concatenates lists', () => {
    const data = mergeEntryData(
      object(
        'authentik_core.group',
        { name: 'g', attributes: { b: 2 }, roles: ['r2'] },
        { attributes: { a: 1 }, roles: ['r1'] },
      ),
    );

    expect(data.attributes).toEqual({ a: 1, b: 2 });
    expect(data.roles).toEqual(['r1', 'r2']);
  });

  it('leaves pk out of the written data', () => {
    const data = mergeEntryData(object('authentik_flows.flow', { pk: 'x', slug: 'a' }));

    expect(data).toEqual({ slug: 'a' });
  });

  it('does not change the object', () => {
    const source = object('authentik_core.group', { name: 'g', roles: ['r2'] }, { roles: ['r1'] });
    mergeEntryData(source);

    expect(source.attrs.roles).toEqual(['r1']);
  });
});

describe('readFlow', () => {
  it('fills model defaults', () => {
    const flow = readFlow(
      object('authentik_flows.flow', { slug: 'login' }, { name: 'Login', title: 'Sign in' }),
    );

    expect(flow).toEqual({
      slug: 'login',
      name: 'Login',
      title: 'Sign in',
      authentication: 'none',
      layout: 'stacked',
      policy_engine_mode: 'any',
      denied_action: 'message_continue',
      compatibility_mode: false,
    });
  });

  it('keeps tags as written', () => {
    const title = tag('Env', ['TITLE', 'Sign in']);
    const flow = readFlow(object('authentik_flows.flow', { slug: 'login' }, { title }));

    expect(flow.title).toEqual(title);
  });

  it('replaces a value authentik rejects by the default', () => {
    const flow = readFlow(
      object('authentik_flows.flow', { slug: 'login' }, { layout: 'diagonal' }),
    );

    expect(flow.layout).toBe('stacked');
  });

  it('converts values as the serializer does', () => {
    const flow = readFlow(
      object('authentik_flows.flow', { slug: 'login' }, { compatibility_mode: 'yes' }),
    );

    expect(flow.compatibility_mode).toBe(true);
  });

  it('rejects an object of another model', () => {
    let caught: unknown;
    try {
      readFlow(object('authentik_core.group', { name: 'g' }));
    } catch (error) {
      caught = error;
    }

    expect(isStagecraftError(caught)).toBe(true);
    expect((caught as StagecraftError).code).toBe('model-mismatch');
  });
});

describe('binding views', () => {
  it('keep references of a stage binding', () => {
    const binding = readFlowStageBinding(
      object('authentik_flows.flowstagebinding', {
        target: ref('flow-1'),
        stage: ref('stage-1'),
        order: 10,
      }),
    );

    expect(binding.target).toEqual({ $ref: 'flow-1' });
    expect(binding.stage).toEqual({ $ref: 'stage-1' });
    expect(binding.re_evaluate_policies).toBe(true);
    expect(binding.invalid_response_action).toBe('retry');
  });

  it('tell what a policy binding binds', () => {
    const policy = readPolicyBinding(
      object('authentik_policies.policybinding', {
        target: ref('flow-1'),
        policy: ref('p'),
        order: 0,
      }),
    );
    const group = readPolicyBinding(
      object('authentik_policies.policybinding', {
        target: ref('flow-1'),
        group: ref('g'),
        order: 0,
      }),
    );
    const empty = readPolicyBinding(
      object('authentik_policies.policybinding', { target: ref('flow-1'), order: 0 }),
    );

    expect(policyBindingKind(policy)).toBe('policy');
    expect(policyBindingKind(group)).toBe('group');
    expect(policyBindingKind(empty)).toBe('invalid');
    expect(policy.timeout).toBe(30);
    expect(policy.failure_result).toBe(false);
  });

  it('accept null on nullable references', () => {
    const binding = readPolicyBinding(
      object('authentik_policies.policybinding', { target: ref('f'), order: 0 }, { policy: null }),
    );

    expect(binding.policy).toBeNull();
  });
});

describe('stage and policy views', () => {
  it('fill identification stage defaults', () => {
    const stage = readIdentificationStage(
      object(
        'authentik_stages_identification.identificationstage',
        { name: 'id' },
        { user_fields: ['email'] },
      ),
    );

    expect(stage.user_fields).toEqual(['email']);
    expect(stage.pretend_user_exists).toBe(true);
    expect(stage.password_stage).toBeNull();
  });

  it('fill user login stage defaults', () => {
    const stage = readUserLoginStage(
      object('authentik_stages_user_login.userloginstage', { name: 'l' }),
    );

    expect(stage.session_duration).toBe('seconds=0');
    expect(stage.network_binding).toBe('no_binding');
  });

  it('default all device classes of a validation stage', () => {
    const stage = readAuthenticatorValidateStage(
      object('authentik_stages_authenticator_validate.authenticatorvalidatestage', { name: 'v' }),
    );

    expect(stage.device_classes).toEqual(['static', 'totp', 'webauthn', 'duo', 'sms', 'email']);
    expect(stage.not_configured_action).toBe('skip');
  });

  it('read prompts and prompt stages', () => {
    const prompt = readPrompt(
      object(
        'authentik_stages_prompt.prompt',
        { name: 'p' },
        { field_key: 'username', label: 'Username', type: 'username' },
      ),
    );
    const stage = readPromptStage(
      object('authentik_stages_prompt.promptstage', { name: 's' }, { fields: [ref('p')] }),
    );

    expect(prompt.type).toBe('username');
    expect(prompt.required).toBe(true);
    expect(stage.fields).toEqual([{ $ref: 'p' }]);
    expect(stage.validation_policies).toEqual([]);
  });

  it('read policies with their defaults', () => {
    const expression = readExpressionPolicy(
      object(
        'authentik_policies_expression.expressionpolicy',
        { name: 'e' },
        { expression: 'return True' },
      ),
    );
    const password = readPasswordPolicy(
      object('authentik_policies_password.passwordpolicy', { name: 'pw' }),
    );

    expect(expression.expression).toBe('return True');
    expect(expression.execution_logging).toBe(false);
    expect(password.length_min).toBe(0);
    expect(password.zxcvbn_score_threshold).toBe(2);
  });
});

describe('source and core views', () => {
  it('read a Discord source with secret tag and defaults', () => {
    const secret = tag('Env', ['DISCORD_CLIENT_SECRET']);
    const source = readOAuthSource(
      object(
        'authentik_sources_oauth.oauthsource',
        { slug: 'discord' },
        { name: 'Discord', provider_type: 'discord', consumer_key: '123', consumer_secret: secret },
      ),
    );

    expect(source.consumer_secret).toEqual(secret);
    expect(source.user_matching_mode).toBe('identifier');
    expect(source.authorization_url).toBeNull();
    expect(source.user_path_template).toBe('goauthentik.io/sources/%(slug)s');
  });

  it('read groups and users', () => {
    const group = readGroup(
      object('authentik_core.group', { name: 'admins' }, { is_superuser: true }),
    );
    const user = readUser(object('authentik_core.user', { username: 'ada' }, { name: 'Ada' }));

    expect(group.is_superuser).toBe(true);
    expect(group.parents).toEqual([]);
    expect(user.is_active).toBe(true);
    expect(user.type).toBe('internal');
    expect(user.path).toBe('users');
  });
});
