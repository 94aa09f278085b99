/**
 * Protocol 0 writes strings as text: STRING as a quoted Python 2 `repr` with backslash escapes, UNICODE
 * as raw-unicode-escape (Latin-1 bytes plus `\uXXXX` / `\UXXXXXXXX`). These decoders turn both into
 * UTF-8 bytes appended to a scratch buffer, so that a decoded path goes through the same byte-keyed
 * series cache as the binary forms.
 */

const BACKSLASH = 0x5c;
const SINGLE_QUOTE = 0x27;
const DOUBLE_QUOTE = 0x22;
const LF = 0x0a;
const LOWER_U = 0x75;
const UPPER_U = 0x55;
const LOWER_X = 0x78;
const MAX_CODE_POINT = 0x10ffff;
const REPLACEMENT_CHARACTER = 0xfffd;
const INITIAL_SCRATCH_BYTES = 4096;
/** Scratch kept from one frame to the next; beyond it (a frame of long protocol 0 strings) it is let go. */
const KEPT_SCRATCH_BYTES = 64 * 1024;

/** Single-character escapes of Python's bytes literals (`\n`, `\t`, ...), by the byte after the backslash. */
const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  0x5c: 0x5c,
  0x27: 0x27,
  0x22: 0x22,
  0x61: 0x07,
  0x62: 0x08,
  0x66: 0x0c,
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
  0x76: 0x0b,
};

/** Growable bytes, reused frame after frame. */
export class ScratchBytes {
  bytes = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);
  length = 0;

  reset(): void {
    this.length = 0;
    if (this.bytes.length > KEPT_SCRATCH_BYTES) this.bytes = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);
  }

  pushByte(byte: number): void {
    if (this.length === this.bytes.length) {
      const bigger = Buffer.allocUnsafe(this.bytes.length * 2);
      this.bytes.copy(bigger, 0, 0, this.length);
      this.bytes = bigger;
    }
    this.bytes[this.length++] = byte;
  }

  /** Appends a code point as UTF-8; a lone surrogate becomes U+FFFD, as a UTF-8 encoder must. */
  pushCodePoint(codePoint: number): void {
    if (codePoint < 0x80) {
      this.pushByte(codePoint);
    } else if (codePoint < 0x800) {
      this.pushByte(0xc0 | (codePoint >> 6));
      this.pushByte(0x80 | (codePoint & 0x3f));
    } else if (codePoint < 0x10000) {
      const unit = codePoint >= 0xd800 && codePoint <= 0xdfff ? REPLACEMENT_CHARACTER : codePoint;
      this.pushByte(0xe0 | (unit >> 12));
      this.pushByte(0x80 | ((unit >> 6) & 0x3f));
      this.pushByte(0x80 | (unit & 0x3f));
    } else {
      this.pushByte(0xf0 | (codePoint >> 18));
      this.pushByte(0x80 | ((codePoint >> 12) & 0x3f));
      this.pushByte(0x80 | ((codePoint >> 6) & 0x3f));
      this.pushByte(0x80 | (codePoint & 0x3f));
    }
  }
}

/**
 * Decodes the argument of STRING, `src[start, end)` without its newline: a quoted literal such as
 * `'a.b\x41'`. Returns null, or why the text is not such a literal.
 */
export function decodeQuotedString(src: Uint8Array, start: number, end: number, out: ScratchBytes): string | null {
  const quote = src[start];
  if (end - start < 2 || (quote !== SINGLE_QUOTE && quote !== DOUBLE_QUOTE) || src[end - 1] !== quote) {
    return 'the STRING argument must be quoted';
  }
  const last = end - 1;
  for (let i = start + 1; i < last; i++) {
    const byte = src[i]!;
    if (byte !== BACKSLASH) {
      out.pushByte(byte);
      continue;
    }
    if (++i === last) return 'the STRING argument ends with a lone backslash';
    const escaped = src[i]!;
    const simple = SIMPLE_ESCAPES[escaped];
    if (simple !== undefined) {
      out.pushByte(simple);
    } else if (escaped === LF) {
      // A backslash before a newline continues the line.
    } else if (escaped === LOWER_X) {
      const value = hexValue(src, i + 1, i + 3, last);
      if (value < 0) return 'the STRING argument has an invalid \\x escape';
      out.pushByte(value);
      i += 2;
    } else if (isOctalDigit(escaped)) {
      let value = escaped - 0x30;
      for (let n = 0; n < 2 && i + 1 < last && isOctalDigit(src[i + 1]!); n++) value = value * 8 + (src[++i]! - 0x30);
      out.pushByte(value & 0xff);
    } else {
      // Python keeps an unknown escape as written.
      out.pushByte(BACKSLASH);
      out.pushByte(escaped);
    }
  }
  return null;
}

/**
 * Decodes the argument of UNICODE, `src[start, end)` without its newline, as Python's
 * raw-unicode-escape: bytes are Latin-1 code points, and a backslash that ends an odd run of
 * backslashes starts `\uXXXX` or `\UXXXXXXXX`. Returns null, or why the text cannot be decoded.
 */
export function decodeRawUnicodeEscape(src: Uint8Array, start: number, end: number, out: ScratchBytes): string | null {
  let highSurrogate = -1;
  for (let i = start; i < end; ) {
    const byte = src[i]!;
    let codePoint = byte;
    let next = i + 1;
    if (byte === BACKSLASH) {
      let run = 1;
      while (i + run < end && src[i + run] === BACKSLASH) run++;
      const marker = src[i + run];
      if (run % 2 === 1 && (marker === LOWER_U || marker === UPPER_U)) {
        for (let n = 1; n < run; n++) highSurrogate = pushUnit(out, highSurrogate, BACKSLASH);
        const digits = marker === LOWER_U ? 4 : 8;
        const hexStart = i + run + 1;
        codePoint = hexValue(src, hexStart, hexStart + digits, end);
        if (codePoint < 0) return `the UNICODE argument has a truncated \\${String.fromCharCode(marker)} escape`;
        if (codePoint > MAX_CODE_POINT) return `the UNICODE argument escapes code point 0x${codePoint.toString(16)}, beyond Unicode`;
        next = hexStart + digits;
      } else {
        for (let n = 0; n < run; n++) highSurrogate = pushUnit(out, highSurrogate, BACKSLASH);
        i += run;
        continue;
      }
    }
    highSurrogate = pushUnit(out, highSurrogate, codePoint);
    i = next;
  }
  if (highSurrogate >= 0) out.pushCodePoint(highSurrogate);
  return null;
}

/** Appends one code point, pairing a high surrogate with the low one after it; returns the high surrogate still waiting, or -1. */
function pushUnit(out: ScratchBytes, highSurrogate: number, codePoint: number): number {
  if (highSurrogate >= 0) {
    if (codePoint >= 0xdc00 && codePoint <= 0xdfff) {
      out.pushCodePoint(0x10000 + ((highSurrogate - 0xd800) << 10) + (codePoint - 0xdc00));
      return -1;
    }
    out.pushCodePoint(highSurrogate);
  }
  if (codePoint >= 0xd800 && codePoint <= 0xdbff) return codePoint;
  out.pushCodePoint(codePoint);
  return -1;
}

/** The value of the hex digits `src[start, end)`, or -1 when they run past `limit` or are not all hex digits. */
function hexValue(src: Uint8Array, start: number, end: number, limit: number): number {
  if (end > limit) return -1;
  let value = 0;
  for (let i = start; i < end; i++) {
    const digit = hexDigit(src[i]!);
    if (digit < 0) return -1;
    value = value * 16 + digit;
  }
  return value;
}

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  if (lower >= 0x61 && lower <= 0x66) return lower - 0x61 + 10;
  return -1;
}

function isOctalDigit(byte: number): boolean {
  return byte >= 0x30 && byte <= 0x37;
}
