import { OtlpDecodeError } from './decode-error.js';

/** Protobuf wire types (https://protobuf.dev/programming-guides/encoding/). */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const TWO_POW_32 = 4_294_967_296;


/**
 * Reads the protobuf wire format from one buffer, field by field, without allocating: lengths become
 * end offsets, 64-bit integers land in `lo`/`hi`. Callers read a message as
 * `while (r.pos < end) { const tag = r.tag(); ... }` and skip the fields they do not know.
 */
export class ProtoReader {
  pos = 0;
  /** The low and high 32 bits of the last varint64() or fixed64(), unsigned. */
  lo = 0;
  hi = 0;
  private readonly view: DataView;
  /** The same bytes as a Buffer, whose toString(encoding, start, end) decodes a range without a new object. */
  private readonly bytes: Buffer;

  constructor(readonly buf: Uint8Array) {
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    this.bytes = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get length(): number {
    return this.buf.length;
  }

  /** The next field's tag: field number << 3 | wire type. */
  tag(): number {
    const tag = this.varint();
    if (tag >>> 3 === 0) this.fail(`field number 0 (tag ${tag})`);
    return tag;
  }

  /** A varint of up to 53 bits as a number (lengths, enums, uint32, bool); larger ones lose low bits. */
  varint(): number {
    const { buf } = this;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= buf.length) this.fail('a varint runs past the end');
      const byte = buf[this.pos++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
    return this.fail('a varint is longer than 10 bytes');
  }

  /** A full 64-bit varint into lo/hi (int64 values, negative ones being 10 bytes long). */
  varint64(): void {
    const { buf } = this;
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= buf.length) this.fail('a varint runs past the end');
      const bits = buf[this.pos++]! & 0x7f;
      if (i < 4) lo |= bits << (7 * i);
      else if (i === 4) {
        lo |= bits << 28;
        hi |= bits >>> 4;
      } else hi |= bits << (7 * i - 32);
      if (buf[this.pos - 1]! < 0x80) {
        this.lo = lo >>> 0;
        this.hi = hi >>> 0;
        return;
      }
    }
    this.fail('a varint is longer than 10 bytes');
  }

  /** A little-endian 64-bit value into lo/hi. */
  fixed64(): void {
    this.need(8);
    this.lo = this.view.getUint32(this.pos, true);
    this.hi = this.view.getUint32(this.pos + 4, true);
    this.pos += 8;
  }

  double(): number {
    this.need(8);
    const value = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return value;
  }

  /** A fixed64 (or, with signed, an sfixed64) as the nearest double. */
  fixed64Number(signed: boolean): number {
    this.fixed64();
    const hi = signed ? this.hi | 0 : this.hi;
    return hi * TWO_POW_32 + this.lo;
  }

  /** Reads a length prefix and returns where the bytes it announces end. */
  lengthEnd(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.buf.length) this.fail(`a length of ${length} bytes runs past the end`);
    return end;
  }

  /** Skips the value of a field of `wireType`, whose tag was just read. */
  skip(wireType: number): void {
    switch (wireType) {
      case WIRE_VARINT:
        this.varint();
        return;
      case WIRE_FIXED64:
        this.need(8);
        this.pos += 8;
        return;
      case WIRE_LEN:
        this.pos = this.lengthEnd();
        return;
      case WIRE_FIXED32:
        this.need(4);
        this.pos += 4;
        return;
      default:
        // Groups (3, 4) are proto2 only; OTLP never uses them.
        this.fail(`wire type ${wireType} is not supported`);
    }
  }

  /** UTF-8 text of buf[start, end). */
  text(start: number, end: number): string {
    return this.bytes.toString('utf8', start, end);
  }

  /** Fails unless a message that had to end at `end` did. */
  expectEnd(end: number, what: string): void {
    if (this.pos !== end) this.fail(`${what} overruns its length`);
  }

  fail(cause: string): never {
    throw new OtlpDecodeError(`${cause} at byte ${this.pos}`);
  }

  private need(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.fail(`a ${bytes}-byte value runs past the end`);
  }
}

/** Whole milliseconds of an unsigned 64-bit nanosecond count given as its 32-bit halves, exactly. */
export function nanosToMs(lo: number, hi: number): number {
  // hi * 2^32 + lo, split as hi * 4294 * 1e6 + (hi * 967296 + lo): the right part stays below 2^53.
  const rest = hi * 967_296 + lo;
  return hi * 4_294 + (rest - (rest % 1_000_000)) / 1_000_000;
}

/** Decimal text of a signed 64-bit integer given as its 32-bit halves. */
export function int64Text(lo: number, hi: number): string {
  if (hi === 0) return String(lo);
  if (hi < 0x200000) return String(hi * TWO_POW_32 + lo);
  return BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo)).toString();
}
