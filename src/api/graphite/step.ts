/**
 * Steps a fetch may use, in seconds: the usual collection intervals, so that a series collected every
 * 10 s reads at 10 s, one every 15 s at 15 s, and coarser steps stay round.
 */
const STEP_LADDER_SEC = [1, 2, 5, 10, 15, 20, 30, 60, 120, 180, 300, 600, 900, 1200, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 604_800];
const DAY_SEC = 86_400;
/** A series sampled at 60.5 s still reads at 60 s; one at 11 s reads at 15 s (so every bucket holds a point). */
const SPACING_TOLERANCE = 0.95;

/** The smallest ladder step of at least `sec` (whole days beyond a week). */
export function ladderStepSec(sec: number): number {
  for (const step of STEP_LADDER_SEC) if (step >= sec) return step;
  return Math.ceil(sec / DAY_SEC) * DAY_SEC;
}

/** The step for points spaced `spacingSec` apart: the ladder step that holds about one point each. */
export function stepForSpacingSec(spacingSec: number): number {
  return ladderStepSec(spacingSec * SPACING_TOLERANCE);
}

/**
 * Typical spacing of a series' points from the start times of the non-empty buckets of a fine query:
 * the median gap between consecutive buckets, or `bucketSec` when buckets hold several points each (the
 * gap is then the bucket). Null with fewer than two buckets. The median ignores gaps in the data.
 */
export function medianSpacingSec(bucketStartsMs: Float64Array, bucketSec: number): number | null {
  const n = bucketStartsMs.length;
  if (n < 2) return null;
  const gaps = new Float64Array(n - 1);
  for (let i = 1; i < n; i++) gaps[i - 1] = (bucketStartsMs[i]! - bucketStartsMs[i - 1]!) / 1000;
  gaps.sort();
  const mid = gaps.length >> 1;
  const median = gaps.length % 2 === 1 ? gaps[mid]! : (gaps[mid - 1]! + gaps[mid]!) / 2;
  return Math.max(bucketSec, median);
}

/** The most frequent value (the smallest on a tie), or null for none. */
export function mostCommon(values: readonly number[]): number | null {
  const counts = new Map<number, number>();
  let best: number | null = null;
  let bestCount = 0;
  for (const v of values) {
    const c = (counts.get(v) ?? 0) + 1;
    counts.set(v, c);
    if (c > bestCount || (c === bestCount && best !== null && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}
