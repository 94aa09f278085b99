import { describe, expect, it } from 'vitest';
import { seededGaussian, seededRandom } from '../synthetic-series.testsuite.js';
import { rankedScoreFromZ } from './ranked-score.js';
import { TailCalibration } from './tail-calibration.js';

describe('TailCalibration', () => {
  it('leaves the z of normal residuals as they are', () => {
    const noise = seededGaussian(1);
    const tail = new TailCalibration();
    for (let i = 0; i < 20_000; i++) tail.learn(Math.abs(noise()));
    expect(tail.calibrate(6)).toBe(6);
  });

  it('deflates z by how far a heavy tail reaches beyond the normal one', () => {
    // |z| of a Cauchy variable: its 99.9th percentile is about 640, against 3.3 for a normal one.
    const random = seededRandom(2);
    const tail = new TailCalibration();
    for (let i = 0; i < 50_000; i++) tail.learn(Math.abs(Math.tan(Math.PI * (random() - 0.5))));
    const deflated = tail.calibrate(640);
    expect(deflated).toBeGreaterThan(1.5);
    expect(deflated).toBeLessThan(8);
  });

  it('restores from its snapshot', () => {
    const tail = new TailCalibration();
    for (let i = 0; i < 100; i++) tail.learn(50);
    const copy = new TailCalibration();
    copy.restore(tail.snapshot());
    expect(copy.calibrate(50)).toBe(tail.calibrate(50));
    copy.reset();
    expect(copy.calibrate(50)).toBe(50);
  });
});

describe('rankedScoreFromZ', () => {
  it('is 0 up to zLow, 0.999 at zHigh, and keeps rising below 1 beyond it', () => {
    expect(rankedScoreFromZ(3, 3, 8)).toBe(0);
    expect(rankedScoreFromZ(8, 3, 8)).toBeCloseTo(0.999, 12);
    const scores = [9, 20, 100, 1e4, 1e8].map((z) => rankedScoreFromZ(z, 3, 8));
    for (let i = 1; i < scores.length; i++) expect(scores[i]).toBeGreaterThan(scores[i - 1]!);
    expect(scores[scores.length - 1]).toBeLessThan(1);
    expect(rankedScoreFromZ(Infinity, 3, 8)).toBe(1);
    expect(rankedScoreFromZ(NaN, 3, 8)).toBe(0);
  });
});
