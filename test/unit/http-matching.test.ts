// Matching rules of replay (method, normalised URL, Authorization), the closest-request
// message, and Discord's rate-limit buckets.
import { describe, expect, it } from 'vitest';

import type { HttpExchangeData, HttpRequestData } from '../../shared/http/exchange.js';
import { jsonResponse } from '../../shared/http/exchange.js';
import { ExchangeIndex, matchKey, noMatchMessage } from '../../shared/http/matching.js';
import { bucketFromHeaders, RateLimiter } from '../../shared/http/rate-limit.js';
import { normalizeUrl, parseQuery, splitUrl } from '../../shared/http/url.js';

function get(url: string, authorization?: string): HttpRequestData {
  return {
    method: 'GET',
    url,
    headers: authorization === undefined ? {} : { Authorization: authorization },
    body: null,
  };
}

function exchange(request: HttpRequestData, marker: string): HttpExchangeData {
  return { request, response: jsonResponse(200, { marker }) };
}

describe('url handling', () => {
  it('host case and default port do not count', () => {
    expect(normalizeUrl('HTTPS://Discord.COM:443/api/users/@me')).toBe(
      'https://discord.com/api/users/@me',
    );
  });

  it('query order does not count', () => {
    expect(normalizeUrl('https://x.example/a?b=2&a=1')).toBe(
      normalizeUrl('https://x.example/a?a=1&b=2'),
    );
  });

  it('versioned path is another endpoint', () => {
    expect(normalizeUrl('https://discord.com/api/v10/users/@me')).not.toBe(
      normalizeUrl('https://discord.com/api/users/@me'),
    );
  });

  it('other port stays in the host', () => {
    expect(splitUrl('http://127.0.0.1:8080/x')?.host).toBe('127.0.0.1:8080');
  });

  it('relative url is not split', () => {
    expect(splitUrl('/api/users/@me')).toBeUndefined();
  });

  it('query parsing decodes plus and percent', () => {
    expect(parseQuery('a=1+2&b=%40me&c')).toEqual([
      ['a', '1 2'],
      ['b', '@me'],
      ['c', ''],
    ]);
  });
});

describe('match keys', () => {
  it('authorization is part of the key', () => {
    const url = 'https://discord.com/api/users/@me';

    expect(matchKey(get(url, 'Bearer <access-token-1>'))).not.toBe(
      matchKey(get(url, 'Bearer <access-token-2>')),
    );
  });

  it('access_token query copy does not count', () => {
    const auth = 'Bearer <access-token-1>';

    expect(matchKey(get('https://discord.com/api/users/@me?access_token=x', auth))).toBe(
      matchKey(get('https://discord.com/api/users/@me', auth)),
    );
  });

  it('method is part of the key', () => {
    const post = { ...get('https://discord.com/api/oauth2/token'), method: 'POST' };

    expect(matchKey(post)).not.toBe(matchKey(get('https://discord.com/api/oauth2/token')));
  });
});

describe('exchange index', () => {
  const url = 'https://discord.com/api/users/@me';

  it('repeated requests answer in order then repeat the last', () => {
    const index = new ExchangeIndex([
      exchange(get(url, 'Bearer t'), 'first'),
      exchange(get(url, 'Bearer t'), 'second'),
    ]);
    const markers = [1, 2, 3].map(
      () =>
        (index.take(get(url, 'Bearer t'))?.response.body as { json: { marker: string } }).json
          .marker,
    );

    expect(markers).toEqual(['first', 'second', 'second']);
  });

  it('unknown request finds nothing', () => {
    const index = new ExchangeIndex([exchange(get(url, 'Bearer t'), 'only')]);

    expect(index.take(get(`${url}/guilds`, 'Bearer t'))).toBeUndefined();
  });

  it('closest request names the differing path', () => {
    const index = new ExchangeIndex([
      exchange(get('https://discord.com/api/v10/users/@me/guilds', 'Bearer t'), 'v10'),
      exchange(get('https://cdn.discordapp.com/avatars/1/a.png'), 'cdn'),
    ]);
    const closest = index.closest(get('https://discord.com/api/users/@me/guilds', 'Bearer t'));

    expect(closest?.request.url).toBe('https://discord.com/api/v10/users/@me/guilds');
    expect(closest?.differences).toEqual(['the path']);
  });

  it('closest request names a differing token', () => {
    const index = new ExchangeIndex([exchange(get(url, 'Bearer <access-token-1>'), 'one')]);

    expect(index.closest(get(url, 'Bearer <access-token-2>'))?.differences).toEqual([
      'the Authorization header',
    ]);
  });

  it('message names method, url and closest request', () => {
    const index = new ExchangeIndex([exchange(get(url, 'Bearer t'), 'one')]);
    const request = { ...get(url, 'Bearer t'), method: 'POST' };
    const message = noMatchMessage(request, index.closest(request), 'the recording r.json');

    expect(message).toContain(`No recorded response for POST ${url}`);
    expect(message).toContain('the recording r.json');
    expect(message).toContain(`The closest recorded request is GET ${url}`);
    expect(message).toContain('differs in the method');
  });
});

describe('rate limits', () => {
  const headers = {
    'X-RateLimit-Bucket': 'b0c4e',
    'X-RateLimit-Limit': '5',
    'X-RateLimit-Remaining': '4',
    'X-RateLimit-Reset': '1767225900.000',
    'X-RateLimit-Reset-After': '300.000',
  };

  it('recorded headers give the bucket before the call', () => {
    expect(bucketFromHeaders(headers)).toEqual({
      id: 'b0c4e',
      limit: 5,
      remaining: 5,
      resetAfter: 300,
    });
  });

  it('response without bucket headers has no bucket', () => {
    expect(bucketFromHeaders({ 'Content-Type': 'application/json' })).toBeUndefined();
  });

  it('sixth call of a five-call bucket is a 429', () => {
    const limiter = new RateLimiter(() => 1_000_000);
    const bucket = bucketFromHeaders(headers)!;
    const statuses = [1, 2, 3, 4, 5, 6].map(
      () => limiter.apply(bucket, jsonResponse(200, {})).status,
    );

    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
  });

  it('remaining header counts down', () => {
    const limiter = new RateLimiter(() => 0);
    const bucket = bucketFromHeaders(headers)!;
    const remaining = [1, 2].map(
      () => limiter.apply(bucket, jsonResponse(200, {})).headers['X-RateLimit-Remaining'],
    );

    expect(remaining).toEqual(['4', '3']);
  });

  it('429 carries retry_after and the headers', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const bucket = { id: 'b', limit: 1, remaining: 0, resetAfter: 64.57 };
    now = 570;
    const response = limiter.apply(bucket, jsonResponse(200, {}));

    expect(response.status).toBe(429);
    expect(response.body).toEqual({
      json: { message: 'You are being rate limited.', retry_after: 64.57, global: false },
    });
    expect(response.headers['Retry-After']).toBe('65');
    expect(response.headers['X-RateLimit-Remaining']).toBe('0');
    expect(response.headers['X-RateLimit-Bucket']).toBe('b');
    expect(response.headers['X-RateLimit-Scope']).toBe('user');
  });

  it('bucket refills after reset-after', () => {
    let now = 0;
    const limiter = new RateLimiter(() => now);
    const bucket = { id: 'b', limit: 1, remaining: 1, resetAfter: 10 };
    limiter.apply(bucket, jsonResponse(200, {}));
    const blocked = limiter.apply(bucket, jsonResponse(200, {})).status;
    now = 10_000;
    const refilled = limiter.apply(bucket, jsonResponse(200, {})).status;

    expect(blocked).toBe(429);
    expect(refilled).toBe(200);
  });
});
