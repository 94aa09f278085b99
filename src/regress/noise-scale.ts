import { medianOf } from '../util/index.js';

/** MAD × 1.4826 estimates a normal standard deviation. */
const MAD_TO_SIGMA = 1.4826;

/**
 * Robust standard deviation of the noise from first differences: 1.4826 × MAD(diff) / √2. Level
 * shifts and trends barely move it (a shift is one large difference among many), so it measures
 * the point-to-point noise. 0 for a constant series or fewer than 3 values.
 */
export function differenceSigma(values: Float64Array): number {
  const n = values.length;
  if (n < 3) return 0;
  const diffs = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) diffs[i - 1] = values[i]! - values[i - 1]!;
  const centre = medianOf(Float64Array.from(diffs), n - 1);
  for (let i = 0; i < n - 1; i++) diffs[i] = Math.abs(diffs[i]! - centre);
  return (MAD_TO_SIGMA * medianOf(diffs, n - 1)) / Math.SQRT2;
}

/** Mean absolute difference × 1.2533 / √2 estimates a normal standard deviation too. */
const MEAN_ABS_DIFF_TO_SIGMA = 1.2533 / Math.SQRT2;

/**
 * differenceSigma, or, when over half the differences are equal (MAD 0: counts that often repeat),
 * the mean absolute difference scaled the same way; 0 only when the values never change.
 */
export function noiseSigma(values: Float64Array): number {
  const sigma = differenceSigma(values);
  if (sigma > 0 || values.length < 2) return sigma;
  let sum = 0;
  for (let i = 1; i < values.length; i++) sum += Math.abs(values[i]! - values[i - 1]!);
  return (sum / (values.length - 1)) * MEAN_ABS_DIFF_TO_SIGMA;
}

/** Robust spread of the values themselves (1.4826 × MAD); 0 when over half are one value. */
export function valueSigma(values: Float64Array): number {
  const n = values.length;
  if (n === 0) return 0;
  const centre = medianOf(Float64Array.from(values), n);
  const deviations = new Float64Array(n);
  for (let i = 0; i < n; i++) deviations[i] = Math.abs(values[i]! - centre);
  return MAD_TO_SIGMA * medianOf(deviations, n);
}
