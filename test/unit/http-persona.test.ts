// Discord personas: the built-in set, how a persona responds to Discord's endpoints (driven by the
// token's scope), validation naming the field, field edits, recordings turned into personas,
// and personas stored in a real project file.
import { join } from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  builtInPersonas,
  findDiscordPersona,
  listPersonas,
  saveDiscordPersona,
} from '../../main/http/personas.js';
import { Redactor } from '../../main/http/redact.js';
import { ProjectStore } from '../../main/project/index.js';
import { isStagecraftError } from '../../shared/errors.js';
import type { HttpRequestData, HttpResponseData } from '../../shared/http/exchange.js';
import { answerAsPersona } from '../../shared/http/persona-answers.js';
import type { DiscordPersona } from '../../shared/http/persona.js';
import { parseDiscordPersona, setPersonaField } from '../../shared/http/persona.js';
import { recordingToPersona } from '../../shared/http/recording-persona.js';
import type { Recording } from '../../shared/http/recording.js';
import { parsePersona } from '../../shared/simulator/persona.js';
import { makeTempFolder } from '../support/project-fixtures.js';

/** The ids the policies of authentik's Discord guide check. */
const GUIDE_GUILD = '123456789123456789';
const GUIDE_ROLE = '123456789123456789';

const temp = makeTempFolder();

afterAll(() => {
  temp.remove();
});

function persona(name: string): DiscordPersona {
  const found = builtInPersonas().find((candidate) => candidate.name === name);
  if (found === undefined) {
    throw new Error(`no built-in persona ${name}`);
  }
  return found;
}

function call(target: DiscordPersona, path: string, token?: string): HttpResponseData {
  const host =
    path.startsWith('/avatars') || path.startsWith('/embed') ? 'cdn.discordapp.com' : 'discord.com';
  const request: HttpRequestData = {
    method: 'GET',
    url: `https://${host}${path}`,
    headers: { Authorization: `Bearer ${token ?? target.discord.token.access_token}` },
    body: null,
  };
  const answer = answerAsPersona(target, request);
  if (answer === undefined) {
    throw new Error(`persona did not answer ${path}`);
  }
  return answer.response;
}

function json(response: HttpResponseData): unknown {
  return response.body !== null && 'json' in response.body ? response.body.json : undefined;
}

function errorOf(action: () => unknown): { code: string; message: string; field?: unknown } {
  try {
    action();
  } catch (error) {
    if (isStagecraftError(error)) {
      return { code: error.code, message: error.message, field: error.data.field };
    }
    throw error;
  }
  throw new Error('expected a StagecraftError');
}

describe('built-in personas', () => {
  it('all twelve cases are shipped', () => {
    expect(builtInPersonas().map((item) => item.name)).toEqual([
      'animated-avatar',
      'discord-error',
      'member-with-role',
      'member-without-role',
      'new-username',
      'no-avatar',
      'no-email',
      'no-guilds-scope',
      'not-a-member',
      'rate-limited',
      'unverified-email',
      'username-collides',
    ]);
  });

  it('each is also a valid simulator persona', () => {
    for (const item of builtInPersonas()) {
      expect(parsePersona(item, item.name).user.username).toBe(item.discord.user.username);
    }
  });

  it('member with role has the guide role', () => {
    const member = json(
      call(persona('member-with-role'), `/api/users/@me/guilds/${GUIDE_GUILD}/member`),
    ) as {
      roles: string[];
    };

    expect(member.roles).toContain(GUIDE_ROLE);
  });

  it('member without role lacks the guide role', () => {
    const member = json(
      call(persona('member-without-role'), `/api/users/@me/guilds/${GUIDE_GUILD}/member`),
    ) as {
      roles: string[];
    };

    expect(member.roles).not.toContain(GUIDE_ROLE);
  });

  it('guild list of a member contains the guide guild', () => {
    const guilds = json(call(persona('member-with-role'), '/api/users/@me/guilds')) as {
      id: string;
    }[];

    expect(guilds.map((guild) => guild.id)).toContain(GUIDE_GUILD);
  });

  it('not a member answers 404 code 10004', () => {
    const response = call(
      persona('not-a-member'),
      `/api/v10/users/@me/guilds/${GUIDE_GUILD}/member`,
    );

    expect(response.status).toBe(404);
    expect(json(response)).toEqual({ message: 'Unknown Guild', code: 10004 });
  });

  it('token without guilds scope gets 401 code 0', () => {
    const response = call(persona('no-guilds-scope'), '/api/users/@me/guilds');

    expect(response.status).toBe(401);
    expect(json(response)).toEqual({ message: '401: Unauthorized', code: 0 });
  });

  it('token without members scope gets 401 from the member call', () => {
    expect(
      call(persona('no-guilds-scope'), `/api/users/@me/guilds/${GUIDE_GUILD}/member`).status,
    ).toBe(401);
  });

  it('rate limited persona sets a used-up bucket', () => {
    const answer = answerAsPersona(persona('rate-limited'), {
      method: 'GET',
      url: `https://discord.com/api/users/@me/guilds/${GUIDE_GUILD}/member`,
      headers: { Authorization: `Bearer ${persona('rate-limited').discord.token.access_token}` },
      body: null,
    });

    expect(answer?.rateLimit?.remaining).toBe(0);
  });

  it('discord error persona answers 500', () => {
    expect(
      call(persona('discord-error'), `/api/users/@me/guilds/${GUIDE_GUILD}/member`).status,
    ).toBe(500);
  });

  it('new username has discriminator 0 and no global name', () => {
    const user = json(call(persona('new-username'), '/api/users/@me')) as Record<string, unknown>;

    expect(user.discriminator).toBe('0');
    expect(user.global_name).toBeNull();
  });

  it('unverified email is sent with verified false', () => {
    const user = json(call(persona('unverified-email'), '/api/users/@me')) as Record<
      string,
      unknown
    >;

    expect(user.email).toBe('river.otter@mail.example');
    expect(user.verified).toBe(false);
  });

  it('no email persona sends a null email', () => {
    const user = json(call(persona('no-email'), '/api/users/@me')) as Record<string, unknown>;

    expect(user.email).toBeNull();
  });

  it('username collides with the default admin', () => {
    expect(persona('username-collides').user.username).toBe('akadmin');
  });

  it('animated avatar is served as a gif', () => {
    const target = persona('animated-avatar');
    const response = call(
      target,
      `/avatars/${target.discord.user.id}/${target.discord.user.avatar}.gif?size=64`,
    );

    expect(response.status).toBe(200);
    expect(response.headers['Content-Type']).toBe('image/gif');
  });

  it('static avatar is served as a png', () => {
    const target = persona('member-with-role');
    const response = call(
      target,
      `/avatars/${target.discord.user.id}/${target.discord.user.avatar}.png`,
    );

    expect(response.headers['Content-Type']).toBe('image/png');
  });

  it('no avatar persona has a null avatar', () => {
    expect(persona('no-avatar').discord.user.avatar).toBeNull();
  });

  it('default avatar is served', () => {
    expect(call(persona('no-avatar'), '/embed/avatars/3.png').status).toBe(200);
  });
});

describe('persona answers', () => {
  it('wrong token gets 401', () => {
    expect(call(persona('member-with-role'), '/api/users/@me', 'not-the-token').status).toBe(401);
  });

  it('email is left out without the email scope', () => {
    const target = setPersonaField(persona('unverified-email'), 'discord.token.scope', 'identify');
    const user = json(call(target, '/api/users/@me')) as Record<string, unknown>;

    expect('email' in user).toBe(false);
    expect('verified' in user).toBe(false);
  });

  it('token endpoint returns the scope string', () => {
    const target = persona('no-guilds-scope');
    const answer = answerAsPersona(target, {
      method: 'POST',
      url: 'https://discord.com/api/oauth2/token',
      headers: { Authorization: 'Basic YTpi', 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=authorization_code&code=c&redirect_uri=x',
    });

    expect((json(answer!.response) as { scope: string }).scope).toBe('identify email');
  });

  it('token endpoint without client auth is 401', () => {
    const answer = answerAsPersona(persona('member-with-role'), {
      method: 'POST',
      url: 'https://discord.com/api/oauth2/token',
      headers: {},
      body: 'grant_type=authorization_code&code=c',
    });

    expect(answer?.response.status).toBe(401);
  });

  it('unknown endpoint is not answered', () => {
    const answer = answerAsPersona(persona('member-with-role'), {
      method: 'GET',
      url: 'https://discord.com/api/users/@me/connections',
      headers: {},
      body: null,
    });

    expect(answer).toBeUndefined();
  });
});

describe('persona validation', () => {
  it('missing username names the field', () => {
    const data = structuredClone(persona('member-with-role')) as unknown as {
      discord: { user: Record<string, unknown> };
    };
    delete data.discord.user.username;
    const error = errorOf(() => parseDiscordPersona(data, 'broken'));

    expect(error.code).toBe('persona-invalid');
    expect(error.field).toBe('discord.user.username');
    expect(error.message).toContain('discord.user.username is missing');
  });

  it('missing scope names the field', () => {
    const data = structuredClone(persona('member-with-role')) as unknown as {
      discord: { token: Record<string, unknown> };
    };
    delete data.discord.token.scope;

    expect(errorOf(() => parseDiscordPersona(data, 'broken')).field).toBe('discord.token.scope');
  });

  it('member without roles names the guild', () => {
    const data = structuredClone(persona('member-with-role')) as unknown as {
      discord: { members: Record<string, Record<string, unknown>> };
    };
    delete data.discord.members[GUIDE_GUILD]!.roles;

    expect(errorOf(() => parseDiscordPersona(data, 'broken')).field).toBe(
      `discord.members.${GUIDE_GUILD}.roles`,
    );
  });

  it('global_name key must be present', () => {
    const data = structuredClone(persona('member-with-role')) as unknown as {
      discord: { user: Record<string, unknown> };
    };
    delete data.discord.user.global_name;

    expect(errorOf(() => parseDiscordPersona(data, 'broken')).field).toBe(
      'discord.user.global_name',
    );
  });

  it('unknown endpoint in errors is rejected', () => {
    const data = structuredClone(persona('member-with-role')) as unknown as {
      discord: Record<string, unknown>;
    };
    data.discord.errors = { profile: { status: 500, body: null } };

    expect(errorOf(() => parseDiscordPersona(data, 'broken')).field).toBe('discord.errors.profile');
  });

  it('other section version is rejected', () => {
    const data = structuredClone(persona('member-with-role')) as unknown as {
      discord: Record<string, unknown>;
    };
    data.discord.version = 2;

    expect(errorOf(() => parseDiscordPersona(data, 'broken')).field).toBe('discord.version');
  });
});

describe('field edits', () => {
  it('set field changes one value', () => {
    const edited = setPersonaField(persona('member-with-role'), 'discord.user.global_name', null);

    expect(edited.discord.user.global_name).toBeNull();
  });

  it('edit leaves the original alone', () => {
    const original = persona('member-with-role');
    setPersonaField(original, 'discord.user.global_name', 'Changed');

    expect(original.discord.user.global_name).toBe('Willow');
  });

  it('username edit updates the derived user', () => {
    const edited = setPersonaField(
      persona('member-with-role'),
      'discord.user.username',
      'new.name',
    );

    expect(edited.user.username).toBe('new.name');
  });

  it('list item is set by index', () => {
    const edited = setPersonaField(persona('member-with-role'), 'discord.guilds.0.name', 'Renamed');

    expect(edited.discord.guilds[0]!.name).toBe('Renamed');
  });

  it('member of a new guild is added whole', () => {
    const member = { roles: ['42'], joined_at: null, deaf: false, mute: false, flags: 0 };
    const edited = setPersonaField(persona('member-with-role'), 'discord.members.42', member);

    expect(edited.discord.members['42']?.roles).toEqual(['42']);
  });

  it('invalid value names the field', () => {
    const error = errorOf(() =>
      setPersonaField(persona('member-with-role'), 'discord.user.discriminator', '12'),
    );

    expect(error.code).toBe('persona-invalid');
    expect(error.field).toBe('discord.user.discriminator');
  });

  it('removing a required field is rejected', () => {
    const error = errorOf(() =>
      setPersonaField(persona('member-with-role'), 'discord.token.access_token', undefined),
    );

    expect(error.field).toBe('discord.token.access_token');
  });

  it('derived user cannot be set', () => {
    const error = errorOf(() => setPersonaField(persona('member-with-role'), 'user.username', 'x'));

    expect(error.code).toBe('persona-invalid');
    expect(error.message).toContain('discord.user.username');
  });
});

function recordingOf(exchanges: Recording['exchanges']): Recording {
  const redactor = new Redactor();
  return {
    format: 'stagecraft-http-recording',
    version: 1,
    source: 'discord',
    providerType: 'discord',
    apiBase: 'https://discord.com/api',
    createdAt: '2026-01-01T00:00:00.000Z',
    exchanges: exchanges.map((exchange) => redactor.redactExchange(exchange)),
  };
}

const USER = {
  id: '1093847561029384756',
  username: 'mossy.lantern',
  discriminator: '0',
  global_name: null,
  avatar: null,
  email: 'lantern@mail.glade.example',
  verified: true,
};

describe('recording to persona', () => {
  const token = {
    request: {
      method: 'POST',
      url: 'https://discord.com/api/oauth2/token',
      headers: { Authorization: 'Basic YTpi' },
      body: 'grant_type=authorization_code&code=c0de1234',
    },
    response: {
      status: 200,
      headers: {},
      body: {
        json: {
          access_token: 'FAKEaccess0x',
          token_type: 'Bearer',
          expires_in: 604800,
          refresh_token: 'FAKErefresh0x',
          scope: 'identify email',
        },
      },
    },
  };
  const user = {
    request: {
      method: 'GET',
      url: 'https://discord.com/api/users/@me',
      headers: { Authorization: 'Bearer FAKEaccess0x' },
      body: null,
    },
    response: { status: 200, headers: {}, body: { json: USER } },
  };
  const guilds401 = {
    request: { ...user.request, url: 'https://discord.com/api/users/@me/guilds' },
    response: {
      status: 401,
      headers: {},
      body: { json: { message: '401: Unauthorized', code: 0 } },
    },
  };

  it('token scope comes from the recording', () => {
    const built = recordingToPersona(recordingOf([token, user, guilds401]), 'recorded');

    expect(built.discord.token.scope).toBe('identify email');
  });

  it('the 401 is reproduced from the scope', () => {
    const built = recordingToPersona(recordingOf([token, user, guilds401]), 'recorded');

    expect(call(built, '/api/users/@me/guilds').status).toBe(401);
    expect(built.discord.errors).toBeUndefined();
  });

  it('user comes redacted from the recording', () => {
    const built = recordingToPersona(recordingOf([token, user]), 'recorded');

    expect(built.discord.user.email).toBe('user1@example.invalid');
    expect(built.user.username).toBe('mossy.lantern');
  });

  it('token is rebuilt from the header without an exchange', () => {
    const member = {
      request: {
        ...user.request,
        url: `https://discord.com/api/users/@me/guilds/${GUIDE_GUILD}/member`,
      },
      response: {
        status: 404,
        headers: {},
        body: { json: { message: 'Unknown Guild', code: 10004 } },
      },
    };
    const built = recordingToPersona(recordingOf([user, member]), 'recorded');

    expect(built.discord.token.scope).toBe('identify email guilds.members.read');
    expect(call(built, `/api/users/@me/guilds/${GUIDE_GUILD}/member`).status).toBe(404);
  });

  it('recording without users/@me is rejected', () => {
    const error = errorOf(() => recordingToPersona(recordingOf([token]), 'recorded', 'r.json'));

    expect(error.code).toBe('recording-invalid');
    expect(error.message).toContain('r.json');
  });

  it('server error becomes a fixed answer', () => {
    const failing = {
      request: { ...user.request, url: 'https://discord.com/api/users/@me/guilds' },
      response: { status: 502, headers: {}, body: { json: { message: 'bad', code: 0 } } },
    };
    const built = recordingToPersona(recordingOf([token, user, failing]), 'recorded');

    expect(built.discord.errors?.guilds?.status).toBe(502);
  });
});

describe('project personas', () => {
  it('saved persona is found by name', () => {
    const store = ProjectStore.create(join(temp.folder, 'find.stagecraft'), { name: 'find' });
    try {
      const edited = setPersonaField(persona('member-with-role'), 'name', 'my-member');
      saveDiscordPersona(store, edited);

      expect(findDiscordPersona('my-member', store).discord.user.username).toBe('willow.member');
    } finally {
      store.close();
    }
  });

  it('project persona hides a built-in one', () => {
    const store = ProjectStore.create(join(temp.folder, 'hide.stagecraft'), { name: 'hide' });
    try {
      const edited = setPersonaField(
        persona('not-a-member'),
        'discord.user.username',
        'local.fern',
      );
      saveDiscordPersona(store, edited);
      const listed = listPersonas(store).filter((item) => item.name === 'not-a-member');

      expect(listed).toHaveLength(1);
      expect(listed[0]?.origin).toBe('project');
      expect(findDiscordPersona('not-a-member', store).user.username).toBe('local.fern');
    } finally {
      store.close();
    }
  });

  it('simulator persona is listed as directory', () => {
    const store = ProjectStore.create(join(temp.folder, 'mixed.stagecraft'), { name: 'mixed' });
    try {
      store.personas.put({ name: 'alice', data: { name: 'alice', user: { username: 'alice' } } });

      expect(listPersonas(store).find((item) => item.name === 'alice')?.kind).toBe('directory');
    } finally {
      store.close();
    }
  });

  it('damaged stored persona is listed with its problem', () => {
    const store = ProjectStore.create(join(temp.folder, 'damaged.stagecraft'), { name: 'damaged' });
    try {
      store.personas.put({ name: 'broken', data: { name: 'broken', discord: { version: 1 } } });
      const listed = listPersonas(store).find((item) => item.name === 'broken');

      expect(listed?.problem).toContain('discord.token');
      expect(errorOf(() => findDiscordPersona('broken', store)).code).toBe('persona-invalid');
    } finally {
      store.close();
    }
  });

  it('unknown persona lists the known ones', () => {
    const error = errorOf(() => findDiscordPersona('nobody'));

    expect(error.code).toBe('persona-not-found');
    expect(error.message).toContain('member-with-role');
  });
});
