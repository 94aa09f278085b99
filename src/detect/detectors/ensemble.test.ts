import { describe, expect, it } from 'vitest';
import { MINUTE_MS } from '../../model/index.js';
import { runDetectorSuite } from '../detector.testsuite.js';
import { makeSeries, seededGaussian } from '../synthetic-series.testsuite.js';
import { ensemble } from './ensemble.js';
import { DEFAULT_ENSEMBLE_MEMBERS } from './ensemble-params.js';

runDetectorSuite(ensemble);

const START_MS = Date.UTC(2024, 0, 1);

/** Scores of a fresh ensemble (default params unless given) over the series, with a caller's warm-up. */
function scoresOf(values: Float64Array, timestampsMs: Float64Array, warmupPoints: number, raw: Record<string, unknown> = {}): number[] {
  const detector = ensemble.create(ensemble.parseParams(raw), { warmupPoints });
  return Array.from(values, (v, i) => detector.update(timestampsMs[i]!, v));
}

describe('ensemble params', () => {
  it('defaults to the members chosen on NAB and validates each member with its own parser', () => {
    const params = ensemble.parseParams({});
    expect(params.members.map((m) => m.id)).toEqual(DEFAULT_ENSEMBLE_MEMBERS.map((m) => m.id));
    expect(params.members.map((m) => m.id)).toEqual(['mad-zscore', 'seasonal-baseline', 'holt-winters', 'windowed-gaussian']);
    expect(params.likelihoodModel).toBe('block-maxima');
    const custom = ensemble.parseParams({ members: [{ id: 'mad-zscore', params: { windowSize: 64 } }, { id: 'seasonal-baseline' }] });
    expect(custom.members).toEqual([
      { id: 'mad-zscore', params: expect.objectContaining({ windowSize: 64, minPoints: 32 }) },
      { id: 'seasonal-baseline', params: expect.objectContaining({ slots: 288 }) },
    ]);
    // Parsed params are plain data, like every detector's.
    expect(JSON.parse(JSON.stringify(custom))).toEqual(custom);
  });

  it('names the bad member, field and value', () => {
    expect(() => ensemble.parseParams({ members: [{ id: 'ensemble' }] })).toThrow(
      'cannot parse params of detector ensemble: members[0].id must be one of mad-zscore, seasonal-baseline, windowed-gaussian, holt-winters, spectral-residual, bocpd, rcf, got "ensemble"',
    );
    expect(() => ensemble.parseParams({ members: [{ id: 'mad-zscore' }, { id: 'mad-zscore', params: { windowSize: 3 } }] })).toThrow(
      'cannot parse params of detector ensemble: members[1].params: cannot parse params of detector mad-zscore: windowSize must be an integer in [16, 100000], got 3',
    );
    expect(() => ensemble.parseParams({ members: [{ id: 'mad-zscore', weight: 2 }] })).toThrow('members[0]: unknown field "weight"; valid fields: id, params');
    expect(() => ensemble.parseParams({ members: [] })).toThrow('members must be an array of 1 to 8 {id, params} objects, got an array of 0');
    expect(() => ensemble.parseParams({ members: [5] })).toThrow('members[0] must be an object {id, params}, got 5');
    expect(() => ensemble.parseParams({ likelihoodModel: 'poisson' })).toThrow('likelihoodModel must be one of block-maxima, gaussian, got "poisson"');
    expect(() => ensemble.parseParams({ restShare: -1 })).toThrow('restShare must be a number in [0, 10], got -1');
    expect(() => ensemble.parseParams({ memebrs: [] })).toThrow(/unknown field "memebrs"; valid fields: members, likelihoodModel, averagingPoints/);
  });
});

describe('ensemble', () => {
  it('raises one alarm per event, at its start, then rests for a share of the warm-up', () => {
    const noise = seededGaussian(21);
    const shiftAt = 3000;
    const { timestampsMs, values } = makeSeries(4000, START_MS, MINUTE_MS, (_t, i) => 100 + noise() + (i >= shiftAt ? 15 : 0));
    const warmupPoints = 600;
    const scores = scoresOf(values, timestampsMs, warmupPoints);
    const alarms = scores.flatMap((s, i) => (s >= 0.99 && i >= warmupPoints ? [i] : []));
    // Plain noise rarely alarms (early on, while the range of values is still being learnt).
    expect(alarms.filter((i) => i < shiftAt).length).toBeLessThanOrEqual(3);
    expect(alarms.filter((i) => i < shiftAt && i >= 1500)).toEqual([]);
    expect(alarms).toContain(shiftAt);
    // The rest (0.2 × warm-up) covers the points right after the alarm, while the shift is still news.
    const restPoints = 0.2 * warmupPoints;
    expect(scores.slice(shiftAt + 1, shiftAt + 1 + restPoints).every((s) => s === 0)).toBe(true);
  });

  it('rests for longer when the caller gives a longer warm-up', () => {
    const noise = seededGaussian(22);
    const { timestampsMs, values } = makeSeries(4000, START_MS, MINUTE_MS, (_t, i) => 100 + noise() + (i === 3000 ? 30 : 0));
    const short = scoresOf(values, timestampsMs, 500);
    const long = scoresOf(values, timestampsMs, 1500);
    expect(short[3000]).toBeGreaterThanOrEqual(0.99);
    expect(long[3000]).toBeGreaterThanOrEqual(0.99);
    expect(short.slice(3001, 3101).every((s) => s === 0)).toBe(true);
    expect(long.slice(3001, 3301).every((s) => s === 0)).toBe(true);
  });

  it('flags a value beyond the range of all values seen, naming the member that saw it', () => {
    const noise = seededGaussian(23);
    // A daily cycle between about 0 and 100: a value of 130 is unlike anything before, if not by much locally.
    const { timestampsMs, values } = makeSeries(6 * 1440, START_MS, MINUTE_MS, (t) => 50 + 50 * Math.sin((2 * Math.PI * t) / (1440 * MINUTE_MS)) + noise());
    const at = 5 * 1440 + 360;
    values[at] = 130;
    const detector = ensemble.create(ensemble.parseParams({}), { warmupPoints: 750 });
    let score = 0;
    for (let i = 0; i <= at; i++) score = detector.update(timestampsMs[i]!, values[i]!);
    expect(score).toBeGreaterThanOrEqual(0.99);
    expect(detector.lastKind).toBe('spike');
    expect(detector.lastExpected).toBeGreaterThan(90);
    expect(detector.lastExpected).toBeLessThan(110);
  });

  it('judges members by their own history: a member that is noisy on a series does not alarm on its usual noise', () => {
    // Heavy-tailed bursts every 200 points: mad-zscore scores them high every time, so they stop being news.
    const noise = seededGaussian(24);
    const { timestampsMs, values } = makeSeries(6000, START_MS, MINUTE_MS, (_t, i) => 100 + noise() + (i % 200 === 100 ? 8 + 2 * noise() : 0));
    const scores = scoresOf(values, timestampsMs, 750, { rangeTolerance: 0, members: [{ id: 'mad-zscore', params: { zHigh: 35 } }] });
    const alarms = scores.filter((s, i) => i >= 2000 && s >= 0.99).length;
    expect(alarms).toBeLessThanOrEqual(2);
  });

  it("can judge members with HTM's Gaussian likelihood instead, alarming at its own surprise", () => {
    const noise = seededGaussian(25);
    const { timestampsMs, values } = makeSeries(4000, START_MS, MINUTE_MS, (_t, i) => 100 + noise() + (i >= 3000 && i < 3010 ? 12 : 0));
    const scores = scoresOf(values, timestampsMs, 600, { likelihoodModel: 'gaussian', alarmSurprise: 5, minLocation: 0.03, minScale: 0.0173, rangeTolerance: 0 });
    expect(Math.max(...scores.slice(3000, 3010))).toBeGreaterThanOrEqual(0.99);
    expect(scores.slice(1000, 3000).filter((s) => s >= 0.99).length).toBeLessThanOrEqual(2);
  });

  it('refuses a state whose members do not match the configuration', () => {
    const defaults = ensemble.create(ensemble.parseParams({}));
    const one = ensemble.create(ensemble.parseParams({ members: [{ id: 'mad-zscore' }] }));
    expect(() => one.restore(defaults.snapshot())).toThrow('cannot restore detector ensemble: members must be an array of 1 member states');
    const state = defaults.snapshot();
    const data = state.data as { members: unknown[] };
    const swapped = { ...state, data: { ...data, members: [data.members[1], data.members[0], ...data.members.slice(2)] } };
    expect(() => ensemble.create(ensemble.parseParams({})).restore(swapped)).toThrow(/cannot restore detector ensemble: members\[0\]: cannot restore detector mad-zscore/);
  });
});
