import { scoreFromZ } from '../score.js';

/** The score `scoreFromZ` gives at zHigh. */
const SCORE_AT_Z_HIGH = 0.999;

/**
 * `scoreFromZ`, except that beyond `zHigh` the score keeps rising towards 1 (as 1 − 0.001·zHigh/z)
 * instead of rounding to exactly 1 a few units further: one threshold over many series can then still
 * tell a 20-scale deviation from a 200-scale one, which is what a threshold sweep ranks by.
 */
export function rankedScoreFromZ(z: number, zLow: number, zHigh: number): number {
  if (!(z > zHigh)) return scoreFromZ(z, zLow, zHigh);
  return 1 - (1 - SCORE_AT_Z_HIGH) * (zHigh / z);
}
