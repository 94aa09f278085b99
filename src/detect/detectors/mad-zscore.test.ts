import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../model/index.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { makeSeries, seededGaussian } from '../synthetic-series.testsuite.js';
import { madZScore } from './mad-zscore.js';
import { feed } from './trace.testsuite.js';

runDetectorSuite(madZScore);

const START_MS = Date.UTC(2024, 0, 1);

describe('mad-zscore', () => {
  it('names the bad field, the rule and the value', () => {
    expect(() => madZScore.parseParams({ windowSize: 3 })).toThrow(
      'cannot parse params of detector mad-zscore: windowSize must be an integer in [16, 100000], got 3',
    );
    expect(() => madZScore.parseParams({ windowSize: 64.5 })).toThrow(/windowSize must be an integer/);
    expect(() => madZScore.parseParams({ zLow: '3' })).toThrow('zLow must be a number >= 0, got "3"');
    expect(() => madZScore.parseParams({ windowSize: 32, minPoints: 64 })).toThrow('minPoints must be <= windowSize (32), got 64');
    expect(() => madZScore.parseParams({ zLow: 6, zHigh: 5 })).toThrow('zHigh must be > zLow (6), got 5');
    expect(madZScore.parseParams({ windowSize: 256 })).toMatchObject({ windowSize: 256, minPoints: 32 });
  });

  it('scores 0 during warm-up, then judges against the median', () => {
    const detector = madZScore.create(madZScore.parseParams({ minPoints: 20 }));
    for (let i = 0; i < 20; i++) {
      expect(detector.update(START_MS + i * MINUTE_MS, i === 10 ? 1e9 : 10 + (i % 3))).toBe(0);
      expect(detector.lastKind).toBeNull();
    }
    expect(detector.update(START_MS + 20 * MINUTE_MS, 11)).toBe(0);
    expect(detector.lastExpected).toBe(11);
    expect(detector.update(START_MS + 21 * MINUTE_MS, 1000)).toBeGreaterThan(0.999);
    expect(detector.lastKind).toBe('spike');
  });

  it('names a sustained shift a level shift and absorbs it within about half a window', () => {
    const noise = seededGaussian(11);
    const shiftAt = 600;
    const { timestampsMs, values } = makeSeries(1200, START_MS, MINUTE_MS, (_t, i) => 50 + noise() + (i >= shiftAt ? 15 : 0));
    const detector = madZScore.create(madZScore.parseParams({}));
    const { scores, kinds, expected } = feed(detector, timestampsMs, values);
    expect(scores.slice(shiftAt, shiftAt + 10).every((s) => s >= 0.99)).toBe(true);
    expect(kinds.slice(shiftAt, shiftAt + 4)).toEqual(['spike', 'spike', 'spike', 'spike']);
    expect(kinds.slice(shiftAt + 4, shiftAt + 10)).toEqual(Array(6).fill('level_shift'));
    expect(Math.abs(expected[shiftAt]! - 50)).toBeLessThan(0.5);
    // Once the shifted values hold the window's majority the median has moved: the episode ends.
    expect(scores.slice(shiftAt + 80).every((s) => s < 0.5)).toBe(true);
  });

  it('does not explode on flat series: rounding-level changes score 0, real changes score high', () => {
    const detector = madZScore.create(madZScore.parseParams({}));
    for (let i = 0; i < 100; i++) detector.update(START_MS + i * MINUTE_MS, 250);
    expect(detector.update(START_MS + 100 * MINUTE_MS, 250.000001)).toBe(0);
    expect(detector.update(START_MS + 101 * MINUTE_MS, 260)).toBeGreaterThan(0.999);
  });

  it('falls back to the mean absolute deviation when most values are equal (MAD 0)', () => {
    const detector = madZScore.create(madZScore.parseParams({}));
    const scores: number[] = [];
    // A counter that is 0 three times out of four and 1 otherwise: its 1s are ordinary.
    for (let i = 0; i < 400; i++) scores.push(detector.update(START_MS + i * MINUTE_MS, i % 4 === 3 ? 1 : 0));
    expect(Math.max(...scores)).toBe(0);
    expect(detector.update(START_MS + 400 * MINUTE_MS, 5)).toBeGreaterThan(0.99);
  });

  it('restores into a smaller window keeping the newest values', () => {
    const big = madZScore.create(madZScore.parseParams({ windowSize: 64 }));
    for (let i = 0; i < 64; i++) big.update(START_MS + i * MINUTE_MS, i < 32 ? 1000 : i);
    const small = madZScore.create(madZScore.parseParams({ windowSize: 32 }));
    small.restore(big.snapshot());
    small.update(START_MS + 64 * MINUTE_MS, 48);
    expect(small.lastExpected).toBe(47.5);
  });
});
