import { describe, expect, it } from 'vitest';

import { lexPython } from '../../shared/editor/python-lexer.js';
import { scanPython } from '../../shared/editor/python-scan.js';

function uses(text: string): string[] {
  return scanPython(text).uses.map((token) => token.text);
}

describe('python lexer', () => {
  it('gives tokens their line and column', () => {
    const { tokens } = lexPython('x = 1\n  y = "a"');
    const y = tokens.find((token) => token.text === 'y')!;

    expect(y.line).toBe(2);
    expect(y.column).toBe(2);
    expect(tokens.find((token) => token.kind === 'string')?.body).toBe('a');
  });

  it('joins bracketed lines into one logical line', () => {
    const { lines } = lexPython('call(\n  1,\n  2)\nnext_line = 3');

    expect(lines).toHaveLength(2);
    expect(lines[1]!.line).toBe(4);
  });

  it('joins lines ending in a backslash', () => {
    expect(lexPython('x = 1 + \\\n  2\ny = 3').lines).toHaveLength(2);
  });

  it('keeps triple-quoted strings whole', () => {
    const { tokens } = lexPython('"""one\ntwo"""\nx');

    expect(tokens[0]!.kind).toBe('string');
    expect(tokens[0]!.body).toBe('one\ntwo');
    expect(tokens[1]!.line).toBe(3);
  });

  it('marks an unterminated string', () => {
    expect(lexPython('x = "open').tokens[2]!.unterminated).toBe(true);
  });

  it('tokenizes f-string fields', () => {
    const token = lexPython('f"{user.name!r:>10} and {{literal}} {count + 1}"').tokens[0]!;

    expect(token.fields?.map((field) => field.map((item) => item.text).join(' '))).toEqual([
      'user . name',
      'count + 1',
    ]);
  });

  it('reads any text without throwing', () => {
    // A fixed pseudo-random sequence, so a failure repeats.
    let seed = 7;
    const random = (limit: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % limit;
    };
    const alphabet = [
      '"',
      "'",
      'f"',
      '"""',
      '{',
      '}',
      '(',
      ')',
      '[',
      ']',
      ':',
      '\\',
      '\n',
      ' ',
      '#',
      'x',
      '1',
      '.',
      '=',
      'é',
    ];

    for (let sample = 0; sample < 300; sample += 1) {
      let text = '';
      for (let index = 0; index < 40; index += 1) {
        text += alphabet[random(alphabet.length)];
      }
      expect(() => scanPython(text), JSON.stringify(text)).not.toThrow();
    }
  });

  it('places f-string field tokens in the text', () => {
    const token = lexPython('x = f"a{value}"').tokens[2]!;

    expect(token.fields?.[0]?.[0]?.column).toBe(8);
  });
});

describe('python scan', () => {
  it('binds assignment targets and reads the value', () => {
    const scan = scanPython('a, (b, *c) = compute(d)');

    expect([...scan.bound].sort()).toEqual(['a', 'b', 'c']);
    expect(uses('a, (b, *c) = compute(d)')).toEqual(['compute', 'd']);
  });

  it('reads the base of subscript and attribute targets', () => {
    expect(uses('user.attributes["x"] = value').sort()).toEqual(['user', 'value']);
    expect(scanPython('user.attributes["x"] = value').bound.size).toBe(0);
  });

  it('binds imports under their local names', () => {
    const scan = scanPython('import a.b\nimport c as d\nfrom m import (e as f, g)');

    expect([...scan.bound].sort()).toEqual(['a', 'd', 'f', 'g']);
    expect(scan.imports.map((item) => item.module)).toEqual(['a.b', 'c', 'm']);
  });

  it('notes star imports', () => {
    expect(scanPython('from authentik.core.models import *').starImport).toBe(true);
  });

  it('binds function names and parameters', () => {
    const scan = scanPython(
      'def check(url, *args, retries=DEFAULT, **kw) -> Result:\n    return url',
    );

    expect([...scan.bound].sort()).toEqual(['args', 'check', 'kw', 'retries', 'url']);
    expect(scan.uses.map((token) => token.text)).toEqual(['DEFAULT', 'Result', 'url']);
  });

  it('binds lambda and comprehension variables', () => {
    const scan = scanPython('f = lambda x, y: x + y\nok = any(g["id"] == G for g in guilds)');

    expect(scan.bound.has('x')).toBe(true);
    expect(scan.bound.has('g')).toBe(true);
    expect(scan.uses.map((token) => token.text)).toContain('guilds');
  });

  it('skips keyword argument names', () => {
    expect(uses('requests.get(url, headers={"a": token})')).toEqual(['requests', 'url', 'token']);
  });

  it('binds loop, with, except and walrus targets', () => {
    const scan = scanPython(
      'for k, v in items:\n    pass\nwith open(p) as handle:\n    pass\ntry:\n    pass\nexcept KeyError as error:\n    pass\nif (n := len(x)) > 1:\n    pass',
    );

    for (const name of ['k', 'v', 'handle', 'error', 'n']) {
      expect(scan.bound.has(name), name).toBe(true);
    }
  });

  it('binds match captures but reads class patterns', () => {
    const scan = scanPython('match value:\n    case Point(x=0, y=found):\n        pass');

    expect(scan.bound.has('found')).toBe(true);
    expect(scan.uses.map((token) => token.text)).toContain('Point');
  });

  it('treats match as a name outside a match statement', () => {
    expect(scanPython('match = 3').bound.has('match')).toBe(true);
  });

  it('nests statements by indentation', () => {
    const { statements } = scanPython('if a:\n    x = 1\n    if b:\n        return 2\nreturn 3');

    expect(statements.map((statement) => statement.kind)).toEqual(['if', 'return']);
    expect(statements[0]!.body.map((statement) => statement.kind)).toEqual(['assign', 'if']);
  });

  it('keeps inline statements in the block of their header', () => {
    const { statements } = scanPython('if a: return True\nreturn False');

    expect(statements[0]!.body.map((statement) => statement.kind)).toEqual(['return']);
  });

  it('marks statements inside a def as nested', () => {
    const { statements } = scanPython('def f():\n    return 1\nreturn f()');

    expect(statements[0]!.body[0]!.nested).toBe(true);
    expect(statements[1]!.nested).toBe(false);
  });

  it('records simple assignments', () => {
    const scan = scanPython('resp = requests.get(u)\ndata = resp.json()');

    expect(
      scan.assignments
        .get('data')
        ?.value.map((token) => token.text)
        .join(''),
    ).toBe('resp.json()');
  });

  it('collects strings inside f-strings', () => {
    const scan = scanPython('x = f"{context["source"]}"');

    expect(scan.strings.map((token) => token.body)).toContain('source');
  });
});
