import { ar1LongRunVariance } from './long-run-variance.js';
import type { SegmentFit } from './segment-fit.js';

export interface BreakTestParams {
  /** Shortest segment on either side of a break, in points. */
  readonly minSegmentPoints: number;
  /**
   * Square root of the sup-Wald statistic a level or slope break must reach. 4 (a Wald statistic of
   * 16) is about the 1% critical value of Andrews' sup-Wald test for two parameters.
   */
  readonly criticalStatistic: number;
  /**
   * Share of the whole series' variance a level or slope break must explain: significance alone
   * is not enough on long, smooth series, where tiny bends are "significant" but nobody would
   * call them a change.
   */
  readonly minExplainedShare: number;
  /** Noise variance must change by at least this factor (either way; 9: the noise scale triples) to be a variance break. */
  readonly minVarianceRatio: number;
}

export const DEFAULT_BREAK_TEST: BreakTestParams = { minSegmentPoints: 5, criticalStatistic: 4, minExplainedShare: 0.01, minVarianceRatio: 9 };

export type BreakKind = 'level_or_trend' | 'variance';

export interface Break {
  /** First index of the new segment. */
  readonly index: number;
  readonly kind: BreakKind;
  /** √(sup-Wald): of the level or slope break, or of the shift in log squared differences. */
  readonly statistic: number;
}

/**
 * One dimension as the break test sees it: the (prepared) values, their first differences (noise
 * variance lives there, free of level and trend) as logSquaredDifferences, and the variance of the
 * whole series.
 */
export interface BreakTestInput {
  readonly values: SegmentFit;
  readonly differences: SegmentFit;
  readonly totalRss: number;
}

/**
 * The most significant break in [start, end), or null when none passes. First a break in level or
 * slope: each side gets its own least-squares line; the gain in fit over one line, divided by the
 * long-run variance of the two-line residuals (AR(1)-corrected), is a sup-Wald statistic; averaged
 * over dimensions. If none, a break in noise variance: the same test for a level shift in log(d²).
 */
export function findBreak(inputs: readonly BreakTestInput[], start: number, end: number, params: BreakTestParams): Break | null {
  return levelOrTrendBreak(inputs, start, end, params) ?? varianceBreak(inputs, start, end, params);
}

function levelOrTrendBreak(inputs: readonly BreakTestInput[], start: number, end: number, params: BreakTestParams): Break | null {
  const m = end - start;
  const minPoints = params.minSegmentPoints;
  if (m < 2 * minPoints) return null;
  const wald = new Float64Array(m);
  const explained = new Float64Array(m);
  for (const { values, totalRss } of inputs) {
    const { gains, bestK } = splitGains((s, e) => values.lineRss(s, e), start, end, minPoints);
    const variance = ar1LongRunVariance(twoLineResiduals(values, start, start + bestK, end));
    if (!(variance > 0)) continue;
    for (let k = minPoints; k <= m - minPoints; k++) {
      wald[k]! += gains[k]! / variance;
      if (totalRss > 0) explained[k]! += gains[k]! / totalRss;
    }
  }
  const bestK = argMax(wald, minPoints, m - minPoints);
  const bestWald = bestK < 0 ? 0 : wald[bestK]!;
  if (bestK < 0) return null;
  const statistic = Math.sqrt(bestWald / inputs.length);
  if (statistic < params.criticalStatistic || explained[bestK]! / inputs.length < params.minExplainedShare) return null;
  return { index: start + bestK, kind: 'level_or_trend', statistic };
}

/**
 * The drop in residual sum of squares from splitting [start, end) after k points, for every k in
 * [minPoints, m − minPoints] (other entries 0), and the k where it is largest.
 */
function splitGains(rss: (from: number, to: number) => number, start: number, end: number, minPoints: number): { gains: Float64Array; bestK: number } {
  const m = end - start;
  const whole = rss(start, end);
  const gains = new Float64Array(m);
  let bestK = minPoints;
  for (let k = minPoints; k <= m - minPoints; k++) {
    gains[k] = whole - rss(start, start + k) - rss(start + k, end);
    if (gains[k]! > gains[bestK]!) bestK = k;
  }
  return { gains, bestK };
}

/** Index of the largest positive value in values[from..to], or -1 when none is positive. */
function argMax(values: Float64Array, from: number, to: number): number {
  let best = -1;
  for (let k = from; k <= to; k++) if (values[k]! > (best < 0 ? 0 : values[best]!)) best = k;
  return best;
}

function twoLineResiduals(values: SegmentFit, start: number, at: number, end: number): Float64Array {
  const residuals = new Float64Array(end - start);
  for (const [from, to] of [
    [start, at],
    [at, end],
  ] as const) {
    const { intercept, slope } = values.line(from, to);
    for (let i = from; i < to; i++) residuals[i - start] = values.values[i]! - intercept - slope * i;
  }
  return residuals;
}

/**
 * Squared differences below this (in prepared units, where the noise is about 1) count as this: a
 * flat stretch must not make log(0).
 */
const SQUARED_DIFFERENCE_FLOOR = 1e-4;

/**
 * log(d²) of each first difference: its mean is log(noise variance) plus a constant, so a change in
 * noise variance is a change in its level, and a few huge differences (spikes) cannot dominate.
 */
export function logSquaredDifferences(values: Float64Array): Float64Array {
  const out = new Float64Array(Math.max(0, values.length - 1));
  for (let i = 1; i < values.length; i++) {
    const d = values[i]! - values[i - 1]!;
    out[i - 1] = Math.log(Math.max(d * d, SQUARED_DIFFERENCE_FLOOR));
  }
  return out;
}

function varianceBreak(inputs: readonly BreakTestInput[], start: number, end: number, params: BreakTestParams): Break | null {
  // logSquaredDifferences l[j] comes from x[j+1] - x[j]; the segment [start, end) owns l[start .. end-2].
  const from = start;
  const to = end - 1;
  const minPoints = 2 * params.minSegmentPoints;
  const m = to - from;
  if (m < 2 * minPoints) return null;
  const wald = new Float64Array(m);
  const shift = new Float64Array(m);
  for (const { differences } of inputs) {
    const { gains, bestK } = splitGains((s, e) => differences.levelRss(s, e), from, to, minPoints);
    const variance = ar1LongRunVariance(twoLevelResiduals(differences, from, from + bestK, to));
    if (!(variance > 0)) continue;
    for (let k = minPoints; k <= m - minPoints; k++) {
      wald[k]! += gains[k]! / variance;
      shift[k]! += Math.abs(differences.mean(from, from + k) - differences.mean(from + k, to));
    }
  }
  const bestK = argMax(wald, minPoints, m - minPoints);
  const bestWald = bestK < 0 ? 0 : wald[bestK]!;
  if (bestK < 0) return null;
  const statistic = Math.sqrt(bestWald / inputs.length);
  if (statistic < params.criticalStatistic || shift[bestK]! / inputs.length < Math.log(params.minVarianceRatio)) return null;
  // l[from + k] comes from x[from + k + 1] - x[from + k]: the first difference of the new regime.
  const index = refineVarianceBreak(inputs, start, end, from + bestK + 1, params.minSegmentPoints);
  return { index, kind: 'variance', statistic };
}

function twoLevelResiduals(values: SegmentFit, start: number, at: number, end: number): Float64Array {
  const residuals = new Float64Array(end - start);
  const left = values.mean(start, at);
  const right = values.mean(at, end);
  for (let i = start; i < end; i++) residuals[i - start] = values.values[i]! - (i < at ? left : right);
  return residuals;
}

/** How far (in points) the Gaussian likelihood may move a variance break found on log(d²). */
const VARIANCE_REFINE_POINTS = 10;

/**
 * log(d²) finds a variance break robustly but places it loosely (its noise is heavy); the Gaussian
 * likelihood ratio on the squared differences themselves places it more exactly near where it was found.
 */
function refineVarianceBreak(inputs: readonly BreakTestInput[], start: number, end: number, found: number, minPoints: number): number {
  const lo = Math.max(start + minPoints, found - VARIANCE_REFINE_POINTS);
  const hi = Math.min(end - minPoints, found + VARIANCE_REFINE_POINTS);
  let best = found;
  let bestRatio = -Infinity;
  for (let at = lo; at <= hi; at++) {
    let ratio = 0;
    for (const { values } of inputs) {
      const left = meanSquaredDifference(values.values, start, at);
      const right = meanSquaredDifference(values.values, at, end);
      const all = meanSquaredDifference(values.values, start, end);
      ratio += (end - start - 1) * Math.log(all) - (at - start - 1) * Math.log(left) - (end - at - 1) * Math.log(right);
    }
    if (ratio > bestRatio) {
      bestRatio = ratio;
      best = at;
    }
  }
  return best;
}

function meanSquaredDifference(values: Float64Array, start: number, end: number): number {
  let sum = 0;
  for (let i = start + 1; i < end; i++) sum += (values[i]! - values[i - 1]!) ** 2;
  return Math.max(sum / Math.max(1, end - start - 1), SQUARED_DIFFERENCE_FLOOR);
}
