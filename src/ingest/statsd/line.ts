import type { RejectReason } from '../../model/index.js';
import { quoteValue } from '../quote.js';

/** StatsD metric types: counter, gauge, timer, histogram, distribution, set. */
export type StatsdType = 'c' | 'g' | 'ms' | 'h' | 'd' | 's';

const TYPES: Readonly<Record<string, StatsdType>> = { c: 'c', g: 'g', ms: 'ms', h: 'h', d: 'd', s: 's' };
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const TIMESTAMP = /^T\d+$/;
/** DogStatsD fields this receiver reads past: container id, external data, cardinality. */
const IGNORED_FIELDS = ['c:', 'e:', 'card:'];

/** Why a line was rejected. */
export interface StatsdLineProblem {
  readonly reason: RejectReason;
  readonly cause: string;
}

/**
 * One parsed line, reused from line to line so that parsing a datagram creates no object per sample.
 * A line names one metric (`name`, plus tags) and carries one or more samples: DogStatsD packs values
 * as `name:1:2:3|d`, Etsy's statsd as `name:1|c:2|ms`.
 */
export class StatsdLine {
  /** The metric name as sent, without Telegraf-style `,k=v` tags. */
  name = '';
  /** The name field and the tag field as sent: equal identities name the same metric without parsing tags again. */
  identity = '';
  readonly tagNames: string[] = [];
  readonly tagValues: string[] = [];
  sampleCount = 0;
  readonly types: StatsdType[] = [];
  /** Numeric value of each sample (NaN for a set member). */
  readonly values: number[] = [];
  /** Set member of each `s` sample ('' for others). */
  readonly members: string[] = [];
  /** Whether a gauge sample is a `+N`/`-N` change rather than a new value. */
  readonly deltas: boolean[] = [];
  readonly sampleRates: number[] = [];

  reset(): void {
    this.tagNames.length = 0;
    this.tagValues.length = 0;
    this.sampleCount = 0;
  }
}

/**
 * Parses the StatsD line `text[start, end)` (no newline): `name:value|type[|@rate][|#k:v,...]`, with
 * DogStatsD's tags, multi-values, `|c:`/`|e:`/`|card:` fields and `|T<seconds>` timestamp (read past:
 * aggregated values are stamped at the flush), Etsy's several samples per line, and Telegraf's
 * `name,k=v:value|type` tags. Fills `out`; returns null, or why the line is rejected.
 */
export function parseStatsdLine(text: string, start: number, end: number, out: StatsdLine): StatsdLineProblem | null {
  out.reset();
  if (text.startsWith('_e{', start) || text.startsWith('_sc|', start)) return malformed('DogStatsD events and service checks are not metrics');
  const colon = text.indexOf(':', start);
  if (colon === -1 || colon >= end) return malformed('expected <name>:<value>|<type>');
  if (colon === start) return { reason: 'bad_series', cause: 'the metric name is empty' };
  const nameProblem = parseName(text, start, colon, out);
  if (nameProblem !== null) return nameProblem;
  let tagsText = '';
  let pos = colon + 1;
  for (;;) {
    const bar = text.indexOf('|', pos);
    if (bar === -1 || bar >= end) return malformed(`expected |<type> after ${quoteValue(text.slice(pos, end))}`);
    const valuesStart = pos;
    const valuesEnd = bar;
    const typeEnd = fieldEnd(text, bar + 1, end, true);
    const type = TYPES[text.slice(bar + 1, typeEnd)];
    if (type === undefined) return malformed(`unknown metric type ${quoteValue(text.slice(bar + 1, typeEnd))} (expected c, g, ms, h, d or s)`);
    let sampleRate = 1;
    let p = typeEnd;
    while (p < end && text.charCodeAt(p) === 0x7c) {
      const fieldStart = p + 1;
      const first = text[fieldStart];
      if (first === '@') {
        p = fieldEnd(text, fieldStart, end, true);
        const rateText = text.slice(fieldStart + 1, p);
        sampleRate = DECIMAL.test(rateText) ? Number(rateText) : NaN;
        if (!(sampleRate > 0 && sampleRate <= 1)) return malformed(`sample rate ${quoteValue(rateText)} must be a number in (0, 1]`);
      } else if (first === '#') {
        p = fieldEnd(text, fieldStart, end, false);
        tagsText = text.slice(fieldStart, p);
        const tagProblem = parseDogStatsdTags(text, fieldStart + 1, p, out);
        if (tagProblem !== null) return tagProblem;
      } else {
        p = fieldEnd(text, fieldStart, end, false);
        const field = text.slice(fieldStart, p);
        if (!TIMESTAMP.test(field) && !IGNORED_FIELDS.some((prefix) => field.startsWith(prefix))) return malformed(`unknown field ${quoteValue(field)}`);
      }
    }
    const valueProblem = addSamples(text, valuesStart, valuesEnd, type, sampleRate, out);
    if (valueProblem !== null) return valueProblem;
    if (p >= end) break;
    // An Etsy-style further sample of the same metric: `name:1|c:2|ms`.
    pos = p + 1;
  }
  out.identity = tagsText === '' ? text.slice(start, colon) : `${text.slice(start, colon)}|${tagsText}`;
  return null;
}

/** Where a field starting at `start` ends: at the next `|`, or also at `:` where a further sample may follow. */
function fieldEnd(text: string, start: number, end: number, colonEnds: boolean): number {
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c === 0x7c || (colonEnds && c === 0x3a)) break;
    i++;
  }
  return i;
}

/** The name field, `name` or Telegraf's `name,k=v,k2=v2`. */
function parseName(text: string, start: number, end: number, out: StatsdLine): StatsdLineProblem | null {
  const comma = text.indexOf(',', start);
  if (comma === -1 || comma >= end) {
    out.name = text.slice(start, end);
    return null;
  }
  out.name = text.slice(start, comma);
  if (out.name === '') return { reason: 'bad_series', cause: 'the metric name is empty' };
  for (const tag of text.slice(comma + 1, end).split(',')) {
    const eq = tag.indexOf('=');
    if (eq <= 0 || eq === tag.length - 1) return { reason: 'bad_series', cause: `tag ${quoteValue(tag)} in the name must be key=value` };
    out.tagNames.push(tag.slice(0, eq));
    out.tagValues.push(tag.slice(eq + 1));
  }
  return null;
}

/** Characters a Vigil tag name cannot hold (Datadog's may: `app.kubernetes.io/name`). */
const TAG_NAME_UNSAFE = /[^A-Za-z0-9_.\-]/g;

/**
 * DogStatsD tags `k:v,k2:v2` in `text[start, end)`; a value may itself hold colons. A tag name's
 * characters that series tags cannot hold become `_`, and a bare tag (`#canary`, as Datadog allows) is
 * stored as `canary=true`, since a series tag needs a value.
 */
function parseDogStatsdTags(text: string, start: number, end: number, out: StatsdLine): StatsdLineProblem | null {
  if (start === end) return null;
  for (const tag of text.slice(start, end).split(',')) {
    if (tag === '') continue;
    const colon = tag.indexOf(':');
    if (colon === 0) return { reason: 'bad_series', cause: `tag ${quoteValue(tag)} has no name` };
    const bare = colon === -1 || colon === tag.length - 1;
    out.tagNames.push((bare ? tag.slice(0, colon === -1 ? tag.length : colon) : tag.slice(0, colon)).replace(TAG_NAME_UNSAFE, '_'));
    out.tagValues.push(bare ? 'true' : tag.slice(colon + 1));
  }
  return null;
}

/** The values `text[start, end)`, one or several separated by colons, all of type `type`. */
function addSamples(text: string, start: number, end: number, type: StatsdType, sampleRate: number, out: StatsdLine): StatsdLineProblem | null {
  let valueStart = start;
  for (;;) {
    let valueEnd = text.indexOf(':', valueStart);
    if (valueEnd === -1 || valueEnd > end) valueEnd = end;
    const valueText = text.slice(valueStart, valueEnd);
    if (valueText === '') return { reason: 'bad_value', cause: 'a value is empty' };
    const i = out.sampleCount++;
    out.types[i] = type;
    out.sampleRates[i] = sampleRate;
    out.deltas[i] = type === 'g' && (valueText[0] === '+' || valueText[0] === '-');
    if (type === 's') {
      out.members[i] = valueText;
      out.values[i] = NaN;
    } else {
      const value = DECIMAL.test(valueText) ? Number(valueText) : NaN;
      if (!Number.isFinite(value)) {
        const nan = /^[+-]?nan$/i.test(valueText);
        return { reason: nan ? 'nan_value' : 'bad_value', cause: `value ${quoteValue(valueText)} is ${nan ? 'NaN' : Number.isNaN(value) ? 'not a decimal number' : 'out of range'}` };
      }
      out.members[i] = '';
      out.values[i] = value;
    }
    if (valueEnd === end) return null;
    valueStart = valueEnd + 1;
  }
}

function malformed(cause: string): StatsdLineProblem {
  return { reason: 'malformed_line', cause };
}
