import { RemoteWriteFormatError } from './format-error.js';

const LITERAL = 0;
const COPY_1 = 1;
const COPY_2 = 2;
/** A literal's length-1 fits in the tag up to 59; 60..63 say it follows in 1..4 bytes. */
const LONGEST_TAG_LITERAL = 60;
/** Below these many bytes a byte loop beats the call into Buffer#copy (literals) or copyWithin (copies). */
const SHORT_LITERAL_BYTES = 64;
const SHORT_COPY_BYTES = 16;
/** Copies from at least 8 bytes back and of at most this length go eight bytes at a time. */
const WORD_COPY_MIN_OFFSET = 8;
const WORD_COPY_MAX_BYTES = 64;
/** Room past the output for the last word copy's overshoot. */
const SLACK_BYTES = 8;
/** The output buffer is kept for the next body up to this size; larger ones are not held on to. */
const KEPT_BUFFER_BYTES = 4 * 1024 * 1024;
const SMALLEST_BUFFER_BYTES = 64 * 1024;
/** The stream identifier chunk that starts every framed-format stream ("sNaPpY"). */
const FRAMED_STREAM_ID = Buffer.from([0xff, 0x06, 0x00, 0x00, 0x73, 0x4e, 0x61, 0x50, 0x70, 0x59]);

/**
 * Decoder of Snappy's block format (not the framed format), as Prometheus remote write sends it:
 * the uncompressed length as a varint, then literals and back-references. It writes into one buffer
 * reused across calls, so the result is valid only until the next `decode`. Every length and offset
 * is checked: a bad or truncated stream throws RemoteWriteFormatError and never reads or writes out of
 * bounds.
 */
export class SnappyBlockDecoder {
  private buffer = Buffer.allocUnsafe(SMALLEST_BUFFER_BYTES);
  private bufferView = viewOf(this.buffer);
  /** View over the output of the decode in progress: `buffer`, or a larger one not kept. */
  private view = this.bufferView;

  /**
   * The uncompressed bytes of `src`, valid until the next call. Throws RemoteWriteFormatError
   * (`too_large`) before decoding when the stream declares more than `maxBytes`.
   */
  decode(src: Buffer, maxBytes: number): Buffer {
    if (src.length >= FRAMED_STREAM_ID.length && src.compare(FRAMED_STREAM_ID, 0, FRAMED_STREAM_ID.length, 0, FRAMED_STREAM_ID.length) === 0) {
      throw malformed("it is in snappy's framed format; remote write sends the block format");
    }
    let pos = 0;
    let length = 0;
    for (let shift = 0; ; shift += 7) {
      if (pos >= src.length) throw malformed(`the stream ends inside its length preamble (${src.length} bytes)`);
      if (shift > 28) throw malformed('its length preamble is longer than 5 bytes');
      const b = src[pos++]!;
      length += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) break;
    }
    if (length > 0xffffffff) throw malformed(`its length preamble ${length} exceeds 32 bits`);
    if (length > maxBytes) {
      throw new RemoteWriteFormatError('too_large', `cannot decompress snappy body: it declares ${length} bytes, more than the ${maxBytes} byte limit`);
    }
    const out = this.output(length);
    let outPos = 0;
    const end = src.length;
    while (pos < end) {
      const tag = src[pos++]!;
      const type = tag & 3;
      if (type === LITERAL) {
        let len = (tag >>> 2) + 1;
        if (len > LONGEST_TAG_LITERAL) {
          const extra = len - LONGEST_TAG_LITERAL;
          if (pos + extra > end) throw malformed(`a literal's length is cut off at byte ${pos}`);
          len = src[pos]!;
          if (extra > 1) len |= src[pos + 1]! << 8;
          if (extra > 2) len |= src[pos + 2]! << 16;
          if (extra > 3) len += src[pos + 3]! * 0x1000000;
          len += 1;
          pos += extra;
        }
        if (pos + len > end) throw malformed(`a literal of ${len} bytes at byte ${pos} runs past the end`);
        if (outPos + len > length) throw overrun(length);
        if (len < SHORT_LITERAL_BYTES) {
          for (let i = 0; i < len; i++) out[outPos + i] = src[pos + i]!;
        } else {
          src.copy(out, outPos, pos, pos + len);
        }
        pos += len;
        outPos += len;
        continue;
      }
      let len: number;
      let offset: number;
      if (type === COPY_1) {
        if (pos >= end) throw malformed(`a copy is cut off at byte ${pos}`);
        len = ((tag >>> 2) & 7) + 4;
        offset = ((tag >>> 5) << 8) | src[pos++]!;
      } else if (type === COPY_2) {
        if (pos + 2 > end) throw malformed(`a copy is cut off at byte ${pos}`);
        len = (tag >>> 2) + 1;
        offset = src[pos]! | (src[pos + 1]! << 8);
        pos += 2;
      } else {
        if (pos + 4 > end) throw malformed(`a copy is cut off at byte ${pos}`);
        len = (tag >>> 2) + 1;
        offset = (src[pos]! | (src[pos + 1]! << 8) | (src[pos + 2]! << 16)) + src[pos + 3]! * 0x1000000;
        pos += 4;
      }
      if (offset === 0 || offset > outPos) throw malformed(`a copy at byte ${pos} refers ${offset} bytes back from output byte ${outPos}`);
      if (outPos + len > length) throw overrun(length);
      const from = outPos - offset;
      if (offset >= WORD_COPY_MIN_OFFSET && len <= WORD_COPY_MAX_BYTES) {
        // Eight bytes at a time, as snappy's C++ does: every byte read is already final (offset >= 8),
        // and up to 7 bytes written past the copy fall on output not produced yet, or on the slack.
        const view = this.view;
        for (let o = outPos, stop = outPos + len; o < stop; o += 8) {
          view.setInt32(o, view.getInt32(o - offset, true), true);
          view.setInt32(o + 4, view.getInt32(o - offset + 4, true), true);
        }
      } else if (len < SHORT_COPY_BYTES || offset < len) {
        // Overlapping copies repeat the last `offset` bytes; a forward byte loop does exactly that.
        for (let i = 0; i < len; i++) out[outPos + i] = out[from + i]!;
      } else {
        out.copyWithin(outPos, from, from + len);
      }
      outPos += len;
    }
    if (outPos !== length) throw malformed(`it decodes to ${outPos} bytes but declares ${length}`);
    return out.subarray(0, length);
  }

  /** A buffer of at least length + SLACK_BYTES bytes, and `view` over it. */
  private output(length: number): Buffer {
    const needed = length + SLACK_BYTES;
    if (needed > KEPT_BUFFER_BYTES) {
      const once = Buffer.allocUnsafe(needed);
      this.view = viewOf(once);
      return once;
    }
    if (needed > this.buffer.length) {
      this.buffer = Buffer.allocUnsafe(Math.min(KEPT_BUFFER_BYTES, Math.max(needed, this.buffer.length * 2)));
      this.bufferView = viewOf(this.buffer);
    }
    this.view = this.bufferView;
    return this.buffer;
  }
}

function viewOf(buffer: Buffer): DataView {
  return new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
}

function malformed(cause: string): RemoteWriteFormatError {
  return new RemoteWriteFormatError('malformed', `cannot decompress snappy body: ${cause}`);
}

function overrun(length: number): RemoteWriteFormatError {
  return malformed(`it decodes to more than the ${length} bytes it declares`);
}
