import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../model/index.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { makeSeries, seededGaussian } from '../synthetic-series.testsuite.js';
import { madZScore } from './mad-zscore.js';
import { seasonalBaseline } from './seasonal-baseline.js';
import { feed } from './trace.testsuite.js';

runDetectorSuite(seasonalBaseline, { periodMs: HOUR_MS, slots: 12 });

const START_MS = Date.UTC(2024, 0, 1);
const STEP_MS = 5 * MINUTE_MS;
const PER_DAY = DAY_MS / STEP_MS;

/** A daily sine between 40 and 60 with noise of sd 0.5, a point every five minutes. */
function dailySine(days: number, seed: number): { timestampsMs: Float64Array; values: Float64Array } {
  const noise = seededGaussian(seed);
  return makeSeries(days * PER_DAY, START_MS, STEP_MS, (t) => 50 + 10 * Math.sin((2 * Math.PI * (t - START_MS)) / DAY_MS) + 0.5 * noise());
}

describe('seasonal-baseline', () => {
  it('names the bad field, the rule and the value', () => {
    expect(() => seasonalBaseline.parseParams({ alpha: 0 })).toThrow('cannot parse params of detector seasonal-baseline: alpha must be a number in [0.001, 1], got 0');
    expect(() => seasonalBaseline.parseParams({ periodMs: 100, slots: 200 })).toThrow('slots must be <= periodMs (100), got 200');
    expect(() => seasonalBaseline.parseParams({ minSeasons: 0 })).toThrow('minSeasons must be an integer >= 1, got 0');
    expect(seasonalBaseline.parseParams({})).toMatchObject({ periodMs: DAY_MS, slots: 288, alpha: 0.1, minSeasons: 2 });
  });

  it('learns a daily sine, then flags a point off-profile that the raw range (and a rolling MAD) would not', () => {
    const days = 8;
    const { timestampsMs, values } = dailySine(days, 21);
    // On the last day at the daily peak (about 60), a value of 42: normal at night, wrong at noon.
    const index = (days - 1) * PER_DAY + PER_DAY / 4;
    values[index] = 42;
    const seasonal = seasonalBaseline.create(seasonalBaseline.parseParams({}));
    const rolling = madZScore.create(madZScore.parseParams({}));
    const scores: number[] = [];
    for (let i = 0; i < values.length; i++) {
      scores.push(seasonal.update(timestampsMs[i]!, values[i]!));
      const rollingScore = rolling.update(timestampsMs[i]!, values[i]!);
      if (i === index) {
        expect(seasonal.lastKind).toBe('seasonality_break');
        expect(Math.abs(seasonal.lastExpected - 60)).toBeLessThan(1);
        expect(rollingScore).toBeLessThan(0.5);
      }
    }
    expect(scores[index]).toBeGreaterThanOrEqual(0.99);
    // Warm-up: nothing is scored until a slot has seen two seasons.
    expect(scores.slice(0, 2 * PER_DAY).every((s) => s === 0)).toBe(true);
    const normal = scores.slice(2 * PER_DAY).filter((_, i) => i + 2 * PER_DAY !== index);
    expect(normal.filter((s) => s < 0.5).length / normal.length).toBeGreaterThanOrEqual(0.99);
  });

  it('calls a value beyond the profile a spike, and a sustained one a level shift', () => {
    const { timestampsMs, values } = dailySine(5, 22);
    const detector = seasonalBaseline.create(seasonalBaseline.parseParams({}));
    const from = 4 * PER_DAY + 100;
    for (let i = from; i < from + 8; i++) values[i] = values[i]! + 40;
    const kinds: (string | null)[] = [];
    for (let i = 0; i < values.length; i++) {
      const score = detector.update(timestampsMs[i]!, values[i]!);
      if (i >= from && i < from + 8) {
        expect(score).toBeGreaterThanOrEqual(0.99);
        kinds.push(detector.lastKind);
      }
    }
    expect(kinds).toEqual(['spike', 'spike', 'spike', 'spike', 'level_shift', 'level_shift', 'level_shift', 'level_shift']);
  });

  it('is not thrown off for the next season by one spike', () => {
    const { timestampsMs, values } = dailySine(6, 23);
    const spikeAt = 3 * PER_DAY + 50;
    values[spikeAt] = 1e6;
    const detector = seasonalBaseline.create(seasonalBaseline.parseParams({}));
    const { scores } = feed(detector, timestampsMs, values);
    expect(scores[spikeAt]).toBe(1);
    // The same slot on the following days scores ordinary values as ordinary.
    for (let day = 4; day < 6; day++) expect(scores[day * PER_DAY + 50]).toBeLessThan(0.5);
  });

  it('counts seasons, not values: a slot with many points in its first season is still warming up', () => {
    const detector = seasonalBaseline.create(seasonalBaseline.parseParams({ periodMs: HOUR_MS, slots: 4 }));
    for (let i = 0; i < 60; i++) expect(detector.update(START_MS + i * MINUTE_MS, i % 2)).toBe(0);
    for (let i = 60; i < 120; i++) detector.update(START_MS + i * MINUTE_MS, i % 2);
    expect(detector.update(START_MS + 120 * MINUTE_MS, 50)).toBe(1);
  });

  it('refuses a state learnt with another slotting', () => {
    const daily = seasonalBaseline.create(seasonalBaseline.parseParams({}));
    const hourly = seasonalBaseline.create(seasonalBaseline.parseParams({ periodMs: HOUR_MS, slots: 12 }));
    expect(() => hourly.restore(daily.snapshot())).toThrow(/cannot restore detector seasonal-baseline: state has slots=288/);
  });
});
