import { describe, expect, it } from 'vitest';
import { seededGaussian } from '../detect/synthetic-series.testsuite.js';
import { expectNear, piecewise } from './method.testsuite.js';
import { waldBinarySegmentation } from './wald-binseg.js';

describe('wald-binseg', () => {
  it('finds a change of slope in a trend without cutting the trend itself', () => {
    const noise = seededGaussian(11);
    const series = Float64Array.from({ length: 300 }, (_, i) => (i < 180 ? 0.5 * i : 90 - 1.5 * (i - 180)) + noise());
    const breaks = waldBinarySegmentation([series]);
    expectNear(breaks.map((b) => b.index), [180]);
    expect(breaks[0]!.kind).toBe('level_or_trend');
    const straight = Float64Array.from({ length: 300 }, (_, i) => 2 * i + 3 * noise());
    expect(waldBinarySegmentation([straight])).toEqual([]);
  });

  it('finds a tripling of the noise as a variance break', () => {
    const series = piecewise(400, [0, 220], [5, 5], [1, 4], 12);
    const breaks = waldBinarySegmentation([series]);
    expectNear(breaks.map((b) => b.index), [220]);
    expect(breaks[0]!.kind).toBe('variance');
  });

  it('leaves a wandering (autocorrelated) series alone but finds a jump in it', () => {
    const noise = seededGaussian(13);
    const walk = new Float64Array(400);
    for (let i = 1; i < 400; i++) walk[i] = 0.8 * walk[i - 1]! + noise();
    expect(waldBinarySegmentation([walk])).toEqual([]);
    for (let i = 250; i < 400; i++) walk[i]! += 12;
    expectNear(waldBinarySegmentation([walk]).map((b) => b.index), [250]);
  });

  it('needs a break to explain a share of the variance, not only to be significant', () => {
    // A small, very significant step on a long ramp: about 0.5% of the variance.
    const series = Float64Array.from({ length: 1000 }, (_, i) => i / 10 + (i >= 500 ? 4 : 0) + 0.01 * Math.sin(i));
    expect(waldBinarySegmentation([series], { minSegmentPoints: 5, criticalStatistic: 4, minExplainedShare: 0.01, minVarianceRatio: 9 })).toEqual([]);
    expectNear(waldBinarySegmentation([series], { minSegmentPoints: 5, criticalStatistic: 4, minExplainedShare: 0.001, minVarianceRatio: 9 }).map((b) => b.index), [500]);
  });
});
