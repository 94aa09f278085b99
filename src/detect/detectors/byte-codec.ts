import { stateError } from '../state-data.js';

const TWO_POW_7 = 128;

/**
 * Packs the large parts of a detector state (trees, sample sets, value windows) into bytes that travel
 * as one base64 string: several times smaller in a JSON state file than arrays of numbers. Multi-byte
 * numbers are little-endian whatever the platform.
 */
export class ByteWriter {
  private bytes = new Uint8Array(256);
  private view = new DataView(this.bytes.buffer);
  private length = 0;

  u8(value: number): void {
    this.reserve(1);
    this.bytes[this.length++] = value;
  }

  /** An unsigned integer up to 2^53, 7 bits a byte (small numbers take one byte). */
  varint(value: number): void {
    let rest = value;
    while (rest >= TWO_POW_7) {
      this.u8((rest % TWO_POW_7) | TWO_POW_7);
      rest = Math.floor(rest / TWO_POW_7);
    }
    this.u8(rest);
  }

  f64(value: number): void {
    this.reserve(8);
    this.view.setFloat64(this.length, value, true);
    this.length += 8;
  }

  toBase64(): string {
    return Buffer.from(this.bytes.buffer, 0, this.length).toString('base64');
  }

  private reserve(count: number): void {
    if (this.length + count <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + count));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.view = new DataView(grown.buffer);
  }
}

/** Reads what a ByteWriter wrote; every misread names the detector and the state field. */
export class ByteReader {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  private offset = 0;

  constructor(
    encoded: unknown,
    private readonly detectorId: string,
    private readonly field: string,
  ) {
    if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(encoded)) throw stateError(detectorId, `${field} must be a base64 string`);
    const decoded = Buffer.from(encoded, 'base64');
    this.bytes = new Uint8Array(decoded.byteLength);
    this.bytes.set(decoded);
    this.view = new DataView(this.bytes.buffer);
  }

  get done(): boolean {
    return this.offset === this.bytes.length;
  }

  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }

  varint(): number {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = this.u8();
      value += (byte & 0x7f) * scale;
      if (byte < TWO_POW_7) return value;
      scale *= TWO_POW_7;
      if (scale > Number.MAX_SAFE_INTEGER) throw this.error('holds an integer beyond 2^53');
    }
  }

  f64(): number {
    this.need(8);
    const value = this.view.getFloat64(this.offset, true);
    this.offset += 8;
    return value;
  }

  /** An error naming the field, for checks made by the caller on what it read. */
  error(cause: string): Error {
    return stateError(this.detectorId, `${this.field} ${cause}`);
  }

  /** Fails unless every byte was read. */
  end(): void {
    if (!this.done) throw this.error(`has ${this.bytes.length - this.offset} unread bytes`);
  }

  private need(count: number): void {
    if (this.offset + count > this.bytes.length) throw this.error('is truncated');
  }
}
