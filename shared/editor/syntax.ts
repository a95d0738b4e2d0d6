/**
 * Syntax errors as authentik reports them. authentik compiles an expression inside a generated
 * `def handler(...):` (authentik/lib/expression/evaluator.py), so its line numbers are the
 * editor's line + 1. The message is shown exactly as the server would reject the save
 * ("Expression Syntax Error: ... (temp-policy, line 2)"), and the marker goes on the editor line
 * it names.
 */
import type { EditorDiagnostic } from './diagnostic.js';

/** The result of compiling an expression in the evaluator's `validate` mode. */
export interface SyntaxCheck {
  valid: boolean;
  /** The server's message, e.g. `Expression Syntax Error: '(' was never closed (temp-policy, line 2)`. */
  message?: string;
  /** The line in the wrapped code, as the message names it (editor line + 1). */
  line?: number;
  /** Python's formatted error: the offending line and a caret under the position. */
  traceback?: string;
}

/** The number of lines authentik's wrapper adds above the expression. */
export const WRAPPER_LINE_OFFSET = 1;

/** Converts a failed syntax check into a diagnostic on the editor's text. */
export function syntaxDiagnostic(check: SyntaxCheck, text: string): EditorDiagnostic | undefined {
  if (check.valid || check.message === undefined) {
    return undefined;
  }

  const lines = text.split('\n');
  const wrappedLine = check.line ?? lineFromMessage(check.message);
  // A line 1 error concerns the wrapper's `def handler` line; a line past the end concerns
  // the `result = handler(...)` line: both point at the nearest expression line.
  const raw = wrappedLine === undefined ? lines.length : wrappedLine - WRAPPER_LINE_OFFSET;
  const line = Math.min(Math.max(raw, 1), Math.max(lines.length, 1));
  const source = lines[line - 1] ?? '';
  const span = caretSpan(check.traceback, source);

  return {
    severity: 'error',
    code: 'syntax-error',
    message: check.message,
    line,
    column: span?.start ?? firstNonSpace(source),
    endLine: line,
    endColumn: span?.end ?? Math.max(source.length, firstNonSpace(source) + 1),
  };
}

/** Reads the line number from a message such as `... (temp-policy, line 2)`. */
export function lineFromMessage(message: string): number | undefined {
  const match = /\bline (\d+)\)?\s*$/.exec(message);
  return match === null ? undefined : Number(match[1]);
}

function firstNonSpace(text: string): number {
  const match = /\S/.exec(text);
  return match === null ? 0 : match.index;
}

// Python prints the offending line without its indentation, and below it carets under the
// error. The carets' offset in that stripped line plus the line's indentation in the editor
// gives the editor column.
function caretSpan(
  traceback: string | undefined,
  source: string,
): { start: number; end: number } | undefined {
  if (traceback === undefined) {
    return undefined;
  }

  const lines = traceback.split('\n');
  const caretIndex = lines.findIndex((line) => /^\s*\^+\s*$/.test(line));
  if (caretIndex < 1) {
    return undefined;
  }

  const printed = lines[caretIndex - 1]!;
  const caretLine = lines[caretIndex]!;
  const printedText = printed.trimStart();
  const printedIndent = printed.length - printedText.length;
  const caretStart = caretLine.indexOf('^') - printedIndent;
  const caretLength = caretLine.trim().length;
  const sourceText = source.trimStart();
  if (sourceText.trimEnd() !== printedText.trimEnd()) {
    // The error is on another line than the editor's (e.g. the wrapper's own line).
    return undefined;
  }

  const indent = source.length - sourceText.length;
  const start = Math.max(0, indent + caretStart);
  return { start, end: start + Math.max(caretLength, 1) };
}
