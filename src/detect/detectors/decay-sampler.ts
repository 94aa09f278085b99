import { hashUniform } from './hash-uniform.js';

/** What `offer` did with a point. */
export const REJECTED = -2;
export const ADDED = -1;

/** Counter of the random draw that keys a point (tree insertions use counters from 0 up). */
const KEY_COUNTER = 0xffffffff;

/**
 * Time-decayed reservoir sample of stream indices: point s gets the key -decay·s + log(-log u), u uniform,
 * and the sample keeps the `capacity` smallest keys. That is weighted sampling without replacement with
 * weight e^(decay·s), so a point's chance to stay falls by e every 1/decay points and the sample follows
 * the stream. The draw u is a pure function of (seed, s), so a sample is fully described by its set of
 * indices: a snapshot stores only those. Keys tie-break on the index, so behaviour never depends on the
 * heap's layout.
 */
export class DecaySampler {
  /** Max-heap by key: the root is the first to go. */
  private readonly keys: Float64Array;
  private readonly indices: Float64Array;
  private count = 0;

  constructor(
    readonly capacity: number,
    private readonly seed: number,
    private readonly decay: number,
  ) {
    this.keys = new Float64Array(capacity);
    this.indices = new Float64Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  get sizeBytes(): number {
    return this.keys.byteLength + this.indices.byteLength;
  }

  /** Index held at heap position `position` (0 <= position < size), for listing the sample. */
  indexAt(position: number): number {
    return this.indices[position]!;
  }

  /** Offers stream index `s`: REJECTED, ADDED (nothing evicted), or the evicted index. */
  offer(s: number): number {
    const key = this.keyOf(s);
    if (this.count < this.capacity) {
      this.keys[this.count] = key;
      this.indices[this.count] = s;
      this.siftUp(this.count++);
      return ADDED;
    }
    if (!this.before(key, s, this.keys[0]!, this.indices[0]!)) return REJECTED;
    const evicted = this.indices[0]!;
    this.keys[0] = key;
    this.indices[0] = s;
    this.siftDown(0);
    return evicted;
  }

  /** Removes stream index `s` when held (a linear scan: only points leaving the value window come here). */
  remove(s: number): boolean {
    for (let i = 0; i < this.count; i++) {
      if (this.indices[i] !== s) continue;
      const last = --this.count;
      if (i !== last) {
        this.keys[i] = this.keys[last]!;
        this.indices[i] = this.indices[last]!;
        this.siftDown(i);
        this.siftUp(i);
      }
      return true;
    }
    return false;
  }

  clear(): void {
    this.count = 0;
  }

  private keyOf(s: number): number {
    return -this.decay * s + Math.log(-Math.log(hashUniform(this.seed, s, KEY_COUNTER)));
  }

  /** Whether (key a, index sa) stays in preference to (key b, index sb). */
  private before(a: number, sa: number, b: number, sb: number): boolean {
    return a < b || (a === b && sa > sb);
  }

  private siftUp(position: number): void {
    const keys = this.keys;
    const indices = this.indices;
    let i = position;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(keys[parent]!, indices[parent]!, keys[i]!, indices[i]!)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private siftDown(position: number): void {
    const keys = this.keys;
    const indices = this.indices;
    let i = position;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.count) break;
      let worst = left;
      const right = left + 1;
      if (right < this.count && this.before(keys[left]!, indices[left]!, keys[right]!, indices[right]!)) worst = right;
      if (!this.before(keys[i]!, indices[i]!, keys[worst]!, indices[worst]!)) break;
      this.swap(i, worst);
      i = worst;
    }
  }

  private swap(i: number, j: number): void {
    const key = this.keys[i]!;
    const index = this.indices[i]!;
    this.keys[i] = this.keys[j]!;
    this.indices[i] = this.indices[j]!;
    this.keys[j] = key;
    this.indices[j] = index;
  }
}
