const DIGIT_0 = 48;

function digits(text: string, from: number, count: number): number {
  let out = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - DIGIT_0;
    if (d < 0 || d > 9) return NaN;
    out = out * 10 + d;
  }
  return out;
}

/**
 * Parses a NAB timestamp, `YYYY-MM-DD HH:MM:SS` with an optional fraction of a second (the labels
 * file writes `.000000`), as UTC: NAB's files carry no zone and NAB compares them as naive times.
 * A `T` separator and a trailing `Z` are accepted too. Returns NaN when the text is not such a time.
 */
export function parseNabTimestamp(text: string): number {
  const end = text.endsWith('Z') ? text.length - 1 : text.length;
  if (end < 19 || text[4] !== '-' || text[7] !== '-' || (text[10] !== ' ' && text[10] !== 'T') || text[13] !== ':' || text[16] !== ':') return NaN;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (!(month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour <= 23 && minute <= 59 && second <= 59)) return NaN;
  let fractionMs = 0;
  if (end > 19) {
    if (text[19] !== '.' || end === 20) return NaN;
    const fraction = digits(text, 20, end - 20);
    if (Number.isNaN(fraction)) return NaN;
    fractionMs = (fraction / 10 ** (end - 20)) * 1000;
  }
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 2014-02-30 over into March; NAB would reject such a date, and so do we.
  if (new Date(ms).getUTCDate() !== day) return NaN;
  return ms + fractionMs;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** Formats a time as NAB writes it: `YYYY-MM-DD HH:MM:SS`, with milliseconds only when there are some. */
export function formatNabTimestamp(timestampMs: number): string {
  const date = new Date(timestampMs);
  const base = `${date.getUTCFullYear()}-${pad2(date.getUTCMonth() + 1)}-${pad2(date.getUTCDate())} ${pad2(date.getUTCHours())}:${pad2(date.getUTCMinutes())}:${pad2(date.getUTCSeconds())}`;
  const ms = date.getUTCMilliseconds();
  return ms === 0 ? base : `${base}.${String(ms).padStart(3, '0')}`;
}
