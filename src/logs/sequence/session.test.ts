import { describe, expect, it } from 'vitest';
import { keySpaceOf, parseSessionLines } from './session.js';

describe('session lines', () => {
  it('reads one session a line, trailing spaces and blank lines allowed', () => {
    const sessions = parseSessionLines('5 5 22 11 \n\n22 5 \n', 'train');
    expect(sessions.map((s) => Array.from(s))).toEqual([[5, 5, 22, 11], [22, 5]]);
    expect(keySpaceOf(sessions)).toBe(23);
  });

  it('names the line and token it cannot read', () => {
    expect(() => parseSessionLines('1 2\n3 x 4\n', 'f')).toThrow('cannot parse session f:2: bad key id "x"');
    expect(() => parseSessionLines('0 1\n', 'f')).toThrow('cannot parse session f:1: bad key id "0"');
  });
});
