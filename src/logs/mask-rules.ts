/**
 * Masking rules as data: each names a built-in classifier of one word segment (a piece of a word between
 * delimiters such as `:` `=` `,` `(`), or carries a regular expression of the user's. A segment that a
 * rule claims becomes `<*>` before mining, so values never split templates.
 */
export const BUILTIN_MASK_KINDS = ['uuid', 'ipv4', 'hex', 'path', 'hostname', 'calendar', 'date', 'iso-hour', 'zoned-seconds', 'klog-date', 'duration', 'numbered-id', 'number'] as const;

export type BuiltinMaskKind = (typeof BUILTIN_MASK_KINDS)[number];

export type MaskRule =
  | { readonly name: string; readonly kind: BuiltinMaskKind }
  /** A whole-segment regular expression (anchored by the masker); costs a regex test per segment with a digit or a dot. */
  | { readonly name: string; readonly pattern: string };

/** Most specific first: a UUID is also hex, an IPv4 address also dotted numbers. */
export const DEFAULT_MASK_RULES: readonly MaskRule[] = [
  { name: 'uuid', kind: 'uuid' },
  { name: 'ipv4', kind: 'ipv4' },
  { name: 'hex', kind: 'hex' },
  { name: 'path', kind: 'path' },
  { name: 'hostname', kind: 'hostname' },
  { name: 'calendar', kind: 'calendar' },
  { name: 'date', kind: 'date' },
  { name: 'iso-hour', kind: 'iso-hour' },
  { name: 'zoned-seconds', kind: 'zoned-seconds' },
  { name: 'klog-date', kind: 'klog-date' },
  { name: 'duration', kind: 'duration' },
  { name: 'numbered-id', kind: 'numbered-id' },
  { name: 'number', kind: 'number' },
];

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_DASH = 45;
const C_PLUS = 43;
const C_SLASH = 47;
const C_UNDERSCORE = 95;
const C_LESS = 60;
const C_GREATER = 62;
const C_TILDE = 126;

function isDigit(c: number): boolean {
  return c >= C_0 && c <= C_9;
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function isLetter(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** 8-4-4-4-12 hex digits. */
export function isUuid(s: string, from: number, to: number): boolean {
  if (to - from !== 36) return false;
  for (let i = from; i < to; i++) {
    const k = i - from;
    const c = s.charCodeAt(i);
    if (k === 8 || k === 13 || k === 18 || k === 23) {
      if (c !== C_DASH) return false;
    } else if (!isHexDigit(c)) return false;
  }
  return true;
}

/** Four dot-separated groups of one to three digits. */
export function isIpv4(s: string, from: number, to: number): boolean {
  let groups = 0;
  let run = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      if (++run > 3) return false;
    } else if (c === C_DOT && run > 0) {
      groups++;
      run = 0;
    } else return false;
  }
  return run > 0 && groups === 3;
}

/** `0x` then hex digits, or eight or more hex digits with at least one digit (hashes, addresses). */
export function isHex(s: string, from: number, to: number): boolean {
  const n = to - from;
  if (n > 2 && s.charCodeAt(from) === C_0 && (s.charCodeAt(from + 1) | 32) === 120) {
    for (let i = from + 2; i < to; i++) if (!isHexDigit(s.charCodeAt(i))) return false;
    return true;
  }
  if (n < 8) return false;
  let digits = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!isHexDigit(c)) return false;
    if (isDigit(c)) digits++;
  }
  return digits > 0;
}

/** An absolute path of at least two characters: `/var/log/x`, `/tmp`. */
export function isPath(s: string, from: number, to: number): boolean {
  return to - from > 1 && s.charCodeAt(from) === C_SLASH && s.charCodeAt(from + 1) !== C_SLASH;
}

/** Generic top-level domains that end host names; a two-letter country code ends one only after two more labels. */
const GENERIC_TLDS = new Set(['com', 'net', 'org', 'edu', 'gov', 'mil', 'int', 'info', 'biz', 'local', 'lan', 'internal', 'localdomain']);
/** First labels of reverse-domain code names (`org.apache.hadoop.mapreduce.v2.app.rm`, `java.util`), which are not hosts. */
const REVERSE_DOMAIN_ROOTS = new Set([...GENERIC_TLDS, 'java', 'javax', 'io', 'sun', 'jdk', 'kotlin', 'scala']);

/**
 * A fully qualified domain name by shape: dot-separated labels of letters, digits and `-`, the last a
 * lower-case generic TLD (`mtalk.google.com`) or country code after at least two labels (`proxy.cse.edu.hk`).
 * A class name last (`java.net.NoRouteToHostException`), a digit-only or unknown last label (`libc.so.6`,
 * `config.py`) and reverse-domain names (`org.apache.hadoop.mapreduce.v2.app.rm`) are not host names.
 */
export function isHostname(s: string, from: number, to: number): boolean {
  let labels = 0;
  let labelStart = from;
  let firstEnd = -1;
  for (let i = from; i <= to; i++) {
    const c = i < to ? s.charCodeAt(i) : C_DOT;
    if (c === C_DOT) {
      const n = i - labelStart;
      if (n === 0 || n > 63 || s.charCodeAt(labelStart) === C_DASH || s.charCodeAt(i - 1) === C_DASH) return false;
      if (labels++ === 0) firstEnd = i;
      labelStart = i + 1;
    } else if (!(isLetter(c) || isDigit(c) || c === C_DASH)) return false;
  }
  if (labels < 2) return false;
  let tldStart = to;
  while (tldStart > from && s.charCodeAt(tldStart - 1) !== C_DOT) tldStart--;
  const tldLength = to - tldStart;
  for (let i = tldStart; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  if (REVERSE_DOMAIN_ROOTS.has(s.slice(from, firstEnd))) return false;
  if (tldLength === 2) return labels >= 3;
  return GENERIC_TLDS.has(s.slice(tldStart, to));
}

const CALENDAR_NAMES = new Set(
  'Mon Tue Wed Thu Fri Sat Sun Monday Tuesday Wednesday Thursday Friday Saturday Sunday Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January February March April June July August September October November December'.split(' '),
);

/** A capitalised weekday or month name (`Fri`, `Jun`, `September`): part of a date, a value like its numbers. */
export function isCalendarName(s: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < 3 || n > 9) return false;
  // Every name is a capital then small letters: anything else is rejected without a slice.
  const first = s.charCodeAt(from);
  if (first < 65 || first > 90) return false;
  for (let i = from + 1; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c < 97 || c > 122) return false;
  }
  return CALENDAR_NAMES.has(s.slice(from, to));
}

/** The value of the digits in [from, to), or -1 when one is not a digit or there are none. */
function digitValue(s: string, from: number, to: number): number {
  if (to <= from) return -1;
  let value = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (!isDigit(c)) return -1;
    value = value * 10 + c - C_0;
  }
  return value;
}

function isYear(s: string, from: number, to: number): boolean {
  const year = to - from === 4 ? digitValue(s, from, to) : -1;
  return year >= 1970 && year <= 2099;
}

/** One or two digits in [low, high]. */
function isSmallNumber(s: string, from: number, to: number, low: number, high: number): boolean {
  const n = to - from;
  if (n < 1 || n > 2) return false;
  const value = digitValue(s, from, to);
  return value >= low && value <= high;
}

/**
 * A calendar date, changing daily as the line's time does: year first (`2026-11-22`, `2026/11/22`,
 * `2026.11.22`) or last (`22/Nov/2026` of access logs, `22-Nov-2026`, `11/22/2026`, `22.11.2026`), one
 * separator throughout, month and day in range, a year in 1970–2099.
 */
export function isDate(s: string, from: number, to: number): boolean {
  const n = to - from;
  if (n < 8 || n > 17) return false;
  let first = from;
  while (first < to && isDigit(s.charCodeAt(first))) first++;
  const separator = s.charCodeAt(first);
  if (first === from || first === to || (separator !== C_DASH && separator !== C_SLASH && separator !== C_DOT)) return false;
  let second = first + 1;
  while (second < to && s.charCodeAt(second) !== separator) second++;
  if (second === to) return false;
  if (first - from === 4) return isYear(s, from, first) && isSmallNumber(s, first + 1, second, 1, 12) && isSmallNumber(s, second + 1, to, 1, 31);
  if (!isYear(s, second + 1, to) || !isSmallNumber(s, from, first, 1, 31)) return false;
  if (isCalendarName(s, first + 1, second)) return true;
  return isSmallNumber(s, first + 1, second, 1, 31) && (digitValue(s, from, first) <= 12 || digitValue(s, first + 1, second) <= 12);
}

/** An ISO 8601 date and hour, what is left of `2026-11-22T10:00:00Z` before its first `:`: `2026-11-22T10`. */
export function isIsoHour(s: string, from: number, to: number): boolean {
  return to - from === 13 && s.charCodeAt(from + 10) === 84 && isSmallNumber(s, from + 11, to, 0, 23) && isDate(s, from, from + 10);
}

/**
 * Seconds with a fraction or a zone, what is left of a time after its last `:`: `00.123Z`, `00Z`,
 * `00.123+01`, `00+0100`, `59.5-05`.
 */
export function isZonedSeconds(s: string, from: number, to: number): boolean {
  if (to - from < 3 || !isSmallNumber(s, from, from + 2, 0, 60)) return false;
  let i = from + 2;
  if (s.charCodeAt(i) === C_DOT) {
    const start = ++i;
    while (i < to && isDigit(s.charCodeAt(i))) i++;
    if (i === start || i - start > 9) return false;
  }
  if (i === to) return false;
  const c = s.charCodeAt(i);
  if (c === 90) return i + 1 === to;
  if (c !== C_PLUS && c !== C_DASH) return false;
  const zone = to - i - 1;
  return (zone === 2 || zone === 4) && digitValue(s, i + 1, to) >= 0 && isSmallNumber(s, i + 1, i + 3, 0, 14);
}

/** klog's level letter and date, `I1122` (`I`, `W`, `E`, `F` then MMDD): the date is masked, the level kept. */
export function isKlogDate(s: string, from: number, to: number): boolean {
  if (to - from !== 5) return false;
  const level = s.charCodeAt(from);
  return (level === 73 || level === 87 || level === 69 || level === 70) && isSmallNumber(s, from + 1, from + 3, 1, 12) && isSmallNumber(s, from + 3, to, 1, 31);
}

const DURATION_UNITS = new Set(['ns', 'us', 'µs', 'ms', 's', 'sec', 'secs', 'm', 'min', 'mins', 'h', 'hr', 'hrs', 'd']);

/** A decimal number followed by a time unit: `250ms`, `1.5s`, `3h`. */
export function isDuration(s: string, from: number, to: number): boolean {
  let i = from;
  while (i < to && isDigit(s.charCodeAt(i))) i++;
  if (i === from) return false;
  if (i < to && s.charCodeAt(i) === C_DOT) {
    const start = ++i;
    while (i < to && isDigit(s.charCodeAt(i))) i++;
    if (i === start) return false;
  }
  return i < to && DURATION_UNITS.has(s.slice(i, to));
}

/**
 * Identifiers built around long digit runs (`blk_-1608999687919862906`, `appattempt_1445144423722_0020_000001`,
 * `job_1445062781478_0011`): a run of five or more digits, only letters, digits, `_`, `-` and `.` around it.
 */
export function isNumberedId(s: string, from: number, to: number): boolean {
  let longest = 0;
  let run = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) {
      if (++run > longest) longest = run;
    } else {
      run = 0;
      if (!isLetter(c) && c !== C_UNDERSCORE && c !== C_DASH && c !== C_DOT) return false;
    }
  }
  return longest >= 5;
}

/** A signed decimal number, possibly with a fraction or a bound before it: `-12`, `3.14`, `+7`, `<1`, `~5`. */
export function isNumber(s: string, from: number, to: number): boolean {
  let i = from;
  const first = s.charCodeAt(i);
  if (first === C_DASH || first === C_PLUS || first === C_LESS || first === C_GREATER || first === C_TILDE) i++;
  if (i >= to || !isDigit(s.charCodeAt(i))) return false;
  let previousDigit = true;
  for (i++; i < to; i++) {
    const c = s.charCodeAt(i);
    if (isDigit(c)) previousDigit = true;
    else if (c === C_DOT && previousDigit) previousDigit = false;
    else return false;
  }
  return previousDigit;
}

export type SegmentTest = (s: string, from: number, to: number) => boolean;

const BUILTIN_TESTS: Readonly<Record<BuiltinMaskKind, SegmentTest>> = {
  uuid: isUuid,
  ipv4: isIpv4,
  hex: isHex,
  path: isPath,
  hostname: isHostname,
  calendar: isCalendarName,
  date: isDate,
  'iso-hour': isIsoHour,
  'zoned-seconds': isZonedSeconds,
  'klog-date': isKlogDate,
  duration: isDuration,
  'numbered-id': isNumberedId,
  number: isNumber,
};

/**
 * Built-in tests from the cheapest and most often true (plain numbers) to the dearest: a segment is a
 * value when any test claims it, so the order changes only how soon the answer comes.
 */
const TEST_ORDER: readonly BuiltinMaskKind[] = ['number', 'ipv4', 'numbered-id', 'hex', 'uuid', 'duration', 'date', 'zoned-seconds', 'klog-date', 'iso-hour', 'path', 'calendar', 'hostname'];

/** Leading characters of a claimed segment that stay: the value is what follows them (klog's level letter). */
const KEPT_CHARS: Readonly<Partial<Record<BuiltinMaskKind, number>>> = { 'klog-date': 1 };

/** A rule's segment test and how many leading characters of a segment it claims stay as they are. */
export interface OrderedSegmentTest {
  readonly test: SegmentTest;
  readonly keptChars: number;
}

/** The segment tests of rules in the order to try them: built-ins by cost, then pattern rules as given. */
export function orderedSegmentTests(rules: readonly MaskRule[]): OrderedSegmentTest[] {
  const rank = (rule: MaskRule): number => ('kind' in rule ? TEST_ORDER.indexOf(rule.kind) : TEST_ORDER.length);
  return rules
    .map((rule, index) => ({ rule, index, test: segmentTest(rule) }))
    .sort((a, b) => rank(a.rule) - rank(b.rule) || a.index - b.index)
    .map(({ rule, test }) => ({ test, keptChars: 'kind' in rule ? (KEPT_CHARS[rule.kind] ?? 0) : 0 }));
}

/** The segment test of a rule; a pattern rule compiles once, anchored to the whole segment. */
export function segmentTest(rule: MaskRule): SegmentTest {
  if ('kind' in rule) {
    const test = BUILTIN_TESTS[rule.kind] as SegmentTest | undefined;
    if (test === undefined) throw new Error(`cannot use mask rule ${rule.name}: unknown kind ${JSON.stringify(rule.kind)}; expected one of ${BUILTIN_MASK_KINDS.join(', ')}`);
    return test;
  }
  let re: RegExp;
  try {
    re = new RegExp(`^(?:${rule.pattern})$`, 'u');
  } catch (err) {
    throw new Error(`cannot use mask rule ${rule.name}: bad pattern ${JSON.stringify(rule.pattern)}: ${err instanceof Error ? err.message : String(err)}`);
  }
  return (s, from, to) => re.test(s.slice(from, to));
}
