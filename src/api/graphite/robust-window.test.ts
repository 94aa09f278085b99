import { describe, expect, it } from 'vitest';
import { robustCentre } from './robust-window.js';

describe('robust window statistics', () => {
  it('gives the median and 1.4826 × MAD, or 1.2533 × mean absolute deviation when the MAD is 0', () => {
    expect(robustCentre(Float64Array.of(1, 2, 3, 4, 100), 5, new Float64Array(5))).toEqual({ median: 3, sigma: 1.4826 });
    expect(robustCentre(Float64Array.of(5, 5, 5, 9), 4, new Float64Array(4))).toEqual({ median: 5, sigma: 1.2533 });
  });
});
