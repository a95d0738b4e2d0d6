/**
 * The diagnostics the policy editor shows, and the quick fixes that repair them. Positions use
 * lines counted from 1 and columns counted from 0 in UTF-16 code units; the editor converts
 * them to its own convention.
 */
import type { Token } from './python-lexer.js';

/** The seriousness of a diagnostic. */
export type DiagnosticSeverity = 'error' | 'warning' | 'info';

/** A range of the text. `endColumn` is exclusive. */
export interface TextRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A replacement of a range with new text; an empty range inserts. */
export interface TextEdit extends TextRange {
  text: string;
}

/** A change that fixes a diagnostic. */
export interface QuickFix {
  title: string;
  edits: TextEdit[];
}

/** One diagnostic. */
export interface EditorDiagnostic extends TextRange {
  severity: DiagnosticSeverity;
  /**
   * Stable code: `syntax-error`, `undefined-name`, `context-key-missing`,
   * `context-key-maybe-missing`, `context-assignment`, `discord-scope-missing`,
   * `discord-error-body`, `non-bool-return`, `missing-return`, `policy-result-truthy`.
   */
  code: string;
  message: string;
  fixes?: QuickFix[];
}

/** Returns the range a token covers. */
export function rangeOf(token: Token, last: Token = token): TextRange {
  return {
    line: token.line,
    column: token.column,
    endLine: last.endLine,
    endColumn: last.endColumn,
  };
}

/** Returns an edit that inserts `text` at a position. */
export function insertAt(line: number, column: number, text: string): TextEdit {
  return { line, column, endLine: line, endColumn: column, text };
}

/** Applies edits to a text; edits must not overlap. Used by tests and the benchmark. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '\n') {
      lineStarts.push(index + 1);
    }
  }
  const offset = (line: number, column: number): number =>
    Math.min(text.length, (lineStarts[line - 1] ?? text.length) + column);

  const sorted = [...edits].sort((a, b) => offset(b.line, b.column) - offset(a.line, a.column));
  let result = text;
  for (const edit of sorted) {
    const start = offset(edit.line, edit.column);
    const end = offset(edit.endLine, edit.endColumn);
    result = result.slice(0, start) + edit.text + result.slice(end);
  }

  return result;
}
