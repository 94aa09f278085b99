/**
 * Decimal numbers parsed straight from bytes. The common forms (up to 15 significant digits, a
 * decimal exponent within ±22) take Clinger's fast path, where one multiplication or division of two
 * exactly representable doubles gives the correctly rounded result, identical to `Number()`.
 * Longer forms are checked here and converted by `Number()`.
 */

const POWERS_OF_TEN = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_FAST_DIGITS = 15;
const MAX_FAST_EXPONENT = 22;
/** Exponent digits beyond this cannot change the result (it is 0 or Infinity either way). */
const EXPONENT_CAP = 100_000;

const DIGIT_0 = 0x30;
const PLUS = 0x2b;
const MINUS = 0x2d;
const DOT = 0x2e;
const LOWER_CASE_BIT = 0x20;
const LOWER_E = 0x65;
const LOWER_N = 0x6e;
const LOWER_A = 0x61;

/**
 * The value of `buf[start, end)` written as `[+-]digits[.digits][e[+-]digits]` (either digit run may
 * be empty, not both); NaN when the bytes are not such a number. May be ±Infinity when out of range.
 */
export function parseDecimal(buf: Buffer, start: number, end: number): number {
  let i = start;
  let negative = false;
  if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
    negative = buf[i] === MINUS;
    i++;
  }
  let mantissa = 0;
  let significantDigits = 0;
  let exponent = 0;
  let sawDigit = false;
  let exact = true;
  for (; i < end; i++) {
    const d = buf[i]! - DIGIT_0;
    if (d < 0 || d > 9) break;
    sawDigit = true;
    if (significantDigits < MAX_FAST_DIGITS) {
      mantissa = mantissa * 10 + d;
      if (mantissa !== 0) significantDigits++;
    } else {
      exact = false;
    }
  }
  if (i < end && buf[i] === DOT) {
    for (i++; i < end; i++) {
      const d = buf[i]! - DIGIT_0;
      if (d < 0 || d > 9) break;
      sawDigit = true;
      if (significantDigits < MAX_FAST_DIGITS) {
        mantissa = mantissa * 10 + d;
        if (mantissa !== 0) significantDigits++;
        exponent--;
      } else {
        exact = false;
      }
    }
  }
  if (!sawDigit) return NaN;
  if (i < end && (buf[i]! | LOWER_CASE_BIT) === LOWER_E) {
    i++;
    let exponentNegative = false;
    if (i < end && (buf[i] === MINUS || buf[i] === PLUS)) {
      exponentNegative = buf[i] === MINUS;
      i++;
    }
    let written = 0;
    let sawExponentDigit = false;
    for (; i < end; i++) {
      const d = buf[i]! - DIGIT_0;
      if (d < 0 || d > 9) break;
      sawExponentDigit = true;
      if (written < EXPONENT_CAP) written = written * 10 + d;
    }
    if (!sawExponentDigit) return NaN;
    exponent += exponentNegative ? -written : written;
  }
  if (i !== end) return NaN;
  if (!exact || exponent < -MAX_FAST_EXPONENT || exponent > MAX_FAST_EXPONENT) {
    return Number(buf.toString('latin1', start, end));
  }
  const magnitude = exponent < 0 ? mantissa / POWERS_OF_TEN[-exponent]! : mantissa * POWERS_OF_TEN[exponent]!;
  return negative ? -magnitude : magnitude;
}

/** Whether `buf[start, end)` spells NaN in any letter case, optionally signed. */
export function isNanLiteral(buf: Uint8Array, start: number, end: number): boolean {
  let i = start;
  if (end - i === 4 && (buf[i] === MINUS || buf[i] === PLUS)) i++;
  return (
    end - i === 3 &&
    (buf[i]! | LOWER_CASE_BIT) === LOWER_N &&
    (buf[i + 1]! | LOWER_CASE_BIT) === LOWER_A &&
    (buf[i + 2]! | LOWER_CASE_BIT) === LOWER_N
  );
}
