import { describe, expect, it } from 'vitest';
import { fillGaps } from './fill-gaps.js';
import { removeSpikes } from './despike.js';
import { SegmentFit } from './segment-fit.js';

describe('SegmentFit', () => {
  it('gives the residual sums of squares of a mean and of a line, as computed directly', () => {
    const values = Float64Array.of(1, 3, 2, 5, 4, 8, 7);
    const fit = new SegmentFit(values);
    // Mean of [1,3,2] is 2: (1 + 1 + 0) = 2.
    expect(fit.levelRss(0, 3)).toBeCloseTo(2, 12);
    // Points (3,5),(4,4),(5,8): slope 1.5, intercept at index 0 of 1/6 + ... residuals 0.5, -2, 1.5... check by formula.
    const xs = [3, 4, 5];
    const ys = [5, 4, 8];
    const mt = 4;
    const my = 17 / 3;
    const slope = xs.reduce((a, x, i) => a + (x - mt) * (ys[i]! - my), 0) / xs.reduce((a, x) => a + (x - mt) ** 2, 0);
    const rss = xs.reduce((a, x, i) => a + (ys[i]! - my - slope * (x - mt)) ** 2, 0);
    expect(fit.lineRss(3, 6)).toBeCloseTo(rss, 10);
    expect(fit.line(3, 6).slope).toBeCloseTo(slope, 12);
    expect(fit.lineRss(0, 2)).toBe(0);
  });
});

describe('fillGaps', () => {
  it('interpolates inside, carries the nearest value at the ends, and gives zeros when nothing is known', () => {
    expect(Array.from(fillGaps(Float64Array.of(NaN, 2, NaN, NaN, 8, NaN)))).toEqual([2, 2, 4, 6, 8, 8]);
    expect(Array.from(fillGaps(Float64Array.of(NaN, NaN)))).toEqual([0, 0]);
  });
});

describe('removeSpikes', () => {
  it('replaces a lone outlier but keeps a step and a two-sided swing', () => {
    const base = Array.from({ length: 40 }, (_, i) => Math.sin(i) * 0.1);
    const spiked = Float64Array.from(base);
    spiked[20] = 50;
    expect(removeSpikes(spiked)[20]).toBeCloseTo((base[19]! + base[21]!) / 2, 12);
    const step = Float64Array.from(base, (v, i) => v + (i >= 20 ? 50 : 0));
    expect(Array.from(removeSpikes(step))).toEqual(Array.from(step));
  });
});
