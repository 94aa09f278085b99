import { describe, expect, it } from 'vitest';
import { expectNear, noisy } from './method.testsuite.js';
import { BOCPD_METHOD, BocpdStream, bocpdChangePoints, bocpdPriorFromSeries } from './bocpd.js';
import type { BocpdSnapshot, BocpdUpdate } from './bocpd.js';

const UNIT_PRIOR = { mean: [0], noiseScale: [1], levelScale: [1] };

describe('bocpdChangePoints', () => {
  it('reports nothing on a flat noisy series with single spikes or two-point bursts', () => {
    const values = noisy(400, 5, () => 5);
    for (const t of [0, 40, 120, 250, 399]) values[t] += 12;
    values[300] -= 9;
    values[301] -= 9;
    expect(bocpdChangePoints([values])).toEqual([]);
  });

  it('describes itself as a change-point method', () => {
    expect(BOCPD_METHOD.id).toBe('bocpd');
    expect(BOCPD_METHOD.description).toMatch(/Adams & MacKay/);
  });
});

describe('bocpdPriorFromSeries', () => {
  it('takes the median, the noise from differences and the spread of levels', () => {
    const values = noisy(400, 13, (t) => (t < 200 ? 100 : 110), () => 2);
    const prior = bocpdPriorFromSeries([values, new Float64Array(4).fill(NaN), new Float64Array(4).fill(7)]);
    expect(prior.mean[0]).toBeGreaterThan(100);
    expect(prior.mean[0]).toBeLessThan(110);
    expect(prior.noiseScale[0]).toBeGreaterThan(1.6);
    expect(prior.noiseScale[0]).toBeLessThan(2.4);
    expect(prior.levelScale[0]).toBeGreaterThan(4);
    expect(prior.mean.slice(1)).toEqual([0, 7]);
    expect(prior.noiseScale[1]).toBe(1);
    expect(prior.noiseScale[2]).toBeGreaterThan(0);
  });
});

describe('BocpdStream', () => {
  it('grows the run in a stable segment and restarts it after a shift', () => {
    const stream = new BocpdStream(UNIT_PRIOR);
    const values = noisy(120, 14, (t) => (t < 80 ? 0 : 6));
    const updates: BocpdUpdate[] = [];
    for (const value of values) updates.push(stream.update(value));
    expect(updates[79]!.mapRunLength).toBeGreaterThanOrEqual(70);
    expect(updates[79]!.changeProbability).toBeLessThan(0.05);
    expect(Math.max(...updates.slice(80, 83).map((u) => u.changeProbability))).toBeGreaterThan(0.3);
    expect(updates[119]!.mapRunLength).toBe(39);
    expect(updates[119]!.segmentRunLength).toBe(39);
  });

  it('takes several dimensions, skipping missing values, and ignores a point missing in all', () => {
    const stream = new BocpdStream({ mean: [0, 0], noiseScale: [1, 1], levelScale: [1, 1] });
    const a = noisy(60, 15, () => 0);
    const b = noisy(60, 16, () => 0);
    let last: BocpdUpdate | undefined;
    for (let t = 0; t < 60; t++) last = stream.update([a[t]!, t % 7 === 0 ? NaN : b[t]!]);
    expect(stream.update([NaN, Infinity])).toBe(last);
    expect(last!.mapRunLength).toBe(59);
    expect(() => stream.update(1)).toThrow(/expected 2 values/);
    expect(() => stream.update([1, 2, 3])).toThrow(/expected 2 values/);
  });

  it('keeps at most maxRunLengths runs and still follows a long segment', () => {
    const stream = new BocpdStream(UNIT_PRIOR, { maxRunLengths: 8 });
    let last: BocpdUpdate | undefined;
    for (const value of noisy(300, 18, () => 0)) last = stream.update(value);
    expect(stream.snapshot().runLength.length).toBeLessThanOrEqual(8);
    expect(last!.mapRunLength).toBe(299);
  });

  it('restores from a JSON snapshot and goes on exactly as the original', () => {
    const values = noisy(200, 18, (t) => (t < 120 ? 0 : 3));
    const original = new BocpdStream(UNIT_PRIOR, { expectedRunLength: 50 });
    for (let t = 0; t < 100; t++) original.update(values[t]!);
    const snapshot = JSON.parse(JSON.stringify(original.snapshot())) as BocpdSnapshot;
    const restored = BocpdStream.restore(snapshot);
    for (let t = 100; t < 200; t++) expect(restored.update(values[t]!)).toEqual(original.update(values[t]!));
    expect(() => BocpdStream.restore({ ...snapshot, version: 2 } as unknown as BocpdSnapshot)).toThrow(/version/);
    expect(() => BocpdStream.restore({ ...snapshot, kappa: [] })).toThrow(/do not match/);
  });

  it('starts afresh rather than failing on a value no run can explain', () => {
    const stream = new BocpdStream(UNIT_PRIOR);
    for (let t = 0; t < 20; t++) stream.update(0.1 * (t % 3));
    const update = stream.update(1e300);
    expect(Number.isFinite(update.changeProbability)).toBe(true);
    expect(Number.isFinite(stream.update(0).changeProbability)).toBe(true);
  });

  it('rejects invalid priors and options', () => {
    expect(() => new BocpdStream({ mean: [], noiseScale: [], levelScale: [] })).toThrow(/prior/);
    expect(() => new BocpdStream({ mean: [0], noiseScale: [0], levelScale: [1] })).toThrow(/prior/);
    expect(() => new BocpdStream({ mean: [NaN], noiseScale: [1], levelScale: [1] })).toThrow(/prior/);
    expect(() => new BocpdStream(UNIT_PRIOR, { expectedRunLength: 1 })).toThrow(/expectedRunLength/);
    expect(() => new BocpdStream(UNIT_PRIOR, { outlierProbability: 0 })).toThrow(/outlierProbability/);
    expect(() => new BocpdStream(UNIT_PRIOR, { pruneProbability: 1 })).toThrow(/pruneProbability/);
    expect(() => new BocpdStream(UNIT_PRIOR, { maxRunLengths: 0 })).toThrow(/maxRunLengths/);
    expect(() => new BocpdStream(UNIT_PRIOR, { minSegmentLength: 0.5 })).toThrow(/minSegmentLength/);
  });
});
