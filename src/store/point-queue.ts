/**
 * Points waiting for a group commit, in growable columnar buffers. The buffers are kept and reused
 * after `clear()`, so once warmed up a queue allocates nothing per point.
 */
export class PointQueue {
  seriesIds: Uint32Array;
  timestampsMs: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(initialCapacity = 4096) {
    this.seriesIds = new Uint32Array(initialCapacity);
    this.timestampsMs = new Float64Array(initialCapacity);
    this.values = new Float64Array(initialCapacity);
  }

  /** Makes room for `count` more points, so that a caller may write them straight into the arrays. */
  reserve(count: number): void {
    if (this.length + count > this.values.length) this.grow(this.length + count);
  }

  push(seriesId: number, timestampMs: number, value: number): void {
    if (this.length === this.values.length) this.grow(this.length + 1);
    const i = this.length++;
    this.seriesIds[i] = seriesId;
    this.timestampsMs[i] = timestampMs;
    this.values[i] = value;
  }

  clear(): void {
    this.length = 0;
  }

  private grow(needed: number): void {
    let capacity = Math.max(16, this.values.length * 2);
    while (capacity < needed) capacity *= 2;
    const ids = new Uint32Array(capacity);
    ids.set(this.seriesIds);
    const ts = new Float64Array(capacity);
    ts.set(this.timestampsMs);
    const vs = new Float64Array(capacity);
    vs.set(this.values);
    this.seriesIds = ids;
    this.timestampsMs = ts;
    this.values = vs;
  }
}
