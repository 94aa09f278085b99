import { describe, expect, it } from 'vitest';
import { DAY_MS, HOUR_MS, MINUTE_MS } from '../../model/index.js';
import type { Detector } from '../detector.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { makeSeries, seededGaussian } from '../synthetic-series.testsuite.js';
import { holtWinters } from './holt-winters.js';
import { feed } from './trace.testsuite.js';

runDetectorSuite(holtWinters);

const START_MS = Date.UTC(2024, 0, 1);
const STEP_MS = 5 * MINUTE_MS;
const PER_DAY = DAY_MS / STEP_MS;

function quietShare(scores: number[]): number {
  return scores.filter((s) => s < 0.5).length / scores.length;
}

function stateData(detector: Detector): Record<string, unknown> {
  return detector.snapshot().data as Record<string, unknown>;
}

describe('holt-winters', () => {
  it('names the bad field, the rule and the value', () => {
    expect(() => holtWinters.parseParams({ alpha: 0 })).toThrow('cannot parse params of detector holt-winters: alpha must be a number in [0.001, 1], got 0');
    expect(() => holtWinters.parseParams({ warmupPoints: 5000 })).toThrow('warmupPoints must be an integer in [8, 1024], got 5000');
    expect(() => holtWinters.parseParams({ periodMs: 100, maxSlots: 200 })).toThrow('maxSlots must be <= periodMs (100), got 200');
    expect(() => holtWinters.parseParams({ zLow: 6, zHigh: 5 })).toThrow('zHigh must be > zLow (6), got 5');
    expect(holtWinters.parseParams({})).toMatchObject({ periodMs: 0, alpha: 0.1, phi: 0.98, maxSlots: 288 });
  });

  it('learns a trend, then flags a break in it and re-anchors after a few points', () => {
    const noise = seededGaussian(31);
    const breakAt = 1500;
    const { timestampsMs, values } = makeSeries(2000, START_MS, MINUTE_MS, (_t, i) => 50 + 0.05 * i + noise() - (i >= breakAt ? 10 : 0));
    const trace = feed(holtWinters.create(holtWinters.parseParams({})), timestampsMs, values);
    // The forecast follows the ramp (a level-only model would lag it by several units).
    for (let i = 600; i < breakAt; i += 50) expect(Math.abs(trace.expected[i]! - (50 + 0.05 * i))).toBeLessThan(1);
    expect(quietShare(trace.scores.slice(300, breakAt))).toBeGreaterThanOrEqual(0.99);
    expect(trace.scores[breakAt]).toBeGreaterThanOrEqual(0.99);
    expect(trace.kinds[breakAt]).toBe('spike');
    expect(trace.kinds.slice(breakAt + 4, breakAt + 5)).toEqual(['level_shift']);
    expect(quietShare(trace.scores.slice(breakAt + 10))).toBeGreaterThanOrEqual(0.98);
    expect(Math.abs(trace.expected[breakAt + 100]! - (40 + 0.05 * (breakAt + 100)))).toBeLessThan(1.5);
  });

  it('infers a daily period from the warm-up and flags a value that is wrong for its time of day', () => {
    const noise = seededGaussian(32);
    const days = 8;
    const { timestampsMs, values } = makeSeries(days * PER_DAY, START_MS, STEP_MS, (t) => 50 + 10 * Math.sin((2 * Math.PI * (t - START_MS)) / DAY_MS) + 0.5 * noise());
    // At the daily peak (about 60) on the last day, the value of the night (40).
    const index = (days - 1) * PER_DAY + PER_DAY / 4;
    values[index] = 40;
    const detector = holtWinters.create(holtWinters.parseParams({}), { warmupPoints: 750 });
    const trace = feed(detector, timestampsMs, values);
    expect(stateData(detector)).toMatchObject({ periodMs: DAY_MS });
    expect((stateData(detector).season as number[]).length).toBe(PER_DAY);
    expect(trace.scores.slice(0, 750).every((s) => s === 0)).toBe(true);
    expect(trace.scores[index]).toBeGreaterThanOrEqual(0.99);
    expect(trace.kinds[index]).toBe('seasonality_break');
    expect(Math.abs(trace.expected[index]! - 60)).toBeLessThan(1.5);
    expect(quietShare(trace.scores.slice(750).filter((_, i) => i + 750 !== index))).toBeGreaterThanOrEqual(0.99);
  });

  it('infers no season in noise, and uses a configured one even when the warm-up is too short to infer it', () => {
    const noise = seededGaussian(33);
    const { timestampsMs, values } = makeSeries(400, START_MS, MINUTE_MS, () => 10 + noise());
    const inferred = holtWinters.create(holtWinters.parseParams({}));
    feed(inferred, timestampsMs, values);
    expect(stateData(inferred)).toMatchObject({ periodMs: 0, season: [] });
    const configured = holtWinters.create(holtWinters.parseParams({ periodMs: HOUR_MS, maxSlots: 12 }));
    feed(configured, timestampsMs, values);
    expect(stateData(configured)).toMatchObject({ periodMs: HOUR_MS });
    expect((stateData(configured).season as number[]).length).toBe(12);
  });

  it("takes the caller's warm-up (capped at 1024 points) in place of its own", () => {
    const noise = seededGaussian(34);
    const { timestampsMs, values } = makeSeries(1500, START_MS, MINUTE_MS, (_t, i) => 10 + noise() + (i % 100 === 50 ? 30 : 0));
    for (const [warmupPoints, unscored] of [[100, 100], [5000, 1024]] as const) {
      const trace = feed(holtWinters.create(holtWinters.parseParams({}), { warmupPoints }), timestampsMs, values);
      expect(trace.scores.slice(0, unscored).every((s) => s === 0)).toBe(true);
      expect(trace.scores[unscored + 50 - (unscored % 100)]).toBeGreaterThanOrEqual(0.99);
    }
  });

  it('re-anchors on a sustained shift, and does not flag the return to the level from before it', () => {
    const noise = seededGaussian(35);
    const from = 800;
    const { timestampsMs, values } = makeSeries(1000, START_MS, MINUTE_MS, (_t, i) => 50 + noise() + (i >= from && i < from + 8 ? 40 : 0));
    const trace = feed(holtWinters.create(holtWinters.parseParams({})), timestampsMs, values);
    expect(trace.scores.slice(from, from + 5).every((s) => s >= 0.99)).toBe(true);
    expect(trace.kinds[from + 4]).toBe('level_shift');
    // Re-anchored at the fifth point: the rest of the excursion is the new normal, and so is the way back.
    expect(trace.scores.slice(from + 5, from + 30).every((s) => s < 0.5)).toBe(true);
    expect(Math.abs(trace.expected[from + 8]! - 50)).toBeLessThan(2);
  });

  it('learns that the bursts of a mostly idle series are ordinary', () => {
    const { timestampsMs, values } = makeSeries(6000, START_MS, MINUTE_MS, (_t, i) => (i % 50 === 25 ? 10 : 0));
    const detector = holtWinters.create(holtWinters.parseParams({}));
    const trace = feed(detector, timestampsMs, values);
    const bursts = trace.scores.filter((_, i) => i % 50 === 25);
    expect(bursts[6]).toBeGreaterThanOrEqual(0.99);
    expect(bursts.slice(-40).every((s) => s < 0.5)).toBe(true);
    expect(trace.scores.every((s) => Number.isFinite(s))).toBe(true);
  });

  it('restores a snapshot taken during the warm-up and continues identically', () => {
    const noise = seededGaussian(36);
    const { timestampsMs, values } = makeSeries(700, START_MS, MINUTE_MS, (_t, i) => 20 + noise() + (i === 600 ? 15 : 0));
    const original = holtWinters.create(holtWinters.parseParams({}), { warmupPoints: 400 });
    for (let i = 0; i < 200; i++) original.update(timestampsMs[i]!, values[i]!);
    const restored = holtWinters.create(holtWinters.parseParams({}));
    restored.restore(JSON.parse(JSON.stringify(original.snapshot())));
    for (let i = 200; i < 700; i++) expect(restored.update(timestampsMs[i]!, values[i]!)).toBe(original.update(timestampsMs[i]!, values[i]!));
    expect(restored.snapshot()).toEqual(original.snapshot());
  });

  it('refuses a state whose season does not fit its period', () => {
    const detector = holtWinters.create(holtWinters.parseParams({ warmupPoints: 8 }));
    for (let i = 0; i < 20; i++) detector.update(START_MS + i * MINUTE_MS, i);
    const state = detector.snapshot();
    const data = state.data as Record<string, unknown>;
    expect(() => detector.restore({ ...state, data: { ...data, periodMs: HOUR_MS } })).toThrow(
      /cannot restore detector holt-winters: periodMs 3600000 does not fit a season of 0 slots/,
    );
    expect(() => detector.restore({ ...state, data: { ...data, level: 'high' } })).toThrow(/level must be a finite number/);
  });
});
