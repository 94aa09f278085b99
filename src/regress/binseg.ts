import { bisect } from './bisect.js';
import type { ChangePointMethod, MultiSeries } from './method.js';
import { seriesLength } from './method.js';
import { CLASSIC_MIN_SEGMENT_POINTS } from './pelt.js';
import { prepareSeries } from './prepare.js';
import { bicPenalty, meanVarianceCost, type SegmentCost } from './segment-cost.js';
import { SegmentFit } from './segment-fit.js';

/**
 * Binary segmentation with a cost and a penalty: split a segment where the cost drops most, when it
 * drops by more than the penalty, and recurse. Greedy where PELT is exact, but simpler to explain and
 * what most change-point tools ship as their default.
 */
export function binarySegmentation(n: number, cost: SegmentCost, penalty: number, minSegmentPoints: number): number[] {
  return bisect(n, (start, end) => {
    if (end - start < 2 * minSegmentPoints) return null;
    const whole = cost(start, end);
    let bestAt: number | null = null;
    let bestGain = penalty;
    for (let at = start + minSegmentPoints; at <= end - minSegmentPoints; at++) {
      const gain = whole - cost(start, at) - cost(at, end);
      if (gain > bestGain) {
        bestGain = gain;
        bestAt = at;
      }
    }
    return bestAt;
  });
}

export function binsegMeanVariance(series: MultiSeries): number[] {
  const fits = prepareSeries(series).map((dimension) => new SegmentFit(dimension));
  const n = seriesLength(series);
  return binarySegmentation(n, meanVarianceCost(fits), bicPenalty(n, fits.length), CLASSIC_MIN_SEGMENT_POINTS);
}

export const BINSEG_METHOD: ChangePointMethod = {
  id: 'binseg',
  description: 'binary segmentation, Gaussian change in mean and variance, modified-BIC penalty 3·log(n) per change and dimension, segments ≥ 5 points',
  detect: binsegMeanVariance,
};
