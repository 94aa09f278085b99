import { describe, expect, it } from 'vitest';
import { SortedWindow } from './sorted-window.js';
import { seededRandom } from './synthetic-series.testsuite.js';

function naiveMedian(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2]! : (s[n / 2 - 1]! + s[n / 2]!) / 2;
}

describe('SortedWindow', () => {
  it('keeps median and MAD equal to a sort of the last values, with duplicates', () => {
    const random = seededRandom(7);
    for (const capacity of [1, 2, 5, 16, 33]) {
      const window = new SortedWindow(capacity);
      const all: number[] = [];
      for (let i = 0; i < 500; i++) {
        const v = Math.floor(random() * 20) - 5;
        window.push(v);
        all.push(v);
        const last = all.slice(-capacity);
        expect(window.length).toBe(last.length);
        expect(window.toArray()).toEqual(last);
        const median = naiveMedian(last);
        expect(window.median()).toBe(median);
        expect(window.medianAbsoluteDeviation(median)).toBe(naiveMedian(last.map((x) => Math.abs(x - median))));
        expect(window.meanAbsoluteDeviation(median)).toBeCloseTo(last.reduce((a, x) => a + Math.abs(x - median), 0) / last.length, 12);
      }
    }
  });

  it('is empty after clear and reports NaN statistics when empty', () => {
    const window = new SortedWindow(4);
    window.push(1);
    window.clear();
    expect(window.length).toBe(0);
    expect(window.median()).toBeNaN();
    expect(() => new SortedWindow(0)).toThrow(/capacity must be a positive integer, got 0/);
  });
});
