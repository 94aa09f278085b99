/** Largest lag-1 autocorrelation believed: beyond it the variance correction would explode. */
export const MAX_AUTOCORRELATION = 0.9;

/**
 * Long-run variance of residuals under an AR(1) model: γ0·(1+φ)/(1−φ), φ the lag-1 autocorrelation
 * clamped to [0, MAX_AUTOCORRELATION]. Test statistics divided by it stay calibrated when noise is
 * autocorrelated (wandering series), where the plain variance would make every wiggle significant.
 */
export function ar1LongRunVariance(residuals: Float64Array): number {
  const n = residuals.length;
  let lag0 = 0;
  let lag1 = 0;
  for (let i = 0; i < n; i++) {
    lag0 += residuals[i]! * residuals[i]!;
    if (i > 0) lag1 += residuals[i]! * residuals[i - 1]!;
  }
  if (!(lag0 > 0)) return 0;
  const phi = Math.min(Math.max(lag1 / lag0, 0), MAX_AUTOCORRELATION);
  return ((lag0 / n) * (1 + phi)) / (1 - phi);
}
