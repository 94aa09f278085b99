import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../model/index.js';
import type { Detector } from '../detector.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { makeSeries, seededGaussian } from '../synthetic-series.testsuite.js';
import { bocpd } from './bocpd.js';
import { feed } from './trace.testsuite.js';

runDetectorSuite(bocpd);

const START_MS = Date.UTC(2024, 0, 1);

/** Noise of sd 1 around 10, shifted by `shift` from `shiftAt` on. */
function shiftedNoise(seed: number, shift: number, shiftAt: number, length = 1300): { timestampsMs: Float64Array; values: Float64Array } {
  const noise = seededGaussian(seed);
  return makeSeries(length, START_MS, MINUTE_MS, (_t, i) => 10 + noise() + (i >= shiftAt ? shift : 0));
}

function runLengthPosterior(detector: Detector): number[] {
  return (detector.snapshot().data as { probs: number[] }).probs;
}

describe('bocpd', () => {
  it('names the bad field, the rule and the value', () => {
    expect(() => bocpd.parseParams({ maxRunLength: 4 })).toThrow('cannot parse params of detector bocpd: maxRunLength must be an integer in [8, 4096], got 4');
    expect(() => bocpd.parseParams({ outlierDensity: 0 })).toThrow('outlierDensity must be a number in [1e-12, 1], got 0');
    expect(() => bocpd.parseParams({ maxRunLength: 16, changeRunLength: 16 })).toThrow('changeRunLength must be < maxRunLength (16), got 16');
    expect(() => bocpd.parseParams({ hazardPoints: 1.5 })).toThrow('hazardPoints must be an integer >= 2, got 1.5');
    expect(bocpd.parseParams({})).toMatchObject({ hazardPoints: 250, maxRunLength: 128, changeRunLength: 10 });
  });

  it('finds a level shift within a few points and moves its expectation to the new level', () => {
    for (const seed of [1, 2, 3]) {
      const shiftAt = 1000;
      const trace = feed(bocpd.create(bocpd.parseParams({})), ...Object.values(shiftedNoise(seed, 6, shiftAt)) as [Float64Array, Float64Array]);
      expect(Math.max(...trace.scores.slice(shiftAt, shiftAt + 3))).toBeGreaterThanOrEqual(0.5);
      // The run-length posterior has moved to a run that started at the shift: it predicts the new level.
      expect(Math.abs(trace.expected[shiftAt + 3]! - 16)).toBeLessThan(1);
      const normal = trace.scores.slice(100, shiftAt);
      expect(normal.filter((s) => s < 0.5).length / normal.length).toBeGreaterThanOrEqual(0.99);
      expect(trace.scores.slice(shiftAt + 3, shiftAt + 200).filter((s) => s >= 0.5).length).toBeLessThanOrEqual(2);
    }
  });

  it('accumulates evidence for a shift too small for any single point to stand out', () => {
    for (const seed of [1, 2, 3, 4]) {
      const shiftAt = 1000;
      const { timestampsMs, values } = shiftedNoise(seed, 2, shiftAt);
      const detector = bocpd.create(bocpd.parseParams({}));
      const trace = feed(detector, timestampsMs.subarray(0, shiftAt + 21), values.subarray(0, shiftAt + 21));
      // Twenty points on, the most probable run started within a few points of the shift (noise may move it either way).
      const probs = runLengthPosterior(detector);
      const mostProbable = probs.indexOf(Math.max(...probs));
      expect(mostProbable).toBeGreaterThanOrEqual(12);
      expect(mostProbable).toBeLessThanOrEqual(30);
      expect(Math.abs(trace.expected[shiftAt + 20]! - 12)).toBeLessThan(0.8);
    }
  });

  it('does not take a single outlier for a changepoint', () => {
    const { timestampsMs, values } = shiftedNoise(4, 0, 0);
    values[700] = 35;
    const detector = bocpd.create(bocpd.parseParams({}));
    const trace = feed(detector, timestampsMs.subarray(0, 701), values.subarray(0, 701));
    expect(trace.scores[700]).toBeGreaterThanOrEqual(0.99);
    expect(trace.kinds[700]).toBe('spike');
    // The long run keeps the posterior's mass, and the next points are ordinary.
    const probs = runLengthPosterior(detector);
    expect(probs[probs.length - 1]).toBeGreaterThan(0.9);
    const after = feed(detector, timestampsMs.subarray(701, 720), values.subarray(701, 720));
    expect(after.scores.every((s) => s === 0)).toBe(true);
    expect(Math.abs(after.expected[0]! - 10)).toBeLessThan(0.5);
  });

  it('keeps a fixed-size, normalised run-length posterior', () => {
    const detector = bocpd.create(bocpd.parseParams({ maxRunLength: 32 }));
    const { timestampsMs, values } = shiftedNoise(5, 5, 2000, 5000);
    feed(detector, timestampsMs, values);
    const probs = runLengthPosterior(detector);
    expect(probs).toHaveLength(32);
    expect(probs.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
  });

  it("scores nothing during the caller's warm-up", () => {
    const { timestampsMs, values } = shiftedNoise(6, 0, 0);
    values[300] = 40;
    values[700] = 40;
    const trace = feed(bocpd.create(bocpd.parseParams({}), { warmupPoints: 500 }), timestampsMs, values);
    expect(trace.scores.slice(0, 500).every((s) => s === 0)).toBe(true);
    expect(trace.scores[700]).toBeGreaterThanOrEqual(0.99);
  });

  it('refuses a state kept with another maximum run length', () => {
    const state = bocpd.create(bocpd.parseParams({ maxRunLength: 64 })).snapshot();
    expect(() => bocpd.create(bocpd.parseParams({})).restore(state)).toThrow('cannot restore detector bocpd: state has maxRunLength=64, configured 128');
  });
});
