import { describe, expect, it } from 'vitest';
import { medianOf, robustCentre, selectKth } from './robust-window.js';

describe('robust window statistics', () => {
  it('selects order statistics and medians', () => {
    const values = Float64Array.of(9, 1, 8, 2, 7, 3);
    expect(selectKth(Float64Array.from(values), 6, 0)).toBe(1);
    expect(selectKth(Float64Array.from(values), 6, 5)).toBe(9);
    expect(medianOf(Float64Array.from(values), 6)).toBe(5);
    expect(medianOf(Float64Array.of(3, 1, 2), 3)).toBe(2);
    expect(medianOf(Float64Array.of(5, 5, 5, 1), 4)).toBe(5);
  });

  it('gives the median and 1.4826 × MAD, or 1.2533 × mean absolute deviation when the MAD is 0', () => {
    expect(robustCentre(Float64Array.of(1, 2, 3, 4, 100), 5, new Float64Array(5))).toEqual({ median: 3, sigma: 1.4826 });
    expect(robustCentre(Float64Array.of(5, 5, 5, 9), 4, new Float64Array(4))).toEqual({ median: 5, sigma: 1.2533 });
  });
});
