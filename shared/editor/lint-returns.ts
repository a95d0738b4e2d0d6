/**
 * Checks of the value an expression policy returns. authentik sets `passing = bool(result)` and fails the
 * policy when the result is None (authentik/policies/expression/evaluator.py), so a policy that
 * ends without `return`, returns a string such as "False", or returns the PolicyResult of
 * `ak_call_policy` (always truthy) decides differently than it reads.
 */
import type { EditorDiagnostic } from './diagnostic.js';
import { insertAt, rangeOf } from './diagnostic.js';
import type { Token } from './python-lexer.js';
import type { Scan, Statement } from './python-scan.js';
import { walkStatements } from './python-scan.js';

/** Reports non-bool returns and paths that reach the end without `return`. */
export function lintReturns(scan: Scan): EditorDiagnostic[] {
  const diagnostics: EditorDiagnostic[] = [];

  walkStatements(scan.statements, (statement) => {
    if (statement.kind === 'return' && !statement.nested) {
      const found = checkReturn(scan, statement);
      if (found !== undefined) {
        diagnostics.push(found);
      }
    }
  });

  const missing = checkMissingReturn(scan.statements);
  if (missing !== undefined) {
    diagnostics.push(missing);
  }

  return diagnostics;
}

function describeLiteral(value: Token[]): { type: string; outcome: string } | undefined {
  const first = value[0];
  if (first === undefined) {
    return { type: 'None', outcome: 'the policy always fails' };
  }

  const single = value.length === 1;
  if (single && first.kind === 'string') {
    return {
      type: 'str',
      outcome: `any non-empty string passes, so ${first.text.length > 24 ? 'this string' : first.text} passes`,
    };
  }
  if (single && first.kind === 'number') {
    return { type: 'int', outcome: '0 fails and any other number passes' };
  }
  if (single && first.text === 'None') {
    return { type: 'None', outcome: 'the policy always fails' };
  }

  const last = value[value.length - 1];
  const display =
    (first.text === '[' && last?.text === ']') ||
    (first.text === '{' && last?.text === '}') ||
    (first.text === '(' && last?.text === ')' && value.some((token) => token.text === ','));
  if (display && isOneBracketGroup(value)) {
    const types: Record<string, string> = { '[': 'list', '(': 'tuple', '{': 'dict or set' };
    const type = types[first.text] ?? 'value';
    return { type, outcome: 'an empty one fails and any other passes' };
  }

  return undefined;
}

function isOneBracketGroup(value: Token[]): boolean {
  let depth = 0;
  for (const [index, token] of value.entries()) {
    if (['(', '[', '{'].includes(token.text)) {
      depth += 1;
    } else if ([')', ']', '}'].includes(token.text)) {
      depth -= 1;
      if (depth === 0 && index < value.length - 1) {
        return false;
      }
    }
  }

  return true;
}

function callsPolicy(scan: Scan, value: Token[]): boolean {
  const first = value[0];
  if (first === undefined) {
    return false;
  }
  if (
    first.text === 'ak_call_policy' &&
    value[1]?.text === '(' &&
    value[value.length - 1]?.text === ')'
  ) {
    return true;
  }
  if (value.length !== 1 || first.kind !== 'name') {
    return false;
  }

  const assigned = scan.assignments.get(first.text)?.value;
  return assigned?.[0]?.text === 'ak_call_policy' && assigned[assigned.length - 1]?.text === ')';
}

function checkReturn(scan: Scan, statement: Statement): EditorDiagnostic | undefined {
  const keyword = statement.tokens[0]!;
  const value = statement.tokens.slice(1);
  const last = value[value.length - 1] ?? keyword;
  const range = rangeOf(keyword, last);

  if (callsPolicy(scan, value)) {
    return {
      severity: 'warning',
      code: 'policy-result-truthy',
      message:
        'ak_call_policy returns a PolicyResult, and authentik passes the policy when ' +
        'bool(result) is true: a PolicyResult is always true, even when the called policy ' +
        'failed. Return its `.passing`.',
      ...range,
      fixes: [
        { title: 'Return .passing', edits: [insertAt(last.endLine, last.endColumn, '.passing')] },
      ],
    };
  }

  const getDefaultTrue = findBoolOfGetTrue(scan, value);
  if (getDefaultTrue !== undefined) {
    return {
      severity: 'warning',
      code: 'non-bool-return',
      message:
        `bool(….get(${getDefaultTrue}, True)) is True when the key is missing and also for ` +
        'any object stored under it, so this return passes in both cases. Test for the key ' +
        `explicitly, e.g. \`not context.get(${getDefaultTrue})\`.`,
      ...range,
    };
  }

  const literal = describeLiteral(value);
  if (literal === undefined) {
    return undefined;
  }

  return {
    severity: 'warning',
    code: 'non-bool-return',
    message:
      `The policy returns a ${literal.type}. authentik passes it when bool(value) is true: ` +
      `${literal.outcome}. Return True or False.`,
    ...range,
  };
}

// Finds `bool(<anything>.get(<key>, True))`, directly or through a variable assigned such a
// call, and returns the key's text.
function findBoolOfGetTrue(scan: Scan, value: Token[]): string | undefined {
  if (value[0]?.text !== 'bool' || value[1]?.text !== '(') {
    return undefined;
  }

  const only = value.length === 4 && value[2]?.kind === 'name' ? value[2].text : undefined;
  const assigned = only === undefined ? undefined : scan.assignments.get(only)?.value;
  if (assigned !== undefined) {
    return findGetTrue(assigned, 0);
  }

  return findGetTrue(value, 2);
}

function findGetTrue(value: Token[], start: number): string | undefined {
  for (let index = start; index + 5 < value.length; index += 1) {
    if (
      value[index]!.text === '.' &&
      value[index + 1]!.text === 'get' &&
      value[index + 2]!.text === '(' &&
      value[index + 4]!.text === ',' &&
      value[index + 5]!.text === 'True'
    ) {
      return value[index + 3]!.text;
    }
  }

  return undefined;
}

/** Tells whether every path through `block` ends in `return` or `raise`. */
export function alwaysExits(block: Statement[]): boolean {
  for (let index = 0; index < block.length; index += 1) {
    const statement = block[index]!;

    switch (statement.kind) {
      case 'return':
      case 'raise':
        return true;
      case 'if': {
        const chain = [statement];
        let next = index + 1;
        while (block[next]?.kind === 'elif' || block[next]?.kind === 'else') {
          chain.push(block[next]!);
          if (block[next]!.kind === 'else') {
            break;
          }
          next += 1;
        }
        const complete = chain[chain.length - 1]!.kind === 'else';
        if (complete && chain.every((branch) => alwaysExits(branch.body))) {
          return true;
        }
        index = next - (complete ? 0 : 1);
        break;
      }
      case 'try': {
        if (tryExits(block, index)) {
          return true;
        }
        break;
      }
      case 'while':
        if (statement.tokens[1]?.text === 'True' && !containsBreak(statement.body)) {
          return true;
        }
        break;
      case 'with':
        if (alwaysExits(statement.body)) {
          return true;
        }
        break;
      default:
        break;
    }
  }

  return false;
}

function tryExits(block: Statement[], start: number): boolean {
  const body = block[start]!.body;
  const handlers: Statement[] = [];
  let elseBlock: Statement | undefined;
  let finallyBlock: Statement | undefined;

  for (let index = start + 1; index < block.length; index += 1) {
    const kind = block[index]!.kind;
    if (kind === 'except') {
      handlers.push(block[index]!);
    } else if (kind === 'else') {
      elseBlock = block[index];
    } else if (kind === 'finally') {
      finallyBlock = block[index];
    } else {
      break;
    }
  }

  if (finallyBlock !== undefined && alwaysExits(finallyBlock.body)) {
    return true;
  }

  const mainExits = alwaysExits(body) || (elseBlock !== undefined && alwaysExits(elseBlock.body));
  return mainExits && handlers.every((handler) => alwaysExits(handler.body));
}

function containsBreak(block: Statement[]): boolean {
  let found = false;
  walkStatements(block, (statement) => {
    if (statement.kind === 'break') {
      found = true;
    }
  });
  return found;
}

function checkMissingReturn(statements: Statement[]): EditorDiagnostic | undefined {
  const top = statements.filter(
    (statement) => statement.kind !== 'def' && statement.kind !== 'class',
  );
  const last = top[top.length - 1];
  if (last === undefined || alwaysExits(statements)) {
    return undefined;
  }

  const first = last.tokens[0]!;
  const end = last.tokens[last.tokens.length - 1]!;
  const base =
    'The policy can reach its end without `return`. authentik then gets None, logs ' +
    '"Expression policy returned None" and the policy fails.';

  if (last.kind === 'expression') {
    return {
      severity: 'warning',
      code: 'missing-return',
      message: `${base} Did you mean to return this value?`,
      ...rangeOf(first, end),
      fixes: [
        { title: 'Return this value', edits: [insertAt(first.line, first.column, 'return ')] },
      ],
    };
  }

  return { severity: 'warning', code: 'missing-return', message: base, ...rangeOf(first, end) };
}
