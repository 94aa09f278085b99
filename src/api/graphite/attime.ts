import { TimeZone } from './zone.js';

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const DAY_SEC = 86_400;

/** A time or offset Graphite cannot read; the message names the text. */
export class TimeFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TimeFormatError';
  }
}

/**
 * Seconds in an offset unit, by Graphite's prefix rules: `s…` seconds, `min…` minutes, `h…` hours,
 * `d…` days, `w…` weeks, `mon…` months (30 days), `y…` years (365 days). A bare `m` is not a unit.
 */
function unitSeconds(unit: string): number {
  if (unit.startsWith('s')) return 1;
  if (unit.startsWith('min')) return 60;
  if (unit.startsWith('h')) return 3600;
  if (unit.startsWith('d')) return DAY_SEC;
  if (unit.startsWith('w')) return 7 * DAY_SEC;
  if (unit.startsWith('mon')) return 30 * DAY_SEC;
  if (unit.startsWith('y')) return 365 * DAY_SEC;
  throw new TimeFormatError(`cannot parse time offset: unit ${JSON.stringify(unit)} is not one of s, min, h, d, w, mon, y`);
}

/**
 * Graphite's parseTimeOffset, in seconds: an optional sign, then one or more `<count><unit>` parts
 * (`-1h`, `+30min`, `1d12h`, `-2w`). The sign applies to every part; an empty text is 0.
 */
export function parseTimeOffsetSec(text: string): number {
  if (text === '') return 0;
  let rest = text;
  let sign = 1;
  if (!/^\d/.test(rest)) {
    if (rest[0] === '+') sign = 1;
    else if (rest[0] === '-') sign = -1;
    else throw new TimeFormatError(`cannot parse time offset ${JSON.stringify(text)}: expected a sign or a number first`);
    rest = rest.slice(1);
  }
  let total = 0;
  while (rest !== '') {
    const part = /^(\d*)([A-Za-z]*)/.exec(rest)!;
    if (part[1] === '') throw new TimeFormatError(`cannot parse time offset ${JSON.stringify(text)}: expected a number at ${JSON.stringify(rest)}`);
    total += sign * Number(part[1]) * unitSeconds(part[2]!);
    rest = rest.slice(part[0].length);
  }
  return total;
}

/**
 * Graphite's parseATTime, in Unix seconds. Accepts Unix seconds (`1700000000`), `now`, offsets from
 * now (`-6h`, `now-5min`), absolute dates (`YYYYMMDD`, `HH:MM_YYYYMMDD`, `MM/DD/YY[YY]`, `jan 15`),
 * times of day (`noon`, `midnight`, `teatime`, `4pm`), day references (`today`, `yesterday`,
 * `tomorrow`, weekday names) and any of these plus or minus an offset (`midnight-1d`). Wall-clock
 * forms are read in `zone`. Case, spaces, `_` and `,` are ignored.
 */
export function parseAtTimeSec(text: string, nowSec: number, zone: TimeZone = TimeZone.UTC): number {
  const s = text.trim().toLowerCase().replace(/[_, ]/g, '');
  if (/^\d+$/.test(s) && !isDateLike(s)) return Number(s);
  let ref = s;
  let offset = '';
  const plus = s.indexOf('+');
  const minus = s.indexOf('-');
  if (plus >= 0) {
    ref = s.slice(0, plus);
    offset = s.slice(plus);
  } else if (minus >= 0) {
    ref = s.slice(0, minus);
    offset = s.slice(minus);
  }
  return parseTimeReferenceSec(ref, text, nowSec, zone) + parseTimeOffsetSec(offset);
}

/** An 8-digit number that reads as a YYYYMMDD date rather than Unix seconds. */
function isDateLike(s: string): boolean {
  return s.length === 8 && Number(s.slice(0, 4)) > 1900 && Number(s.slice(4, 6)) < 13 && Number(s.slice(6)) < 32;
}

function integer(text: string, original: string, what: string): number {
  if (!/^\d+$/.test(text)) throw new TimeFormatError(`cannot parse time ${JSON.stringify(original)}: expected ${what}, got ${JSON.stringify(text)}`);
  return Number(text);
}

function parseTimeReferenceSec(reference: string, original: string, nowSec: number, zone: TimeZone): number {
  if (reference === '' || reference === 'now') return nowSec;
  let ref = reference;
  let hour = 0;
  let minute = 0;

  const colon = ref.indexOf(':');
  if (colon > 0 && colon < 3) {
    hour = integer(ref.slice(0, colon), original, 'an hour');
    minute = integer(ref.slice(colon + 1, colon + 3), original, 'minutes');
    ref = ref.slice(colon + 3);
    if (ref.startsWith('am')) ref = ref.slice(2);
    else if (ref.startsWith('pm')) {
      hour = (hour + 12) % 24;
      ref = ref.slice(2);
    }
  }
  const am = ref.indexOf('am');
  if (am > 0 && am < 3) {
    hour = integer(ref.slice(0, am), original, 'an hour');
    ref = ref.slice(am + 2);
  }
  const pm = ref.indexOf('pm');
  if (pm > 0 && pm < 3) {
    hour = (integer(ref.slice(0, pm), original, 'an hour') + 12) % 24;
    ref = ref.slice(pm + 2);
  }
  if (ref.startsWith('noon')) {
    [hour, minute] = [12, 0];
    ref = ref.slice(4);
  } else if (ref.startsWith('midnight')) {
    [hour, minute] = [0, 0];
    ref = ref.slice(8);
  } else if (ref.startsWith('teatime')) {
    [hour, minute] = [16, 0];
    ref = ref.slice(7);
  }

  if (hour > 23 || minute > 59) throw new TimeFormatError(`cannot parse time ${JSON.stringify(original)}: no such time of day ${hour}:${minute}`);
  const now = zone.local(nowSec * 1000);
  let { year, month, day } = now;
  let explicitDate = false;
  if (ref === 'yesterday') day -= 1;
  else if (ref === 'tomorrow') day += 1;
  else if (ref === 'today') {
    // today, at the time of day read above
  } else if (ref.split('/').length === 3) {
    const [m, d, y] = ref.split('/').map((part) => integer(part, original, 'MM/DD/YY'));
    year = y! < 1900 ? y! + 1900 : y!;
    if (year < 1970) year += 100;
    [month, day, explicitDate] = [m!, d!, true];
  } else if (ref.length === 8 && /^\d+$/.test(ref)) {
    [year, month, day, explicitDate] = [Number(ref.slice(0, 4)), Number(ref.slice(4, 6)), Number(ref.slice(6)), true];
  } else if (MONTHS.includes(ref.slice(0, 3))) {
    const dayOfMonth = /(\d{1,2})$/.exec(ref);
    if (dayOfMonth === null) throw new TimeFormatError(`cannot parse time ${JSON.stringify(original)}: day of month required after month name`);
    [month, day, explicitDate] = [MONTHS.indexOf(ref.slice(0, 3)) + 1, Number(dayOfMonth[1]), true];
  } else if (WEEKDAYS.includes(ref.slice(0, 3))) {
    let back = now.weekday - WEEKDAYS.indexOf(ref.slice(0, 3));
    if (back < 0) back += 7;
    day -= back;
  } else if (ref !== '') {
    throw new TimeFormatError(`cannot parse time ${JSON.stringify(original)}: unknown day reference ${JSON.stringify(reference)}`);
  }
  if (explicitDate && (month < 1 || month > 12 || day < 1 || day > new Date(Date.UTC(year, month, 0)).getUTCDate())) {
    throw new TimeFormatError(`cannot parse time ${JSON.stringify(original)}: no such date ${year}-${month}-${day}`);
  }
  return Math.floor(zone.instant(year, month, day, hour, minute) / 1000);
}
