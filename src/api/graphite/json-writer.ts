const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const MINUS = 0x2d;
const ZERO = 0x30;
/** Room kept for one number or punctuation before writing it. */
const NUMBER_ROOM = 32;

/**
 * Writes JSON text into a growing byte buffer: a response of a million points costs no object or
 * string per point, except the decimal form of non-integer values.
 */
export class JsonWriter {
  private buffer: Buffer;
  private length = 0;

  constructor(initialBytes = 64 * 1024) {
    this.buffer = Buffer.allocUnsafe(initialBytes);
  }

  /** Text written as is (UTF-8); the caller makes it valid JSON. */
  raw(text: string): this {
    this.reserve(Buffer.byteLength(text));
    this.length += this.buffer.write(text, this.length, 'utf8');
    return this;
  }

  /** A value as graphite-web writes it: null for none (NaN), 1e9999 for infinity. */
  value(v: number): this {
    this.reserve(NUMBER_ROOM);
    if (v !== v) return this.raw('null');
    if (v === Infinity) return this.raw('1e9999');
    if (v === -Infinity) return this.raw('-1e9999');
    if (Number.isSafeInteger(v)) return this.integer(v);
    this.length += this.buffer.write(String(v), this.length, 'latin1');
    return this;
  }

  /** A `[value,timestamp]` point, preceded by a comma unless it is the first. */
  point(v: number, timestampSec: number, first: boolean): this {
    this.reserve(2 * NUMBER_ROOM);
    if (!first) this.buffer[this.length++] = COMMA;
    this.buffer[this.length++] = OPEN_BRACKET;
    this.value(v);
    this.buffer[this.length++] = COMMA;
    this.integer(timestampSec);
    this.buffer[this.length++] = CLOSE_BRACKET;
    return this;
  }

  /** The bytes written (a view of the buffer; do not write after taking it). */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.length);
  }

  private integer(x: number): this {
    this.reserve(NUMBER_ROOM);
    let n = x;
    if (n < 0) {
      this.buffer[this.length++] = MINUS;
      n = -n;
    }
    let digits = 1;
    for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) digits++;
    let at = this.length + digits - 1;
    for (let i = 0; i < digits; i++, n = Math.floor(n / 10)) this.buffer[at--] = ZERO + (n % 10);
    this.length += digits;
    return this;
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.length + bytes));
    this.buffer.copy(grown, 0, 0, this.length);
    this.buffer = grown;
  }
}
