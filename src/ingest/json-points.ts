import type { RejectReason, Rejection } from '../model/index.js';
import { KeyedPointsBuilder } from '../model/index.js';
import type { ParsedPoints } from './parsed.js';
import { quoteValue } from './quote.js';
import type { SeriesKeyResult } from './series-path.js';
import { canonicalSeriesKey } from './series-path.js';

const FIELDS = new Set(['series', 'tags', 'timestampMs', 'value']);
/** Largest time a JavaScript Date can hold. */
const MAX_TIMESTAMP_MS = 8.64e15;
const SMALLEST_BUILDER = 16;

/**
 * Parses the body of `POST /api/v1/points`: a JSON array of `{series, tags?, timestampMs?, value}`.
 * `series` may itself be a tagged path (`cpu;host=a`); `tags` adds to it. A record without
 * `timestampMs` gets `nowMs`. Each bad record is rejected (line = index + 1) and the rest kept;
 * every other record yields exactly one point, in order. Unknown fields are rejected so that a
 * misspelt `timestampMs` is named instead of silently replaced by now.
 */
export function parseJsonPoints(body: unknown, nowMs: number): ParsedPoints {
  if (!Array.isArray(body)) throw new Error('cannot parse points: body must be a JSON array of {series, tags?, timestampMs, value}');
  const out = new KeyedPointsBuilder(Math.max(SMALLEST_BUILDER, body.length));
  const rejections: Rejection[] = [];
  // Requests usually repeat a few series many times; canonicalise each once.
  const untaggedKeys = new Map<string, SeriesKeyResult>();
  for (let i = 0; i < body.length; i++) {
    const line = i + 1;
    const reject = (reason: RejectReason, cause: string): void => {
      rejections.push({ line, reason, message: `record ${line}: ${cause}` });
    };
    const record: unknown = body[i];
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      reject('malformed_line', `must be an object {series, tags?, timestampMs, value}, got ${describeValue(record)}`);
      continue;
    }
    const fields = record as Record<string, unknown>;
    const unknownField = Object.keys(fields).find((name) => !FIELDS.has(name));
    if (unknownField !== undefined) {
      reject('malformed_line', `unknown field ${JSON.stringify(unknownField)}; expected series, tags, timestampMs, value`);
      continue;
    }

    const { series, tags, value, timestampMs } = fields;
    if (typeof series !== 'string' || series.length === 0) {
      reject('bad_series', `field "series" must be a non-empty string, got ${describeValue(series)}`);
      continue;
    }
    let key: SeriesKeyResult;
    if (tags === undefined) {
      let cached = untaggedKeys.get(series);
      if (cached === undefined) {
        cached = canonicalSeriesKey(series);
        untaggedKeys.set(series, cached);
      }
      key = cached;
    } else {
      const tagsProblem = checkTags(tags);
      if (tagsProblem !== null) {
        reject('bad_series', tagsProblem);
        continue;
      }
      key = canonicalSeriesKey(series, tags as Record<string, string>);
    }
    if (!key.ok) {
      reject('bad_series', `series ${quoteValue(series)} is invalid: ${key.cause}`);
      continue;
    }

    if (typeof value !== 'number' || !Number.isFinite(value)) {
      if (value === null || Number.isNaN(value) || (typeof value === 'string' && value.toLowerCase() === 'nan')) {
        reject('nan_value', `field "value" is ${describeValue(value)}`);
      } else {
        reject('bad_value', `field "value" must be a finite number, got ${describeValue(value)}`);
      }
      continue;
    }

    let pointMs = nowMs;
    if (timestampMs !== undefined) {
      if (typeof timestampMs !== 'number' || !(timestampMs >= 0 && timestampMs <= MAX_TIMESTAMP_MS)) {
        reject('bad_timestamp', `field "timestampMs" must be Unix milliseconds (a non-negative number), got ${describeValue(timestampMs)}`);
        continue;
      }
      pointMs = Math.round(timestampMs);
    }
    out.push(key.key, pointMs, value);
  }
  return { points: out.finish(), rejections };
}

/** Why `tags` is not an object of string values, or null. */
function checkTags(tags: unknown): string | null {
  if (typeof tags !== 'object' || tags === null || Array.isArray(tags)) {
    return `field "tags" must be an object of string values, got ${describeValue(tags)}`;
  }
  for (const [name, value] of Object.entries(tags)) {
    if (typeof value !== 'string') return `field "tags.${name}" must be a string, got ${describeValue(value)}`;
  }
  return null;
}

/** A value as a message shows it: strings quoted, anything else as JSON, all truncated. */
function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return quoteValue(value);
  if (typeof value === 'number') return String(value);
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}
