import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../model/index.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { seededGaussian } from '../synthetic-series.testsuite.js';
import { windowedGaussian } from './windowed-gaussian.js';

// A window that slides within the suite's 4000 points and is not a whole number of steps, so snapshots
// are taken mid-step with a partial step in the window.
runDetectorSuite(windowedGaussian, { windowSize: 1000, stepSize: 7 });

const START_MS = Date.UTC(2024, 0, 1);

/** Two-sided normal tail probabilities P(|Z| > z), from tables. */
const TWO_SIDED_TAIL: readonly (readonly [number, number])[] = [
  [0.5, 0.6170750774519738],
  [2, 0.04550026389635842],
  [3, 0.002699796063260207],
  [6, 1.973175290075e-9],
  [10, 1.523970604832e-23],
];

/** Sum with a running compensation for the low-order bits each addition drops (Neumaier), so it is exact to about one ulp. */
function accurateSum(values: readonly number[], term: (v: number) => number): number {
  let sum = 0;
  let compensation = 0;
  for (const v of values) {
    const x = term(v);
    const t = sum + x;
    compensation += Math.abs(sum) >= Math.abs(x) ? sum - t + x : x - t + sum;
    sum = t;
  }
  return sum + compensation;
}

interface ReferencePoint {
  /** NaN for the first point. */
  readonly mean: number;
  readonly std: number;
  /** The largest magnitude in the window: rounding errors of any float computation scale with it. */
  readonly scale: number;
  readonly score: number;
}

/**
 * NAB's algorithm written plainly: lists, the window's mean and population deviation summed afresh (and
 * accurately) at every change, and the score 1 − p^0.1 of the two-sided tail probability p of |z|.
 */
function reference(values: readonly number[], windowSize: number, stepSize: number): ReferencePoint[] {
  let window: number[] = [];
  let pending: number[] = [];
  let mean = NaN;
  let std = 1;
  let scale = 0;
  const points: ReferencePoint[] = [];
  const refresh = (): void => {
    mean = accurateSum(window, (v) => v) / window.length;
    std = Math.sqrt(accurateSum(window, (v) => (v - mean) ** 2) / window.length);
    if (std <= 1e-6) std = 1e-6;
    scale = window.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  };
  for (const value of values) {
    const z = window.length > 0 ? Math.abs(value - mean) / std : 0;
    points.push({ mean, std, scale, score: z > 0 ? 1 - erfcReference(z / Math.SQRT2) ** 0.1 : 0 });
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
  return points;
}
/**
 * Varied data in segments of `segmentPoints`: noise far from zero, integer counts, a constant stretch
 * (zero deviation), a daily-like cycle with spikes, heavy tails, level shifts, then back to the start.
 */
function variedSeries(points: number, segmentPoints: number, seed: number): number[] {
  const noise = seededGaussian(seed);
  const values: number[] = [];
  for (let i = 0; i < points; i++) {
    const segment = Math.floor(i / segmentPoints) % 6;
    const e = noise();
    if (segment === 0) values.push(3e9 + 250 * i + 4 * e);
    else if (segment === 1) values.push(Math.max(0, Math.round(20 + 5 * e)));
    else if (segment === 2) values.push(0.1);
    else if (segment === 3) values.push(50 + 40 * Math.sin(i / 40) + e + (i % 311 === 0 ? 400 : 0));
    else if (segment === 4) values.push(-7e5 + 3 * e * e * e);
    else values.push((i % 500 < 250 ? 1e-3 : 2e-3) + 1e-5 * e);
  }
  return values;
}

const EPSILON = Number.EPSILON;

/**
 * Runs a detector over the values and checks each point against the reference, to the rounding that no
 * float computation of the window avoids: means to a few ulps of the window's largest magnitude, scores
 * to what such an error of the mean and deviation moves them (|d score / d z| < 0.25).
 */
function expectReferenceScores(values: readonly number[], windowSize: number, stepSize: number): void {
  const points = reference(values, windowSize, stepSize);
  const detector = windowedGaussian.create(windowedGaussian.parseParams({ windowSize, stepSize }));
  let worstMeanUlps = 0;
  let worstScoreShare = 0;
  values.forEach((v, i) => {
    const score = detector.update(START_MS + i * MINUTE_MS, v);
    const { mean, std, scale, score: expected } = points[i]!;
    if (i === 0) {
      expect(score).toBe(0);
      expect(detector.lastExpected).toBeNaN();
      return;
    }
    worstMeanUlps = Math.max(worstMeanUlps, Math.abs(detector.lastExpected - mean) / (EPSILON * scale));
    const z = Math.abs(v - mean) / std;
    const tolerance = 1e-13 + (EPSILON * (Math.abs(v) + scale) * (1 + z)) / std;
    worstScoreShare = Math.max(worstScoreShare, Math.abs(score - expected) / tolerance);
  });
  expect(worstMeanUlps).toBeLessThan(32);
  expect(worstScoreShare).toBeLessThan(1);
}

describe('windowed-gaussian', () => {
  it('defaults to NAB baseline settings and names bad fields', () => {
    expect(windowedGaussian.parseParams({})).toEqual({ windowSize: 6400, stepSize: 100, levelShiftPoints: 5 });
    expect(() => windowedGaussian.parseParams({ windowSize: 10, stepSize: 20 })).toThrow(
      'cannot parse params of detector windowed-gaussian: stepSize must be <= windowSize (10), got 20',
    );
    expect(() => windowedGaussian.parseParams({ windowSize: 1 })).toThrow(/windowSize must be an integer in \[2, 1000000\], got 1/);
    // The window is kept as per-step moments, so the steps in it are bounded.
    expect(windowedGaussian.parseParams({ windowSize: 1024, stepSize: 1 })).toMatchObject({ windowSize: 1024, stepSize: 1 });
    expect(() => windowedGaussian.parseParams({ windowSize: 1025, stepSize: 1 })).toThrow(
      'cannot parse params of detector windowed-gaussian: windowSize must be <= 1024 × stepSize (1024), got 1025',
    );
  });

  it('computes erfc as its reference does across the three ranges of its approximation', () => {
    const detector = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 16, stepSize: 16 }));
    for (let i = 0; i < 16; i++) detector.update(START_MS + i * MINUTE_MS, i % 2 === 0 ? -1 : 1);
    for (const z of [0.1, 0.6, 1.3, 4.2, 5.9, 7.5, 12]) {
      const score = detector.update(START_MS + (16 + z) * MINUTE_MS, z);
      // The mean of ±1 alternating, to rounding.
      expect(Math.abs(detector.lastExpected)).toBeLessThan(1e-15);
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

  it('scores as the plain recomputation of the window does, from per-step moments, whatever the window and step', () => {
    const values = variedSeries(4000, 350, 7);
    for (const [windowSize, stepSize] of [
      [64, 8],
      [250, 100],
      [1000, 7],
      [300, 300],
      [40, 1],
    ] as const) {
      expectReferenceScores(values, windowSize, stepSize);
    }
  });

  it("scores as the plain recomputation does with NAB's window of 6400 values moving 100 at a time", () => {
    expectReferenceScores(variedSeries(9000, 1100, 8), 6400, 100);
  });

  it('keeps precision on values far from zero, to the ulps of the values: deviations are taken from means', () => {
    const noise = seededGaussian(9);
    const values: number[] = [];
    for (let i = 0; i < 3000; i++) values.push(1e12 + 40 * i + 3 * noise() + (i % 700 === 350 ? 60 : 0));
    expectReferenceScores(values, 64, 8);
  });

  it('holds one mean and one sum of squared deviations per step rather than the values', () => {
    const detector = windowedGaussian.create(windowedGaussian.parseParams({}));
    for (let i = 0; i < 7000; i++) detector.update(START_MS + i * MINUTE_MS, i % 13);
    const data = detector.snapshot().data as { steps: number[] };
    expect(data.steps).toHaveLength(2 * (6400 / 100 + 1));
  });

  it('refuses a state of other window or step sizes, since the values to replay are gone', () => {
    const big = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 64, stepSize: 4 }));
    for (let i = 0; i < 130; i++) big.update(START_MS + i * MINUTE_MS, i);
    const small = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 8, stepSize: 2 }));
    expect(() => small.restore(big.snapshot())).toThrow(
      'cannot restore detector windowed-gaussian: state is for windowSize 64 and stepSize 4, params have windowSize 8 and stepSize 2',
    );
  });

  it('names a bad field of a state', () => {
    const detector = windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 8, stepSize: 2 }));
    for (let i = 0; i < 20; i++) detector.update(START_MS + i * MINUTE_MS, i);
    const state = detector.snapshot();
    const data = state.data as Record<string, unknown>;
    const fresh = (): ReturnType<typeof windowedGaussian.create> => windowedGaussian.create(windowedGaussian.parseParams({ windowSize: 8, stepSize: 2 }));
    expect(() => fresh().restore({ ...state, data: { ...data, steps: [1, 2] } })).toThrow('cannot restore detector windowed-gaussian: steps must be an array of 10 items');
    expect(() => fresh().restore({ ...state, data: { ...data, steps: [1, -2, 0, 0, 0, 0, 0, 0, 0, 0] } })).toThrow('steps[1] must be a finite number >= 0 or null, got -2');
    expect(() => fresh().restore({ ...state, data: { ...data, slot: 5 } })).toThrow('slot must be an integer in [0, 4], got 5');
    expect(() => fresh().restore({ ...state, data: { ...data, pending: 2 } })).toThrow('pending must be an integer in [0, 1], got 2');
  });

  it('restores from any point and continues identically, through filling, waiting and moving', () => {
    const values = variedSeries(200, 37, 10);
    const params = windowedGaussian.parseParams({ windowSize: 30, stepSize: 8 });
    const direct = windowedGaussian.create(params);
    const scores = values.map((v, i) => direct.update(START_MS + i * MINUTE_MS, v));
    const running = windowedGaussian.create(params);
    values.forEach((v, i) => {
      running.update(START_MS + i * MINUTE_MS, v);
      const restored = windowedGaussian.create(params);
      restored.restore(JSON.parse(JSON.stringify(running.snapshot())));
      for (let j = i + 1; j < Math.min(values.length, i + 12); j++) expect(restored.update(START_MS + j * MINUTE_MS, values[j]!)).toBe(scores[j]);
    });
  });

  it('survives values whose squares overflow, in state and after a JSON round trip', () => {
    const params = windowedGaussian.parseParams({ windowSize: 8, stepSize: 2 });
    const detector = windowedGaussian.create(params);
    const values = [1, 2, 1.7e308, -1.7e308, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3, 100];
    const scores = values.map((v, i) => detector.update(START_MS + i * MINUTE_MS, v));
    expect(scores.every((s) => s >= 0 && s <= 1)).toBe(true);
    // Once the huge values have left the window, it judges as before they came.
    expect(scores[values.length - 1]).toBeGreaterThan(0.99);
    const half = windowedGaussian.create(params);
    values.slice(0, 6).forEach((v, i) => half.update(START_MS + i * MINUTE_MS, v));
    const restored = windowedGaussian.create(params);
    restored.restore(JSON.parse(JSON.stringify(half.snapshot())));
    values.slice(6).forEach((v, k) => expect(restored.update(START_MS + (6 + k) * MINUTE_MS, v)).toBe(scores[6 + k]));
  });

  it('restores a state of version 1, which kept the raw values, by replaying them', () => {
    const params = windowedGaussian.parseParams({ windowSize: 8, stepSize: 3 });
    const values = Array.from({ length: 40 }, (_, i) => (i * 37) % 11);
    const direct = windowedGaussian.create(params);
    values.slice(0, 20).forEach((v, i) => direct.update(START_MS + i * MINUTE_MS, v));
    // After 20 values: the window moved 4 times (values 12..19) and 0 values wait.
    const legacy = {
      detector: 'windowed-gaussian',
      version: 1,
      data: { window: values.slice(12, 20), pending: [], anchor: 0, sum: 0, sumSquares: 0, addedSinceAnchor: 0, lastTimestampMs: START_MS + 19 * MINUTE_MS, runSide: 0, runLength: 0 },
    };
    const restored = windowedGaussian.create(params);
    restored.restore(legacy);
    for (let i = 20; i < 40; i++) {
      expect(restored.update(START_MS + i * MINUTE_MS, values[i]!)).toBeCloseTo(direct.update(START_MS + i * MINUTE_MS, values[i]!), 12);
      expect(restored.lastExpected).toBeCloseTo(direct.lastExpected, 12);
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
