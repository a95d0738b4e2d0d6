/**
 * A static check of expression text against the scopes an OAuth source requests. A policy or
 * property mapping that calls a Discord endpoint whose scope the token lacks gets HTTP 401
 * `{"message": "401: Unauthorized", "code": 0}` from Discord, which expression code rarely
 * expects. The scopes each endpoint needs are those of Discord's API documentation
 * (`users/@me/guilds` needs `guilds`, the guild-member endpoint `guilds.members.read`,
 * `users/@me/connections` needs `connections`).
 */

/** A Discord endpoint the check recognises, with the scope it needs. */
interface ScopedEndpoint {
  /** The endpoint's path as messages show it. */
  endpoint: string;
  scope: string;
  pattern: RegExp;
}

// The member endpoint first: its path starts with the guild-list path.
const ENDPOINTS: readonly ScopedEndpoint[] = [
  {
    endpoint: 'users/@me/guilds/{guild.id}/member',
    scope: 'guilds.members.read',
    pattern: /users\/@me\/guilds\/[^"'\s]*\/member/,
  },
  { endpoint: 'users/@me/guilds', scope: 'guilds', pattern: /users\/@me\/guilds(?![/\w])/ },
  {
    endpoint: 'users/@me/connections',
    scope: 'connections',
    pattern: /users\/@me\/connections(?![/\w])/,
  },
];

/** An expression to check. */
export interface CheckedExpression {
  kind: 'policy' | 'property mapping';
  name: string;
  expression: string;
}

/** A call to an endpoint whose scope the source does not request. */
export interface ScopeWarning {
  kind: CheckedExpression['kind'];
  name: string;
  /** Line of the expression, counted from 1. */
  line: number;
  endpoint: string;
  scope: string;
}

// A `#` starts a comment unless it sits inside a string; URLs in comments are not calls.
function withoutComment(line: string): string {
  let quote: string | null = null;
  for (let index = 0; index < line.length; index += 1) {
    const char = line[index];
    if (quote !== null) {
      if (char === '\\') {
        index += 1;
      } else if (char === quote) {
        quote = null;
      }
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '#') {
      return line.slice(0, index);
    }
  }

  return line;
}

/** Returns the calls of the expressions that need a scope missing from `scopes`. */
export function checkDiscordScopes(
  expressions: readonly CheckedExpression[],
  scopes: readonly string[],
): ScopeWarning[] {
  const granted = new Set(scopes);
  const warnings: ScopeWarning[] = [];

  for (const item of expressions) {
    const lines = item.expression.split('\n');
    for (const [index, raw] of lines.entries()) {
      const line = withoutComment(raw);
      const found = ENDPOINTS.find((endpoint) => endpoint.pattern.test(line));
      if (found !== undefined && !granted.has(found.scope)) {
        warnings.push({
          kind: item.kind,
          name: item.name,
          line: index + 1,
          endpoint: found.endpoint,
          scope: found.scope,
        });
      }
    }
  }

  return warnings;
}

/** Formats a warning as the trace's finding states it, with the fix. */
export function describeScopeWarning(
  warning: ScopeWarning,
  source: string,
  scopes: readonly string[],
): { message: string; fix: string } {
  const requested = scopes.filter((scope) => scope !== '').join(' ');
  return {
    message:
      `${warning.kind === 'policy' ? 'Policy' : 'Property mapping'} "${warning.name}" calls ` +
      `${warning.endpoint} on line ${warning.line}, which needs the ${warning.scope} scope, but ` +
      `source ${source} requests only "${requested}". Discord responds to such a call with HTTP 401 ` +
      '{"message": "401: Unauthorized", "code": 0}.',
    fix: `Add ${warning.scope} to the additional_scopes of source ${source}.`,
  };
}
