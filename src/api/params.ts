import { AGGREGATIONS, DAY_MS, HOUR_MS, MINUTE_MS, SECOND_MS, WEEK_MS, type Aggregation } from '../model/index.js';
import { badRequest } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: SECOND_MS,
  m: MINUTE_MS,
  min: MINUTE_MS,
  h: HOUR_MS,
  d: DAY_MS,
  w: WEEK_MS,
};

/** Parses a duration such as `90s`, `5m`, `6h`, `2d`, `1w` or a plain number of milliseconds. */
export function parseDurationMs(text: string, field: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|min|m|h|d|w)?$/.exec(text.trim());
  if (match === null) throw badRequest(`cannot parse ${field}: expected a duration like 60s, 5m, 6h, 2d or milliseconds, got ${JSON.stringify(text)}`, field);
  const ms = Number(match[1]) * UNIT_MS[match[2] ?? 'ms']!;
  if (!(ms > 0)) throw badRequest(`cannot parse ${field}: duration must be positive, got ${JSON.stringify(text)}`, field);
  return ms;
}

/** Parses a point in time: Unix ms, ISO-8601, `now`, or relative to now (`-15m`, `-6h`, `-2d`). */
export function parseTimeMs(text: string | undefined, nowMs: number, field: string, fallbackMs: number): number {
  if (text === undefined || text === '') return fallbackMs;
  const trimmed = text.trim();
  if (trimmed === 'now') return nowMs;
  if (trimmed.startsWith('-')) return nowMs - parseDurationMs(trimmed.slice(1), field);
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const parsed = Date.parse(trimmed);
  if (Number.isNaN(parsed)) {
    throw badRequest(`cannot parse ${field}: expected Unix ms, ISO-8601, "now" or a relative time like -6h, got ${JSON.stringify(text)}`, field);
  }
  return parsed;
}

/**
 * `from` and `to` of a request: `to` defaults to `defaultToMs`, `from` to `defaultSpanMs` before `to`;
 * `from` must come first. `action` names the request in the error (`cannot <action>: ...`).
 */
export function parseTimeRange(from: string | undefined, to: string | undefined, nowMs: number, defaults: { readonly toMs: number; readonly spanMs: number }, action: string): { fromMs: number; toMs: number } {
  const toMs = parseTimeMs(to, nowMs, 'to', defaults.toMs);
  const fromMs = parseTimeMs(from, nowMs, 'from', toMs - defaults.spanMs);
  if (!(fromMs < toMs)) throw badRequest(`cannot ${action}: from (${fromMs}) must be before to (${toMs})`, 'from');
  return { fromMs, toMs };
}

export function parseAggregation(text: string | undefined): Aggregation {
  if (text === undefined || text === '') return 'avg';
  if ((AGGREGATIONS as readonly string[]).includes(text)) return text as Aggregation;
  throw badRequest(`cannot parse agg: expected one of ${AGGREGATIONS.join(', ')}, got ${JSON.stringify(text)}`, 'agg');
}

export function parseLimit(text: string | undefined, fallback: number, max: number): number {
  if (text === undefined || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw badRequest(`cannot parse limit: expected a positive integer, got ${JSON.stringify(text)}`, 'limit');
  return Math.min(n, max);
}

/** A step that keeps a range within about `maxBuckets` buckets, rounded up to a whole second (at least 1 s). */
export function defaultStepMs(fromMs: number, toMs: number, maxBuckets = 1000): number {
  return Math.max(SECOND_MS, Math.ceil((toMs - fromMs) / maxBuckets / SECOND_MS) * SECOND_MS);
}
