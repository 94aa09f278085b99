import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../model/index.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { seededGaussian } from '../synthetic-series.testsuite.js';
import { windowedGaussian } from './windowed-gaussian.js';

// A window that slides within the suite's 4000 points, so snapshots are taken mid-step.
runDetectorSuite(windowedGaussian, { windowSize: 1000, stepSize: 10 });

const START_MS = Date.UTC(2024, 0, 1);

/** Two-sided normal tail probabilities P(|Z| > z), from tables. */
const TWO_SIDED_TAIL: readonly (readonly [number, number])[] = [
  [0.5, 0.6170750774519738],
  [2, 0.04550026389635842],
  [3, 0.002699796063260207],
  [6, 1.973175290075e-9],
  [10, 1.523970604832e-23],
];

/** NAB's algorithm written plainly: lists, the window's mean and population deviation summed afresh at every change. */
function reference(values: readonly number[], windowSize: number, stepSize: number): { expected: number[]; z: number[] } {
  let window: number[] = [];
  let pending: number[] = [];
  let mean = 0;
  let std = 1;
  const expected: number[] = [];
  const z: number[] = [];
  const refresh = (): void => {
    mean = window.reduce((s, v) => s + v, 0) / window.length;
    std = Math.sqrt(window.reduce((s, v) => s + (v - mean) ** 2, 0) / window.length);
    if (std <= 1e-6) std = 1e-6;
  };
  for (const value of values) {
    expected.push(window.length > 0 ? mean : NaN);
    z.push(window.length > 0 ? Math.abs(value - mean) / std : 0);
    if (window.length < windowSize) {
      window.push(value);
      refresh();
    } else {
      pending.push(value);
      if (pending.length === stepSize) {
        window = [...window.slice(stepSize), ...pending];
        pending = [];
        refresh();
      }
    }
  }
  return { expected, z };
}

describe('windowed-gaussian', () => {
  it('defaults to NAB baseline settings and names bad fields', () => {
    expect(windowedGaussian.parseParams({})).toEqual({ windowSize: 6400, stepSize: 100, levelShiftPoints: 5 });
    expect(() => windowedGaussian.parseParams({ windowSize: 10, stepSize: 20 })).toThrow(
      'cannot parse params of detector windowed-gaussian: stepSize must be <= windowSize (10), got 20',
    );
    expect(() => windowedGaussian.parseParams({ windowSize: 1 })).toThrow(/windowSize must be an integer in \[2, 1000000\], got 1/);
  });

  it('computes erfc as its reference does across the three ranges of its approximation', () => {
    const detector = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 16, stepSize: 16 }));
    for (let i = 0; i < 16; i++) detector.update(START_MS + i * MINUTE_MS, i % 2 === 0 ? -1 : 1);
    for (const z of [0.1, 0.6, 1.3, 4.2, 5.9, 7.5, 12]) {
      const score = detector.update(START_MS + (16 + z) * MINUTE_MS, z);
      expect(detector.lastExpected).toBe(0);
      const p = erfcReference(z / Math.SQRT2);
      expect(Math.abs(Math.log(1 - score) - 0.1 * Math.log(p))).toBeLessThan(1e-12);
    }
  });

  it('scores 1 - p^0.1 for the two-sided tail probability p of the point under the window Gaussian', () => {
    const detector = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 4, stepSize: 4 }));
    // Mean 0 and population deviation exactly 1; they stay until 4 more values have arrived.
    [-1, 1, -1, 1].forEach((v, i) => detector.update(START_MS + i * MINUTE_MS, v));
    TWO_SIDED_TAIL.slice(0, 4).forEach(([z, p], k) => {
      const score = detector.update(START_MS + (4 + k) * MINUTE_MS, k % 2 === 0 ? z : -z);
      expect(detector.lastExpected).toBe(0);
      expect(Math.abs(score - (1 - p ** 0.1))).toBeLessThan(1e-13);
    });
    const far = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 4, stepSize: 4 }));
    [-1, 1, -1, 1].forEach((v, i) => far.update(START_MS + i * MINUTE_MS, v));
    const [z, p] = TWO_SIDED_TAIL[4]!;
    expect(Math.abs(far.update(START_MS + 4 * MINUTE_MS, z) - (1 - p ** 0.1))).toBeLessThan(1e-13);
    expect(far.lastKind).toBe('spike');
  });

  it('scores the first point 0 and judges each point before it joins the window', () => {
    const detector = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 4, stepSize: 2 }));
    expect(detector.update(START_MS, 5)).toBe(0);
    expect(detector.lastExpected).toBeNaN();
    const expected: number[] = [];
    for (const [i, v] of [7, 9, 11, 100, 13, 15].entries()) {
      detector.update(START_MS + (i + 1) * MINUTE_MS, v);
      expected.push(detector.lastExpected);
    }
    // Growing: mean of all values so far; full at 4 values, then it moves only after every 2 values.
    expect(expected).toEqual([5, 6, 7, 8, 8, (9 + 11 + 100 + 13) / 4]);
  });

  it('matches a plain recomputation of the window through drift far from its first value, with O(1) running sums', () => {
    const noise = seededGaussian(7);
    const values: number[] = [];
    for (let i = 0; i < 5000; i++) values.push(1e6 + 40 * i + 3 * noise() + (i % 700 === 350 ? 60 : 0));
    const { expected, z } = reference(values, 64, 8);
    const detector = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 64, stepSize: 8 }));
    values.forEach((v, i) => {
      const score = detector.update(START_MS + i * MINUTE_MS, v);
      if (i === 0) return;
      expect(Math.abs(detector.lastExpected - expected[i]!)).toBeLessThan(1e-6);
      expect(Math.abs(score - (1 - erfcReference(z[i]! / Math.SQRT2) ** 0.1))).toBeLessThan(1e-9);
    });
  });

  it('restores into a smaller window by replaying the newest values', () => {
    const big = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 64, stepSize: 4 }));
    for (let i = 0; i < 130; i++) big.update(START_MS + i * MINUTE_MS, i < 100 ? 1000 : i);
    const small = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 8, stepSize: 2 }));
    small.restore(big.snapshot());
    const direct = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 8, stepSize: 2 }));
    for (let i = 0; i < 130; i++) direct.update(START_MS + i * MINUTE_MS, i < 100 ? 1000 : i);
    for (let i = 130; i < 140; i++) {
      expect(small.update(START_MS + i * MINUTE_MS, i)).toBe(direct.update(START_MS + i * MINUTE_MS, i));
      expect(small.lastExpected).toBe(direct.lastExpected);
    }
  });
});

/**
 * erfc to about 1e-14 by other means than the detector's: the Maclaurin series of erf below 2, a
 * continued fraction (evaluated backwards) from 2 on.
 */
function erfcReference(x: number): number {
  if (x < 2) {
    let term = x;
    let sum = x;
    for (let n = 1; n < 60; n++) {
      term *= (-x * x) / n;
      sum += term / (2 * n + 1);
    }
    return 1 - (2 / Math.sqrt(Math.PI)) * sum;
  }
  let fraction = 0;
  for (let k = 200; k >= 1; k--) fraction = k / 2 / (x + fraction);
  return Math.exp(-x * x) / Math.sqrt(Math.PI) / (x + fraction);
}
