const LN_1000 = Math.log(1000);

/**
 * Maps a robust z (deviation over scale) to an anomaly score in [0, 1]: exactly 0 up to `zLow`, then
 * rising smoothly (a half-Gaussian ramp) to 0.999 at `zHigh` and towards 1 beyond. A smooth ramp
 * rather than a step keeps scores comparable across thresholds, as NAB scoring expects.
 */
export function scoreFromZ(z: number, zLow: number, zHigh: number): number {
  if (!(z > zLow)) return 0;
  const u = (z - zLow) / (zHigh - zLow);
  return 1 - Math.exp(-LN_1000 * u * u);
}
