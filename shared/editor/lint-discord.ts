/**
 * Discord API calls in expressions. Discord serves an endpoint only when the access token has
 * its scope (`users/@me/guilds` needs `guilds`, `users/@me/guilds/{id}/member` needs
 * `guilds.members.read`); otherwise it returns 401 `{"message": "401: Unauthorized", "code": 0}`.
 * Any error comes back as such a JSON object, so indexing the body for a success field
 * (`["roles"]`) or iterating it (a guild list) fails unless the status is checked first.
 */
import type { SourceInfo } from './binding-context.js';
import type { EditorDiagnostic } from './diagnostic.js';
import { rangeOf } from './diagnostic.js';
import type { Token } from './python-lexer.js';
import { stringValue } from './python-lexer.js';
import type { Scan } from './python-scan.js';

const DISCORD_API = /^https?:\/\/(?:www\.)?discord(?:app)?\.com\/api(?:\/v\d+)?\/([^?#]*)/;

/** Returns the OAuth scope a Discord API path needs, or undefined when none is known. */
export function discordScopeFor(path: string): string | undefined {
  const clean = path.replace(/\/+$/, '');
  if (/^users\/@me\/guilds\/[^/]+\/member$/.test(clean)) {
    return 'guilds.members.read';
  }
  if (clean === 'users/@me/guilds') {
    return 'guilds';
  }
  if (clean === 'users/@me/connections') {
    return 'connections';
  }
  if (clean === 'users/@me') {
    return 'identify';
  }

  return undefined;
}

/** Returns the Discord API path a string literal names, or undefined. */
export function discordPath(token: Token): string | undefined {
  const value = stringValue(token);
  return value === undefined ? undefined : DISCORD_API.exec(value)?.[1];
}

/** Reports Discord calls whose scope a source of the policy's flows does not request. */
export function lintDiscordScopes(scan: Scan, sources: readonly SourceInfo[]): EditorDiagnostic[] {
  const discord = sources.filter((source) => source.providerType === 'discord');
  if (discord.length === 0) {
    return [];
  }

  const diagnostics: EditorDiagnostic[] = [];
  for (const token of scan.strings) {
    const path = discordPath(token);
    const scope = path === undefined ? undefined : discordScopeFor(path);
    if (scope === undefined) {
      continue;
    }

    const lacking = discord.filter((source) => !source.scopes.includes(scope));
    if (lacking.length === 0) {
      continue;
    }

    const names = lacking.map(
      (source) => `"${source.slug}" requests only ${source.scopes.join(' ') || 'no scopes'}`,
    );
    diagnostics.push({
      severity: 'warning',
      code: 'discord-scope-missing',
      message:
        `Discord answers ${path} only for tokens with the "${scope}" scope, but source ` +
        `${names.join('; source ')}. Discord then returns 401 {"message": "401: Unauthorized", ` +
        `"code": 0}. Add ${scope} to the source's additional scopes.`,
      ...rangeOf(token),
    });
  }

  return diagnostics;
}

const REQUEST_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'request']);

function isRequestsCall(value: Token[]): boolean {
  return (
    value[0]?.text === 'requests' &&
    value[1]?.text === '.' &&
    REQUEST_METHODS.has(value[2]?.text ?? '')
  );
}

function endsWithJson(value: Token[]): boolean {
  const n = value.length;
  return (
    n >= 4 &&
    value[n - 4]!.text === '.' &&
    value[n - 3]!.text === 'json' &&
    value[n - 2]!.text === '(' &&
    value[n - 1]!.text === ')'
  );
}

interface JsonVariable {
  name: string;
  /** The response variable the body came from, when the body was read as `resp.json()`. */
  response?: string;
}

// A status check of the response, or a test of the body, counts as handling an error response.
function guardPositions(scan: Scan, variable: JsonVariable): Token[] {
  const guards: Token[] = [];
  const tokens = scan.tokens;

  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    const next = tokens[index + 1];
    const after = tokens[index + 2];

    if (variable.response !== undefined && token.text === variable.response && next?.text === '.') {
      if (['status_code', 'ok', 'raise_for_status'].includes(after?.text ?? '')) {
        guards.push(token);
      }
    }
    if (token.text === variable.name) {
      const previous = tokens[index - 1];
      const testedByIn =
        previous?.text === 'in' &&
        stringValue(tokens[index - 2]) !== undefined &&
        next?.text !== '[' &&
        next?.text !== '.';
      const testedByGet = next?.text === '.' && after?.text === 'get';
      const typeChecked = tokens[index - 2]?.text === 'isinstance';
      if (testedByIn || testedByGet || typeChecked) {
        guards.push(token);
      }
    }
  }

  return guards;
}

function before(a: Token, b: Token): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/** Reports indexing or iterating a Discord response body before any status check. */
export function lintDiscordErrorBodies(scan: Scan): EditorDiagnostic[] {
  if (!scan.strings.some((token) => discordPath(token) !== undefined)) {
    return [];
  }

  const responses = new Set<string>();
  const bodies: JsonVariable[] = [];
  for (const [name, { value }] of scan.assignments) {
    if (isRequestsCall(value) && !endsWithJson(value)) {
      responses.add(name);
    }
  }
  for (const [name, { value }] of scan.assignments) {
    if (!endsWithJson(value)) {
      continue;
    }
    if (isRequestsCall(value)) {
      bodies.push({ name });
    } else if (value.length === 4 + 1 && responses.has(value[0]!.text)) {
      bodies.push({ name, response: value[0]!.text });
    }
  }

  const diagnostics: EditorDiagnostic[] = [];
  const tokens = scan.tokens;
  for (const body of bodies) {
    const guards = guardPositions(scan, body);
    for (let index = 0; index < tokens.length; index += 1) {
      const token = tokens[index]!;
      if (token.text !== body.name || tokens[index - 1]?.text === '.') {
        continue;
      }
      if (guards.some((guard) => guard === token || before(guard, token))) {
        continue;
      }

      const key = stringValue(tokens[index + 2]);
      if (tokens[index + 1]?.text === '[' && key !== undefined && tokens[index + 3]?.text === ']') {
        diagnostics.push({
          severity: 'warning',
          code: 'discord-error-body',
          message:
            `When Discord answers with an error, ${body.name} is {"message": ..., "code": ...} ` +
            `(e.g. 404 with code 10004 for a user outside the guild) and ${body.name}[${tokens[index + 2]!.text}] ` +
            `raises KeyError. Check ${body.response === undefined ? 'the status code' : `${body.response}.status_code`} ` +
            `or "code" in ${body.name} first.`,
          ...rangeOf(token, tokens[index + 3]),
        });
        continue;
      }

      if (tokens[index - 1]?.text === 'in' && isIteration(tokens, index - 1)) {
        diagnostics.push({
          severity: 'warning',
          code: 'discord-error-body',
          message:
            `When Discord answers with an error, ${body.name} is a dict such as {"message": ` +
            `"401: Unauthorized", "code": 0}: iterating it yields its keys, and indexing them ` +
            `raises TypeError. Check the status code first.`,
          ...rangeOf(token),
        });
      }
    }
  }

  for (let index = 0; index + 5 < tokens.length; index += 1) {
    if (
      tokens[index]!.text === '.' &&
      tokens[index + 1]!.text === 'json' &&
      tokens[index + 2]!.text === '(' &&
      tokens[index + 3]!.text === ')' &&
      tokens[index + 4]!.text === '[' &&
      stringValue(tokens[index + 5]) !== undefined
    ) {
      diagnostics.push({
        severity: 'warning',
        code: 'discord-error-body',
        message:
          `.json()[${tokens[index + 5]!.text}] raises KeyError when Discord responds with an ` +
          'error body {"message": ..., "code": ...}. Keep the response, check its status code, ' +
          'then read the body.',
        ...rangeOf(tokens[index + 1]!, tokens[index + 6] ?? tokens[index + 5]!),
      });
    }
  }

  return diagnostics;
}

// `in` belongs to a `for` loop or comprehension, not to a membership test.
function isIteration(tokens: Token[], inIndex: number): boolean {
  for (let index = inIndex - 1; index >= 0 && index >= inIndex - 8; index -= 1) {
    const text = tokens[index]!.text;
    if (text === 'for') {
      return true;
    }
    if (text === '(' || text === '[' || text === ':' || text === 'if') {
      return false;
    }
  }

  return false;
}
