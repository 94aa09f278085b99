import { rm } from 'node:fs/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { BUILTIN_DETECTORS, DetectorRegistry, Partition, type DetectedAnomaly } from '../../detect/index.js';
import { initEngine } from '../engine/index.js';
import { ModelServing } from './model-serving.js';
import type { ServingPlan } from './plan.js';
import { ServedVersion } from './served-version.js';
import { FORECASTER, sineSeries, trainServingModels } from './test-support.js';

const MINUTE_MS = 60_000;
const THRESHOLD = 0.99;
const SERIES = 40;
const POINTS = 120;

let dir: string;
let v1: string;
let v2: string;
let ae: string;

beforeAll(async () => {
  ({ dir, v1, v2, ae } = await trainServingModels(await initEngine(), 'vigil-serve-batch-'));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

afterEach(() => {
  vi.restoreAllMocks();
});

function plan(production: string, candidate?: { dir: string; mode: 'shadow' | 'canary' }): ServingPlan {
  return {
    models: [
      {
        name: 'latency',
        production: { version: 1, artifactDir: production },
        candidate: candidate === undefined ? null : { artifact: { version: 2, artifactDir: candidate.dir }, mode: candidate.mode, share: 0.5 },
      },
    ],
  };
}

async function servingPartition(p: ServingPlan): Promise<{ serving: ModelServing; partition: Partition }> {
  const serving = new ModelServing(THRESHOLD);
  expect(await serving.configure(p)).toEqual([]);
  return { serving, partition: new Partition([[{ id: 'model', params: { model: 'latency' } }]], THRESHOLD, new DetectorRegistry([...BUILTIN_DETECTORS, ...serving.detectors])) };
}

interface Batch {
  readonly seriesIds: Uint32Array;
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

/**
 * SERIES noisy sines with spikes, cut into batches: first one point per series per batch (the usual scrape), then
 * batches of several points per series, shuffled, with a point out of order and a duplicate the detector refuses.
 */
function batches(): Batch[] {
  const series = Array.from({ length: SERIES }, (_, s) => {
    const values = sineSeries(POINTS, s * 0.37, 0.3, 100 + s);
    values[90 + (s % 20)] = values[90 + (s % 20)]! + 4 + (s % 3);
    return values;
  });
  const out: Batch[] = [];
  const push = (points: [number, number][]): void => {
    out.push({
      seriesIds: Uint32Array.from(points, ([s]) => s),
      timestampsMs: Float64Array.from(points, ([, t]) => t * MINUTE_MS),
      values: Float64Array.from(points, ([s, t]) => series[s]![t]!),
    });
  };
  for (let t = 0; t < 60; t++) push(Array.from({ length: SERIES }, (_, s): [number, number] => [s, t]));
  for (let t = 60; t < POINTS; t += 15) {
    const points: [number, number][] = [];
    for (let s = 0; s < SERIES; s++) for (let k = 0; k < 15 && t + k < POINTS; k++) points.push([s, t + k]);
    // Interleave the series as a relay would, and let one series send a late point and a repeat.
    points.sort((a, b) => a[1] - b[1] || ((a[0] * 7) % SERIES) - ((b[0] * 7) % SERIES));
    points.push([3, t + 2], [5, t + 14 < POINTS ? t + 14 : t]);
    push(points);
  }
  return out;
}

function run(partition: Partition, serving: ModelServing, ahead: boolean): DetectedAnomaly[] {
  const found: DetectedAnomaly[] = [];
  for (const batch of batches()) {
    if (ahead) serving.beforeBatch(batch.seriesIds, batch.timestampsMs, batch.values);
    found.push(...partition.process(batch.seriesIds, batch.timestampsMs, batch.values), ...serving.drainAnomalies());
  }
  return found;
}

/** Scores and anomalies of the run with predictions computed ahead, beside the run that judges point by point. */
async function compare(p: ServingPlan): Promise<{ ahead: DetectedAnomaly[]; alone: DetectedAnomaly[]; judgedAlone: number; judgedAhead: number }> {
  const judge = vi.spyOn(ServedVersion.prototype, 'judge');
  const one = await servingPartition(p);
  const alone = run(one.partition, one.serving, false);
  const judgedAlone = judge.mock.calls.length;
  const two = await servingPartition(p);
  const ahead = run(two.partition, two.serving, true);
  const judgedAhead = judge.mock.calls.length - judgedAlone;
  expect(two.serving.report()).toEqual(one.serving.report().map((counters) => ({ ...counters, production: { ...counters.production, absErrorSum: expect.closeTo(counters.production.absErrorSum, 3) }, candidate: { ...counters.candidate, absErrorSum: expect.closeTo(counters.candidate.absErrorSum, 3) }, paired: expect.anything() })));
  return { ahead, alone, judgedAlone, judgedAhead };
}

function expectSameFindings(ahead: DetectedAnomaly[], alone: DetectedAnomaly[]): void {
  const key = (a: DetectedAnomaly): string => `${a.detector} ${a.seriesId} ${a.timestampMs}`;
  expect(ahead.map(key).sort()).toEqual(alone.map(key).sort());
  const byKey = new Map(alone.map((a) => [key(a), a]));
  for (const a of ahead) {
    const b = byKey.get(key(a))!;
    expect(a.score).toBeCloseTo(b.score, 5);
    expect(a.expected!).toBeCloseTo(b.expected!, 4);
  }
}

describe('predictions computed ahead for a batch', () => {
  it('give the forecaster’s findings of point-by-point judging, with a forward pass per batch instead of one per point', async () => {
    const { ahead, alone, judgedAlone, judgedAhead } = await compare(plan(v1));
    expect(alone.filter((a) => a.detector === 'model').length).toBeGreaterThanOrEqual(SERIES / 2);
    expectSameFindings(ahead, alone);
    // Point by point: every scored point; ahead: only the points after a refused one in their batch.
    expect(judgedAlone).toBeGreaterThan(SERIES * (POINTS - FORECASTER.window - 1));
    expect(judgedAhead).toBeLessThan(judgedAlone / 20);
  });

  it('serve the shadow version and the canary alike', async () => {
    for (const mode of ['shadow', 'canary'] as const) {
      const { ahead, alone, judgedAlone, judgedAhead } = await compare(plan(v1, { dir: v2, mode }));
      if (mode === 'shadow') expect(alone.some((a) => a.detector === 'model-shadow')).toBe(true);
      expectSameFindings(ahead, alone);
      expect(judgedAhead).toBeLessThan(judgedAlone / 20);
    }
  });

  it('give the sequence autoencoder’s findings too (its window ends at the point itself)', async () => {
    const { ahead, alone, judgedAlone, judgedAhead } = await compare(plan(ae));
    expect(alone.length).toBeGreaterThan(0);
    expectSameFindings(ahead, alone);
    expect(judgedAhead).toBeLessThan(judgedAlone / 20);
  });
});
