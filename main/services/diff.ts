/**
 * A line-based unified diff (the format of `diff -u` and `git diff`), used to show how an export
 * differs from the last one. It uses Myers' O(ND) algorithm after trimming the common start and
 * end, which is where two exports of the same selection usually agree.
 */

/** Lines of context around each change, as `diff -u` prints by default. */
const CONTEXT_LINES = 3;

/**
 * The largest edit distance searched for a minimal diff. The search keeps one array per step, so
 * memory grows with its square: 2,000 steps take about 16 MB. Past it, the differing middle part
 * is shown as removed and added whole, which is still a correct diff.
 */
const MAX_EDIT_DISTANCE = 2000;

interface Edit {
  kind: ' ' | '-' | '+';
  line: string;
}

/** Labels of the two sides in the `---` and `+++` header lines. */
export interface DiffLabels {
  before: string;
  after: string;
}

// A last line without a newline differs from the same text with one, so it gets this suffix
// while lines are compared. Lines are split at newlines, so no line can end in one otherwise.
const NO_NEWLINE = '\n';

function splitLines(text: string): string[] {
  if (text === '') {
    return [];
  }

  const lines = text.split('\n');
  const last = lines.pop()!;
  if (last !== '') {
    lines.push(last + NO_NEWLINE);
  }
  return lines;
}

/**
 * Returns the edits that turn `a` into `b`, or undefined when they need more than
 * MAX_EDIT_DISTANCE insertions and deletions.
 */
function shortestEdits(a: readonly string[], b: readonly string[]): Edit[] | undefined {
  const n = a.length;
  const m = b.length;
  const max = Math.min(n + m, MAX_EDIT_DISTANCE);
  const offset = max + 1;
  const v = new Int32Array(2 * max + 3);
  // trace[d] is a copy of v for diagonals -d-1..d+1 as it was before step d, for walking back.
  const trace: Int32Array[] = [];

  for (let d = 0; d <= max; d += 1) {
    trace.push(v.slice(offset - d - 1, offset + d + 2));

    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!);
      let x = down ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x += 1;
        y += 1;
      }
      v[offset + k] = x;

      if (x >= n && y >= m) {
        return walkBack(trace, a, b, d);
      }
    }
  }

  return undefined;
}

function walkBack(
  trace: Int32Array[],
  a: readonly string[],
  b: readonly string[],
  last: number,
): Edit[] {
  const edits: Edit[] = [];
  let x = a.length;
  let y = b.length;

  for (let d = last; d >= 0; d -= 1) {
    const before = trace[d]!;
    const at = (k: number): number => before[k + d + 1]!;
    const k = x - y;
    const down = k === -d || (k !== d && at(k - 1) < at(k + 1));
    const previousK = down ? k + 1 : k - 1;
    const previousX = at(previousK);
    const previousY = previousX - previousK;

    while (x > previousX && y > previousY) {
      edits.push({ kind: ' ', line: a[x - 1]! });
      x -= 1;
      y -= 1;
    }
    if (d > 0) {
      if (down) {
        edits.push({ kind: '+', line: b[y - 1]! });
      } else {
        edits.push({ kind: '-', line: a[x - 1]! });
      }
    }
    x = previousX;
    y = previousY;
  }

  return edits.reverse();
}

function diffLines(a: readonly string[], b: readonly string[]): Edit[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    start += 1;
  }

  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA -= 1;
    endB -= 1;
  }

  const middleA = a.slice(start, endA);
  const middleB = b.slice(start, endB);
  const middle = shortestEdits(middleA, middleB) ?? [
    ...middleA.map((line): Edit => ({ kind: '-', line })),
    ...middleB.map((line): Edit => ({ kind: '+', line })),
  ];

  const same = (line: string): Edit => ({ kind: ' ', line });
  return [...a.slice(0, start).map(same), ...middle, ...a.slice(endA).map(same)];
}

interface NumberedEdit extends Edit {
  /** 0-based line index in the old text before this edit. */
  oldIndex: number;
  newIndex: number;
}

function numberEdits(edits: Edit[]): NumberedEdit[] {
  let oldIndex = 0;
  let newIndex = 0;

  return edits.map((edit) => {
    const numbered = { ...edit, oldIndex, newIndex };
    if (edit.kind !== '+') {
      oldIndex += 1;
    }
    if (edit.kind !== '-') {
      newIndex += 1;
    }
    return numbered;
  });
}

function rangeText(start: number, length: number): string {
  // A range of zero lines names the line before it, as `diff -u` does.
  return `${length === 0 ? start : start + 1},${length}`;
}

function formatHunk(edits: NumberedEdit[]): string[] {
  const first = edits[0]!;
  const oldLength = edits.filter((edit) => edit.kind !== '+').length;
  const newLength = edits.filter((edit) => edit.kind !== '-').length;
  const oldRange = rangeText(first.oldIndex, oldLength);
  const newRange = rangeText(first.newIndex, newLength);
  const lines = [`@@ -${oldRange} +${newRange} @@`];

  for (const edit of edits) {
    if (edit.line.endsWith(NO_NEWLINE)) {
      lines.push(`${edit.kind}${edit.line.slice(0, -1)}`, '\\ No newline at end of file');
    } else {
      lines.push(`${edit.kind}${edit.line}`);
    }
  }

  return lines;
}

/**
 * Returns the unified diff from `before` to `after` with three lines of context, or an empty
 * string when the texts are equal.
 */
export function unifiedDiff(before: string, after: string, labels: DiffLabels): string {
  if (before === after) {
    return '';
  }

  const edits = numberEdits(diffLines(splitLines(before), splitLines(after)));

  const changed = edits.flatMap((edit, index) => (edit.kind === ' ' ? [] : [index]));
  const hunks: NumberedEdit[][] = [];
  let hunkStart = Math.max(0, changed[0]! - CONTEXT_LINES);
  let hunkEnd = Math.min(edits.length, changed[0]! + CONTEXT_LINES + 1);
  for (const index of changed.slice(1)) {
    if (index - CONTEXT_LINES <= hunkEnd) {
      hunkEnd = Math.min(edits.length, index + CONTEXT_LINES + 1);
      continue;
    }
    hunks.push(edits.slice(hunkStart, hunkEnd));
    hunkStart = index - CONTEXT_LINES;
    hunkEnd = Math.min(edits.length, index + CONTEXT_LINES + 1);
  }
  hunks.push(edits.slice(hunkStart, hunkEnd));

  const lines = [`--- ${labels.before}`, `+++ ${labels.after}`];
  for (const hunk of hunks) {
    lines.push(...formatHunk(hunk));
  }

  return lines.join('\n') + '\n';
}
