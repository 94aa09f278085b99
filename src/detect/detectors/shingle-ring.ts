import type { ByteReader, ByteWriter } from './byte-codec.js';

/**
 * The last `capacity` values of a stream, laid out so that every shingle (the `dims` consecutive values
 * ending at a slot) is contiguous: the value of slot s sits at index s + dims - 1, and the last
 * dims - 1 slots are mirrored in front of slot 0. The shingle ending at slot q is then
 * `values[q .. q + dims)`, so a point is just its slot and reading it needs no modulo.
 */
export class ShingleRing {
  readonly values: Float64Array;
  /** Values pushed so far; the next value has this stream index. */
  count = 0;
  private readonly mirrorFrom: number;

  constructor(
    readonly capacity: number,
    readonly dims: number,
  ) {
    if (!Number.isInteger(capacity) || !Number.isInteger(dims) || dims < 1 || capacity < dims) {
      throw new Error(`cannot create shingle ring: capacity (${capacity}) must be an integer >= dims (${dims}) >= 1`);
    }
    this.values = new Float64Array(capacity + dims - 1);
    this.mirrorFrom = capacity - (dims - 1);
  }

  /** Slot of a stream index still in the ring. */
  slotOf(streamIndex: number): number {
    return streamIndex % this.capacity;
  }

  /** Appends the value of stream index `count` and returns its slot. */
  push(value: number): number {
    const slot = this.count % this.capacity;
    this.values[slot + this.dims - 1] = value;
    if (slot >= this.mirrorFrom) this.values[slot - this.mirrorFrom] = value;
    this.count++;
    return slot;
  }

  /** Stream index of a slot's current value (the slot must have been written). */
  indexOf(slot: number): number {
    const newest = this.count - 1;
    return newest - ((newest - slot + this.capacity) % this.capacity);
  }

  /**
   * Writes the stream length and the values whose slots are marked in `needed`, oldest first, each after
   * its distance from the previous one written. A snapshot needs only the values its points still use.
   */
  encode(writer: ByteWriter, needed: Uint8Array): void {
    writer.varint(this.count);
    let previous = this.count - Math.min(this.count, this.capacity) - 1;
    for (let i = previous + 1; i < this.count; i++) {
      const slot = i % this.capacity;
      if (needed[slot] === 0) continue;
      writer.varint(i - previous);
      writer.f64(this.values[slot + this.dims - 1]!);
      previous = i;
    }
  }

  /** Reads what `encode` wrote for a ring of this capacity; values not written read 0 and are never used. */
  decode(reader: ByteReader): void {
    const count = reader.varint();
    this.values.fill(0);
    let index = count - Math.min(count, this.capacity) - 1;
    while (!reader.done) {
      const gap = reader.varint();
      if (gap < 1) throw reader.error('holds a value out of order');
      index += gap;
      const value = reader.f64();
      if (index >= count) throw reader.error(`holds a value for stream index ${index}, beyond the stream's ${count}`);
      if (!Number.isFinite(value)) throw reader.error(`holds a value that is not finite: ${value}`);
      this.count = index;
      this.push(value);
    }
    this.count = count;
  }
}
