// The authentik shim over the simulated directory: query sets, related managers, writes as
// effects, the failure cases 10 and 11, and the requests module in replay mode.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createPythonPool, type PythonPool } from '../../main/python/pool.js';
import type { EvaluationRequest, JsonValue } from '../../shared/simulator/evaluation.js';
import {
  GROUPS,
  policy,
  readShared,
  sampleDirectory,
  SOURCES,
  userPolicy,
} from './python-support.js';

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

/** Runs `expression` as quietheron and returns the JSON of its result. */
async function value(expression: string): Promise<JsonValue | undefined> {
  const result = await run(userPolicy(expression));
  if (result.error !== undefined) {
    throw new Error(`${result.error.type}: ${result.error.message}\n${result.error.traceback}`);
  }

  return result.rawResult?.json;
}

const IMPORTS = 'from authentik.core.models import User, Group\n';

describe('query set lookups', () => {
  const cases: [string, string, JsonValue][] = [
    ['exact', 'username="Moss"', ['Moss']],
    ['iexact', 'username__iexact="moss"', ['Moss']],
    ['in', 'pk__in=[1, 3]', ['quietheron', 'Moss']],
    ['isnull', 'last_login__isnull=True', ['quietheron', 'ashfinch', 'Moss']],
    ['contains', 'email__contains="glade"', ['quietheron', 'ashfinch']],
    ['icontains', 'name__icontains="WREN"', ['Moss']],
    ['startswith', 'username__startswith="ash"', ['ashfinch']],
    ['endswith', 'email__endswith="other.example"', ['Moss']],
    ['gt', 'pk__gt=2', ['Moss']],
    ['gte', 'pk__gte=2', ['ashfinch', 'Moss']],
    ['lt', 'pk__lt=2', ['quietheron']],
    ['lte', 'pk__lte=2', ['quietheron', 'ashfinch']],
    ['json key', 'attributes__level__gte=5', ['Moss']],
    ['json key isnull', 'attributes__level__isnull=False', ['ashfinch', 'Moss']],
    ['json contains', 'attributes__tags__contains=["b"]', ['Moss']],
    ['related name', 'groups__name="guests"', ['ashfinch']],
    ['related ancestor-free', 'groups__name="staff"', []],
    ['bool field', 'is_active=False', ['ashfinch']],
  ];

  for (const [name, filter, expected] of cases) {
    it(`filter ${name}`, async () => {
      const result = await value(
        `${IMPORTS}return list(User.objects.filter(${filter}).values_list("username", flat=True))`,
      );

      expect(result).toEqual(expected);
    });
  }

  it('json path with in', async () => {
    const result = await value(
      `${IMPORTS}return [g.name for g in Group.objects.filter(attributes__discord_role_id__in=["1199887766554433999"])]`,
    );

    expect(result).toEqual(['discord-mods']);
  });

  it('exclude and Q objects', async () => {
    const result = await value(
      `${IMPORTS}from django.db.models import Q\n` +
        'a = list(User.objects.exclude(is_active=False).values_list("pk", flat=True))\n' +
        'b = list(User.objects.filter(Q(username="Moss") | ~Q(email__contains="glade")).values_list("pk", flat=True))\n' +
        'return a, b',
    );

    expect(result).toEqual([[1, 3], [3]]);
  });

  it('get raises Django errors', async () => {
    const result = await value(
      `${IMPORTS}out = []\n` +
        'for kwargs in ({"username": "nobody"}, {"email__contains": "glade"}):\n' +
        '    try:\n        User.objects.get(**kwargs)\n' +
        '    except (User.DoesNotExist, User.MultipleObjectsReturned) as exc:\n' +
        '        out.append([type(exc).__name__, str(exc)])\n' +
        'return out',
    );

    expect(result).toEqual([
      ['DoesNotExist', 'User matching query does not exist.'],
      ['MultipleObjectsReturned', 'get() returned more than one User -- it returned 2!'],
    ]);
  });

  it('unknown field raises FieldError', async () => {
    const result = await run(
      userPolicy(`${IMPORTS}return User.objects.filter(nickname="x").count()`),
    );

    expect(result.error?.type).toBe('FieldError');
    expect(result.error?.message).toContain("Cannot resolve keyword 'nickname' into field.");
  });

  it('first last exists count', async () => {
    const result = await value(
      `${IMPORTS}qs = User.objects.all()\n` +
        'return [str(qs.first()), str(qs.last()), qs.exists(), qs.count(), User.objects.filter(pk=99).exists()]',
    );

    expect(result).toEqual(['quietheron', 'Moss', true, 3, false]);
  });

  it('order_by and values', async () => {
    const result = await value(
      `${IMPORTS}return list(User.objects.order_by("-username").values("username", "pk"))`,
    );

    expect(result).toEqual([
      { username: 'quietheron', pk: 1 },
      { username: 'ashfinch', pk: 2 },
      { username: 'Moss', pk: 3 },
    ]);
  });

  it('union removes duplicates', async () => {
    const result = await value(
      `${IMPORTS}a = User.objects.filter(pk__in=[1, 2])\nb = User.objects.filter(pk__in=[2, 3])\n` +
        'return sorted(a.union(b).values_list("pk", flat=True))',
    );

    expect(result).toEqual([1, 2, 3]);
  });

  it('filter after union is not supported', async () => {
    const result = await run(
      userPolicy(`${IMPORTS}return User.objects.all().union(User.objects.all()).filter(pk=1)`),
    );

    expect(result.error?.type).toBe('NotSupportedError');
    expect(result.error?.message).toBe('Calling QuerySet.filter() after union() is not supported.');
  });

  it('repr looks like Django', async () => {
    const result = await value(
      `${IMPORTS}return repr(Group.objects.filter(name__startswith="discord")), str(User.objects.filter(pk=3))`,
    );

    expect(result).toEqual([
      '<GroupQuerySet [<Group: Group discord-members>, <Group: Group discord-mods>]>',
      '<UserQuerySet [<User: Moss>]>',
    ]);
  });

  it('query sets are lazy', async () => {
    const result = await value(
      `${IMPORTS}groups = request.user.groups.all()\n` +
        'request.user.groups.add(Group.objects.get(name="guests"))\n' +
        'return sorted(groups.values_list("name", flat=True))',
    );

    expect(result).toEqual(['admins', 'discord-members', 'guests']);
  });
});

describe('users and groups', () => {
  it('all_groups includes ancestors', async () => {
    const result = await value('return sorted(g.name for g in request.user.all_groups())');

    expect(result).toEqual(['admins', 'discord-members', 'staff']);
  });

  it('superuser status comes from an ancestor', async () => {
    const result = await value(
      `${IMPORTS}return request.user.is_superuser, User.objects.get(pk=2).is_superuser`,
    );

    expect(result).toEqual([true, false]);
  });

  it('group reverse relations', async () => {
    const result = await value(
      `${IMPORTS}staff = Group.objects.get(name="staff")\n` +
        'return [g.name for g in staff.children.all()], [u.username for u in Group.objects.get(name="admins").users.all()]',
    );

    expect(result).toEqual([['admins'], ['quietheron']]);
  });

  it('related manager is not iterable', async () => {
    const result = await run(userPolicy('return [g for g in request.user.groups]'));

    expect(result.error?.type).toBe('TypeError');
    expect(result.error?.message).toBe("'ManyRelatedManager' object is not iterable");
  });

  it('is_authenticated and str', async () => {
    const result = await value(
      'return request.user.is_authenticated, str(request.user), repr(request.user)',
    );

    expect(result).toEqual([true, 'quietheron', '<User: quietheron>']);
  });

  it('ak_groups still works and logs a deprecation', async () => {
    const result = await run(userPolicy('return request.user.ak_groups.count()'));

    expect(result.rawResult?.json).toBe(2);
    expect(result.logs.map((record) => record.event)).toContain('deprecation used');
  });
});

describe('writes become effects', () => {
  it('save records attribute changes', async () => {
    const result = await run(
      userPolicy(
        'request.user.attributes["discord_display"] = "Quiet Heron"\nrequest.user.save()\nreturn True',
      ),
    );

    expect(result.effects).toContainEqual(
      expect.objectContaining({
        kind: 'object_saved',
        model: 'authentik_core.user',
        pk: 1,
        created: false,
        changes: [{ field: 'attributes.discord_display', before: null, after: 'Quiet Heron' }],
      }),
    );
  });

  it('unsaved changes stay out of the directory', async () => {
    const result = await value(
      `${IMPORTS}request.user.name = "Changed"\nreturn User.objects.get(pk=1).name`,
    );

    expect(result).toBe('Quiet Heron');
  });

  it('membership changes record before and after', async () => {
    const result = await run(
      userPolicy(
        `${IMPORTS}request.user.groups.remove(Group.objects.get(name="admins"))\n` +
          'request.user.groups.add(Group.objects.get(name="guests"))\nreturn True',
      ),
    );
    const changes = result.effects.filter((effect) => effect.kind === 'membership_changed');

    expect(changes).toEqual([
      expect.objectContaining({
        relation: 'user.groups',
        pk: 1,
        before: [GROUPS.admins, GROUPS.discordMembers],
        after: [GROUPS.discordMembers],
      }),
      expect.objectContaining({
        relation: 'user.groups',
        pk: 1,
        before: [GROUPS.discordMembers],
        after: [GROUPS.discordMembers, GROUPS.guests],
      }),
    ]);
  });

  it('group side add changes the user', async () => {
    const result = await run(
      userPolicy(`${IMPORTS}Group.objects.get(name="guests").users.add(request.user)\nreturn True`),
    );

    expect(result.effects).toContainEqual(
      expect.objectContaining({
        kind: 'membership_changed',
        pk: 1,
        after: [GROUPS.admins, GROUPS.discordMembers, GROUPS.guests],
      }),
    );
  });

  it('set and clear', async () => {
    const result = await value(
      `${IMPORTS}request.user.groups.set(Group.objects.filter(name="guests"))\nafter_set = request.user.groups.count()\n` +
        'request.user.groups.clear()\nreturn after_set, request.user.groups.count()',
    );

    expect(result).toEqual([1, 0]);
  });

  it('creating a user records it', async () => {
    const result = await run(
      userPolicy(
        `${IMPORTS}u = User.objects.create(username="newcomer", email="n@x.example")\nreturn u.pk`,
      ),
    );

    expect(result.rawResult?.json).toBe(4);
    expect(result.effects).toContainEqual(
      expect.objectContaining({
        kind: 'object_saved',
        model: 'authentik_core.user',
        pk: 4,
        created: true,
      }),
    );
  });

  it('duplicate username is an IntegrityError', async () => {
    const result = await run(userPolicy(`${IMPORTS}User.objects.create(username="Moss")`));

    expect(result.error?.type).toBe('IntegrityError');
    expect(result.error?.message).toContain('authentik_core_user_username_key');
  });

  it('request directory is left unchanged', async () => {
    const request = userPolicy(
      `${IMPORTS}request.user.attributes["x"] = 1\nrequest.user.save()\nrequest.user.groups.clear()\nUser.objects.get(pk=3).delete()\nreturn True`,
    );
    const before = structuredClone(request.directory);
    const result = await run(request);

    expect(result.passing).toBe(true);
    expect(request.directory).toEqual(before);
  });

  it('each evaluation starts from the given directory', async () => {
    await run(userPolicy('request.user.groups.clear()\nreturn True'));
    const result = await value('return request.user.groups.count()');

    expect(result).toBe(2);
  });
});

describe('case 10: anonymous user during enrollment', () => {
  const expression = () => readShared('cases/10-policy-anonymous-user-in-enrollment/policy.py');
  const context = () => {
    const data = JSON.parse(
      readShared('cases/10-policy-anonymous-user-in-enrollment/context.json'),
    ) as { 'request.context': Record<string, JsonValue>; ak_is_sso_flow: boolean };
    return { ...data['request.context'], is_sso: data.ak_is_sso_flow };
  };

  it('anonymous user has no attributes', async () => {
    const result = await run(
      policy(expression(), { context: context(), directory: sampleDirectory() }),
    );

    expect(result.passing).toBe(false);
    expect(result.error?.type).toBe('AttributeError');
    expect(result.error?.message).toBe("'AnonymousUser' object has no attribute 'attributes'");
    expect(result.effects.filter((effect) => effect.kind === 'object_saved')).toEqual([]);
  });

  it('linked user passes and the save is an effect', async () => {
    const result = await run(userPolicy(expression(), { context: context() }));

    expect(result.passing).toBe(true);
    expect(result.effects).toContainEqual(
      expect.objectContaining({
        kind: 'object_saved',
        pk: 1,
        changes: [{ field: 'attributes.discord_display', before: null, after: 'Quiet Heron' }],
      }),
    );
  });
});

describe('case 11: source missing or not OAuth', () => {
  interface Scenario {
    name: string;
    context: Record<string, Record<string, JsonValue>>;
  }

  const scenarios = () =>
    (
      JSON.parse(readShared('cases/11-policy-source-missing-or-not-oauth/scenarios.json')) as {
        runs: Scenario[];
      }
    ).runs;

  /** Converts the case's `model` markers into the contract's `$model` markers. */
  function toContract(context: Scenario['context']): Record<string, JsonValue> {
    const converted: Record<string, JsonValue> = {};
    for (const [key, entry] of Object.entries(context)) {
      const { model, ...fields } = entry;
      const label =
        model ??
        (key === 'goauthentik.io/sources/connection'
          ? 'authentik_sources_oauth.useroauthsourceconnection'
          : 'authentik_sources_oauth.oauthsource');
      converted[key] = { $model: label, ...fields };
    }

    return converted;
  }

  async function runScenario(prefix: string) {
    const scenario = scenarios().find((item) => item.name.startsWith(prefix))!;
    return run(
      policy(readShared('cases/11-policy-source-missing-or-not-oauth/policy.py'), {
        name: 'case11-discord-only-check',
        context: toContract(scenario.context),
      }),
    );
  }

  it('plex source has no provider_type', async () => {
    const result = await runScenario('A-');

    expect(result.passing).toBe(false);
    expect(result.error?.message).toBe("'PlexSource' object has no attribute 'provider_type'");
  });

  it('password login misses source', async () => {
    const result = await runScenario('B-');

    expect(result.error?.type).toBe('KeyError');
    expect(result.messages).toEqual(["'source'"]);
  });

  it('discord login passes', async () => {
    const result = await runScenario('C-');

    expect(result.passing).toBe(true);
    expect(result.error).toBeUndefined();
  });

  it('isinstance guard works with the shim', async () => {
    const result = await run(
      userPolicy(
        'from authentik.sources.oauth.models import OAuthSource\n' +
          'return [isinstance(s, OAuthSource) for s in (context["a"], context["b"])]',
        {
          context: {
            a: { $model: 'authentik_core.source', pk: SOURCES.discord },
            b: { $model: 'authentik_core.source', pk: SOURCES.plex },
          },
        },
      ),
    );

    expect(result.rawResult?.json).toEqual([true, false]);
  });
});

describe('requests replay', () => {
  const guildUrl = 'https://discord.com/api/users/@me/guilds/123456789123456789/member';
  const connectionContext = {
    source: { $model: 'authentik_sources_oauth.oauthsource', pk: SOURCES.discord },
    'goauthentik.io/sources/connection': {
      $model: 'authentik_sources_oauth.useroauthsourceconnection',
      pk: 1,
    },
  };
  const rolePolicy =
    'connection = context.get("goauthentik.io/sources/connection")\n' +
    `member = requests.get("${guildUrl}", headers={"Authorization": f"Bearer {connection.access_token}"}).json()\n` +
    'if "code" in member:\n' +
    '    if member["code"] == 10004:\n' +
    '        ak_message("User is not a member of the guild.")\n' +
    '    return False\n' +
    'return "1199887766554433221" in member["roles"]';

  it('recorded answer is used and logged', async () => {
    const result = await run(
      userPolicy(rolePolicy, {
        context: connectionContext,
        http: {
          responses: [
            { method: 'GET', url: guildUrl, status: 200, json: { roles: ['1199887766554433221'] } },
          ],
        },
      }),
    );

    expect(result.passing).toBe(true);
    expect(result.http).toEqual([
      expect.objectContaining({
        method: 'GET',
        url: guildUrl,
        matched: true,
        status: 200,
        requestHeaders: expect.objectContaining({ Authorization: 'Bearer FAKEaccess0token' }),
      }),
    ]);
  });

  it('error answer leads to a message', async () => {
    const result = await run(
      userPolicy(rolePolicy, {
        context: connectionContext,
        http: {
          responses: [
            {
              method: 'GET',
              url: guildUrl,
              status: 404,
              json: { message: 'Unknown Guild', code: 10004 },
            },
          ],
        },
      }),
    );

    expect(result.passing).toBe(false);
    expect(result.messages).toEqual(['User is not a member of the guild.']);
  });

  it('unmatched request names method and url', async () => {
    const result = await run(userPolicy(rolePolicy, { context: connectionContext }));

    expect(result.error?.type).toBe('NoRecordedResponse');
    expect(result.error?.message).toContain(`No recorded response for GET ${guildUrl}`);
    expect(result.http[0]?.matched).toBe(false);
  });

  it('unmatched request is a RequestException', async () => {
    const result = await value(
      'import requests\ntry:\n    requests.post("https://x.example/a", json={"a": 1})\n' +
        'except requests.exceptions.ConnectionError as exc:\n    return isinstance(exc, requests.RequestException)',
    );

    expect(result).toBe(true);
  });

  it('raise_for_status and json errors', async () => {
    const result = await run(
      policy(
        'import requests\nr = requests.get("https://x.example/a", params={"q": "1"})\nout = [r.ok, r.status_code, repr(r)]\n' +
          'try:\n    r.raise_for_status()\nexcept requests.exceptions.HTTPError as exc:\n    out.append(str(exc))\n' +
          'try:\n    r.json()\nexcept requests.exceptions.JSONDecodeError as exc:\n    out.append(isinstance(exc, ValueError))\n' +
          'return out',
        {
          http: {
            responses: [
              { method: 'GET', url: 'https://x.example/a?q=1', status: 503, body: 'down' },
            ],
          },
        },
      ),
    );

    expect(result.rawResult?.json).toEqual([
      false,
      503,
      '<Response [503]>',
      '503 Server Error: Service Unavailable for url: https://x.example/a?q=1',
      true,
    ]);
  });

  it('repeated answers are used in order', async () => {
    const result = await run(
      policy('s = requests\nreturn [s.get("https://x.example/n").text for _ in range(3)]', {
        http: {
          responses: [
            { method: 'GET', url: 'https://x.example/n', status: 200, body: 'one' },
            { method: 'GET', url: 'https://x.example/n', status: 200, body: 'two' },
          ],
        },
      }),
    );

    expect(result.rawResult?.json).toEqual(['one', 'two', 'two']);
  });
});

describe('context after the run', () => {
  it('flow plan context changes are returned', async () => {
    const result = await run(
      userPolicy(
        `${IMPORTS}request.context["flow_plan"].context["groups"] = Group.objects.filter(name="guests")\nreturn True`,
        {
          context: {
            flow_plan: { $model: 'authentik_flows.flowplan', flow_pk: 'f1' },
            prompt_data: { username: 'x' },
          },
        },
      ),
    );
    const plan = result.context?.flow_plan as { context: Record<string, JsonValue> };

    expect(plan.context.prompt_data).toEqual({ username: 'x' });
    expect(plan.context.groups).toEqual({
      $queryset: 'authentik_core.group',
      items: [
        expect.objectContaining({
          $model: 'authentik_core.group',
          pk: GROUPS.guests,
          name: 'guests',
        }),
      ],
    });
  });
});

describe('flow plan changes', () => {
  it('redirect inserts a stage', async () => {
    const expression =
      'plan = request.context.get("flow_plan")\nplan.redirect("/source/saml/entra-foo")\nreturn False';
    const result = await run(
      policy(expression, {
        context: {
          flow_plan: {
            $model: 'authentik_flows.flowplan',
            flow_pk: 'f1',
            bindings: [{ stage: 'current' }],
          },
        },
      }),
    );
    const plan = result.context?.flow_plan as { bindings: JsonValue[] };

    expect(result.effects).toContainEqual({
      kind: 'plan_changed',
      action: 'redirect',
      stage: {
        $model: 'authentik_stages_redirect.redirectstage',
        mode: 'static',
        target_static: '/source/saml/entra-foo',
      },
    });
    expect(plan.bindings).toHaveLength(2);
  });
});
