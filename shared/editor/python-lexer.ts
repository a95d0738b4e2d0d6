/**
 * A tolerant Python tokenizer for the policy editor. It splits an expression into tokens with
 * their positions and groups them into logical lines (a statement, including its bracketed
 * continuation lines), which the scanner reads. It never throws: text Python would reject still
 * produces tokens, because the editor analyses code while it is being typed. Syntax errors
 * themselves come from real Python (the evaluator's `validate` mode), not from here.
 */

/** The kind of a token. */
export type TokenKind = 'name' | 'number' | 'string' | 'op' | 'comment';

/** One token. Lines count from 1 and columns from 0, in UTF-16 code units like the editor's. */
export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Strings: the prefix letters in lower case, e.g. `f`, `rb`. */
  prefix?: string;
  /** Strings: the text between the quotes, escapes left as written. */
  body?: string;
  /** Strings: true when the closing quote is missing. */
  unterminated?: boolean;
  /** f-strings: the tokens of each replacement field (`{...}`), in order. */
  fields?: Token[][];
}

/** One statement: its tokens without comments, and the column of its first token. */
export interface LogicalLine {
  tokens: Token[];
  indent: number;
  /** Line of the first token. */
  line: number;
}

/** The tokens of a text, and its logical lines. */
export interface Lexed {
  tokens: Token[];
  lines: LogicalLine[];
}

const THREE_CHAR_OPS = ['**=', '//=', '>>=', '<<=', '...'];
const TWO_CHAR_OPS = [
  '->',
  ':=',
  '==',
  '!=',
  '<=',
  '>=',
  '**',
  '//',
  '<<',
  '>>',
  '+=',
  '-=',
  '*=',
  '/=',
  '%=',
  '&=',
  '|=',
  '^=',
  '@=',
];
const OPENING = new Set(['(', '[', '{']);
const CLOSING = new Set([')', ']', '}']);
const STRING_PREFIX = /^(?:[rRuUbBfFtT]|[rR][bBfFtT]|[bBfFtT][rR])$/;
const NAME_START = /[\p{L}\p{Nl}_]/u;
// Sticky patterns match at `lastIndex` without copying the text, which keeps a keystroke's
// re-lexing of a few hundred lines to a few milliseconds.
const NAME_REST = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}_]*/uy;
const NUMBER =
  /(?:0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|(?:\d[\d_]*)?\.?\d[\d_]*(?:[eE][+-]?\d[\d_]*)?[jJ]?|\d[\d_]*\.)/y;

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isNameStart(char: string, code: number): boolean {
  if ((code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95) {
    return true;
  }
  return code > 127 && NAME_START.test(char);
}

// Letters that can start a string prefix (r, u, b, f, t in either case).
const PREFIX_LETTERS = new Set(['r', 'R', 'u', 'U', 'b', 'B', 'f', 'F', 't', 'T']);

/** Tokenizes `text` and groups the tokens into logical lines. */
export function lexPython(text: string): Lexed {
  const lexer = new Lexer(text, 1, 0);
  const tokens = lexer.run();

  return { tokens, lines: groupLines(tokens, lexer.lineBreaks) };
}

class Lexer {
  private index = 0;
  private line: number;
  private column: number;
  private depth = 0;
  /** Positions (token counts) after which a logical line ends. */
  readonly lineBreaks = new Set<number>();
  private readonly tokens: Token[] = [];

  constructor(
    private readonly text: string,
    firstLine: number,
    firstColumn: number,
  ) {
    this.line = firstLine;
    this.column = firstColumn;
  }

  run(): Token[] {
    const text = this.text;

    while (this.index < text.length) {
      const char = text[this.index]!;

      if (char === '\n' || char === '\r') {
        this.newline(char);
        continue;
      }

      if (char === ' ' || char === '\t' || char === '\f') {
        this.advance(1);
        continue;
      }

      if (char === '\\' && (text[this.index + 1] === '\n' || text[this.index + 1] === '\r')) {
        // An explicit line join: the statement continues on the next line.
        this.advance(1);
        this.skipLineBreak();
        continue;
      }

      if (char === '#') {
        this.comment();
        continue;
      }

      if (char === '"' || char === "'" || PREFIX_LETTERS.has(char)) {
        const stringStart = this.stringStart();
        if (stringStart !== undefined) {
          this.string(stringStart);
          continue;
        }
      }

      const code = text.charCodeAt(this.index);
      if (isDigit(code) || (char === '.' && isDigit(text.charCodeAt(this.index + 1)))) {
        this.number();
        continue;
      }

      if (isNameStart(char, code)) {
        this.name();
        continue;
      }

      this.operator();
    }

    this.lineBreaks.add(this.tokens.length);
    return this.tokens;
  }

  private advance(count: number): void {
    this.index += count;
    this.column += count;
  }

  private skipLineBreak(): void {
    if (this.text[this.index] === '\r' && this.text[this.index + 1] === '\n') {
      this.index += 1;
    }
    this.index += 1;
    this.line += 1;
    this.column = 0;
  }

  private newline(_char: string): void {
    // Inside brackets a line break continues the statement (implicit line joining).
    if (this.depth === 0) {
      this.lineBreaks.add(this.tokens.length);
    }
    this.skipLineBreak();
  }

  private push(token: Omit<Token, 'endLine' | 'endColumn'>): Token {
    const full = token as Token;
    full.endLine = this.line;
    full.endColumn = this.column;
    this.tokens.push(full);
    return full;
  }

  private comment(): void {
    const start = { line: this.line, column: this.column, at: this.index };
    while (
      this.index < this.text.length &&
      this.text[this.index] !== '\n' &&
      this.text[this.index] !== '\r'
    ) {
      this.advance(1);
    }

    this.push({
      kind: 'comment',
      text: this.text.slice(start.at, this.index),
      line: start.line,
      column: start.column,
    });
  }

  // Returns the length of the prefix when a string starts here, e.g. 0 for `"`, 1 for `f"`.
  private stringStart(): number | undefined {
    for (let length = 0; length <= 2; length += 1) {
      const quote = this.text[this.index + length];
      if (quote !== '"' && quote !== "'") {
        continue;
      }

      const prefix = this.text.slice(this.index, this.index + length);
      if (length === 0 || STRING_PREFIX.test(prefix)) {
        return length;
      }
    }

    return undefined;
  }

  private string(prefixLength: number): void {
    const text = this.text;
    const start = { line: this.line, column: this.column, at: this.index };
    const prefix = text.slice(this.index, this.index + prefixLength).toLowerCase();
    this.advance(prefixLength);

    const quoteChar = text[this.index]!;
    const triple = text.startsWith(quoteChar.repeat(3), this.index);
    const quote = triple ? quoteChar.repeat(3) : quoteChar;
    this.advance(quote.length);

    const bodyStart = this.index;
    const formatted = prefix.includes('f') || prefix.includes('t');
    // Inside an f-string's replacement field, quotes start nested strings (Python 3.12+), so
    // they do not end the f-string.
    let fieldDepth = 0;
    let bodyEnd = -1;
    let unterminated = false;

    while (this.index < text.length) {
      const char = text[this.index]!;
      if (char === '\\' && fieldDepth === 0) {
        // A backslash escapes the next character, in raw strings too (for the quote only).
        if (text[this.index + 1] === '\n' || text[this.index + 1] === '\r') {
          this.advance(1);
          this.skipLineBreak();
        } else {
          this.advance(2);
        }
        continue;
      }
      if (fieldDepth === 0 && text.startsWith(quote, this.index)) {
        bodyEnd = this.index;
        this.advance(quote.length);
        break;
      }
      if (char === '\n' || char === '\r') {
        if (!triple && fieldDepth === 0) {
          unterminated = true;
          break;
        }
        this.skipLineBreak();
        continue;
      }
      if (formatted && fieldDepth === 0 && (char === '{' || char === '}')) {
        if (text[this.index + 1] === char) {
          this.advance(2);
          continue;
        }
        fieldDepth = char === '{' ? 1 : 0;
      } else if (formatted && fieldDepth > 0) {
        if (char === '{' || char === '[' || char === '(') {
          fieldDepth += 1;
        } else if (char === '}' || char === ']' || char === ')') {
          fieldDepth -= 1;
        } else if (char === '"' || char === "'") {
          this.skipNestedString(char);
          continue;
        }
      }
      this.advance(1);
    }

    if (bodyEnd < 0) {
      unterminated = true;
      bodyEnd = this.index;
    }

    const body = text.slice(bodyStart, bodyEnd);
    const token = this.push({
      kind: 'string',
      text: text.slice(start.at, this.index),
      line: start.line,
      column: start.column,
      prefix,
      body,
      ...(unterminated ? { unterminated: true } : {}),
    });

    if (formatted) {
      token.fields = replacementFields(text, bodyStart, bodyEnd, this.positionOf(start, bodyStart));
    }
  }

  // Skips a string literal inside an f-string field, up to its closing quote on the same line.
  private skipNestedString(quote: string): void {
    this.advance(1);
    while (this.index < this.text.length) {
      const char = this.text[this.index]!;
      if (char === '\\') {
        this.advance(2);
        continue;
      }
      if (char === '\n' || char === '\r') {
        return;
      }
      this.advance(1);
      if (char === quote) {
        return;
      }
    }
  }

  // Line and column of `offset`, counting from a known earlier position.
  private positionOf(
    from: { line: number; column: number; at: number },
    offset: number,
  ): { line: number; column: number } {
    let line = from.line;
    let column = from.column;
    for (let index = from.at; index < offset; index += 1) {
      if (this.text[index] === '\n') {
        line += 1;
        column = 0;
      } else {
        column += 1;
      }
    }

    return { line, column };
  }

  private number(): void {
    const start = { line: this.line, column: this.column, at: this.index };
    NUMBER.lastIndex = this.index;
    const match = NUMBER.exec(this.text);
    const length = Math.max(1, match?.[0].length ?? 1);
    this.advance(length);

    this.push({
      kind: 'number',
      text: this.text.slice(start.at, this.index),
      line: start.line,
      column: start.column,
    });
  }

  private name(): void {
    const start = { line: this.line, column: this.column, at: this.index };
    NAME_REST.lastIndex = this.index + 1;
    const rest = NAME_REST.exec(this.text)?.[0].length ?? 0;
    this.advance(1 + rest);

    this.push({
      kind: 'name',
      text: this.text.slice(start.at, this.index),
      line: start.line,
      column: start.column,
    });
  }

  private operator(): void {
    const start = { line: this.line, column: this.column };
    let text = this.text[this.index]!;
    const three = this.text.slice(this.index, this.index + 3);
    const two = this.text.slice(this.index, this.index + 2);
    if (THREE_CHAR_OPS.includes(three)) {
      text = three;
    } else if (TWO_CHAR_OPS.includes(two)) {
      text = two;
    }

    if (OPENING.has(text)) {
      this.depth += 1;
    } else if (CLOSING.has(text)) {
      this.depth = Math.max(0, this.depth - 1);
    }

    this.advance(text.length);
    this.push({ kind: 'op', text, line: start.line, column: start.column });
  }
}

/**
 * Finds the replacement fields of an f-string body and tokenizes each expression. `{{` and `}}`
 * are literal braces; a field ends at its top-level `!conversion`, `:format` or closing brace.
 * Fields nested in a format spec (`{value:{width}}`) are returned too.
 */
function replacementFields(
  text: string,
  start: number,
  end: number,
  position: { line: number; column: number },
): Token[][] {
  const fields: Token[][] = [];
  let line = position.line;
  let column = position.column;
  let index = start;

  const step = (): void => {
    if (text[index] === '\n') {
      line += 1;
      column = 0;
    } else {
      column += 1;
    }
    index += 1;
  };

  while (index < end) {
    const char = text[index];
    if (char === '{' && text[index + 1] === '{') {
      step();
      step();
      continue;
    }
    if (char !== '{') {
      step();
      continue;
    }

    step();
    const fieldStart = { index, line, column };
    let depth = 0;
    let quote: string | null = null;
    while (index < end) {
      const inner = text[index]!;
      if (quote !== null) {
        if (inner === quote) {
          quote = null;
        }
      } else if (inner === '"' || inner === "'") {
        quote = inner;
      } else if (OPENING.has(inner)) {
        depth += 1;
      } else if (CLOSING.has(inner)) {
        if (depth === 0) {
          break;
        }
        depth -= 1;
      } else if (depth === 0 && (inner === '!' || inner === ':') && text[index + 1] !== '=') {
        break;
      }
      step();
    }

    const expression = text.slice(fieldStart.index, index).replace(/=\s*$/, '');
    const lexer = new Lexer(expression, fieldStart.line, fieldStart.column);
    fields.push(lexer.run().filter((token) => token.kind !== 'comment'));

    // The conversion and the format spec are skipped up to the closing brace. Fields nested in a
    // spec are rare, so they are skipped too, not analysed.
    let braces = 0;
    while (index < end) {
      const inner = text[index];
      if (inner === '{') {
        braces += 1;
      } else if (inner === '}') {
        if (braces === 0) {
          step();
          break;
        }
        braces -= 1;
      }
      step();
    }
  }

  return fields;
}

function groupLines(tokens: Token[], breaks: ReadonlySet<number>): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let current: Token[] = [];

  const flush = (): void => {
    const first = current[0];
    if (first !== undefined) {
      lines.push({ tokens: current, indent: first.column, line: first.line });
    }
    current = [];
  };

  for (let index = 0; index <= tokens.length; index += 1) {
    if (breaks.has(index)) {
      flush();
    }
    const token = tokens[index];
    if (token !== undefined && token.kind !== 'comment') {
      current.push(token);
    }
  }
  flush();

  return lines;
}

/** Python's keywords; soft keywords (`match`, `case`, `type`, `_`) are names. */
export const PYTHON_KEYWORDS: ReadonlySet<string> = new Set([
  'False',
  'None',
  'True',
  'and',
  'as',
  'assert',
  'async',
  'await',
  'break',
  'class',
  'continue',
  'def',
  'del',
  'elif',
  'else',
  'except',
  'finally',
  'for',
  'from',
  'global',
  'if',
  'import',
  'in',
  'is',
  'lambda',
  'nonlocal',
  'not',
  'or',
  'pass',
  'raise',
  'return',
  'try',
  'while',
  'with',
  'yield',
]);

/** Returns the text of a string literal token without prefix and quotes, or undefined. */
export function stringValue(token: Token | undefined): string | undefined {
  if (token === undefined || token.kind !== 'string') {
    return undefined;
  }

  return token.body ?? '';
}
