import type { KeyedPointsBuilder, Rejection } from '../../model/index.js';
import type { PickleFrameDecoder } from './unpickle.js';

const HEADER_BYTES = 4;
/** A split frame's buffer is kept for the next one up to this size; a larger one is let go once used. */
const KEPT_PARTIAL_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

/** Frames of one listener, over all its connections: counters for self-metrics. */
export interface PickleFrameCounts {
  /** Frames unpickled (their items kept or rejected one by one). */
  decoded: number;
  /** Frames rejected whole: not unpickleable, over the size limit, or cut short by the sender closing. */
  rejected: number;
}

/**
 * Splits one connection's bytes into Graphite pickle frames, a 4-byte big-endian length and then that
 * many bytes of pickle, as Twisted's Int32StringReceiver (carbon) writes them. Chunks may cut a frame,
 * or its header, anywhere: a frame that lies whole in a chunk is decoded in place, a cut one is gathered
 * first. Frames are numbered from 1 per connection. A length over the limit means the stream can no
 * longer be trusted to be in step: it is rejected and push() returns false, and the caller closes the
 * connection.
 */
export class PickleFrameStream {
  private readonly header = Buffer.alloc(HEADER_BYTES);
  private headerLength = 0;
  /** Length of the frame being gathered, or -1 while reading a header. */
  private frameLength = -1;
  private partial: Buffer = EMPTY;
  private partialLength = 0;
  private frameNumber = 0;
  private lost = false;

  constructor(
    private readonly maxFrameBytes: number,
    private readonly decoder: PickleFrameDecoder,
    private readonly counts: PickleFrameCounts,
  ) {}

  /** Decodes every frame `chunk` completes into `out`; false once the framing is lost (nothing more is read). */
  push(chunk: Buffer, out: KeyedPointsBuilder, rejections: Rejection[]): boolean {
    let i = 0;
    while (!this.lost && i < chunk.length) {
      if (this.frameLength < 0) {
        i = this.readHeader(chunk, i, rejections);
        continue;
      }
      const wanted = this.frameLength - this.partialLength;
      const available = chunk.length - i;
      if (this.partialLength === 0 && available >= this.frameLength) {
        const end = i + this.frameLength;
        this.decode(chunk, i, end, out, rejections);
        i = end;
        continue;
      }
      if (this.partial.length < this.frameLength) this.partial = Buffer.allocUnsafe(this.frameLength);
      const taken = Math.min(wanted, available);
      chunk.copy(this.partial, this.partialLength, i, i + taken);
      this.partialLength += taken;
      i += taken;
      if (this.partialLength === this.frameLength) {
        this.decode(this.partial, 0, this.frameLength, out, rejections);
        if (this.partial.length > KEPT_PARTIAL_BYTES) this.partial = EMPTY;
      }
    }
    return !this.lost;
  }

  /** The sender closed its side: a frame it left unfinished is rejected. */
  end(rejections: Rejection[]): void {
    if (this.lost || (this.frameLength < 0 && this.headerLength === 0)) return;
    const number = this.frameLength < 0 ? this.frameNumber + 1 : this.frameNumber;
    const cause =
      this.frameLength < 0
        ? `the connection closed after ${this.headerLength} of its ${HEADER_BYTES} length bytes`
        : `the connection closed after ${this.partialLength} of its ${this.frameLength} bytes`;
    this.counts.rejected++;
    rejections.push({ line: number, reason: 'malformed_line', message: `cannot read frame ${number}: ${cause}` });
    this.lost = true;
  }

  /** Reads (the rest of) a frame header from `chunk` at `i`; returns where the reading stopped. */
  private readHeader(chunk: Buffer, i: number, rejections: Rejection[]): number {
    let length: number;
    if (this.headerLength === 0 && chunk.length - i >= HEADER_BYTES) {
      length = chunk.readUInt32BE(i);
      i += HEADER_BYTES;
    } else {
      const taken = Math.min(HEADER_BYTES - this.headerLength, chunk.length - i);
      chunk.copy(this.header, this.headerLength, i, i + taken);
      this.headerLength += taken;
      i += taken;
      if (this.headerLength < HEADER_BYTES) return i;
      length = this.header.readUInt32BE(0);
      this.headerLength = 0;
    }
    this.frameNumber++;
    if (length > this.maxFrameBytes) {
      this.counts.rejected++;
      this.lost = true;
      rejections.push({
        line: this.frameNumber,
        reason: 'line_too_long',
        message: `cannot read frame ${this.frameNumber}: its length of ${length} bytes is over the limit of ${this.maxFrameBytes}; the connection is closed`,
      });
      return i;
    }
    this.frameLength = length;
    this.partialLength = 0;
    return i;
  }

  private decode(buf: Buffer, start: number, end: number, out: KeyedPointsBuilder, rejections: Rejection[]): void {
    this.frameLength = -1;
    this.partialLength = 0;
    if (this.decoder.decode(buf, start, end, this.frameNumber, out, rejections)) this.counts.decoded++;
    else this.counts.rejected++;
  }
}
