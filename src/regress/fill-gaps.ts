/**
 * A copy of `values` with every NaN replaced by linear interpolation between the nearest known
 * values (the nearest known value at either end; zeros when none is known), so that segmentation
 * sees a gap as "no news" rather than as a jump.
 */
export function fillGaps(values: Float64Array): Float64Array {
  const out = Float64Array.from(values);
  const n = out.length;
  let previous = -1;
  for (let i = 0; i <= n; i++) {
    if (i < n && Number.isNaN(out[i]!)) continue;
    const gapStart = previous + 1;
    if (gapStart < i) {
      const left = previous >= 0 ? out[previous]! : i < n ? out[i]! : 0;
      const right = i < n ? out[i]! : left;
      const span = i - previous;
      for (let j = gapStart; j < i; j++) out[j] = previous >= 0 && i < n ? left + ((right - left) * (j - previous)) / span : previous >= 0 ? left : right;
    }
    previous = i;
  }
  return out;
}
