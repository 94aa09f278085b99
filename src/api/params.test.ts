import { describe, expect, it } from 'vitest';
import { ApiError } from './errors.js';
import { defaultStepMs, parseAggregation, parseDurationMs, parseLimit, parseTimeMs } from './params.js';

const NOW = Date.UTC(2024, 0, 10, 12, 0, 0);

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof ApiError) return err.field;
    throw err;
  }
  throw new Error('expected an ApiError');
}

describe('API parameters', () => {
  it('parses durations with units', () => {
    expect(parseDurationMs('90s', 'step')).toBe(90_000);
    expect(parseDurationMs('5m', 'step')).toBe(300_000);
    expect(parseDurationMs('2d', 'step')).toBe(172_800_000);
    expect(parseDurationMs('250', 'step')).toBe(250);
    expect(fieldOf(() => parseDurationMs('5 parsecs', 'step'))).toBe('step');
    expect(fieldOf(() => parseDurationMs('0s', 'step'))).toBe('step');
  });

  it('parses absolute, ISO, relative and now', () => {
    expect(parseTimeMs('1700000000000', NOW, 'from', 0)).toBe(1_700_000_000_000);
    expect(parseTimeMs('2024-01-10T00:00:00Z', NOW, 'from', 0)).toBe(Date.UTC(2024, 0, 10));
    expect(parseTimeMs('-6h', NOW, 'from', 0)).toBe(NOW - 6 * 3_600_000);
    expect(parseTimeMs('now', NOW, 'to', 0)).toBe(NOW);
    expect(parseTimeMs(undefined, NOW, 'to', 42)).toBe(42);
    expect(fieldOf(() => parseTimeMs('yesterday-ish', NOW, 'to', 0))).toBe('to');
  });

  it('checks aggregations and limits', () => {
    expect(parseAggregation(undefined)).toBe('avg');
    expect(parseAggregation('last')).toBe('last');
    expect(fieldOf(() => parseAggregation('median'))).toBe('agg');
    expect(parseLimit('5000', 10, 1000)).toBe(1000);
    expect(fieldOf(() => parseLimit('-1', 10, 1000))).toBe('limit');
  });

  it('chooses a step that bounds the bucket count', () => {
    expect(defaultStepMs(0, 3_600_000)).toBe(4_000);
    expect(defaultStepMs(0, 10_000)).toBe(1_000);
  });
});
