import { DAY_MS, MINUTE_MS } from '../../model/index.js';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** Fraction digits beyond milliseconds are accepted (some senders write nanoseconds) and truncated. */
const MAX_FRACTION_DIGITS = 9;
/** `Mmm dd hh:mm:ss`: the shortest RFC 3164 timestamp. */
const BSD_TIMESTAMP_CHARS = 15;
/** How far ahead of the receive time an RFC 3164 timestamp may be: beyond it, it is last year's. */
const FUTURE_TOLERANCE_MS = 31 * DAY_MS;

export interface ParsedTime {
  readonly timestampMs: number;
  /** Index just past the timestamp. */
  readonly end: number;
}

/** Digits at text[start, start + count) as a number, or -1 if any is not a digit. */
function digits(text: string, start: number, count: number): number {
  if (start + count > text.length) return -1;
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return -1;
    value = value * 10 + (c - 0x30);
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function validClock(hour: number, minute: number, second: number): boolean {
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59;
}

/** Optional `.fff...` at `start`: its milliseconds and end, or undefined if a `.` has no digits. */
function fraction(text: string, start: number): { ms: number; end: number } | undefined {
  if (text[start] !== '.') return { ms: 0, end: start };
  let i = start + 1;
  let ms = 0;
  let scale = 100;
  while (i < text.length && i - start - 1 < MAX_FRACTION_DIGITS) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    ms += (c - 0x30) * scale;
    scale /= 10;
    i++;
  }
  if (i === start + 1) return undefined;
  return { ms: Math.floor(ms), end: i };
}

/**
 * RFC 5424 TIMESTAMP (RFC 3339 with `T`, 1-6 fraction digits and `Z` or `±hh:mm`) at `start`, ending at
 * a space or the end of `text`. Returns the cause when it is malformed.
 */
export function parseRfc3339(text: string, start: number): ParsedTime | string {
  const year = digits(text, start, 4);
  const month = digits(text, start + 5, 2);
  const day = digits(text, start + 8, 2);
  const hour = digits(text, start + 11, 2);
  const minute = digits(text, start + 14, 2);
  const second = digits(text, start + 17, 2);
  const shape =
    text[start + 4] === '-' && text[start + 7] === '-' && (text[start + 10] === 'T' || text[start + 10] === 't') &&
    text[start + 13] === ':' && text[start + 16] === ':';
  if (!shape || year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0) {
    return 'expected YYYY-MM-DDThh:mm:ss[.frac](Z|+hh:mm)';
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return 'no such date';
  if (!validClock(hour, minute, second)) return 'no such time of day';
  const frac = fraction(text, start + 19);
  if (frac === undefined) return 'fraction has no digits';
  let i = frac.end;
  let offsetMinutes = 0;
  if (text[i] === 'Z' || text[i] === 'z') {
    i++;
  } else if (text[i] === '+' || text[i] === '-') {
    const offsetHours = digits(text, i + 1, 2);
    const offsetMins = digits(text, i + 4, 2);
    if (offsetHours < 0 || offsetMins < 0 || text[i + 3] !== ':' || offsetHours > 23 || offsetMins > 59) {
      return 'bad UTC offset, expected Z or +hh:mm';
    }
    offsetMinutes = (offsetHours * 60 + offsetMins) * (text[i] === '-' ? -1 : 1);
    i += 6;
  } else {
    return 'missing UTC offset, expected Z or +hh:mm';
  }
  if (i < text.length && text[i] !== ' ') return 'unexpected characters after the UTC offset';
  const localMs = Date.UTC(year, month - 1, day, hour, minute, second, frac.ms);
  return { timestampMs: localMs - offsetMinutes * MINUTE_MS, end: i };
}

/**
 * RFC 3164 TIMESTAMP `Mmm dd hh:mm:ss` (day space-padded or not, optional fraction) at `start`. It
 * carries no year and no zone: it is read at `utcOffsetMinutes` in the latest of the receive year, the
 * one before and the one after that is not more than a month after `receivedAtMs` (logs tell of the
 * past, senders' clocks drift a little), so that a December line received in January belongs to the old
 * year and a January line from a clock slightly ahead in late December to the new one.
 * Returns undefined when `text` does not start with a month name (no timestamp), the cause when it is
 * malformed.
 */
export function parseBsdTimestamp(
  text: string,
  start: number,
  receivedAtMs: number,
  utcOffsetMinutes: number,
): ParsedTime | string | undefined {
  const month = MONTHS.indexOf(text.slice(start, start + 3)) + 1;
  if (month === 0 || text[start + 3] !== ' ') return undefined;
  let i = start + 4;
  if (text[i] === ' ') i++;
  const dayDigits = digits(text, i + 1, 1) >= 0 ? 2 : 1;
  const day = digits(text, i, dayDigits);
  i += dayDigits;
  const hour = digits(text, i + 1, 2);
  const minute = digits(text, i + 4, 2);
  const second = digits(text, i + 7, 2);
  if (day < 0 || text[i] !== ' ' || hour < 0 || text[i + 3] !== ':' || minute < 0 || text[i + 6] !== ':' || second < 0) {
    return `expected "Mmm dd hh:mm:ss", got ${JSON.stringify(text.slice(start, start + BSD_TIMESTAMP_CHARS))}`;
  }
  if (!validClock(hour, minute, second)) return 'no such time of day';
  const frac = fraction(text, i + 9);
  if (frac === undefined) return 'fraction has no digits';
  if (frac.end < text.length && text[frac.end] !== ' ') return 'unexpected characters after the time of day';

  const offsetMs = utcOffsetMinutes * MINUTE_MS;
  const receiveYear = new Date(receivedAtMs + offsetMs).getUTCFullYear();
  let best = Number.NaN;
  for (let year = receiveYear + 1; year >= receiveYear - 1 && Number.isNaN(best); year--) {
    if (day < 1 || day > daysInMonth(year, month)) continue;
    const candidate = Date.UTC(year, month - 1, day, hour, minute, second, frac.ms) - offsetMs;
    if (candidate <= receivedAtMs + FUTURE_TOLERANCE_MS) best = candidate;
  }
  if (Number.isNaN(best)) return `no such date ${MONTHS[month - 1]} ${day} near the receive time`;
  return { timestampMs: best, end: frac.end };
}
