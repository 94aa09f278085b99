/** Epoch numbers at or above this are milliseconds; below, seconds (1e11 s is the year 5138). */
const MILLISECONDS_FROM = 1e11;
/** Largest time a JavaScript Date can hold. */
const MAX_TIMESTAMP_MS = 8.64e15;
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
/** `2014-04-01`, `2014-04-01 00:00:00` (NAB), `2014-04-01T00:00:00.123+02:00`, ... */
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(?:\s*(Z|[+-]\d{2}(?::?\d{2})?))?$/i;
const MINUTE_MS = 60_000;

/**
 * Milliseconds since the epoch of a CSV timestamp: epoch seconds or milliseconds (integer or
 * fractional), or an ISO-8601 date-time, taken as UTC when it names no offset. NaN when the text is
 * none of these or is before 1970.
 */
export function parseCsvTimestampMs(text: string): number {
  let ms: number;
  if (DECIMAL.test(text)) {
    const epoch = Number(text);
    ms = Math.round(epoch >= MILLISECONDS_FROM ? epoch : epoch * 1000);
  } else {
    ms = parseIsoMs(text);
  }
  return ms >= 0 && ms <= MAX_TIMESTAMP_MS ? ms : NaN;
}

function parseIsoMs(text: string): number {
  const m = ISO_8601.exec(text);
  if (m === null) return NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = m[4] === undefined ? 0 : Number(m[4]);
  const minute = m[5] === undefined ? 0 : Number(m[5]);
  const second = m[6] === undefined ? 0 : Number(m[6]);
  // Before 1970 is rejected anyway; checking here also keeps Date.UTC from reading years 0-99 as 19xx.
  if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return NaN;
  const fractionMs = m[7] === undefined ? 0 : Math.round(Number(`0.${m[7]}`) * 1000);
  const utcMs = Date.UTC(year, month - 1, day, hour, minute, second) + fractionMs;
  return utcMs - offsetMinutes(m[8]) * MINUTE_MS;
}

function offsetMinutes(offset: string | undefined): number {
  if (offset === undefined || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + (digits.length > 2 ? Number(digits.slice(2)) : 0);
  return offset[0] === '-' ? -minutes : minutes;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
