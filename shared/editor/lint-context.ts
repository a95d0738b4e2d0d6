/**
 * `context["key"]` subscripts on keys that may be missing where the policy is bound. A missing
 * key raises KeyError, so authentik uses the binding's `failure_result` (default False). The
 * message is then only the key (authentik/policies/process.py), which is hard to trace.
 */
import type { ContextKeyInfo, PolicyPlacement } from './binding-context.js';
import type { EditorDiagnostic } from './diagnostic.js';
import { rangeOf } from './diagnostic.js';
import type { Token } from './python-lexer.js';
import { stringValue } from './python-lexer.js';
import type { Scan } from './python-scan.js';

/** One `context[...]` subscript with a string key. */
export interface ContextSubscript {
  /** `context` or `request.context`. */
  base: string;
  /** The token the base starts with. */
  start: Token;
  key: string;
  keyToken: Token;
  /** The closing bracket. */
  end: Token;
  /** The string key of a second subscript, e.g. `username` in `context["prompt_data"]["username"]`. */
  inner?: { key: string; keyToken: Token; end: Token };
  /** True when the subscript is assigned to. */
  store: boolean;
}

/** Finds every `context["key"]` and `request.context["key"]` subscript, f-strings included. */
export function findContextSubscripts(scan: Scan): ContextSubscript[] {
  const found: ContextSubscript[] = [];
  const sequences = [scan.tokens.filter((token) => token.kind !== 'comment')];
  for (const token of scan.strings) {
    sequences.push(...(token.fields ?? []));
  }

  for (const tokens of sequences) {
    for (let index = 0; index < tokens.length; index += 1) {
      const match = subscriptAt(tokens, index);
      if (match !== undefined) {
        found.push(match);
      }
    }
  }

  return found;
}

function subscriptAt(tokens: Token[], index: number): ContextSubscript | undefined {
  const token = tokens[index]!;
  if (token.kind !== 'name' || token.text !== 'context' || tokens[index - 1]?.text === '.') {
    if (!(
      token.text === 'request' &&
      tokens[index + 1]?.text === '.' &&
      tokens[index + 2]?.text === 'context'
    )) {
      return undefined;
    }
    if (tokens[index - 1]?.text === '.') {
      return undefined;
    }
  }

  const isRequest = token.text === 'request';
  const open = index + (isRequest ? 3 : 1);
  const keyToken = tokens[open + 1];
  const close = tokens[open + 2];
  const key = stringValue(keyToken);
  if (
    tokens[open]?.text !== '[' ||
    key === undefined ||
    close?.text !== ']' ||
    keyToken?.fields !== undefined
  ) {
    return undefined;
  }

  const subscript: ContextSubscript = {
    base: isRequest ? 'request.context' : 'context',
    start: token,
    key,
    keyToken: keyToken!,
    end: close,
    store: false,
  };

  let after = open + 3;
  const innerKey = stringValue(tokens[after + 1]);
  if (tokens[after]?.text === '[' && innerKey !== undefined && tokens[after + 2]?.text === ']') {
    subscript.inner = { key: innerKey, keyToken: tokens[after + 1]!, end: tokens[after + 2]! };
    after += 3;
  }

  const next = tokens[after];
  subscript.store = next?.kind === 'op' && /^(?:=|\+=|-=|\|=)$/.test(next.text);
  return subscript;
}

// A key counts as checked when the text tests it before the subscript: `"key" in context`,
// `context.get("key")` or `"key" not in context`.
function guardedKeys(scan: Scan): { key: string; token: Token }[] {
  const guards: { key: string; token: Token }[] = [];
  const tokens = scan.tokens;

  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index]!;
    const key = stringValue(token);
    if (key !== undefined) {
      const inAt = tokens[index + 1]?.text === 'not' ? index + 2 : index + 1;
      const target = tokens[inAt + 1]?.text;
      if (tokens[inAt]?.text === 'in' && (target === 'context' || target === 'request')) {
        guards.push({ key, token });
      }
    }
    if (
      token.text === 'get' &&
      tokens[index - 1]?.text === '.' &&
      tokens[index + 1]?.text === '('
    ) {
      const base = tokens[index - 2]?.text;
      const argument = stringValue(tokens[index + 2]);
      if (base === 'context' && argument !== undefined) {
        guards.push({ key: argument, token });
      }
    }
  }

  return guards;
}

function before(a: Token, b: Token): boolean {
  return a.line < b.line || (a.line === b.line && a.column < b.column);
}

/** Reports subscripts of keys that are missing, or only sometimes set, where the policy runs. */
export function lintContextKeys(
  scan: Scan,
  placement: PolicyPlacement | undefined,
): EditorDiagnostic[] {
  if (placement === undefined || !placement.known) {
    return [];
  }

  const keys = new Map(placement.keys.map((info) => [info.key, info]));
  const guards = guardedKeys(scan);
  const diagnostics: EditorDiagnostic[] = [];
  const stageSite = placement.sites.some((site) => site.kind === 'stage-binding');

  for (const subscript of findContextSubscripts(scan)) {
    const range = rangeOf(subscript.start, subscript.end);
    if (subscript.store) {
      if (stageSite && subscript.key !== 'flow_plan' && !keys.has(subscript.key)) {
        diagnostics.push({
          severity: 'info',
          code: 'context-assignment',
          message:
            `A new key in ${subscript.base} does not reach the flow plan, so later stages do not ` +
            `see "${subscript.key}". Write context["flow_plan"].context["${subscript.key}"] instead.`,
          ...range,
        });
      }
      continue;
    }

    const guarded = guards.some(
      (guard) => guard.key === subscript.key && before(guard.token, subscript.start),
    );
    const info = keys.get(subscript.key);
    const found = guarded ? undefined : checkKey(subscript, info, placement);
    if (found !== undefined) {
      diagnostics.push({ ...found, ...range, fixes: [useGet(subscript)] });
      continue;
    }

    if (subscript.inner !== undefined && info?.children !== undefined && info.children.length > 0) {
      const child = info.children.find((candidate) => candidate.key === subscript.inner!.key);
      const innerFound = checkInner(subscript, child);
      if (innerFound !== undefined) {
        diagnostics.push({ ...innerFound, ...rangeOf(subscript.start, subscript.inner.end) });
      }
    }
  }

  return diagnostics;
}

function where(placement: PolicyPlacement): string {
  const labels = placement.sites.map((site) => site.label);
  return labels.length === 1 ? `the ${labels[0]}` : `its ${labels.length} bindings`;
}

function checkKey(
  subscript: ContextSubscript,
  info: ContextKeyInfo | undefined,
  placement: PolicyPlacement,
): Omit<EditorDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> | undefined {
  const text = `${subscript.base}["${subscript.key}"]`;

  if (info === undefined) {
    return {
      severity: 'warning',
      code: 'context-key-missing',
      message:
        `${text} raises KeyError: authentik does not set "${subscript.key}" at ` +
        `${where(placement)}. The binding's failure result then applies and the message is ` +
        `only '${subscript.key}'. Use ${subscript.base}.get("${subscript.key}").`,
    };
  }

  if (info.presence === 'sometimes') {
    return {
      severity: 'warning',
      code: 'context-key-maybe-missing',
      message:
        `${text} raises KeyError when the key is missing: ${info.why ?? 'it is not always set'}. ` +
        `Use ${subscript.base}.get("${subscript.key}") and handle None.`,
    };
  }

  return undefined;
}

function checkInner(
  subscript: ContextSubscript,
  child: ContextKeyInfo | undefined,
): Omit<EditorDiagnostic, 'line' | 'column' | 'endLine' | 'endColumn'> | undefined {
  const inner = subscript.inner!;
  const text = `${subscript.base}["${subscript.key}"]["${inner.key}"]`;

  if (child === undefined) {
    return {
      severity: 'warning',
      code: 'context-key-missing',
      message:
        `${text} raises KeyError: no prompt field or source property before this binding ` +
        `sets "${inner.key}". Use .get("${inner.key}").`,
    };
  }

  if (child.presence === 'sometimes') {
    return {
      severity: 'warning',
      code: 'context-key-maybe-missing',
      message: `${text} raises KeyError when "${inner.key}" is missing: ${child.why ?? 'it is not always set'}.`,
    };
  }

  return undefined;
}

function useGet(subscript: ContextSubscript): NonNullable<EditorDiagnostic['fixes']>[number] {
  return {
    title: `Use ${subscript.base}.get("${subscript.key}")`,
    edits: [
      {
        ...rangeOf(subscript.start, subscript.end),
        text: `${subscript.base}.get(${subscript.keyToken.text})`,
      },
    ],
  };
}
