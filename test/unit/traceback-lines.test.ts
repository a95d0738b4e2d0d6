import { describe, expect, it } from 'vitest';

import { expressionLine, splitTraceback } from '../../shared/simulator/traceback-lines.js';

const TRACEBACK = [
  'Traceback (most recent call last):',
  '  File "guild-check", line 6, in <module>',
  '  File "guild-check", line 4, in handler',
  '  File "/lib/python3.12/site-packages/requests/api.py", line 73, in get',
  "KeyError: 'missing'",
].join('\n');

describe('traceback lines', () => {
  it('maps wrapped lines to expression lines', () => {
    expect(expressionLine(4)).toBe(3);
  });

  it('maps the wrapper line to nothing', () => {
    expect(expressionLine(1)).toBeUndefined();
  });

  it('marks frames of the expression', () => {
    const lines = splitTraceback(TRACEBACK, 'guild-check').filter((part) => part.kind === 'line');

    expect(lines).toEqual([{ kind: 'line', wrappedLine: 4, expressionLine: 3 }]);
  });

  it('keeps library frames as text', () => {
    const text = splitTraceback(TRACEBACK, 'guild-check')
      .map((part) => (part.kind === 'text' ? part.text : `<${part.expressionLine}>`))
      .join('');

    expect(text).toBe(TRACEBACK.replace('line 4', '<3>'));
  });

  it('keeps the wrapper call line as text', () => {
    const texts = splitTraceback(TRACEBACK, 'guild-check').filter((part) => part.kind === 'text');

    expect(texts[0]).toEqual({ kind: 'text', text: TRACEBACK.split('line 4')[0] });
  });

  it('leaves other files untouched', () => {
    expect(splitTraceback(TRACEBACK, 'other-policy')).toEqual([{ kind: 'text', text: TRACEBACK }]);
  });
});
