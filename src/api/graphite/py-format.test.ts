import { describe, expect, it } from 'vitest';
import { formatG, pyNumber, round6 } from './py-format.js';

describe('formatG', () => {
  it("formats as Python's %g", () => {
    expect(formatG(10)).toBe('10');
    expect(formatG(2.5)).toBe('2.5');
    expect(formatG(-1)).toBe('-1');
    expect(formatG(0)).toBe('0');
    expect(formatG(0.0001)).toBe('0.0001');
    expect(formatG(0.00001)).toBe('1e-05');
    expect(formatG(123456)).toBe('123456');
    expect(formatG(1234567)).toBe('1.23457e+06');
    expect(formatG(1 / 3)).toBe('0.333333');
    expect(formatG(Infinity)).toBe('inf');
  });
});

describe('pyNumber', () => {
  it("formats as Python's str() of an int or a float", () => {
    expect(pyNumber(100, true)).toBe('100');
    expect(pyNumber(100, false)).toBe('100.0');
    expect(pyNumber(0.5, false)).toBe('0.5');
    expect(pyNumber(-2, false)).toBe('-2.0');
    expect(pyNumber(1e-5, false)).toBe('1e-05');
    expect(pyNumber(1e16, false)).toBe('1e+16');
    expect(pyNumber(1.5e16, false)).toBe('1.5e+16');
    expect(pyNumber(123456789012345.6, false)).toBe('123456789012345.6');
  });
});

describe('round6', () => {
  it('rounds to 6 decimals', () => {
    expect(round6(1 / 3)).toBe(0.333333);
    expect(round6(2 / 3)).toBe(0.666667);
    expect(round6(5)).toBe(5);
  });
});
