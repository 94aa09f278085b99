import { medianOf } from '../../util/index.js';

/** MAD × 1.4826 estimates the standard deviation of normal data (as the mad-zscore detector uses it). */
const MAD_TO_SIGMA = 1.4826;
/** Mean absolute deviation × 1.2533 estimates it too; used when over half the window is one value (MAD 0). */
const MEAN_AD_TO_SIGMA = 1.2533;

/**
 * Median and robust spread (1.4826·MAD, or 1.2533·mean absolute deviation when the MAD is 0) of
 * values[0, n), using `scratch` (at least n long); reorders values. For n = 0 both are NaN.
 */
export function robustCentre(values: Float64Array, n: number, scratch: Float64Array): { median: number; sigma: number } {
  if (n === 0) return { median: NaN, sigma: NaN };
  const median = medianOf(values, n);
  let absSum = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(values[i]! - median);
    scratch[i] = d;
    absSum += d;
  }
  const mad = medianOf(scratch, n);
  return { median, sigma: mad > 0 ? MAD_TO_SIGMA * mad : (MEAN_AD_TO_SIGMA * absSum) / n };
}
