// Expression policies and property mappings in real Python (Pyodide): wrapping, results, errors,
// the authentik failure cases 13 and 14, and every global authentik provides.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { createPythonPool, type PythonPool } from '../../main/python/pool.js';
import type { EvaluationRequest } from '../../shared/simulator/evaluation.js';
import { policy, readShared, sampleDirectory, userPolicy } from './python-support.js';

let pool: PythonPool;

beforeAll(async () => {
  pool = createPythonPool({ size: 1, cacheDir: null });
  await pool.ready;
});

afterAll(async () => {
  await pool.close();
});

function run(request: EvaluationRequest) {
  return pool.evaluate(request);
}

/** Splits case 14's file into its policy bodies, keyed by the letter after `case14-`. */
function case14Policies(): Record<string, string> {
  const text = readShared('cases/14-policy-non-bool-truthiness/policies.py');
  const bodies: Record<string, string> = {};
  let current: string | null = null;
  for (const line of text.split('\n')) {
    const header = /^# --- case14-(\w)/.exec(line);
    if (header !== null) {
      current = header[1]!;
      bodies[current] = '';
      continue;
    }

    if (current !== null && line.trim() !== '') {
      bodies[current] += `${line}\n`;
    }
  }

  return bodies;
}

function case13Expression(): string {
  const text = readShared('cases/13-policy-exception-failure-result/blueprint.yaml');
  const document = parse(text, {
    customTags: [{ tag: '!KeyOf', resolve: (value: string) => value }],
  }) as { entries: { model: string; attrs?: { expression?: string } }[] };
  const entry = document.entries.find(
    (item) => item.model === 'authentik_policies_expression.expressionpolicy',
  );
  return entry!.attrs!.expression!;
}

describe('policy wrapping', () => {
  it('top-level return passes', async () => {
    const result = await run(policy('return True'));

    expect(result.passing).toBe(true);
    expect(result.rawResult).toEqual({ repr: 'True', type: 'bool', json: true });
  });

  it('request.obj is the bound object', async () => {
    const obj = {
      $model: 'authentik_flows.flowstagebinding',
      pk: 'binding-1',
      order: 10,
      stage: { $model: 'authentik_stages_password.passwordstage', pk: 'stage-1', name: 'pw' },
    };
    const result = await run(
      policy(
        'return f"{type(request.obj).__name__} {request.obj.order} {request.obj.stage.name}"',
        {
          obj,
        },
      ),
    );

    expect(result.rawResult?.json).toBe('FlowStageBinding 10 pw');
  });

  it('handler parameters follow authentik', async () => {
    const result = await run(policy('return list(locals())'));

    expect(result.rawResult?.json).toEqual([
      'ak_message',
      'ak_user_has_authenticator',
      'ak_is_sso_flow',
      'request',
      'context',
    ]);
  });

  it('http request adds two parameters', async () => {
    const result = await run(
      policy('return list(locals())', { httpRequest: { clientIp: '10.1.2.3' } }),
    );

    expect(result.rawResult?.json).toEqual([
      'ak_message',
      'ak_user_has_authenticator',
      'ak_is_sso_flow',
      'ak_client_ip',
      'http_request',
      'request',
      'context',
    ]);
  });

  it('globals are exactly authentik globals', async () => {
    const result = await run(
      policy("return sorted(k for k in globals() if not k.startswith('__'))"),
    );

    expect(result.rawResult?.json).toEqual([
      'ak_call_policy',
      'ak_create_event',
      'ak_create_jwt',
      'ak_create_jwt_raw',
      'ak_is_group_member',
      'ak_logger',
      'ak_send_email',
      'ak_user_by',
      'ak_user_has_authenticator',
      'ip_address',
      'ip_network',
      'list_flatten',
      'regex_match',
      'regex_replace',
      'requests',
      'resolve_dns',
      'reverse_dns',
      'slugify',
    ]);
  });

  it('user is a NameError in a policy', async () => {
    const result = await run(userPolicy('return user.username'));

    expect(result.passing).toBe(false);
    expect(result.error?.type).toBe('NameError');
    expect(result.error?.message).toBe("name 'user' is not defined");
  });

  it('http_request is a NameError without a request', async () => {
    const result = await run(policy('return http_request.path'));

    expect(result.error?.message).toBe("name 'http_request' is not defined");
  });

  it('client ip comes from the http request', async () => {
    const result = await run(
      policy('return str(ak_client_ip), http_request.META["REMOTE_ADDR"]', {
        httpRequest: { clientIp: '10.1.2.3' },
      }),
    );

    expect(result.rawResult?.json).toEqual(['10.1.2.3', '10.1.2.3']);
  });

  it('traceback lines are user line plus one', async () => {
    const result = await run(policy('values = {}\n\nreturn values["missing"]', { name: 'lines' }));

    expect(result.error?.line).toBe(4);
    expect(result.error?.traceback).toContain('File "lines", line 4, in handler');
    expect(result.error?.traceback).toContain('File "lines", line 5, in <module>');
  });

  it('variables stay local to the handler', async () => {
    const first = await run(policy('global leaked\nleaked = 1\nreturn True'));
    const second = await run(policy("return 'leaked' in globals()"));

    expect(first.passing).toBe(true);
    expect(second.rawResult?.json).toBe(false);
  });

  it('is_sso flag feeds ak_is_sso_flow', async () => {
    const withFlag = await run(policy('return ak_is_sso_flow', { isSso: true }));
    const withoutFlag = await run(policy('return ak_is_sso_flow'));

    expect(withFlag.passing).toBe(true);
    expect(withoutFlag.passing).toBe(false);
  });
});

describe('policy results', () => {
  it('case 14a passes with and without is_restored', async () => {
    const body = case14Policies().a!;
    const absent = await run(policy(body));
    const present = await run(
      policy(body, { context: { is_restored: { $model: 'authentik_flows.flowtoken', pk: 4 } } }),
    );

    expect(absent.passing).toBe(true);
    expect(present.passing).toBe(true);
  });

  it('case 14b without return fails and logs', async () => {
    const result = await run(policy(case14Policies().b!, { name: 'case14-b' }));

    expect(result.passing).toBe(false);
    expect(result.rawResult?.type).toBe('NoneType');
    expect(result.logs).toContainEqual(
      expect.objectContaining({
        level: 'warning',
        event: 'Expression policy returned None',
        fields: expect.objectContaining({ policy: 'case14-b' }),
      }),
    );
  });

  it('case 14c string False passes', async () => {
    const result = await run(policy(case14Policies().c!));

    expect(result.passing).toBe(true);
    expect(result.rawResult).toEqual({ repr: "'False'", type: 'str', json: 'False' });
  });

  it('case 14d empty list fails', async () => {
    const result = await run(policy(case14Policies().d!));

    expect(result.passing).toBe(false);
    expect(result.rawResult?.type).toBe('list');
    expect(result.error).toBeUndefined();
  });

  it('returned PolicyResult is truthy', async () => {
    const result = await run(
      policy('from authentik.policies.types import PolicyResult\nreturn PolicyResult(False)'),
    );

    expect(result.passing).toBe(true);
    expect(result.rawResult?.repr).toBe('<PolicyResult passing=False>');
  });

  it('messages survive a passing policy', async () => {
    const result = await run(policy('ak_message("first")\nak_message("second")\nreturn True'));

    expect(result.passing).toBe(true);
    expect(result.messages).toEqual(['first', 'second']);
  });
});

describe('policy errors', () => {
  it('case 13 KeyError carries the key', async () => {
    const result = await run(
      userPolicy(case13Expression(), {
        name: 'case13-password-needed',
        context: { pending_user: { $model: 'authentik_core.user', pk: 1, attributes: {} } },
      }),
    );

    expect(result.passing).toBe(false);
    expect(result.error?.type).toBe('KeyError');
    expect(result.error?.message).toBe("'passkey_only'");
    expect(result.messages).toEqual(["'passkey_only'"]);
    expect(result.error?.line).toBe(3);
  });

  it('case 13 before identification misses pending_user', async () => {
    const result = await run(policy(case13Expression()));

    expect(result.error?.message).toBe("'pending_user'");
  });

  it('case 13 error records a policy_exception event', async () => {
    const result = await run(policy(case13Expression(), { name: 'case13-password-needed' }));

    expect(result.events.map((event) => event.action)).toEqual(['policy_exception']);
    expect(result.events[0]?.context.error).toContain("KeyError: 'pending_user'");
  });

  it('case 13 syntax error of an unsaved policy', async () => {
    const expression = readShared(
      'cases/13-policy-exception-failure-result/policy-syntax-error.py',
    );
    const result = await run(policy(expression, { mode: 'validate', saved: false }));

    expect(result.passing).toBe(false);
    expect(result.error?.type).toBe('ValidationError');
    expect(result.error?.message).toBe(
      "Expression Syntax Error: expected ':' (temp-policy, line 2)",
    );
    expect(result.error?.line).toBe(2);
  });

  it('syntax error of a saved policy names it', async () => {
    const expression = readShared(
      'cases/13-policy-exception-failure-result/policy-syntax-error.py',
    );
    const result = await run(policy(expression, { mode: 'validate', name: 'case13-check' }));

    expect(result.error?.message).toBe(
      "Expression Syntax Error: expected ':' (case13-check, line 2)",
    );
  });

  it('syntax error at run time is the exception text', async () => {
    const expression = readShared(
      'cases/13-policy-exception-failure-result/policy-syntax-error.py',
    );
    const result = await run(policy(expression, { name: 'case13-check' }));

    expect(result.error?.type).toBe('SyntaxError');
    expect(result.messages).toEqual(["expected ':' (case13-check, line 2)"]);
  });

  it('valid expression validates', async () => {
    const result = await run(policy('return True', { mode: 'validate', saved: false }));

    expect(result.passing).toBe(true);
    expect(result.error).toBeUndefined();
  });

  it('SystemExit is reported, not raised', async () => {
    const result = await run(policy('import sys\nsys.exit(3)'));

    expect(result.passing).toBe(false);
    expect(result.error?.type).toBe('SystemExit');
  });
});

describe('globals', () => {
  it('regex and list helpers', async () => {
    const result = await run(
      policy(
        'return [regex_match("admin-1", r"^admin"), regex_replace("a.b", r"\\.", "-"), ' +
          'list_flatten(["x", "y"]), list_flatten([]), list_flatten("z")]',
      ),
    );

    expect(result.rawResult?.json).toEqual([true, 'a-b', 'x', null, 'z']);
  });

  it('slugify matches Django', async () => {
    const result = await run(policy('return slugify(" Héllo, World--x_ ")'));

    expect(result.rawResult?.json).toBe('hello-world-x');
  });

  it('ip helpers', async () => {
    const result = await run(policy('return ip_address("10.0.0.5") in ip_network("10.0.0.0/24")'));

    expect(result.passing).toBe(true);
  });

  it('ak_logger writes log records', async () => {
    const result = await run(
      policy('ak_logger.bind(step=2).info("checked", user="x")\nreturn True', { name: 'logs' }),
    );

    expect(result.logs).toContainEqual({
      level: 'info',
      logger: 'logs',
      event: 'checked',
      fields: { step: 2, user: 'x' },
    });
  });

  it('print goes to the logs', async () => {
    const result = await run(policy('print("hello", 1)\nreturn True'));

    expect(result.logs).toContainEqual({
      level: 'info',
      logger: 'stdout',
      event: 'hello 1',
      fields: {},
    });
  });

  it('ak_create_event records an event', async () => {
    const result = await run(
      userPolicy('ak_create_event("discord_error", code=10004)\nreturn True', { name: 'events' }),
    );

    expect(result.events).toHaveLength(1);
    expect(result.events[0]?.action).toBe('discord_error');
    expect(result.events[0]?.app).toBe('events');
    expect(result.events[0]?.context.code).toBe(10004);
  });

  it('ak_send_email records an email', async () => {
    const result = await run(
      policy('return ak_send_email(["a@x.example"], "Hi", body="Text", cc="c@x.example")'),
    );

    expect(result.passing).toBe(true);
    expect(result.effects).toContainEqual({
      kind: 'email',
      to: ['a@x.example'],
      cc: ['c@x.example'],
      bcc: [],
      subject: 'Hi',
      body: 'Text',
      template: null,
      stage: null,
    });
  });

  it('ak_send_email rejects body with template', async () => {
    const result = await run(
      policy('return ak_send_email("a@x.example", "Hi", body="b", template="t.html")'),
    );

    expect(result.error?.type).toBe('ValueError');
    expect(result.error?.message).toBe('body and template parameters are mutually exclusive');
  });

  it('ak_user_by finds or returns None', async () => {
    const result = await run(
      userPolicy(
        'return [str(ak_user_by(email="moss@other.example")), ak_user_by(username="nobody"), ak_user_by(nope=1)]',
      ),
    );

    expect(result.rawResult?.json).toEqual(['Moss', null, null]);
  });

  it('ak_is_group_member sees ancestors', async () => {
    const result = await run(
      userPolicy(
        'return ak_is_group_member(request.user, name="staff"), ak_is_group_member(request.user, name="guests")',
      ),
    );

    expect(result.rawResult?.json).toEqual([true, false]);
  });

  it('ak_user_has_authenticator by type', async () => {
    const result = await run(
      userPolicy(
        'from authentik.core.models import User\nashfinch = User.objects.get(pk=2)\n' +
          'return [ak_user_has_authenticator(request.user), ak_user_has_authenticator(request.user, "totp"), ' +
          'ak_user_has_authenticator(request.user, "webauthn"), ak_user_has_authenticator(ashfinch)]',
      ),
    );

    expect(result.rawResult?.json).toEqual([true, true, false, false]);
  });

  it('ak_call_policy merges into the caller context', async () => {
    const result = await run(
      policy(
        'inner = ak_call_policy("inner", flag=7)\nreturn inner.passing, inner.messages, context["flag"]',
        {
          policies: { inner: 'ak_message("from inner")\nreturn context["flag"] == 7' },
        },
      ),
    );

    expect(result.rawResult?.json).toEqual([true, ['from inner'], 7]);
  });

  it('ak_call_policy inner error fails softly', async () => {
    const result = await run(
      policy('return ak_call_policy("broken").messages', {
        policies: { broken: 'return {}["x"]' },
      }),
    );

    expect(result.rawResult?.json).toEqual(["'x'"]);
    expect(result.events.map((event) => event.action)).toEqual(['policy_exception']);
  });

  it('ak_call_policy unknown name raises', async () => {
    const result = await run(policy('return ak_call_policy("missing")'));

    expect(result.error?.type).toBe('ValueError');
    expect(result.error?.message).toBe("Policy 'missing' not found.");
  });

  it('ak_create_jwt needs an http request', async () => {
    const result = await run(
      userPolicy('return ak_create_jwt(request.user, "grafana", ["openid"])'),
    );

    expect(result.rawResult?.json).toBeNull();
  });

  it('ak_create_jwt issues a token', async () => {
    const result = await run(
      userPolicy('return ak_create_jwt(request.user, "grafana", ["openid"]).count(".")', {
        httpRequest: {},
      }),
    );

    expect(result.rawResult?.json).toBe(2);
    expect(result.effects).toContainEqual(
      expect.objectContaining({ kind: 'jwt_issued', provider: 'grafana' }),
    );
  });

  it('ak_create_jwt_raw adds exp and aud', async () => {
    const result = await run(
      userPolicy(
        'import base64, json\ntoken = ak_create_jwt_raw("grafana", validity="minutes=5", role="x")\n' +
          'payload = token.split(".")[1]\nclaims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))\n' +
          'return sorted(claims), claims["aud"]',
      ),
    );

    expect(result.rawResult?.json).toEqual([['aud', 'exp', 'role'], 'grafana-client']);
  });

  it('dns helpers answer from recorded data', async () => {
    const result = await run(
      policy('return resolve_dns("idp.example", 4), reverse_dns("10.0.0.9")', {
        dns: {
          forward: { 'idp.example': ['10.0.0.9', 'fd00::9'] },
          reverse: { '10.0.0.9': 'idp.example' },
        },
      }),
    );

    expect(result.rawResult?.json).toEqual([['10.0.0.9'], 'idp.example']);
  });

  it('dns without recorded data fails clearly', async () => {
    const result = await run(policy('return resolve_dns("unknown.example")'));

    expect(result.error?.type).toBe('SimulationDataMissing');
    expect(result.error?.message).toContain("no recorded DNS result for host 'unknown.example'");
  });
});

describe('property mappings', () => {
  const mapping = (
    expression: string,
    overrides: Partial<EvaluationRequest> = {},
  ): EvaluationRequest => ({
    kind: 'property_mapping',
    name: 'discord-props',
    expression,
    context: {
      info: { username: 'quietheron', global_name: null },
      source: {
        $model: 'authentik_sources_oauth.oauthsource',
        pk: '5a1f0000-0000-4000-8000-000000000001',
      },
    },
    user: null,
    directory: sampleDirectory(),
    ...overrides,
  });

  it('keyword arguments become variables', async () => {
    const result = await run(
      mapping('return {"name": info["global_name"] or info["username"], "src": source.slug}'),
    );

    expect(result.passing).toBe(true);
    expect(result.rawResult?.json).toEqual({ name: 'quietheron', src: 'discord' });
  });

  it('user exists only when given', async () => {
    const without = await run(mapping('return user'));
    const withUser = await run(
      mapping('return user.username', { user: { pk: 1, username: 'quietheron' } }),
    );

    expect(without.error?.message).toBe("name 'user' is not defined");
    expect(withUser.rawResult?.json).toBe('quietheron');
  });

  it('SkipObject skips', async () => {
    const result = await run(mapping('raise SkipObject'));

    expect(result.skipped).toBe(true);
    expect(result.error).toBeUndefined();
  });

  it('errors record an event unless dry run', async () => {
    const recorded = await run(mapping('return info["missing"]'));
    const dryRun = await run(mapping('return info["missing"]', { dryRun: true }));

    expect(recorded.error?.type).toBe('KeyError');
    expect(recorded.events.map((event) => event.action)).toEqual(['property_mapping_exception']);
    expect(dryRun.events).toEqual([]);
  });

  it('unsaved mapping validates as None', async () => {
    const result = await run(mapping('if x\n  return 1', { mode: 'validate', saved: false }));

    expect(result.error?.message).toBe("Expression Syntax Error: expected ':' (None, line 2)");
  });
});
