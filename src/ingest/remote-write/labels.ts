import { isUtf8 } from 'node:buffer';
import { seriesKey, validateSeriesRef } from '../../model/index.js';
import type { SeriesKeyResult } from '../series-path.js';

/** The label whose value is the series name; every other label becomes a tag. */
export const METRIC_NAME_LABEL = '__name__';

/** Longest label set quoted in a message, so that a huge one cannot flood logs. */
const MAX_FORMATTED_CHARS = 200;

/** Integers per label in a span array: name start, name end, value start, value end (byte offsets). */
export const SPAN_INTS = 4;

/**
 * Characters a Vigil tag value cannot hold (whitespace, `;`, `~`; see model/validateSeriesRef), the
 * control characters, and `%` itself, so that the escaping below is one-to-one.
 */
const ESCAPED_IN_VALUE = /[\s;~%\x00-\x1f\x7f]/u;
const ESCAPED_IN_VALUE_ALL = new RegExp(ESCAPED_IN_VALUE.source, 'gu');

/**
 * A Prometheus label value as a Vigil tag value. Prometheus allows any UTF-8 in label values; Vigil's
 * series keys cannot hold whitespace, `;` or `~`. Those characters, control characters and `%` are
 * percent-encoded as their UTF-8 bytes (`a b;c` → `a%20b%3Bc`, `50%` → `50%25`). Escaping `%` keeps
 * the mapping one-to-one, so two different Prometheus series never become the same Vigil series.
 */
export function escapeTagValue(value: string): string {
  if (!ESCAPED_IN_VALUE.test(value)) return value;
  return value.replace(ESCAPED_IN_VALUE_ALL, (c) => {
    let escaped = '';
    for (const byte of Buffer.from(c, 'utf8')) escaped += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
    return escaped;
  });
}

/**
 * Canonical series key of one TimeSeries' labels, given as byte spans of `buf` (SPAN_INTS integers
 * per label). Follows Prometheus' label rules where they are stricter than Vigil's: `__name__` is
 * required, names must be non-empty and not repeated, and every name and value must be UTF-8. A label
 * with an empty value is the same as no label (Prometheus' rule), so it is left out. Labels may come
 * in any order. The cause names the offending label.
 */
export function labelsSeriesKey(buf: Buffer, spans: Int32Array, count: number): SeriesKeyResult {
  let name: string | undefined;
  const tagNames: string[] = [];
  const tagValues: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * SPAN_INTS;
    const labelName = utf8String(buf, spans[at]!, spans[at + 1]!);
    const value = utf8String(buf, spans[at + 2]!, spans[at + 3]!);
    if (labelName === null || value === null) return { ok: false, cause: `label ${i + 1} is not valid UTF-8` };
    if (labelName.length === 0) return { ok: false, cause: `label ${i + 1} has an empty name` };
    if (labelName === METRIC_NAME_LABEL) {
      if (name !== undefined) return { ok: false, cause: `label ${METRIC_NAME_LABEL} is repeated` };
      name = value;
    } else if (value.length > 0) {
      tagNames.push(labelName);
      tagValues.push(value);
    }
  }
  if (name === undefined || name.length === 0) return { ok: false, cause: `it has no ${METRIC_NAME_LABEL} label` };
  const tags: Record<string, string> = {};
  for (let i = 0; i < tagNames.length; i++) {
    const tagName = tagNames[i]!;
    if (Object.hasOwn(tags, tagName)) return { ok: false, cause: `label ${tagName} is repeated` };
    tags[tagName] = escapeTagValue(tagValues[i]!);
  }
  const invalid = validateSeriesRef({ name, tags });
  if (invalid !== null) return { ok: false, cause: invalid };
  return { ok: true, key: seriesKey(name, tags) };
}

/** `buf[start, end)` as a string, or null when it is not UTF-8; ASCII, the common case, is checked in place. */
function utf8String(buf: Buffer, start: number, end: number): string | null {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) return isUtf8(buf.subarray(start, end)) ? buf.toString('utf8', start, end) : null;
  }
  return buf.toString('latin1', start, end);
}

/** The labels in Prometheus' notation (`name{k="v",...}`), for messages; truncated when long. */
export function formatLabels(buf: Buffer, spans: Int32Array, count: number): string {
  let name = '';
  const pairs: string[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * SPAN_INTS;
    const labelName = buf.toString('utf8', spans[at]!, spans[at + 1]!);
    const value = buf.toString('utf8', spans[at + 2]!, spans[at + 3]!);
    if (labelName === METRIC_NAME_LABEL && name === '') name = value;
    else pairs.push(`${labelName}=${JSON.stringify(value)}`);
  }
  const text = `${name}{${pairs.join(',')}}`;
  return text.length <= MAX_FORMATTED_CHARS ? text : `${text.slice(0, MAX_FORMATTED_CHARS)}…`;
}
