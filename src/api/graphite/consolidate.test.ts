import { describe, expect, it } from 'vitest';
import { aggFunc } from './agg-funcs.js';
import { consolidateValues, lcm, normalize } from './consolidate.js';
import { makeSeries } from './series.js';

const N = NaN;
const list = (values: Float64Array): (number | null)[] => Array.from(values, (v) => (Number.isNaN(v) ? null : v));

describe('consolidateValues', () => {
  const values = Float64Array.of(1, 2, N, 4, N, N, 7);

  it('combines groups by each consolidation function, a short last group included', () => {
    expect(list(consolidateValues(values, 3, 'average', 0))).toEqual([1.5, 4, 7]);
    expect(list(consolidateValues(values, 3, 'sum', 0))).toEqual([3, 4, 7]);
    expect(list(consolidateValues(values, 3, 'avg_zero', 0))).toEqual([1, 4 / 3, 7]);
    expect(list(consolidateValues(values, 3, 'min', 0))).toEqual([1, 4, 7]);
    expect(list(consolidateValues(values, 3, 'max', 0))).toEqual([2, 4, 7]);
    expect(list(consolidateValues(values, 3, 'first', 0))).toEqual([1, 4, 7]);
    expect(list(consolidateValues(values, 3, 'last', 0))).toEqual([2, 4, 7]);
  });

  it('gives null for a group without values or with too few for xFilesFactor (counted on the full group size)', () => {
    expect(list(consolidateValues(Float64Array.of(N, N, 3, 4), 2, 'average', 0))).toEqual([null, 3.5]);
    expect(list(consolidateValues(values, 3, 'average', 0.5))).toEqual([1.5, null, null]);
  });
});

describe('normalize', () => {
  it('consolidates series to the least common multiple of their steps', () => {
    const a = makeSeries({ name: 'a', startSec: 0, endSec: 60, stepSec: 10, values: Float64Array.of(1, 2, 3, 4, 5, 6), xFilesFactor: 0 });
    const b = makeSeries({ name: 'b', startSec: 0, endSec: 60, stepSec: 15, values: Float64Array.of(10, 20, 30, 40), xFilesFactor: 0 });
    const n = normalize([a, b])!;
    expect(lcm(10, 15)).toBe(30);
    expect(n).toMatchObject({ startSec: 0, endSec: 60, stepSec: 30 });
    expect(n.values.map(list)).toEqual([[2, 5], [15, 35]]);
    expect(normalize([])).toBeNull();
  });
});

describe('aggFunc', () => {
  const row = Float64Array.of(4, N, 1, 3);
  const apply = (name: string): number | null => {
    const v = aggFunc(name)!(row, 0, row.length);
    return Number.isNaN(v) ? null : v;
  };

  it("computes graphite-web's aggregation functions, skipping nulls", () => {
    expect(apply('sum')).toBe(8);
    expect(apply('total')).toBe(8);
    expect(apply('average')).toBe(8 / 3);
    expect(apply('avg')).toBe(8 / 3);
    expect(apply('avg_zero')).toBe(2);
    expect(apply('median')).toBe(3);
    expect(apply('min')).toBe(1);
    expect(apply('max')).toBe(4);
    expect(apply('diff')).toBe(0);
    expect(apply('count')).toBe(3);
    expect(apply('range')).toBe(3);
    expect(apply('rangeOf')).toBe(3);
    expect(apply('last')).toBe(3);
    expect(apply('current')).toBe(3);
    expect(apply('multiply')).toBeNull();
    expect(apply('stddev')).toBeCloseTo(Math.sqrt(((4 - 8 / 3) ** 2 + (1 - 8 / 3) ** 2 + (3 - 8 / 3) ** 2) / 3), 12);
    expect(aggFunc('median')!(Float64Array.of(4, 1, 3, 2), 0, 4)).toBe(2.5);
    expect(aggFunc('multiply')!(Float64Array.of(2, 3, 4), 0, 3)).toBe(24);
    expect(aggFunc('nope')).toBeUndefined();
  });
});
