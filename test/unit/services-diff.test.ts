import { describe, expect, it } from 'vitest';

import { unifiedDiff } from '../../main/services/diff.js';

const labels = { before: 'old', after: 'new' };

function splitText(text: string): { lines: string[]; finalNewline: boolean } {
  const finalNewline = text === '' || text.endsWith('\n');
  const lines = text === '' ? [] : (finalNewline ? text.slice(0, -1) : text).split('\n');

  return { lines, finalNewline };
}

/**
 * Applies a unified diff strictly: every context and removed line must match the old text, so a
 * wrong line number or a wrong line fails the test.
 */
function applyDiff(before: string, diff: string): string {
  const old = splitText(before);
  const result: string[] = [];
  let position = 0;
  let newLacksNewline = false;
  const lines = diff.split('\n').slice(2, -1);

  for (const [index, line] of lines.entries()) {
    const header = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(line);
    if (header !== null) {
      const start = Number(header[2]) === 0 ? Number(header[1]) : Number(header[1]) - 1;
      result.push(...old.lines.slice(position, start));
      position = start;
      continue;
    }
    if (line.startsWith('\\')) {
      newLacksNewline ||= lines[index - 1]![0] !== '-';
      continue;
    }

    const kind = line[0];
    const text = line.slice(1);
    if (kind === ' ' || kind === '-') {
      expect(old.lines[position], `old line ${position + 1}`).toBe(text);
      position += 1;
    }
    if (kind === ' ' || kind === '+') {
      result.push(text);
    }
  }

  // Past the last hunk the old text continues unchanged, final newline included.
  const reachesEnd = position === old.lines.length;
  result.push(...old.lines.slice(position));
  const finalNewline = reachesEnd ? !newLacksNewline : old.finalNewline;
  return result.length === 0 ? '' : result.join('\n') + (finalNewline ? '\n' : '');
}

// A small deterministic generator (xorshift32), so a failing case can be replayed.
function randomText(seed: number): string {
  let state = seed;
  const next = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
  const lines = Array.from({ length: next() % 25 }, () => 'abcde'[next() % 5]);

  return lines.join('\n') + (next() % 2 === 0 ? '\n' : '');
}

describe('unified diff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', labels)).toBe('');
  });

  it('shows a changed line with context', () => {
    const before = 'one\ntwo\nthree\nfour\nfive\nsix\nseven\neight\n';
    const after = before.replace('five', 'FIVE');

    expect(unifiedDiff(before, after, labels)).toBe(
      [
        '--- old',
        '+++ new',
        '@@ -2,7 +2,7 @@',
        ' two',
        ' three',
        ' four',
        '-five',
        '+FIVE',
        ' six',
        ' seven',
        ' eight',
        '',
      ].join('\n'),
    );
  });

  it('numbers an insertion into an empty text', () => {
    expect(unifiedDiff('', 'a\n', labels)).toBe('--- old\n+++ new\n@@ -0,0 +1,1 @@\n+a\n');
  });

  it('marks a missing final newline', () => {
    expect(unifiedDiff('a\n', 'a', labels)).toBe(
      '--- old\n+++ new\n@@ -1,1 +1,1 @@\n-a\n+a\n\\ No newline at end of file\n',
    );
  });

  it('splits distant changes into hunks', () => {
    const before = Array.from({ length: 30 }, (_, index) => `line ${index}`).join('\n') + '\n';
    const after = before.replace('line 2\n', 'line two\n').replace('line 27\n', 'line 27b\n');

    expect(unifiedDiff(before, after, labels).match(/^@@/gm)).toHaveLength(2);
  });

  it('applies back to the new text', () => {
    for (let seed = 1; seed <= 300; seed += 1) {
      const before = randomText(seed);
      const after = randomText(seed * 7919);
      const diff = unifiedDiff(before, after, labels);
      if (before === after) {
        continue;
      }

      expect(applyDiff(before, diff), `seed ${seed}`).toBe(after);
    }
  });

  it('stays correct past the edit distance limit', () => {
    const before = Array.from({ length: 3000 }, (_, index) => `a${index}`).join('\n') + '\n';
    const after = Array.from({ length: 3000 }, (_, index) => `b${index}`).join('\n') + '\n';

    expect(applyDiff(before, unifiedDiff(before, after, labels))).toBe(after);
  });
});
