// Secrets of HTTP exchanges become stable placeholders, and placeholders survive a second pass.
import { describe, expect, it } from 'vitest';

import { Redactor } from '../../main/http/redact.js';
import type { HttpExchangeData } from '../../shared/http/exchange.js';

const CLIENT_ID = '900000000000000017';
const CLIENT_SECRET = 'FAKEsecret0case17';
const BASIC = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');

function tokenExchange(): HttpExchangeData {
  return {
    request: {
      method: 'POST',
      url: 'https://discord.com/api/oauth2/token',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${BASIC}`,
      },
      body: 'grant_type=authorization_code&code=FAKEcode0case17&redirect_uri=https%3A%2F%2Fauth.example%2Fcb%2F&state=xyzSTATE123',
    },
    response: {
      status: 200,
      headers: { 'Content-Type': 'application/json', 'Set-Cookie': '__dcfduid=abc123; Path=/' },
      body: {
        json: {
          access_token: 'FAKEaccess0case17',
          token_type: 'Bearer',
          expires_in: 604800,
          refresh_token: 'FAKErefresh0case17',
          scope: 'identify email',
        },
      },
    },
  };
}

function userExchange(token: string, email: string): HttpExchangeData {
  return {
    request: {
      method: 'GET',
      url: `https://discord.com/api/users/@me?access_token=${token}`,
      headers: { Authorization: `Bearer ${token}` },
      body: null,
    },
    response: {
      status: 200,
      headers: { 'Content-Type': 'application/json' },
      body: { json: { id: '1', username: 'otter', email, verified: false } },
    },
  };
}

describe('redaction', () => {
  it('token exchange loses every secret', () => {
    const redactor = new Redactor();
    const text = JSON.stringify(redactor.scrubExchange(redactor.redactExchange(tokenExchange())));

    for (const secret of [
      CLIENT_ID,
      CLIENT_SECRET,
      BASIC,
      'FAKEcode0case17',
      'FAKEaccess0case17',
      'FAKErefresh0case17',
      'xyzSTATE123',
      'abc123',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('basic credentials become encoded placeholders', () => {
    const redacted = new Redactor().redactExchange(tokenExchange());
    const encoded = redacted.request.headers.Authorization!.replace('Basic ', '');

    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe('<client-id-1>:<client-secret-1>');
  });

  it('form body keeps its other fields', () => {
    const redacted = new Redactor().redactExchange(tokenExchange());

    expect(redacted.request.body).toBe(
      'grant_type=authorization_code&code=%3Cauthorization-code-1%3E&redirect_uri=https%3A%2F%2Fauth.example%2Fcb%2F&state=%3Cstate-1%3E',
    );
  });

  it('token in a response becomes the same placeholder later', () => {
    const redactor = new Redactor();
    const token = redactor.redactExchange(tokenExchange());
    const user = redactor.redactExchange(userExchange('FAKEaccess0case17', 'a@mail.example'));

    expect((token.response.body as { json: { access_token: string } }).json.access_token).toBe(
      '<access-token-1>',
    );
    expect(user.request.headers.Authorization).toBe('Bearer <access-token-1>');
    expect(user.request.url).toBe(
      'https://discord.com/api/users/@me?access_token=%3Caccess-token-1%3E',
    );
  });

  it('second token gets the next number', () => {
    const redactor = new Redactor();
    redactor.redactExchange(userExchange('tokenA0000', 'a@mail.example'));
    const second = redactor.redactExchange(userExchange('tokenB0000', 'b@mail.example'));

    expect(second.request.headers.Authorization).toBe('Bearer <access-token-2>');
  });

  it('same email gives the same placeholder', () => {
    const redactor = new Redactor();
    const first = redactor.redactExchange(userExchange('tokenA0000', 'river@mail.example'));
    const again = redactor.redactExchange(userExchange('tokenA0000', 'river@mail.example'));
    const other = redactor.redactExchange(userExchange('tokenA0000', 'moss@mail.example'));
    const emailOf = (exchange: HttpExchangeData) =>
      (exchange.response.body as { json: { email: string } }).json.email;

    expect(emailOf(first)).toBe('user1@example.invalid');
    expect(emailOf(again)).toBe('user1@example.invalid');
    expect(emailOf(other)).toBe('user2@example.invalid');
  });

  it('emails inside text bodies are replaced', () => {
    const redactor = new Redactor();
    const redacted = redactor.redactResponse({
      status: 500,
      headers: { 'Content-Type': 'text/plain' },
      body: { text: 'no account for river@mail.example, sorry' },
    });

    expect(redacted.body).toEqual({ text: 'no account for user1@example.invalid, sorry' });
  });

  it('error codes in JSON stay numbers', () => {
    const redacted = new Redactor().redactResponse({
      status: 404,
      headers: {},
      body: { json: { message: 'Unknown Guild', code: 10004 } },
    });

    expect(redacted.body).toEqual({ json: { message: 'Unknown Guild', code: 10004 } });
  });

  it('placeholders pass through a second redactor', () => {
    const first = new Redactor().redactExchange(tokenExchange());
    const second = new Redactor().redactExchange(first);

    expect(second).toEqual(first);
  });

  it('known secret is scrubbed from any header', () => {
    const redactor = new Redactor();
    redactor.redactExchange(tokenExchange());

    expect(redactor.scrub('echo FAKEaccess0case17 back')).toBe('echo <access-token-1> back');
  });

  it('location header loses its code and state', () => {
    const redacted = new Redactor().redactResponse({
      status: 302,
      headers: { Location: 'https://auth.example/cb/?code=abcdef123&state=s7s7s7s7' },
      body: null,
    });

    expect(redacted.headers.Location).toBe(
      'https://auth.example/cb/?code=%3Cauthorization-code-1%3E&state=%3Cstate-1%3E',
    );
  });
});
