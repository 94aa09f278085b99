import { describe, expect, it } from 'vitest';
import { covering, fMeasure, fMeasureDetail, partitionFromChangePoints, truePositives } from './tcpd-metrics.js';

describe('truePositives', () => {
  it("matches TCPDBench's doctests", () => {
    expect(truePositives([1, 10, 20, 23], [3, 8, 20])).toEqual([1, 10, 20]);
    expect(truePositives([1, 10, 20, 23], [1, 3, 8, 20])).toEqual([1, 10, 20]);
    expect(truePositives([1, 10, 20, 23], [1, 3, 5, 8, 20])).toEqual([1, 10, 20]);
    expect(truePositives([], [1, 2, 3])).toEqual([]);
    expect(truePositives([1, 2, 3], [])).toEqual([]);
  });

  it('matches at a distance of exactly the margin, not one more', () => {
    expect(truePositives([50], [55])).toEqual([50]);
    expect(truePositives([50], [45])).toEqual([50]);
    expect(truePositives([50], [56])).toEqual([]);
    expect(truePositives([50], [44])).toEqual([]);
    expect(truePositives([50], [52], 2)).toEqual([50]);
    expect(truePositives([50], [53], 2)).toEqual([]);
  });

  it('uses each prediction for one annotated point only', () => {
    // 48 and 52 both lie within 5 of 50; the one prediction goes to 48 (first ascending), 52 is left unmatched.
    expect(truePositives([48, 52], [50])).toEqual([48]);
  });

  it('takes the closest unused prediction, the smaller on a tie', () => {
    // τ = 10 takes 12 (distance 2) over 7 (distance 3); τ = 14 then has only 17 (distance 3) left.
    expect(truePositives([10, 14], [7, 12, 17])).toEqual([10, 14]);
    // τ = 10 is 2 from both 8 and 12 and takes 8, which leaves 12 for τ = 14 (distance 2); had it taken 12,
    // τ = 14 would find only 8 (distance 6) and stay unmatched.
    expect(truePositives([10, 14], [8, 12])).toEqual([10, 14]);
  });
});

describe('fMeasure', () => {
  it('is 1 for a perfect prediction', () => {
    // Sets with 0: T = {0, 50}, X = {0, 50}; P = 2/2, R = 2/2, F = 1.
    expect(fMeasure({ a: [50] }, [50])).toBe(1);
  });

  it('is 1 for predicting nothing when no annotator marked anything', () => {
    // T = {0}, X = {0}: P = 1/1, R = 1/1.
    expect(fMeasure({ a: [], b: [] }, [])).toBe(1);
  });

  it('counts the 0 that every set gets: a missed point halves recall', () => {
    // T = {0, 50}, X = {0}: TP(T*, X) = {0} so P = 1/1; R = 1/2; F = (1 · 1/2) / (0.5 · 1/2 + 0.5 · 1) = 0.5 / 0.75 = 2/3.
    const detail = fMeasureDetail({ a: [50] }, []);
    expect(detail.precision).toBe(1);
    expect(detail.recall).toBe(0.5);
    expect(detail.f1).toBeCloseTo(2 / 3, 12);
  });

  it('charges a false alarm to precision only', () => {
    // T = {0}, X = {0, 30}: P = 1/2, R = 1/1; F = 0.5 / (0.5 + 0.25) = 2/3.
    const detail = fMeasureDetail({ a: [] }, [30]);
    expect(detail).toEqual({ precision: 0.5, recall: 1, f1: detail.f1 });
    expect(detail.f1).toBeCloseTo(2 / 3, 12);
  });

  it('averages recall over annotators and takes precision against their union', () => {
    // a: {0, 50}, b: {0, 50, 80}, c: {0}; X = {0, 52}.
    // T* = {0, 50, 80}: 0 ↔ 0 and 50 ↔ 52 (distance 2) match, so P = 2/2 = 1.
    // R = (2/2 + 2/3 + 1/1) / 3 = (8/3) / 3 = 8/9.  F = (8/9) / (0.5 · 8/9 + 0.5) = (8/9) / (17/18) = 16/17.
    const annotations = new Map<string, readonly number[]>([['a', [50]], ['b', [50, 80]], ['c', []]]);
    const detail = fMeasureDetail(annotations, [52]);
    expect(detail.precision).toBe(1);
    expect(detail.recall).toBeCloseTo(8 / 9, 12);
    expect(detail.f1).toBeCloseTo(16 / 17, 12);
  });

  it('lets one prediction match one annotated point only', () => {
    // T = {0, 48, 52}, X = {0, 50}: 0 ↔ 0, 48 ↔ 50, 52 unmatched. P = 2/2, R = 2/3; F = (2/3) / (1/3 + 1/2) = 4/5.
    expect(fMeasure({ a: [48, 52] }, [50])).toBeCloseTo(4 / 5, 12);
  });

  it('treats duplicate and zero predictions as one set', () => {
    // X = {0, 50} whatever the repeats: same as the perfect prediction.
    expect(fMeasure({ a: [50] }, [0, 50, 50])).toBe(1);
  });

  it('uses the margin given', () => {
    // Margin 1: 50 vs 53 is no match. T = {0, 50}, X = {0, 53}: P = 1/2, R = 1/2, F = 1/2.
    expect(fMeasure({ a: [50] }, [53], 1)).toBeCloseTo(0.5, 12);
    expect(fMeasure({ a: [50] }, [53])).toBe(1);
  });

  it('refuses an empty annotation set', () => {
    expect(() => fMeasure({}, [1])).toThrow('no annotators');
  });
});

describe('partitionFromChangePoints', () => {
  it('splits at each location without empty segments', () => {
    expect(partitionFromChangePoints([3, 0, 3, 7], 10)).toEqual([
      { start: 0, end: 3 },
      { start: 3, end: 7 },
      { start: 7, end: 10 },
    ]);
    expect(partitionFromChangePoints([], 4)).toEqual([{ start: 0, end: 4 }]);
  });

  it('ignores locations past the end, as the Python loop never reaches them', () => {
    expect(partitionFromChangePoints([5, 10, 12], 10)).toEqual([
      { start: 0, end: 5 },
      { start: 5, end: 10 },
    ]);
  });

  it('stops splitting at a location the Python loop can never equal', () => {
    expect(partitionFromChangePoints([-1, 5], 10)).toEqual([{ start: 0, end: 10 }]);
    expect(partitionFromChangePoints([2, 4.5, 7], 10)).toEqual([
      { start: 0, end: 2 },
      { start: 2, end: 10 },
    ]);
  });
});

describe('covering', () => {
  it('is 1 for a perfect prediction and for nothing predicted where nothing is annotated', () => {
    expect(covering({ a: [50] }, [50], 100)).toBe(1);
    expect(covering({ a: [], b: [] }, [], 100)).toBe(1);
  });

  it('scores one segment against an annotated split in half', () => {
    // S = {[0,50), [50,100)}, S' = {[0,100)}: each half has Jaccard 50/100. (50 · 0.5 + 50 · 0.5) / 100 = 0.5.
    expect(covering({ a: [50] }, [], 100)).toBe(0.5);
  });

  it('takes each annotated segment at its best match', () => {
    // S = {[0,50), [50,100)}, S' = {[0,40), [40,100)}.
    // [0,50): best of 40/50 and 10/100 → 0.8.  [50,100): best of 0 and 50/60 → 5/6.
    // (50 · 0.8 + 50 · 5/6) / 100 = (40 + 41.67) / 100 = 0.81667.
    expect(covering({ a: [50] }, [40], 100)).toBeCloseTo((50 * 0.8 + 50 * (5 / 6)) / 100, 12);
  });

  it('averages over annotators', () => {
    // a: {[0,100)} against S' = {[0,50), [50,100)}: 100 · 0.5 / 100 = 0.5.  b: [50] → perfect, 1.  Mean 0.75.
    expect(covering(new Map([['a', []], ['b', [50]]]), [50], 100)).toBe(0.75);
  });

  it('refuses bad input', () => {
    expect(() => covering({}, [], 10)).toThrow('no annotators');
    expect(() => covering({ a: [] }, [], 0)).toThrow('nObs 0');
  });
});
