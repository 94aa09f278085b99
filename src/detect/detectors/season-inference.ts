import { DAY_MS, HOUR_MS, WEEK_MS } from '../../model/index.js';

/** Calendar periods an operational metric commonly repeats over, shortest first. */
export const CANDIDATE_PERIODS_MS: readonly number[] = [HOUR_MS, DAY_MS, WEEK_MS];
/** Fewest points per period for a seasonal profile to mean anything. */
const MIN_LAG_POINTS = 4;
/** Fewest pairs one period apart that a period is judged on. */
const MIN_PAIRS = 32;
/** A longer period must beat a shorter one by this much strength (a daily pattern also repeats weekly). */
const LONGER_PERIOD_MARGIN = 0.1;
/** Offsets, as fractions of the period, whose differences stand for "the same series, out of phase". */
const OUT_OF_PHASE_FRACTIONS: readonly number[] = [0.25, 0.5, 0.75];

/** Median spacing of increasing timestamps (0 when fewer than two). Allocates: warm-up only. */
export function medianIntervalMs(timestampsMs: Float64Array, count: number): number {
  if (count < 2) return 0;
  const gaps = new Float64Array(count - 1);
  for (let i = 1; i < count; i++) gaps[i - 1] = timestampsMs[i]! - timestampsMs[i - 1]!;
  gaps.sort();
  return gaps[(gaps.length - 1) >> 1]!;
}

/** The lag, in points, of a period at a spacing; 0 when it cannot be judged from `count` points. */
export function lagPoints(periodMs: number, intervalMs: number, count: number): number {
  if (!(intervalMs > 0)) return 0;
  const lag = Math.round(periodMs / intervalMs);
  // Half a period compared with the period before it, and never fewer than MIN_PAIRS pairs.
  return lag >= MIN_LAG_POINTS && count >= lag + Math.max(lag / 2, MIN_PAIRS) ? lag : 0;
}

/** Variance of the differences of values `lag` points apart (a trend only shifts their mean). */
function differenceVariance(values: Float64Array, count: number, lag: number): number {
  let sum = 0;
  let sumSquares = 0;
  for (let i = lag; i < count; i++) {
    const d = values[i]! - values[i - lag]!;
    sum += d;
    sumSquares += d * d;
  }
  const n = count - lag;
  const mean = sum / n;
  return Math.max(0, sumSquares / n - mean * mean);
}

/**
 * How much more alike values one period apart are than values out of phase: 1 − (variance of the
 * differences at the lag) / (mean variance of the differences at a quarter, half and three quarters of
 * it). Near 1 for a strong repeating pattern, near 0 for noise, negative for a random walk or a trend
 * (whose differences grow with the lag); NaN when undefined.
 */
export function seasonalStrength(values: Float64Array, count: number, lag: number): number {
  let outOfPhase = 0;
  for (const fraction of OUT_OF_PHASE_FRACTIONS) outOfPhase += differenceVariance(values, count, Math.max(1, Math.round(lag * fraction)));
  outOfPhase /= OUT_OF_PHASE_FRACTIONS.length;
  if (!(outOfPhase > 0) || !Number.isFinite(outOfPhase)) return NaN;
  return 1 - differenceVariance(values, count, lag) / outOfPhase;
}

/**
 * The candidate period whose seasonal strength reaches `minStrength` and is the highest (a longer
 * period must beat a shorter one by a margin); 0 when none does. Allocates: meant for the end of a
 * warm-up.
 */
export function inferPeriodMs(
  timestampsMs: Float64Array,
  values: Float64Array,
  count: number,
  minStrength: number,
  candidatesMs: readonly number[] = CANDIDATE_PERIODS_MS,
): number {
  const intervalMs = medianIntervalMs(timestampsMs, count);
  let best = 0;
  let bestStrength = -Infinity;
  for (const periodMs of candidatesMs) {
    const lag = lagPoints(periodMs, intervalMs, count);
    if (lag === 0) continue;
    const strength = seasonalStrength(values, count, lag);
    if (!(strength >= minStrength)) continue;
    if (best === 0 || strength > bestStrength + LONGER_PERIOD_MARGIN) {
      best = periodMs;
      bestStrength = strength;
    }
  }
  return best;
}

/** The values less their least-squares line: what is left for a seasonal profile to explain. */
export function detrendLinear(values: Float64Array, count: number): Float64Array {
  const out = new Float64Array(count);
  if (count === 0) return out;
  let meanIndex = 0;
  let meanValue = 0;
  for (let i = 0; i < count; i++) {
    meanIndex += i;
    meanValue += values[i]!;
  }
  meanIndex /= count;
  meanValue /= count;
  let covariance = 0;
  let variance = 0;
  for (let i = 0; i < count; i++) {
    covariance += (i - meanIndex) * (values[i]! - meanValue);
    variance += (i - meanIndex) * (i - meanIndex);
  }
  const slope = variance > 0 ? covariance / variance : 0;
  for (let i = 0; i < count; i++) out[i] = values[i]! - meanValue - slope * (i - meanIndex);
  return out;
}
