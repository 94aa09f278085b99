import { describe, expect, it } from 'vitest';
import { piecewise } from './method.testsuite.js';
import { pelt } from './pelt.js';
import { prepareSeries } from './prepare.js';
import { meanVarianceCost } from './segment-cost.js';
import { SegmentFit } from './segment-fit.js';

/** Every segmentation of [0, n) with segments ≥ minPoints, cheapest first: the brute-force optimum. */
function bruteForce(n: number, cost: (s: number, e: number) => number, penalty: number, minPoints: number): number[] {
  let best = { value: Infinity, cps: [] as number[] };
  const walk = (start: number, value: number, cps: number[]): void => {
    if (value + cost(start, n) < best.value && n - start >= minPoints) best = { value: value + cost(start, n), cps };
    for (let at = start + minPoints; at <= n - minPoints; at++) walk(at, value + cost(start, at) + penalty, [...cps, at]);
  };
  walk(0, 0, []);
  return best.cps;
}

describe('pelt', () => {
  it('finds the same optimum as trying every segmentation', () => {
    for (const seed of [1, 2, 3, 4]) {
      const series = piecewise(24, [0, 9, 16], [0, 3, -1], [1, 0.5, 2], seed);
      const cost = meanVarianceCost(prepareSeries([series]).map((d) => new SegmentFit(d)));
      for (const penalty of [1, 5, 20]) expect(pelt(24, cost, penalty, 3)).toEqual(bruteForce(24, cost, penalty, 3));
    }
  });
});
