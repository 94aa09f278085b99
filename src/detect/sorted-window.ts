/**
 * The last `capacity` values in arrival order (a ring buffer) plus the same values kept sorted, so the
 * median is O(1) and the MAD O(log capacity) without sorting per point. The evicted value is found by
 * binary search and the new one slides into place; nothing is allocated after construction.
 */
export class SortedWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private head = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new Error(`cannot create window: capacity must be a positive integer, got ${capacity}`);
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Appends a finite value, evicting the oldest when full. */
  push(value: number): void {
    if (this.count === this.capacity) {
      this.replaceSorted(this.ring[this.head]!, value);
      this.ring[this.head] = value;
      this.head = (this.head + 1) % this.capacity;
    } else {
      this.ring[(this.head + this.count) % this.capacity] = value;
      this.insertSorted(value, this.count);
      this.count++;
    }
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** Median of the window; NaN when empty. */
  median(): number {
    const n = this.count;
    if (n === 0) return NaN;
    const mid = n >> 1;
    return n % 2 === 1 ? this.sorted[mid]! : (this.sorted[mid - 1]! + this.sorted[mid]!) / 2;
  }

  /**
   * Median absolute deviation around `center` (the window's median). Deviations below the median grow
   * walking down the sorted copy and those above grow walking up, so the MAD is a middle element of
   * the union of two sorted runs: found by binary search in O(log n), not by sorting deviations.
   */
  medianAbsoluteDeviation(center: number): number {
    const n = this.count;
    if (n === 0) return NaN;
    const rankLow = (n - 1) >> 1;
    const rankHigh = n >> 1;
    const low = this.deviationAtRank(center, rankLow);
    return rankHigh === rankLow ? low : (low + this.deviationAtRank(center, rankHigh)) / 2;
  }

  /** Mean absolute deviation around `center`; O(n), for the rare case where the MAD is 0. */
  meanAbsoluteDeviation(center: number): number {
    const n = this.count;
    if (n === 0) return NaN;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.abs(this.sorted[i]! - center);
    return sum / n;
  }

  /** The values oldest first, as plain numbers (for snapshots). */
  toArray(): number[] {
    const out = new Array<number>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.ring[(this.head + i) % this.capacity]!;
    return out;
  }

  /**
   * The `rank`-th smallest (0-based) |x - center| in the window. Run A is center - s[lo - i] (values at
   * or below the median, ascending), run B is s[lo + 1 + j] - center; take i items of A and rank + 1 - i
   * of B such that the two prefixes interleave, by binary search on i.
   */
  private deviationAtRank(center: number, rank: number): number {
    const s = this.sorted;
    const lo = (this.count - 1) >> 1;
    const a = lo + 1;
    const b = this.count - a;
    const take = rank + 1;
    let iMin = Math.max(0, take - b);
    let iMax = Math.min(take, a);
    for (;;) {
      const i = (iMin + iMax) >> 1;
      const j = take - i;
      // A[i] < B[j - 1]: too few from A.
      if (i < a && j > 0 && center - s[lo - i]! < s[lo + j]! - center) iMin = i + 1;
      // A[i - 1] > B[j]: too many from A.
      else if (i > 0 && j < b && center - s[lo - i + 1]! > s[lo + 1 + j]! - center) iMax = i - 1;
      else {
        const fromA = i > 0 ? center - s[lo - i + 1]! : -Infinity;
        const fromB = j > 0 ? s[lo + j]! - center : -Infinity;
        return fromA > fromB ? fromA : fromB;
      }
    }
  }

  private insertSorted(value: number, n: number): void {
    const s = this.sorted;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= value) lo = mid + 1;
      else hi = mid;
    }
    for (let k = n; k > lo; k--) s[k] = s[k - 1]!;
    s[lo] = value;
  }

  /** Replaces one occurrence of `old` by `value`, shifting only the items between the two positions. */
  private replaceSorted(old: number, value: number): void {
    const s = this.sorted;
    const n = this.count;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! < old) lo = mid + 1;
      else hi = mid;
    }
    let at = lo;
    if (value >= old) {
      while (at + 1 < n && s[at + 1]! < value) {
        s[at] = s[at + 1]!;
        at++;
      }
    } else {
      while (at > 0 && s[at - 1]! > value) {
        s[at] = s[at - 1]!;
        at--;
      }
    }
    s[at] = value;
  }
}
