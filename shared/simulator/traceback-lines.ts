/**
 * Line numbers of expression tracebacks. authentik compiles an expression wrapped in a
 * `def handler(...)` line (authentik/lib/expression/evaluator.py, `BaseEvaluator.wrap_expression`), so the
 * line numbers it reports are one more than the lines of the expression the user wrote.
 */

/** Lines that the wrapper adds before the expression's first line. */
export const WRAPPER_LINES = 1;

/** Returns the expression's own line for a line of the wrapped code, or undefined for the wrapper. */
export function expressionLine(wrappedLine: number): number | undefined {
  const line = wrappedLine - WRAPPER_LINES;
  return line >= 1 ? line : undefined;
}

/** A piece of a traceback: plain text, or a reference to a line of the expression. */
export type TracebackPart =
  { kind: 'text'; text: string } | { kind: 'line'; wrappedLine: number; expressionLine: number };

// The frame's function is absent for syntax errors, and `<module>` for the wrapper's own
// `result = handler(...)` line, which belongs to no line of the expression.
const FRAME_LINE = /(File "([^"\n]*)", )line (\d+)(?:, in (\S+))?/g;

/**
 * Splits a Python traceback into text and references to lines of the expression. Only frames of
 * the file `filename` (the name authentik compiles the expression under) are references, so
 * frames of library code keep their own numbers.
 */
export function splitTraceback(traceback: string, filename: string): TracebackPart[] {
  const parts: TracebackPart[] = [];
  let last = 0;

  for (const match of traceback.matchAll(FRAME_LINE)) {
    const wrappedLine = Number(match[3]);
    const line = expressionLine(wrappedLine);
    if (match[2] !== filename || line === undefined || match[4] === '<module>') {
      continue;
    }
    // The `File "…", ` prefix stays text; the reference replaces `line N`.
    const start = match.index + match[1]!.length;
    parts.push({ kind: 'text', text: traceback.slice(last, start) });
    parts.push({ kind: 'line', wrappedLine, expressionLine: line });
    last = match.index + match[1]!.length + `line ${match[3]}`.length;
  }
  parts.push({ kind: 'text', text: traceback.slice(last) });

  return parts.filter((part) => part.kind === 'line' || part.text !== '');
}
