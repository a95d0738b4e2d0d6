/**
 * Hover documentation for the policy editor: authentik's globals and variables, members of the
 * objects they return, imported classes, and context keys with whether they are set where the
 * policy is bound.
 */
import type { ExpressionKind } from './api-globals.js';
import { availableNames, findExport } from './api-globals.js';
import { findMember } from './api-types.js';
import type { PolicyPlacement } from './binding-context.js';
import { CONTEXT_KEY_DOCS } from './binding-context.js';
import type { TextRange } from './diagnostic.js';
import { rangeOf } from './diagnostic.js';
import type { Token } from './python-lexer.js';
import { stringValue } from './python-lexer.js';
import type { Scan } from './python-scan.js';
import { scanPython } from './python-scan.js';
import { parseChain, resolveChain } from './type-resolver.js';

/** Markdown documentation and the range it describes. */
export interface HoverResult extends TextRange {
  markdown: string;
}

/** The facts about the expression that hover uses. */
export interface HoverOptions {
  kind: ExpressionKind;
  mappingModel?: string;
  placement?: PolicyPlacement;
  scan?: Scan;
}

function tokenAt(tokens: Token[], line: number, column: number): number {
  return tokens.findIndex(
    (token) =>
      token.line === line &&
      token.column <= column &&
      column < token.endColumn &&
      token.endLine === line,
  );
}

/** Returns the documentation of what is at a position (line from 1, column from 0), if known. */
export function hoverAt(
  text: string,
  line: number,
  column: number,
  options: HoverOptions,
): HoverResult | undefined {
  const scan = options.scan ?? scanPython(text);
  const tokens = scan.tokens.filter((token) => token.kind !== 'comment');
  const index = tokenAt(tokens, line, column);
  const token = tokens[index];
  if (token === undefined) {
    return undefined;
  }

  if (token.kind === 'string') {
    return keyHover(tokens, index, options);
  }
  if (token.kind !== 'name') {
    return undefined;
  }

  // The chain up to and including the hovered name, e.g. `request.user` for `user`.
  let start = index;
  while (start >= 2 && tokens[start - 1]!.text === '.' && tokens[start - 2]!.kind === 'name') {
    start -= 2;
  }
  const chain = tokens.slice(start, index + 1);
  const context = {
    kind: options.kind,
    ...(options.mappingModel === undefined ? {} : { mappingModel: options.mappingModel }),
    scan: () => scan,
  };

  if (chain.length === 1) {
    return nameHover(token, context.kind, context.mappingModel);
  }

  const parent = parseChain(chain.slice(0, -2));
  const owner = parent === undefined ? undefined : resolveChain(parent, context);
  const member = findMember(owner, token.text);
  if (member === undefined) {
    return undefined;
  }

  const title = member.signature ?? member.name;
  return {
    markdown: `\`\`\`python\n${title}\n\`\`\`\n${member.doc}`,
    ...rangeOf(token),
  };
}

function nameHover(
  token: Token,
  kind: ExpressionKind,
  mappingModel: string | undefined,
): HoverResult | undefined {
  const known = availableNames(kind, mappingModel).names.find((item) => item.name === token.text);
  if (known !== undefined) {
    return {
      markdown: `\`\`\`python\n${known.signature ?? known.name}\n\`\`\`\n${known.doc}`,
      ...rangeOf(token),
    };
  }

  const exported = findExport(token.text);
  if (exported !== undefined) {
    return {
      markdown: `\`\`\`python\nfrom ${exported.module.path} import ${token.text}\n\`\`\`\n${exported.item.doc}`,
      ...rangeOf(token),
    };
  }

  return undefined;
}

function keyHover(tokens: Token[], index: number, options: HoverOptions): HoverResult | undefined {
  const key = stringValue(tokens[index]);
  const previous = tokens[index - 1]?.text;
  const base = previous === '[' ? tokens[index - 2]?.text : tokens[index - 3]?.text;
  if (key === undefined || base !== 'context' || options.kind !== 'policy') {
    return undefined;
  }

  const placed = options.placement?.keys.find((info) => info.key === key);
  const doc = placed?.doc ?? CONTEXT_KEY_DOCS[key]?.doc;
  if (doc === undefined && placed === undefined) {
    return undefined;
  }

  let presence = '';
  if (options.placement !== undefined && options.placement.sites.length > 0) {
    if (placed === undefined) {
      presence = '\n\n**Not set** where this policy is bound.';
    } else if (placed.presence === 'always') {
      presence = '\n\nAlways set where this policy is bound.';
    } else {
      presence = `\n\n**Sometimes missing**: ${placed.why ?? 'it is not always set'}.`;
    }
  }

  return {
    markdown: `Context key \`${key}\`\n\n${doc ?? ''}${presence}`,
    ...rangeOf(tokens[index]!),
  };
}
