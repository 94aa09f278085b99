import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS, WEEK_MS } from '../../model/index.js';
import { makeSeries, seededGaussian } from '../synthetic-series.testsuite.js';
import { detrendLinear, inferPeriodMs, lagPoints, medianIntervalMs, seasonalStrength } from './season-inference.js';

const START_MS = Date.UTC(2024, 0, 1);
const STEP_MS = 5 * MINUTE_MS;

describe('season inference', () => {
  it('finds the median spacing of timestamps', () => {
    const timestampsMs = Float64Array.from([0, 10, 20, 35, 45, 1000]);
    expect(medianIntervalMs(timestampsMs, 6)).toBe(10);
    expect(medianIntervalMs(timestampsMs, 1)).toBe(0);
  });

  it('judges a period only with half a period more than one period of points', () => {
    expect(lagPoints(DAY_MS, STEP_MS, 432)).toBe(288);
    expect(lagPoints(DAY_MS, STEP_MS, 431)).toBe(0);
    // Too few points per period to be a profile.
    expect(lagPoints(HOUR_MS, 30 * MINUTE_MS, 1000)).toBe(0);
    expect(lagPoints(HOUR_MS, 0, 1000)).toBe(0);
  });

  it('finds a daily pattern on a trend from two days of 5-minute points', () => {
    const noise = seededGaussian(1);
    const { timestampsMs, values } = makeSeries(604, START_MS, STEP_MS, (t, i) => 100 + 0.05 * i + 10 * Math.sin((2 * Math.PI * (t - START_MS)) / DAY_MS) + noise());
    expect(seasonalStrength(values, 604, 288)).toBeGreaterThan(0.9);
    expect(inferPeriodMs(timestampsMs, values, values.length, 0.3)).toBe(DAY_MS);
  });

  it('finds an hourly pattern, and prefers it to the day it also repeats over', () => {
    const noise = seededGaussian(2);
    const { timestampsMs, values } = makeSeries(2000, START_MS, MINUTE_MS, (t) => ((t - START_MS) % HOUR_MS < 10 * MINUTE_MS ? 20 : 5) + noise());
    expect(inferPeriodMs(timestampsMs, values, values.length, 0.3)).toBe(HOUR_MS);
  });

  it('prefers a week to a day when the week adds a pattern of its own (weekends)', () => {
    const noise = seededGaussian(3);
    const { timestampsMs, values } = makeSeries(24 * 12, START_MS, HOUR_MS, (t) => {
      const day = Math.floor((t - START_MS) / DAY_MS) % 7;
      const daily = 5 * Math.sin((2 * Math.PI * (t - START_MS)) / DAY_MS);
      return (day >= 5 ? 10 : 50) + daily + noise();
    });
    expect(inferPeriodMs(timestampsMs, values, values.length, 0.3)).toBe(WEEK_MS);
  });

  it('finds none in noise or in a random walk', () => {
    const noise = seededGaussian(4);
    const white = makeSeries(1000, START_MS, STEP_MS, () => noise());
    expect(inferPeriodMs(white.timestampsMs, white.values, 1000, 0.3)).toBe(0);
    let level = 0;
    const walk = makeSeries(1000, START_MS, STEP_MS, () => (level += noise()));
    expect(seasonalStrength(walk.values, 1000, 288)).toBeLessThan(0);
    expect(inferPeriodMs(walk.timestampsMs, walk.values, 1000, 0.3)).toBe(0);
    const flat = new Float64Array(1000).fill(3);
    expect(Number.isNaN(seasonalStrength(flat, 1000, 288))).toBe(true);
  });

  it('detrends with the least-squares line, keeping what repeats around it', () => {
    const line = Float64Array.from({ length: 10 }, (_, i) => 3 * i + 7);
    for (const residual of detrendLinear(line, 10)) expect(residual).toBeCloseTo(0, 9);
    const zigzag = Float64Array.from({ length: 10 }, (_, i) => 3 * i + 7 + (i % 2 === 0 ? 1 : -1));
    const out = detrendLinear(zigzag, 10);
    for (let i = 0; i < 10; i++) expect(Math.sign(out[i]!)).toBe(i % 2 === 0 ? 1 : -1);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 9);
  });
});
