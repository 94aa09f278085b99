import { describe, expect, it } from 'vitest';
import { RangeBreak, readRangeBreak } from './range-break.js';

describe('RangeBreak', () => {
  it('measures how far a value leaves the range of all values before it, in units of that range', () => {
    const range = new RangeBreak();
    expect(range.update(10)).toBe(0);
    // A single value is no range yet.
    expect(range.update(10)).toBe(0);
    expect(range.update(20)).toBe(0);
    expect(range.update(15)).toBe(0);
    expect(Number.isNaN(range.lastEdge)).toBe(true);
    expect(range.update(25)).toBeCloseTo(0.5, 12);
    expect(range.lastEdge).toBe(20);
    // The range now spans 10..25: 7 lies 3 below it, a fifth of its width.
    expect(range.update(7)).toBeCloseTo(0.2, 12);
    expect(range.lastEdge).toBe(10);
    expect(range.update(24)).toBe(0);
  });

  it('snapshots to plain data and restores, including the empty range', () => {
    const empty = new RangeBreak().snapshot();
    expect(empty).toEqual({ rangeLow: null, rangeHigh: null });
    const range = new RangeBreak();
    for (const v of [3, -2, 8]) range.update(v);
    const restored = new RangeBreak();
    restored.restore(readRangeBreak(JSON.parse(JSON.stringify(range.snapshot())) as Record<string, unknown>, 'ensemble'));
    expect(restored.update(18)).toBe(range.update(18));
    expect(() => readRangeBreak({ rangeLow: 'x', rangeHigh: 1 }, 'ensemble')).toThrow('cannot restore detector ensemble: rangeLow must be a finite number, got "x"');
  });
});
