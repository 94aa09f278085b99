import { copyInto } from './memcpy.js';

/**
 * Several Float32Arrays seen as one concatenation (the "fusion" of an allreduce's buffers), so that the ring runs one
 * pass over all of them. Ranges are in elements of the concatenation; copies go piece by piece (memcpy).
 */
export class FusedBuffers {
  readonly length: number;
  /** starts[i] is buffers[i]'s first element in the concatenation; starts[buffers.length] === length. */
  private readonly starts: number[];

  constructor(readonly buffers: readonly Float32Array[]) {
    this.starts = [0];
    let length = 0;
    for (const buffer of buffers) {
      length += buffer.length;
      this.starts.push(length);
    }
    this.length = length;
  }

  /** Copies the concatenation's [from, to) into target from targetOffset on. */
  copyTo(from: number, to: number, target: Float32Array, targetOffset: number): void {
    for (let i = this.firstBuffer(from); i < this.buffers.length && this.starts[i]! < to; i++) {
      const start = this.starts[i]!;
      const lo = Math.max(from, start) - start;
      const hi = Math.min(to, this.starts[i + 1]!) - start;
      if (hi > lo) copyInto(target, targetOffset + (start + lo - from), this.buffers[i]!.subarray(lo, hi));
    }
  }

  /** Copies source[sourceOffset, sourceOffset + to - from) into the concatenation's [from, to). */
  copyFrom(from: number, to: number, source: Float32Array, sourceOffset: number): void {
    for (let i = this.firstBuffer(from); i < this.buffers.length && this.starts[i]! < to; i++) {
      const start = this.starts[i]!;
      const lo = Math.max(from, start) - start;
      const hi = Math.min(to, this.starts[i + 1]!) - start;
      const at = sourceOffset + (start + lo - from);
      if (hi > lo) copyInto(this.buffers[i]!, lo, source.subarray(at, at + (hi - lo)));
    }
  }

  /**
   * Views of the concatenation's [from, to), each inside one buffer and at most maxElements long, in order. An empty
   * range gives one empty view, so that every range is one message or more on the wire.
   */
  views(from: number, to: number, maxElements: number): Float32Array[] {
    const views: Float32Array[] = [];
    for (let i = this.firstBuffer(from); i < this.buffers.length && this.starts[i]! < to; i++) {
      const start = this.starts[i]!;
      const hi = Math.min(to, this.starts[i + 1]!) - start;
      for (let lo = Math.max(from, start) - start; lo < hi; lo += maxElements) views.push(this.buffers[i]!.subarray(lo, Math.min(hi, lo + maxElements)));
    }
    if (views.length === 0) views.push(new Float32Array(0));
    return views;
  }

  private firstBuffer(from: number): number {
    let i = 0;
    while (i < this.buffers.length && this.starts[i + 1]! <= from) i++;
    return i;
  }
}

/**
 * Elements per ring chunk when `length` elements are split over `parts` ranks: equal chunks rounded up to 16 elements
 * (64 bytes, a cache line and four SIMD vectors), so every chunk but the last ones starts aligned. Chunk c is
 * [min(length, c·stride), min(length, (c + 1)·stride)); the last chunks may be shorter or empty.
 */
export function chunkStride(length: number, parts: number): number {
  return Math.ceil(Math.ceil(length / parts) / 16) * 16;
}

/** x mod n in [0, n) for any integer x (the ring's index arithmetic goes negative). */
export function ringIndex(x: number, n: number): number {
  return ((x % n) + n) % n;
}

export function requireFloat32Buffers(buffers: readonly Float32Array[], verb: string): void {
  if (!Array.isArray(buffers)) throw new TypeError(`cannot ${verb}: buffers must be an array of Float32Array`);
  for (let i = 0; i < buffers.length; i++) {
    if (!(buffers[i] instanceof Float32Array)) throw new TypeError(`cannot ${verb}: buffers[${i}] is not a Float32Array`);
  }
}

export function requireRoot(root: number, size: number, verb: string): void {
  if (!Number.isInteger(root) || root < 0 || root >= size) throw new RangeError(`cannot ${verb}: root must be a rank in [0, ${size}), got ${root}`);
}

export function requireReduceOp(op: string, verb: string): void {
  if (op !== 'sum' && op !== 'mean') throw new RangeError(`cannot ${verb}: op must be 'sum' or 'mean', got ${JSON.stringify(op)}`);
}
