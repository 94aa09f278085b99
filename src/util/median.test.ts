import { describe, expect, it } from 'vitest';
import { medianOf, selectKth } from './median.js';

describe('median', () => {
  it('selects order statistics and medians', () => {
    const values = Float64Array.of(9, 1, 8, 2, 7, 3);
    expect(selectKth(Float64Array.from(values), 6, 0)).toBe(1);
    expect(selectKth(Float64Array.from(values), 6, 5)).toBe(9);
    expect(medianOf(Float64Array.from(values), 6)).toBe(5);
    expect(medianOf(Float64Array.of(3, 1, 2), 3)).toBe(2);
    expect(medianOf(Float64Array.of(5, 5, 5, 1), 4)).toBe(5);
  });
});
