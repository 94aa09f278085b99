import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILTIN_DETECTORS, DetectorRegistry, Partition, type DetectedAnomaly } from '../../detect/index.js';
import { initEngine, type Engine } from '../engine/index.js';
import { ModelServing } from './model-serving.js';
import type { ModelDetectorParams } from './model-params.js';
import type { ServingPlan } from './plan.js';
import { FORECASTER, sineSeries, trainServingModels } from './test-support.js';

const MINUTE_MS = 60_000;
const THRESHOLD = 0.99;
const USE = [{ id: 'model', params: { model: 'latency' } }];

let engine: Engine;
let dir: string;
/** Two forecasters trained on the same data with different seeds, and a sequence autoencoder. */
let v1: string;
let v2: string;
let ae: string;

beforeAll(async () => {
  engine = await initEngine();
  ({ dir, v1, v2, ae } = await trainServingModels(engine, 'vigil-serve-'));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function plan(production: string | null, candidate?: { dir: string; mode: 'shadow' | 'canary'; share?: number }): ServingPlan {
  return {
    models: [
      {
        name: 'latency',
        production: production === null ? null : { version: production === v1 ? 1 : production === v2 ? 2 : 3, artifactDir: production },
        candidate: candidate === undefined ? null : { artifact: { version: candidate.dir === v1 ? 1 : 2, artifactDir: candidate.dir }, mode: candidate.mode, share: candidate.share ?? 1 },
      },
    ],
  };
}

async function servingPartition(p: ServingPlan): Promise<{ serving: ModelServing; partition: Partition }> {
  const serving = new ModelServing(THRESHOLD);
  expect(await serving.configure(p)).toEqual([]);
  return { serving, partition: new Partition([USE], THRESHOLD, new DetectorRegistry([...BUILTIN_DETECTORS, ...serving.detectors])) };
}

/** `points` of series `seriesId` (a noisy sine) from minute `start`, with `spikes` added at the given indices. */
function feed(partition: Partition, seriesId: number, values: Float64Array, start = 0): DetectedAnomaly[] {
  const n = values.length;
  const ids = new Uint32Array(n).fill(seriesId);
  const times = Float64Array.from({ length: n }, (_, i) => (start + i) * MINUTE_MS);
  return partition.process(ids, times, values);
}

function withSpike(values: Float64Array, at: number, size: number): Float64Array {
  const copy = Float64Array.from(values);
  copy[at] = copy[at]! + size;
  return copy;
}

describe('model detector', () => {
  it('scores a spike against the forecaster interval, stays quiet on normal points, and says why', async () => {
    const { partition } = await servingPartition(plan(v1));
    const anomalies = feed(partition, 7, withSpike(sineSeries(400, 0.3, 0.3, 77), 300, 5));
    const spike = anomalies.find((a) => a.timestampMs === 300 * MINUTE_MS);
    expect(spike).toMatchObject({ seriesId: 7, detector: 'model', kind: 'spike' });
    expect(spike!.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(spike!.expected).toBeGreaterThan(5);
    expect(spike!.evidence?.reason).toMatch(/^model latency v1 forecast [\d.]+ \(interval [\d.]+ to [\d.]+\); the value lies [\d.]+ σ away$/);
    // Normal points: at most 1% false alarms (the interval is the model's own calibration).
    expect(anomalies.filter((a) => a.timestampMs !== 300 * MINUTE_MS).length).toBeLessThanOrEqual(4);
  });

  it('scores nothing until the window is full, and nothing without a production version', async () => {
    const { partition } = await servingPartition(plan(v1));
    expect(feed(partition, 1, withSpike(sineSeries(16, 0, 0.3, 1), 10, 50))).toEqual([]);
    const none = await servingPartition(plan(null));
    expect(feed(none.partition, 1, withSpike(sineSeries(100, 0, 0.3, 1), 60, 50))).toEqual([]);
  });

  it('serves a one-feature sequence autoencoder, its z measured in the series own residual scale', async () => {
    const { partition } = await servingPartition({ models: [{ name: 'latency', production: { version: 3, artifactDir: ae }, candidate: null }] });
    const anomalies = feed(partition, 3, withSpike(sineSeries(400, 1, 0.3, 5), 350, 6));
    const spike = anomalies.find((a) => a.timestampMs === 350 * MINUTE_MS);
    expect(spike?.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(spike?.evidence?.reason).toMatch(/^model latency v3 reconstructed/);
    expect(anomalies.length).toBeLessThanOrEqual(5);
  });

  it('refuses models that do not fit one series, naming why, and serves nothing for them', async () => {
    const wide = join(dir, 'wide');
    const deeplog = join(dir, 'deeplog');
    await engine.saveModel(engine.createModel({ ...FORECASTER, features: 2, normalization: { center: [10, 0], scale: [3, 1] } }), wide);
    await engine.saveModel(engine.createModel({ kind: 'deeplog', window: 4, vocabularySize: 5, units: 4, layers: 1, seed: 1 }), deeplog);
    const serving = new ModelServing(THRESHOLD);
    const problems = await serving.configure({
      models: [
        { name: 'wide', production: { version: 1, artifactDir: wide }, candidate: null },
        { name: 'logs', production: { version: 2, artifactDir: deeplog }, candidate: null },
        { name: 'gone', production: { version: 3, artifactDir: join(dir, 'missing') }, candidate: null },
      ],
    });
    expect(problems[0]).toBe("cannot serve model wide version 1 (lstm-forecaster): it was trained on 2 series together; serve it to a group of series (the model detector's groupByTags or groupByNodes)");
    expect(problems[1]).toBe('model logs version 2: cannot serve model logs version 2 (deeplog): it predicts log template sequences, not metric values');
    expect(problems[2]).toMatch(/^model gone version 3: .*missing/);
    expect(serving.slot('wide').production).toBeNull();
  });

  it('rejects bad params naming the field', () => {
    const definition = new ModelServing(THRESHOLD).detectors[0]!;
    expect(() => definition.parseParams({})).toThrow('cannot parse params of detector model: model must name a registered model');
    expect(() => definition.parseParams({ model: 'm', zlow: 3 })).toThrow('unknown field "zlow"');
    expect(() => definition.parseParams({ model: 'm', zLow: 5, zHigh: 4 })).toThrow('zHigh must be > zLow (5), got 4');
    expect(definition.parseParams({ model: 'm' })).toEqual({ model: 'm', zLow: 3, zHigh: 6, residualPoints: 256, group: null });
    expect(() => definition.parseParams({ model: 'm', stepMs: 60_000 })).toThrow('stepMs applies only to a multi-series model: set groupByTags or groupByNodes too');
    expect(() => definition.parseParams({ model: 'm', groupByTags: ['host'] })).toThrow('stepMs must be an integer >= 1 (the interval the group');
    expect(() => definition.parseParams({ model: 'm', groupByTags: ['host'], groupByNodes: [1], stepMs: 1 })).toThrow('set groupByTags or groupByNodes, not both');
    expect(() => definition.parseParams({ model: 'm', groupByTags: ['host', 'host'], stepMs: 1 })).toThrow('groupByTags must not name an item twice, got ["host","host"]');
    expect(() => definition.parseParams({ model: 'm', groupByNodes: [-1], stepMs: 1 })).toThrow('groupByNodes must be a non-empty array of distinct node indices');
    expect(() => definition.parseParams({ model: 'm', groupByNodes: [1], stepMs: 1, features: [] })).toThrow('features must be a non-empty array of non-empty strings, got []');
    expect((definition.parseParams({ model: 'm', groupByNodes: [1], stepMs: 10_000, features: ['a', 'b'] }) as ModelDetectorParams).group).toEqual({ rule: { nodes: [1] }, stepMs: 10_000, features: ['a', 'b'] });
  });

  it('in shadow, the candidate scores every series: its anomalies come out separately and never change the production scores', async () => {
    const values = withSpike(sineSeries(400, 2, 0.3, 9), 320, 5);
    const alone = await servingPartition(plan(v1));
    const productionOnly = feed(alone.partition, 4, values);
    const { serving, partition } = await servingPartition(plan(v1, { dir: v2, mode: 'shadow' }));
    expect(feed(partition, 4, values)).toEqual(productionOnly);
    const shadow = serving.drainAnomalies();
    expect(shadow.find((a) => a.timestampMs === 320 * MINUTE_MS)).toMatchObject({ detector: 'model-shadow', seriesId: 4 });
    expect(shadow[0]!.evidence?.reason).toMatch(/^shadow model latency v2 expected .*not alerted$/);
    expect(serving.drainAnomalies()).toEqual([]);
    const [counters] = serving.report();
    expect(counters).toMatchObject({ name: 'latency', productionVersion: 1, candidateVersion: 2, mode: 'shadow', sinceMs: 16 * MINUTE_MS });
    expect(counters!.production.points).toBe(400 - 16);
    expect(counters!.candidate.points).toBe(400 - 16);
    expect(counters!.paired.points).toBe(400 - 16);
    expect(counters!.paired.bothAlerted).toBeGreaterThanOrEqual(1);
  });

  it('as a canary, a fixed share of series is scored by the candidate, the same series after a restart', async () => {
    const values = sineSeries(40, 0, 0.3, 3);
    const canarySeries = async (): Promise<number[]> => {
      const { serving, partition } = await servingPartition(plan(v1, { dir: v2, mode: 'canary', share: 0.3 }));
      const chosen: number[] = [];
      for (let id = 0; id < 200; id++) {
        const before = serving.report()[0]!.candidate.series;
        feed(partition, id, values);
        if (serving.report()[0]!.candidate.series > before) chosen.push(id);
      }
      const [counters] = serving.report();
      expect(counters!.candidate.series + counters!.production.series).toBe(200);
      return chosen;
    };
    const first = await canarySeries();
    expect(first.length).toBeGreaterThan(40);
    expect(first.length).toBeLessThan(80);
    expect(await canarySeries()).toEqual(first);
  });

  it('a new plan takes effect on the next point for every series, with no warm-up, and counters restart', async () => {
    const { serving, partition } = await servingPartition(plan(v1));
    feed(partition, 5, sineSeries(100, 0, 0.3, 4));
    expect(serving.report()[0]!.production.points).toBe(100 - 16);
    expect(await serving.configure(plan(v2))).toEqual([]);
    expect(serving.report()[0]).toMatchObject({ productionVersion: 2, production: { points: 0 } });
    const anomalies = feed(partition, 5, withSpike(sineSeries(1, 0, 0, 4), 0, 8), 100);
    expect(anomalies[0]?.evidence?.reason).toMatch(/^model latency v2 /);
    expect(serving.report()[0]!.production.points).toBe(1);
  });

  it('restores what it snapshots and goes on with identical scores', async () => {
    const values = withSpike(sineSeries(300, 1, 0.3, 8), 250, 4);
    const whole = await servingPartition(plan(v1));
    const expected = feed(whole.partition, 2, values);
    expect(expected.map((a) => a.timestampMs)).toContain(250 * MINUTE_MS);
    const first = await servingPartition(plan(v1));
    feed(first.partition, 2, values.subarray(0, 200));
    const second = await servingPartition(plan(v1));
    expect(second.partition.restore(JSON.parse(JSON.stringify(first.partition.snapshot())))).toEqual([]);
    const rest = feed(second.partition, 2, values.subarray(200), 200);
    expect(rest).toEqual(expected.filter((a) => a.timestampMs >= 200 * MINUTE_MS));
  });
});
