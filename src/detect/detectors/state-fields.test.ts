import { describe, expect, it } from 'vitest';
import { readNumbers } from './state-fields.js';

describe('readNumbers', () => {
  it('reads the named fields and ignores the others', () => {
    expect(readNumbers({ a: 1, b: -2.5, c: 'x' }, ['a', 'b'], 'd')).toEqual({ a: 1, b: -2.5 });
  });

  it('names the detector and the first bad field in the order given', () => {
    expect(() => readNumbers({ a: 1, b: null, c: 'x' }, ['a', 'c', 'b'], 'holt-winters')).toThrow('cannot restore detector holt-winters: c must be a finite number, got "x"');
    expect(() => readNumbers({ a: Infinity }, ['a'], 'd')).toThrow('cannot restore detector d: a must be a finite number, got null');
  });
});
