/**
 * A light static reading of a Python expression for the policy editor's diagnostics: which
 * names it binds and uses, its imports, its statements as a block tree (for return analysis),
 * its string literals and simple assignments. It works on the logical lines of the lexer and
 * treats the whole expression as one scope, so a name bound anywhere counts as defined
 * everywhere. That misses some errors (a name used before its assignment) but never reports a
 * defined name as undefined.
 */
import type { LogicalLine, Token } from './python-lexer.js';
import { lexPython, PYTHON_KEYWORDS } from './python-lexer.js';

/** An import statement. */
export interface ImportInfo {
  /** `import` or `from`. */
  kind: 'import' | 'from';
  /** The module, e.g. `authentik.core.models`. */
  module: string;
  /** The imported names with their local names. */
  names: { name: string; alias: string }[];
  line: number;
}

/** One statement with the statements of its block. */
export interface Statement {
  /** The first keyword (`if`, `return`, `for`, ...), or `expression` / `assign`. */
  kind: string;
  tokens: Token[];
  line: number;
  indent: number;
  /** The statements of its block, for compound statements. */
  body: Statement[];
  /** True inside a `def`, `class` or `lambda`, whose returns are not the policy's. */
  nested: boolean;
}

/** The result of scanning an expression. */
export interface Scan {
  tokens: Token[];
  lines: LogicalLine[];
  /** Names bound anywhere: assignments, imports, loop targets, parameters, ... */
  bound: Set<string>;
  /** Name tokens read as variables, in order. */
  uses: Token[];
  imports: ImportInfo[];
  /** True when the expression has `from module import *`. */
  starImport: boolean;
  /** Top-level statements with their blocks. */
  statements: Statement[];
  /** Simple assignments `name = ...` by name: the tokens of the last right-hand side. */
  assignments: Map<string, { value: Token[]; line: number }>;
  /** Every string literal, including those inside f-string fields. */
  strings: Token[];
}

const COMPOUND = new Set([
  'if',
  'elif',
  'else',
  'for',
  'while',
  'try',
  'except',
  'finally',
  'with',
  'def',
  'class',
  'async',
  'match',
  'case',
]);

/** Scans an expression. */
export function scanPython(text: string): Scan {
  const { tokens, lines } = lexPython(text);
  const scan: Scan = {
    tokens,
    lines,
    bound: new Set(),
    uses: [],
    imports: [],
    starImport: false,
    statements: [],
    assignments: new Map(),
    strings: [],
  };

  for (const token of tokens) {
    collectStrings(token, scan.strings);
  }

  const reader = new StatementReader(scan);
  for (const line of lines) {
    reader.read(line);
  }
  scan.statements = buildBlocks(reader.flat);

  return scan;
}

function collectStrings(token: Token, into: Token[]): void {
  if (token.kind !== 'string') {
    return;
  }

  into.push(token);
  for (const field of token.fields ?? []) {
    for (const inner of field) {
      collectStrings(inner, into);
    }
  }
}

interface FlatStatement {
  kind: string;
  tokens: Token[];
  line: number;
  indent: number;
  /** The statement opens a block (its header ends with a colon and nothing after it). */
  opens: boolean;
  /** Statements after the header's colon on the same line, e.g. `if x: return y`. */
  inline: FlatStatement[];
}

/** Splits `tokens` at top-level occurrences of `separator`. */
export function splitTopLevel(tokens: Token[], separator: string): Token[][] {
  const parts: Token[][] = [[]];
  let depth = 0;

  for (const token of tokens) {
    if (token.kind === 'op') {
      if (token.text === '(' || token.text === '[' || token.text === '{') {
        depth += 1;
      } else if (token.text === ')' || token.text === ']' || token.text === '}') {
        depth = Math.max(0, depth - 1);
      } else if (depth === 0 && token.text === separator) {
        parts.push([]);
        continue;
      }
    }
    parts[parts.length - 1]!.push(token);
  }

  return parts;
}

// Returns the index of the colon ending a compound statement's header, or -1. Colons inside
// brackets, lambdas and slices are skipped.
function headerColon(tokens: Token[]): number {
  let depth = 0;
  let lambdas = 0;

  for (const [index, token] of tokens.entries()) {
    if (token.kind === 'name' && token.text === 'lambda' && depth === 0) {
      lambdas += 1;
    } else if (token.kind === 'op') {
      if (token.text === '(' || token.text === '[' || token.text === '{') {
        depth += 1;
      } else if (token.text === ')' || token.text === ']' || token.text === '}') {
        depth = Math.max(0, depth - 1);
      } else if (token.text === ':' && depth === 0) {
        if (lambdas > 0) {
          lambdas -= 1;
          continue;
        }
        return index;
      }
    }
  }

  return -1;
}

class StatementReader {
  readonly flat: FlatStatement[] = [];
  private inMatch = false;
  private matchIndent = -1;

  constructor(private readonly scan: Scan) {}

  read(line: LogicalLine): void {
    if (this.inMatch && line.indent <= this.matchIndent) {
      this.inMatch = false;
    }

    for (const part of splitTopLevel(line.tokens, ';')) {
      if (part.length > 0) {
        this.flat.push(this.statement(part, line.indent));
      }
    }
  }

  private statement(tokens: Token[], indent: number): FlatStatement {
    const first = tokens[0]!;
    let keyword = first.kind === 'name' ? first.text : 'expression';
    if (keyword === 'async' && tokens[1]?.kind === 'name') {
      keyword = tokens[1].text;
    }

    const isMatch = keyword === 'match' && this.looksLikeMatch(tokens);
    const isCase = keyword === 'case' && this.inMatch && this.looksLikeMatch(tokens);
    const compound =
      (COMPOUND.has(keyword) && keyword !== 'match' && keyword !== 'case') || isMatch || isCase;

    if (!compound) {
      const kind = this.simple(tokens);
      return { kind, tokens, line: first.line, indent, opens: false, inline: [] };
    }

    if (isMatch) {
      this.inMatch = true;
      this.matchIndent = indent;
    }

    const colon = headerColon(tokens);
    const header = colon < 0 ? tokens : tokens.slice(0, colon);
    const rest = colon < 0 ? [] : tokens.slice(colon + 1);
    this.header(keyword, header, isCase);

    const inline = splitTopLevel(rest, ';')
      .filter((part) => part.length > 0)
      .map((part) => this.statement(part, indent + 1));

    return {
      kind: keyword,
      tokens: header,
      line: first.line,
      indent,
      opens: rest.length === 0,
      inline,
    };
  }

  private looksLikeMatch(tokens: Token[]): boolean {
    const second = tokens[1];
    const last = tokens[tokens.length - 1];
    const assigns = splitTopLevel(tokens, '=').length > 1;

    return (
      second !== undefined &&
      !(second.kind === 'op' && ['=', '.', '(', '[', ','].includes(second.text)) &&
      last?.text === ':' &&
      !assigns
    );
  }

  // Reads a compound statement's header: what it binds and what it uses.
  private header(keyword: string, tokens: Token[], isCase: boolean): void {
    const start = tokens[0]?.text === 'async' ? 2 : 1;
    const rest = tokens.slice(start);

    switch (keyword) {
      case 'def':
        this.functionHeader(rest);
        return;
      case 'class': {
        const name = rest[0];
        if (name?.kind === 'name') {
          this.scan.bound.add(name.text);
        }
        this.uses(rest.slice(1), true);
        return;
      }
      case 'for': {
        const inIndex = rest.findIndex((token) => token.kind === 'name' && token.text === 'in');
        this.targets(inIndex < 0 ? rest : rest.slice(0, inIndex));
        this.uses(inIndex < 0 ? [] : rest.slice(inIndex + 1));
        return;
      }
      case 'with':
        for (const item of splitTopLevel(rest, ',')) {
          this.asClause(item);
        }
        return;
      case 'except':
        this.asClause(rest[0]?.text === '*' ? rest.slice(1) : rest);
        return;
      case 'case':
        if (isCase) {
          this.casePattern(rest);
        }
        return;
      default:
        this.uses(rest);
    }
  }

  private asClause(tokens: Token[]): void {
    const as = tokens.findIndex((token) => token.kind === 'name' && token.text === 'as');
    if (as < 0) {
      this.uses(tokens);
      return;
    }

    this.uses(tokens.slice(0, as));
    this.targets(tokens.slice(as + 1));
  }

  private functionHeader(tokens: Token[]): void {
    const name = tokens[0];
    if (name?.kind === 'name') {
      this.scan.bound.add(name.text);
    }

    const open = tokens.findIndex((token) => token.text === '(');
    const close = matchingClose(tokens, open);
    if (open < 0 || close < 0) {
      return;
    }

    this.parameters(tokens.slice(open + 1, close));
    // A return annotation after `->` is read as uses.
    this.uses(tokens.slice(close + 1));
  }

  private parameters(tokens: Token[]): void {
    for (const parameter of splitTopLevel(tokens, ',')) {
      const name = parameter.find((token) => token.kind === 'name');
      if (name !== undefined) {
        this.scan.bound.add(name.text);
      }
      const after = parameter.findIndex((token) => token.text === ':' || token.text === '=');
      if (after >= 0) {
        this.uses(parameter.slice(after + 1));
      }
    }
  }

  private casePattern(tokens: Token[]): void {
    // Names in a pattern are captures, except class names (followed by `(`), dotted values
    // and keyword names of class patterns. The guard after `if` is an ordinary expression.
    const guard = tokens.findIndex((token) => token.kind === 'name' && token.text === 'if');
    const pattern = guard < 0 ? tokens : tokens.slice(0, guard);

    for (const [index, token] of pattern.entries()) {
      if (token.kind !== 'name' || PYTHON_KEYWORDS.has(token.text) || token.text === '_') {
        continue;
      }
      const next = pattern[index + 1];
      const previous = pattern[index - 1];
      if (previous?.text === '.') {
        continue;
      }
      if (next?.text === '(' || next?.text === '.') {
        this.scan.uses.push(token);
      } else if (next?.text !== '=') {
        this.scan.bound.add(token.text);
      }
    }

    if (guard >= 0) {
      this.uses(tokens.slice(guard + 1));
    }
  }

  // Reads a simple statement and returns its kind.
  private simple(tokens: Token[]): string {
    const first = tokens[0]!;
    const keyword = first.kind === 'name' ? first.text : '';

    switch (keyword) {
      case 'import':
        this.importStatement(tokens.slice(1));
        return 'import';
      case 'from':
        this.fromImport(tokens);
        return 'import';
      case 'global':
      case 'nonlocal':
        for (const token of tokens.slice(1)) {
          if (token.kind === 'name') {
            this.scan.bound.add(token.text);
          }
        }
        return keyword;
      case 'return':
      case 'raise':
      case 'del':
      case 'assert':
      case 'yield':
      case 'await':
        this.uses(tokens.slice(1));
        return keyword;
      case 'pass':
      case 'break':
      case 'continue':
        return keyword;
      default:
        return this.assignmentOrExpression(tokens);
    }
  }

  private importStatement(tokens: Token[]): void {
    for (const part of splitTopLevel(tokens, ',')) {
      const as = part.findIndex((token) => token.text === 'as');
      const path = (as < 0 ? part : part.slice(0, as)).map((token) => token.text).join('');
      const alias = as < 0 ? path.split('.')[0]! : (part[as + 1]?.text ?? '');
      if (alias !== '') {
        this.scan.bound.add(alias);
      }
      this.scan.imports.push({
        kind: 'import',
        module: path,
        names: [{ name: path, alias }],
        line: part[0]?.line ?? 0,
      });
    }
  }

  private fromImport(tokens: Token[]): void {
    const importAt = tokens.findIndex((token) => token.kind === 'name' && token.text === 'import');
    const module = tokens
      .slice(1, importAt < 0 ? tokens.length : importAt)
      .map((token) => token.text)
      .join('');
    const info: ImportInfo = { kind: 'from', module, names: [], line: tokens[0]!.line };
    this.scan.imports.push(info);
    if (importAt < 0) {
      return;
    }

    const names = tokens
      .slice(importAt + 1)
      .filter((token) => token.text !== '(' && token.text !== ')');
    for (const part of splitTopLevel(names, ',')) {
      if (part[0]?.text === '*') {
        this.scan.starImport = true;
        continue;
      }
      const name = part[0]?.text;
      const alias = part[1]?.text === 'as' ? part[2]?.text : name;
      if (name !== undefined && alias !== undefined) {
        info.names.push({ name, alias });
        this.scan.bound.add(alias);
      }
    }
  }

  private assignmentOrExpression(tokens: Token[]): string {
    const parts = splitTopLevel(tokens, '=');
    const augmented = tokens.find(
      (token) =>
        token.kind === 'op' && /^(?:\+|-|\*|\/|\/\/|%|\*\*|>>|<<|&|\^|\||@)=$/.test(token.text),
    );

    if (augmented !== undefined && parts.length === 1) {
      // `x += 1` reads and writes x.
      const at = tokens.indexOf(augmented);
      this.uses(tokens.slice(0, at));
      this.uses(tokens.slice(at + 1));
      this.targets(tokens.slice(0, at));
      return 'assign';
    }

    if (parts.length === 1) {
      // An annotated name without a value (`x: int`) binds nothing but reads the annotation.
      const colon = headerColon(tokens);
      if (colon > 0 && tokens[0]?.kind === 'name' && colon === 1) {
        this.uses(tokens.slice(colon + 1));
        return 'annotation';
      }
      this.uses(tokens);
      return 'expression';
    }

    const value = parts[parts.length - 1]!;
    this.uses(value);
    for (const target of parts.slice(0, -1)) {
      // `x: int = 3` annotates its target.
      const colon = headerColon(target);
      const plain = colon > 0 ? target.slice(0, colon) : target;
      if (colon > 0) {
        this.uses(target.slice(colon + 1));
      }
      this.targets(plain);
      if (plain.length === 1 && plain[0]!.kind === 'name') {
        this.scan.assignments.set(plain[0]!.text, { value, line: plain[0]!.line });
      }
    }

    return 'assign';
  }

  // Binds the names of an assignment target; subscripts and attributes read their base.
  private targets(tokens: Token[]): void {
    let depthInSubscript = 0;
    const stack: boolean[] = [];

    for (const [index, token] of tokens.entries()) {
      const previous = tokens[index - 1];
      if (token.kind === 'op') {
        if (token.text === '(' || token.text === '[' || token.text === '{') {
          const subscript =
            token.text !== '{' &&
            previous !== undefined &&
            (previous.kind === 'name' || previous.text === ')' || previous.text === ']');
          stack.push(subscript);
          if (subscript) {
            depthInSubscript += 1;
          }
        } else if (token.text === ')' || token.text === ']' || token.text === '}') {
          if (stack.pop() === true) {
            depthInSubscript -= 1;
          }
        }
        continue;
      }

      if (token.kind === 'string') {
        this.fieldUses(token);
        continue;
      }

      if (token.kind !== 'name' || PYTHON_KEYWORDS.has(token.text) || previous?.text === '.') {
        continue;
      }

      const next = tokens[index + 1];
      const readsBase =
        next !== undefined && (next.text === '.' || next.text === '[' || next.text === '(');
      if (depthInSubscript > 0 || readsBase) {
        this.scan.uses.push(token);
      } else {
        this.scan.bound.add(token.text);
      }
    }
  }

  // Records the names an expression reads, binding lambda parameters, comprehension targets
  // and walrus targets on the way.
  uses(tokens: Token[], allowKeywordNames = false): void {
    const calls: boolean[] = [];

    for (let index = 0; index < tokens.length; index += 1) {
      const token = tokens[index]!;
      const previous = tokens[index - 1];
      const next = tokens[index + 1];

      if (token.kind === 'string') {
        this.fieldUses(token);
        continue;
      }

      if (token.kind === 'op') {
        if (token.text === '(' || token.text === '[' || token.text === '{') {
          const call =
            token.text === '(' &&
            previous !== undefined &&
            (previous.kind === 'name' || previous.text === ')' || previous.text === ']');
          calls.push(call || (allowKeywordNames && token.text === '('));
        } else if (token.text === ')' || token.text === ']' || token.text === '}') {
          calls.pop();
        }
        continue;
      }

      if (token.kind !== 'name') {
        continue;
      }

      if (token.text === 'lambda') {
        index = this.lambdaParameters(tokens, index);
        continue;
      }

      if (token.text === 'for' && calls.length > 0) {
        index = this.comprehensionTargets(tokens, index);
        continue;
      }

      if (PYTHON_KEYWORDS.has(token.text) || previous?.text === '.') {
        continue;
      }

      const inCall = calls[calls.length - 1] === true;
      if (inCall && next?.text === '=' && (previous?.text === '(' || previous?.text === ',')) {
        // A keyword argument's name.
        continue;
      }

      if (next?.text === ':=') {
        this.scan.bound.add(token.text);
        continue;
      }

      this.scan.uses.push(token);
    }
  }

  private fieldUses(token: Token): void {
    for (const field of token.fields ?? []) {
      this.uses(field);
    }
  }

  private lambdaParameters(tokens: Token[], start: number): number {
    let index = start + 1;
    for (; index < tokens.length; index += 1) {
      const token = tokens[index]!;
      if (token.text === ':') {
        return index;
      }
      const previous = tokens[index - 1];
      if (
        token.kind === 'name' &&
        (previous?.text === 'lambda' ||
          previous?.text === ',' ||
          previous?.text === '*' ||
          previous?.text === '**')
      ) {
        this.scan.bound.add(token.text);
      }
    }

    return index;
  }

  // Binds the targets between `for` and `in` of a comprehension; returns the index of `in`.
  private comprehensionTargets(tokens: Token[], start: number): number {
    const targets: Token[] = [];
    let index = start + 1;
    for (; index < tokens.length; index += 1) {
      const token = tokens[index]!;
      if (token.kind === 'name' && token.text === 'in') {
        break;
      }
      targets.push(token);
    }

    this.targets(targets);
    return index;
  }
}

function matchingClose(tokens: Token[], open: number): number {
  if (open < 0) {
    return -1;
  }

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

// Nests statements into blocks by indentation.
function buildBlocks(flat: FlatStatement[]): Statement[] {
  const root: Statement[] = [];
  const stack: { indent: number; body: Statement[]; nested: boolean }[] = [
    { indent: -1, body: root, nested: false },
  ];

  for (const item of flat) {
    while (stack.length > 1 && item.indent <= stack[stack.length - 1]!.indent) {
      stack.pop();
    }

    const parent = stack[stack.length - 1]!;
    const nested = parent.nested || item.kind === 'def' || item.kind === 'class';
    const statement = toStatement(item, parent.nested);
    parent.body.push(statement);

    if (item.opens) {
      stack.push({ indent: item.indent, body: statement.body, nested });
    }
  }

  return root;
}

function toStatement(item: FlatStatement, nested: boolean): Statement {
  const ownNested = nested || item.kind === 'def' || item.kind === 'class';

  return {
    kind: item.kind,
    tokens: item.tokens,
    line: item.line,
    indent: item.indent,
    body: item.inline.map((inner) => toStatement(inner, ownNested)),
    nested,
  };
}

/** Calls `visit` for every statement, blocks included, depth first. */
export function walkStatements(
  statements: Statement[],
  visit: (statement: Statement) => void,
): void {
  for (const statement of statements) {
    visit(statement);
    walkStatements(statement.body, visit);
  }
}
