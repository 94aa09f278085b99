import { differenceSigma } from './noise-scale.js';

/** A point this many noise scales away from both neighbours, which agree with each other, is a spike. */
export const SPIKE_SCALES = 6;

/**
 * A copy of `values` (no NaN) with isolated one-point spikes replaced by the mean of their two
 * neighbours. A spike is a point far from both neighbours on the same side while the neighbours
 * agree: that is an outlier, not a change of regime, and must not become a change point. A real
 * shift moves every point after it, so it never matches.
 */
export function removeSpikes(values: Float64Array, scales = SPIKE_SCALES): Float64Array {
  const out = Float64Array.from(values);
  const sigma = differenceSigma(values);
  if (!(sigma > 0)) return out;
  const far = scales * sigma;
  for (let i = 1; i + 1 < out.length; i++) {
    const left = out[i - 1]!;
    const right = values[i + 1]!;
    const fromLeft = values[i]! - left;
    const fromRight = values[i]! - right;
    const sameSide = Math.sign(fromLeft) === Math.sign(fromRight);
    if (sameSide && Math.abs(fromLeft) > far && Math.abs(fromRight) > far && Math.abs(left - right) < far / 2) out[i] = (left + right) / 2;
  }
  return out;
}
