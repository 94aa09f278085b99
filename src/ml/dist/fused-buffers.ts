import { WIRE_FORMATS, type WireFormat } from './collective.js';
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

  /**
   * Like views, with where each view lies: `buffer` is the index of the buffer it is in (-1 for the one empty piece of
   * an empty range) and `at` its first element in the concatenation. maxElementsOf gives each buffer's longest piece.
   */
  pieces(from: number, to: number, maxElementsOf: (buffer: number) => number): FusedPiece[] {
    const pieces: FusedPiece[] = [];
    for (let i = this.firstBuffer(from); i < this.buffers.length && this.starts[i]! < to; i++) {
      const start = this.starts[i]!;
      const hi = Math.min(to, this.starts[i + 1]!) - start;
      const maxElements = maxElementsOf(i);
      for (let lo = Math.max(from, start) - start; lo < hi; lo += maxElements) pieces.push({ view: this.buffers[i]!.subarray(lo, Math.min(hi, lo + maxElements)), buffer: i, at: start + lo });
    }
    if (pieces.length === 0) pieces.push({ view: new Float32Array(0), buffer: -1, at: from });
    return pieces;
  }

  /** Runs of the concatenation, [from, to) in order, covering the buffers for which `selected` is true; consecutive ones merged. */
  runs(selected: (buffer: number) => boolean): [number, number][] {
    const runs: [number, number][] = [];
    this.buffers.forEach((buffer, i) => {
      if (!selected(i) || buffer.length === 0) return;
      const last = runs.at(-1);
      if (last !== undefined && last[1] === this.starts[i]) last[1] = this.starts[i + 1]!;
      else runs.push([this.starts[i]!, this.starts[i + 1]!]);
    });
    return runs;
  }

  private firstBuffer(from: number): number {
    let i = 0;
    while (i < this.buffers.length && this.starts[i + 1]! <= from) i++;
    return i;
  }
}

/** One piece of FusedBuffers.pieces. */
export interface FusedPiece {
  readonly view: Float32Array;
  readonly buffer: number;
  readonly at: number;
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

/**
 * Checks an allreduce's wire option and says, per buffer, whether it travels as half floats; null when none does (the
 * plain float32 ring, with no per-buffer work).
 */
export function halfBuffers(wire: WireFormat | readonly WireFormat[] | undefined, buffers: number, verb: string): boolean[] | null {
  if (wire === undefined || wire === 'float32') return null;
  if (wire === 'float16') return buffers === 0 ? null : new Array<boolean>(buffers).fill(true);
  if (!Array.isArray(wire)) throw new RangeError(`cannot ${verb}: wire must be ${WIRE_FORMATS.map((w) => `'${w}'`).join(' or ')}, or one of them per buffer, got ${JSON.stringify(wire)}`);
  if (wire.length !== buffers) throw new RangeError(`cannot ${verb}: wire lists ${wire.length} formats for ${buffers} buffers`);
  const half = wire.map((format, i) => {
    if (!(WIRE_FORMATS as readonly unknown[]).includes(format)) throw new RangeError(`cannot ${verb}: wire[${i}] must be ${WIRE_FORMATS.map((w) => `'${w}'`).join(' or ')}, got ${JSON.stringify(format)}`);
    return format === 'float16';
  });
  return half.includes(true) ? half : null;
}

export function requireRoot(root: number, size: number, verb: string): void {
  if (!Number.isInteger(root) || root < 0 || root >= size) throw new RangeError(`cannot ${verb}: root must be a rank in [0, ${size}), got ${root}`);
}

export function requireReduceOp(op: string, verb: string): void {
  if (op !== 'sum' && op !== 'mean') throw new RangeError(`cannot ${verb}: op must be 'sum' or 'mean', got ${JSON.stringify(op)}`);
}
