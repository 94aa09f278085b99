import { describe, expect, it } from 'vitest';
import { seededGaussian } from '../detect/synthetic-series.testsuite.js';
import { compareWindows } from './compare.js';
import { normalCdf } from './normal.js';

const sample = (n: number, level: number, sigma: number, seed: number) => {
  const noise = seededGaussian(seed);
  return Float64Array.from({ length: n }, () => level + sigma * noise());
};

describe('compareWindows', () => {
  it('computes Hodges-Lehmann and Mann-Whitney by hand on a tiny case', () => {
    const result = compareWindows(Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(6, 7, 8, 9, 10))!;
    // Differences after − before run 1..9 (25 of them); their median is 5.
    expect(result.shift).toBe(5);
    expect(result.beforeMedian).toBe(3);
    expect(result.afterMedian).toBe(8);
    // U = 25 (every after beats every before): z = (25 − 12.5)/√(25·11/12) = 2.611; the windows are
    // trending (φ > 0), so the p-value is larger than the plain 2(1 − Φ(2.611)) = 0.009.
    expect(result.pValue).toBeGreaterThan(2 * (1 - normalCdf(2.611)));
    expect(result.shiftLow).toBeLessThanOrEqual(5);
    expect(result.shiftHigh).toBeGreaterThanOrEqual(5);
  });

  it('finds a real shift with an interval that covers it, and none where there is none', () => {
    const shifted = compareWindows(sample(120, 100, 5, 1), sample(120, 112, 5, 2))!;
    expect(shifted.pValue).toBeLessThan(1e-6);
    expect(shifted.shiftLow).toBeLessThan(12);
    expect(shifted.shiftHigh).toBeGreaterThan(12);
    expect(shifted.effectSize).toBeGreaterThan(1.8);
    const same = compareWindows(sample(120, 100, 5, 3), sample(120, 100, 5, 4))!;
    expect(same.pValue).toBeGreaterThan(0.05);
    expect(same.shiftLow).toBeLessThan(0);
    expect(same.shiftHigh).toBeGreaterThan(0);
  });

  it('is less sure when the points are autocorrelated', () => {
    const noise = seededGaussian(5);
    const walk = new Float64Array(200);
    for (let i = 1; i < 200; i++) walk[i] = 0.95 * walk[i - 1]! + noise();
    const result = compareWindows(walk.subarray(0, 100), walk.subarray(100))!;
    expect(result.pValue).toBeGreaterThan(0.001);
  });

  it('needs five finite points a side and ignores NaN', () => {
    expect(compareWindows(Float64Array.of(1, 2, 3, NaN, 5), Float64Array.of(1, 2, 3, 4, 5))).toBeNull();
    expect(compareWindows(Float64Array.of(1, 2, 3, 4, 5, NaN), Float64Array.of(1, 2, 3, 4, 5))!.beforeCount).toBe(5);
  });
});
