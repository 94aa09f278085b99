import { describe, expect, it } from 'vitest';
import { parseJsonPoints } from './json-points.js';

const NOW_MS = 1_700_000_000_000;

describe('parseJsonPoints', () => {
  it('turns records into keyed points, canonicalising tagged series', () => {
    const { points, rejections } = parseJsonPoints(
      [
        { series: 'cpu.user', timestampMs: 1_000, value: 1.5 },
        { series: 'cpu;z=1;a=2', timestampMs: 2_000, value: -2 },
        { series: 'cpu;z=1', tags: { a: '2' }, timestampMs: 3_000, value: 3 },
        { series: 'mem', value: 4 },
      ],
      NOW_MS,
    );
    expect(rejections).toEqual([]);
    expect(points.keys).toEqual(['cpu.user', 'cpu;a=2;z=1', 'cpu;a=2;z=1', 'mem']);
    expect(Array.from(points.timestampsMs)).toEqual([1_000, 2_000, 3_000, NOW_MS]);
    expect(Array.from(points.values)).toEqual([1.5, -2, 3, 4]);
  });

  it('rejects each bad record by its 1-based index, naming the field, and keeps the rest in order', () => {
    const { points, rejections } = parseJsonPoints(
      [
        { series: 'a', timestampMs: 1, value: 1 },
        42,
        { series: 'b', timestampMs: 2, value: 'abc' },
        { series: '', timestampMs: 3, value: 3 },
        { series: 'c', timestampMs: -5, value: 4 },
        { series: 'd', timestamp: 5, value: 5 },
        { series: 'e;x=1', tags: { x: '2' }, timestampMs: 6, value: 6 },
        { series: 'f', tags: { host: 7 }, timestampMs: 7, value: 7 },
        { series: 'bad name', timestampMs: 8, value: 8 },
        { series: 'g', timestampMs: 9, value: 9 },
      ],
      NOW_MS,
    );
    expect(points.keys).toEqual(['a', 'g']);
    expect(rejections).toEqual([
      { line: 2, reason: 'malformed_line', message: 'record 2: must be an object {series, tags?, timestampMs, value}, got 42' },
      { line: 3, reason: 'bad_value', message: 'record 3: field "value" must be a finite number, got "abc"' },
      { line: 4, reason: 'bad_series', message: 'record 4: field "series" must be a non-empty string, got ""' },
      { line: 5, reason: 'bad_timestamp', message: 'record 5: field "timestampMs" must be Unix milliseconds (a non-negative number), got -5' },
      { line: 6, reason: 'malformed_line', message: 'record 6: unknown field "timestamp"; expected series, tags, timestampMs, value' },
      { line: 7, reason: 'bad_series', message: 'record 7: series "e;x=1" is invalid: tag x is "1" in the series path but "2" in tags' },
      { line: 8, reason: 'bad_series', message: 'record 8: field "tags.host" must be a string, got 7' },
      { line: 9, reason: 'bad_series', message: 'record 9: series "bad name" is invalid: series name "bad name" contains whitespace or \';\'' },
    ]);
  });

  it('counts null and NaN values as nan_value', () => {
    const { points, rejections } = parseJsonPoints(
      [
        { series: 'a', timestampMs: 1, value: null },
        { series: 'a', timestampMs: 2, value: Number.NaN },
        { series: 'a', timestampMs: 3, value: 'NaN' },
        { series: 'a', timestampMs: 4, value: Number.POSITIVE_INFINITY },
      ],
      NOW_MS,
    );
    expect(points.length).toBe(0);
    expect(rejections.map((r) => r.reason)).toEqual(['nan_value', 'nan_value', 'nan_value', 'bad_value']);
    expect(rejections[0]!.message).toBe('record 1: field "value" is null');
  });

  it('throws for a body that is not an array', () => {
    const message = 'cannot parse points: body must be a JSON array of {series, tags?, timestampMs, value}';
    expect(() => parseJsonPoints({ series: 'a', value: 1 }, NOW_MS)).toThrow(message);
    expect(() => parseJsonPoints(undefined, NOW_MS)).toThrow(message);
  });

  it('truncates long offending values in messages', () => {
    const { rejections } = parseJsonPoints([{ series: 'a', timestampMs: 1, value: 'x'.repeat(500) }], NOW_MS);
    expect(rejections[0]!.message).toBe(`record 1: field "value" must be a finite number, got "${'x'.repeat(100)}…"`);
  });
});
