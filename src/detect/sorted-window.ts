/**
 * The last `capacity` values in arrival order (a ring buffer) plus the same values kept sorted, so the
 * median is O(1) and the MAD O(capacity / 2) without sorting per point. Insert and remove use binary
 * search and a memmove (`copyWithin`); nothing is allocated after construction.
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
      this.removeSorted(this.ring[this.head]!, this.count);
      this.ring[this.head] = value;
      this.head = (this.head + 1) % this.capacity;
      this.insertSorted(value, this.count - 1);
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
   * Median absolute deviation around `center` (the window's median). Deviations below and above the
   * median each grow monotonically away from it in the sorted copy, so merging the two runs outward
   * yields them in ascending order; we stop at the middle one.
   */
  medianAbsoluteDeviation(center: number): number {
    const n = this.count;
    if (n === 0) return NaN;
    const s = this.sorted;
    const rankLow = (n - 1) >> 1;
    const rankHigh = n >> 1;
    let left = rankLow;
    let right = rankLow + 1;
    let atRankLow = 0;
    for (let rank = 0; ; rank++) {
      const dl = left >= 0 ? center - s[left]! : Infinity;
      const dr = right < n ? s[right]! - center : Infinity;
      let d: number;
      if (dl <= dr) {
        d = dl;
        left--;
      } else {
        d = dr;
        right++;
      }
      if (rank === rankLow) atRankLow = d;
      if (rank === rankHigh) return (atRankLow + d) / 2;
    }
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

  private insertSorted(value: number, n: number): void {
    const s = this.sorted;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! <= value) lo = mid + 1;
      else hi = mid;
    }
    s.copyWithin(lo + 1, lo, n);
    s[lo] = value;
  }

  private removeSorted(value: number, n: number): void {
    const s = this.sorted;
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (s[mid]! < value) lo = mid + 1;
      else hi = mid;
    }
    s.copyWithin(lo, lo + 1, n);
  }
}
