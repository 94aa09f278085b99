import { medianOf } from '../util/index.js';
import { valueSigma } from './noise-scale.js';
import { Z_95, normalCdf } from './normal.js';

/** Fewest points each side needs before a comparison means anything. */
export const MIN_COMPARE_POINTS = 5;
/** Autocorrelation shrinks the effective sample size at most to this share. */
const MIN_EFFECTIVE_SHARE = 0.05;

/** Before against after: a robust shift with its interval and significance. */
export interface WindowComparison {
  readonly beforeCount: number;
  readonly afterCount: number;
  readonly beforeMedian: number;
  readonly afterMedian: number;
  /** Hodges-Lehmann shift: the median of all after − before differences. */
  readonly shift: number;
  /** 95% confidence interval of the shift (Mann-Whitney order statistics, widened for autocorrelation). */
  readonly shiftLow: number;
  readonly shiftHigh: number;
  /** Shift in robust standard deviations of the before window (a robust Cohen's d); ±Infinity when it is flat. */
  readonly effectSize: number;
  /** Two-sided p-value of the Mann-Whitney test, with the sample sizes shrunk for lag-1 autocorrelation. */
  readonly pValue: number;
}

/**
 * Compares two windows of a series without assuming normality: Hodges-Lehmann shift, Mann-Whitney
 * significance and interval. Points of a series are autocorrelated, which makes plain rank tests far
 * too confident; the variance is inflated by (1+φ)/(1−φ), φ the pooled lag-1 autocorrelation.
 * Null when either side has fewer than MIN_COMPARE_POINTS finite values.
 */
export function compareWindows(beforeValues: Float64Array, afterValues: Float64Array): WindowComparison | null {
  const before = finite(beforeValues);
  const after = finite(afterValues);
  const n = before.length;
  const m = after.length;
  if (n < MIN_COMPARE_POINTS || m < MIN_COMPARE_POINTS) return null;
  const differences = new Float64Array(n * m);
  let k = 0;
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) differences[k++] = after[j]! - before[i]!;
  differences.sort();
  const middle = differences.length >> 1;
  const shift = differences.length % 2 === 1 ? differences[middle]! : (differences[middle - 1]! + differences[middle]!) / 2;
  const inflation = autocorrelationInflation(before, after);
  const { z } = mannWhitneyZ(before, after);
  const pValue = 2 * (1 - normalCdf(Math.abs(z) / Math.sqrt(inflation)));
  // The interval's order statistic: nm/2 − z·sd(U), with sd(U) inflated like the test's.
  const sdU = Math.sqrt((n * m * (n + m + 1)) / 12) * Math.sqrt(inflation);
  const lowRank = Math.max(0, Math.min(differences.length - 1, Math.floor((n * m) / 2 - Z_95 * sdU)));
  const sigma = valueSigma(before);
  return {
    beforeCount: n,
    afterCount: m,
    beforeMedian: medianOf(Float64Array.from(before), n),
    afterMedian: medianOf(Float64Array.from(after), m),
    shift,
    shiftLow: differences[lowRank]!,
    shiftHigh: differences[differences.length - 1 - lowRank]!,
    effectSize: sigma > 0 ? shift / sigma : shift === 0 ? 0 : shift * Infinity,
    pValue: Math.min(1, Math.max(0, pValue)),
  };
}

function finite(values: Float64Array): Float64Array {
  return values.filter((v) => Number.isFinite(v));
}

/** Mann-Whitney U of after against before as a normal z, ties corrected. */
function mannWhitneyZ(before: Float64Array, after: Float64Array): { z: number } {
  const n = before.length;
  const m = after.length;
  const all = new Float64Array(n + m);
  all.set(before);
  all.set(after, n);
  const order = Array.from({ length: n + m }, (_, i) => i).sort((a, b) => all[a]! - all[b]!);
  let afterRankSum = 0;
  let tieTerm = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && all[order[j + 1]!] === all[order[i]!]) j++;
    const rank = (i + j) / 2 + 1;
    for (let t = i; t <= j; t++) if (order[t]! >= n) afterRankSum += rank;
    const ties = j - i + 1;
    tieTerm += ties ** 3 - ties;
    i = j + 1;
  }
  const u = afterRankSum - (m * (m + 1)) / 2;
  const total = n + m;
  const variance = ((n * m) / 12) * (total + 1 - tieTerm / (total * (total - 1)));
  return { z: variance > 0 ? (u - (n * m) / 2) / Math.sqrt(variance) : 0 };
}

/** (1+φ)/(1−φ) for the pooled lag-1 autocorrelation φ of both windows (each around its median), at least 1. */
function autocorrelationInflation(before: Float64Array, after: Float64Array): number {
  let lag0 = 0;
  let lag1 = 0;
  for (const window of [before, after]) {
    const centre = medianOf(Float64Array.from(window), window.length);
    for (let i = 0; i < window.length; i++) {
      const d = window[i]! - centre;
      lag0 += d * d;
      if (i > 0) lag1 += d * (window[i - 1]! - centre);
    }
  }
  const phi = lag0 > 0 ? Math.max(0, lag1 / lag0) : 0;
  return Math.min(1 / MIN_EFFECTIVE_SHARE, (1 + phi) / Math.max(1e-9, 1 - phi));
}
