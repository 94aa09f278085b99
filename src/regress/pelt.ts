import type { ChangePointMethod, MultiSeries } from './method.js';
import { seriesLength } from './method.js';
import { prepareSeries } from './prepare.js';
import { bicPenalty, meanVarianceCost, type SegmentCost } from './segment-cost.js';
import { SegmentFit } from './segment-fit.js';

/**
 * PELT (Killick, Fearnhead & Eckley 2012): the exact minimiser of Σ cost(segment) + penalty × (number
 * of change points) over segments of at least `minSegmentPoints`, in O(n) expected time by dropping
 * candidate starts that can never again be optimal.
 */
export function pelt(n: number, cost: SegmentCost, penalty: number, minSegmentPoints: number): number[] {
  if (n < 2 * minSegmentPoints) return [];
  const best = new Float64Array(n + 1).fill(Infinity);
  const previous = new Int32Array(n + 1);
  best[0] = -penalty;
  let candidates: number[] = [0];
  for (let end = minSegmentPoints; end <= n; end++) {
    // A start becomes eligible once the segment from it would be long enough.
    const eligible = end - minSegmentPoints;
    if (eligible > 0 && Number.isFinite(best[eligible]!)) candidates.push(eligible);
    let bestValue = Infinity;
    let bestStart = 0;
    const totals = new Float64Array(candidates.length);
    for (let c = 0; c < candidates.length; c++) {
      const start = candidates[c]!;
      totals[c] = end - start >= minSegmentPoints ? best[start]! + cost(start, end) : Infinity;
      if (totals[c]! + penalty < bestValue) {
        bestValue = totals[c]! + penalty;
        bestStart = start;
      }
    }
    best[end] = bestValue;
    previous[end] = bestStart;
    // Pruning: a start whose cost so far already exceeds the optimum can never win later.
    candidates = candidates.filter((_, c) => !(totals[c]! > bestValue));
  }
  const changePoints: number[] = [];
  for (let end = n; end > 0; end = previous[end]!) if (previous[end]! > 0) changePoints.push(previous[end]!);
  return changePoints.reverse();
}

/** Shortest segment the classic methods allow, in points (TCPD's F1 margin). */
export const CLASSIC_MIN_SEGMENT_POINTS = 5;

export function peltMeanVariance(series: MultiSeries): number[] {
  const fits = prepareSeries(series).map((dimension) => new SegmentFit(dimension));
  const n = seriesLength(series);
  return pelt(n, meanVarianceCost(fits), bicPenalty(n, fits.length), CLASSIC_MIN_SEGMENT_POINTS);
}

export const PELT_METHOD: ChangePointMethod = {
  id: 'pelt',
  description: 'PELT, Gaussian change in mean and variance, modified-BIC penalty 3·log(n) per change and dimension, segments ≥ 5 points',
  detect: peltMeanVariance,
};
