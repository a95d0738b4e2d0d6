/**
 * Resolves the type of a dotted expression such as `request.user.groups.all()` for completion
 * and hover. It resolves authentik's variables and globals, imported classes, the context keys and
 * simple assignments (`user = request.user`); anything else resolves to nothing, which leaves
 * the editor's list empty rather than wrong.
 */
import type { ExpressionKind } from './api-globals.js';
import { availableNames, findExport } from './api-globals.js';
import type { ApiMember } from './api-types.js';
import { findApiType, findMember } from './api-types.js';
import { CONTEXT_KEY_DOCS } from './binding-context.js';
import type { Token } from './python-lexer.js';
import { lexPython, stringValue } from './python-lexer.js';
import type { Scan } from './python-scan.js';

/** One part of a dotted chain: a name, maybe called, maybe subscripted with a string key. */
export interface ChainPart {
  name: string;
  call: boolean;
  /** String keys of subscripts after the name, e.g. `["prompt_data"]`. */
  keys: (string | null)[];
}

/** The facts besides the chain that the resolver uses. */
export interface ResolveContext {
  kind: ExpressionKind;
  mappingModel?: string;
  /** Returns the scan of the text; called only for names authentik does not define. */
  scan: () => Scan;
  /** Types of context keys where the policy is bound, by key. */
  keyTypes?: ReadonlyMap<string, string | undefined>;
}

const MAX_DEPTH = 6;

/** Parses tokens of a dotted chain into parts; returns undefined for anything else. */
export function parseChain(tokens: Token[]): ChainPart[] | undefined {
  const parts: ChainPart[] = [];
  let index = 0;

  while (index < tokens.length) {
    const name = tokens[index];
    if (name?.kind !== 'name') {
      return undefined;
    }
    const part: ChainPart = { name: name.text, call: false, keys: [] };
    index += 1;

    while (tokens[index]?.text === '(' || tokens[index]?.text === '[') {
      const open = tokens[index]!.text;
      const close = skipGroup(tokens, index);
      if (close < 0) {
        return undefined;
      }
      if (open === '(') {
        part.call = true;
      } else {
        const key = close === index + 2 ? stringValue(tokens[index + 1]) : undefined;
        part.keys.push(key ?? null);
      }
      index = close + 1;
    }

    parts.push(part);
    if (index >= tokens.length) {
      break;
    }
    if (tokens[index]?.text !== '.') {
      return undefined;
    }
    index += 1;
  }

  return parts.length === 0 ? undefined : parts;
}

function skipGroup(tokens: Token[], open: number): number {
  let depth = 0;
  for (let index = open; index < tokens.length; index += 1) {
    const text = tokens[index]!.text;
    if (text === '(' || text === '[' || text === '{') {
      depth += 1;
    } else if (text === ')' || text === ']' || text === '}') {
      depth -= 1;
      if (depth === 0) {
        return index;
      }
    }
  }

  return -1;
}

/** Resolves the type of a chain of parts, or undefined. */
export function resolveChain(
  parts: ChainPart[],
  context: ResolveContext,
  depth = 0,
): string | undefined {
  const [first, ...rest] = parts;
  if (first === undefined || depth > MAX_DEPTH) {
    return undefined;
  }

  let type = resolveName(first, context, depth);
  for (const part of rest) {
    const member: ApiMember | undefined = findMember(type, part.name);
    type = subscripted(member?.type, part.keys, context);
  }

  return type;
}

function subscripted(
  type: string | undefined,
  keys: (string | null)[],
  context: ResolveContext,
): string | undefined {
  let current = type;
  for (const key of keys) {
    if (current === 'Context' && key !== null) {
      current = context.keyTypes?.get(key) ?? CONTEXT_KEY_DOCS[key]?.type;
    } else {
      current = findApiType(current)?.item;
    }
  }

  return current;
}

function resolveName(part: ChainPart, context: ResolveContext, depth: number): string | undefined {
  const known = availableNames(context.kind, context.mappingModel).names.find(
    (item) => item.name === part.name,
  );

  let type: string | undefined;
  if (known !== undefined) {
    type = known.type;
  } else {
    const imported = importedClass(part.name, context.scan());
    if (imported !== undefined) {
      type = part.call ? imported.replace(/^Class:/, '') : imported;
      return subscripted(type, part.keys, context);
    }
    type = assignedType(part.name, context, depth);
    return subscripted(type, part.keys, context);
  }

  // Calling a known function yields its result type, which the global lists as its type.
  if (known.kind === 'function' && !part.call) {
    return undefined;
  }
  return subscripted(type, part.keys, context);
}

function importedClass(name: string, scan: Scan): string | undefined {
  for (const info of scan.imports) {
    const entry = info.names.find((item) => item.alias === name);
    if (entry === undefined || info.kind !== 'from') {
      continue;
    }
    const found = findExport(entry.name);
    if (found !== undefined && found.module.path === info.module) {
      return found.item.type;
    }
  }

  return undefined;
}

function assignedType(name: string, context: ResolveContext, depth: number): string | undefined {
  const assignment = context.scan().assignments.get(name);
  if (assignment === undefined) {
    return undefined;
  }

  const parts = parseChain(assignment.value);
  return parts === undefined ? undefined : resolveChain(parts, context, depth + 1);
}

/**
 * Returns the tokens of the dotted chain that ends right before `column` on `line` (1-based),
 * e.g. for `x = request.user.` the tokens of `request.user`. Returns an empty list when the text
 * before the cursor does not end in such a chain.
 */
export function chainBefore(lineText: string): Token[] {
  const tokens = lexPython(lineText).tokens.filter((token) => token.kind !== 'comment');

  let index = tokens.length - 1;
  let depth = 0;
  while (index >= 0) {
    const token = tokens[index]!;
    if (token.text === ')' || token.text === ']') {
      depth += 1;
    } else if (token.text === '(' || token.text === '[') {
      if (depth === 0) {
        break;
      }
      depth -= 1;
    } else if (depth === 0 && token.kind !== 'name' && token.text !== '.') {
      break;
    } else if (
      depth === 0 &&
      token.kind === 'name' &&
      index > 0 &&
      tokens[index - 1]!.text !== '.'
    ) {
      index -= 1;
      break;
    }
    index -= 1;
  }

  return tokens.slice(index + 1);
}
