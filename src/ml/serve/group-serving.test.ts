import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectorUse } from '../../config/index.js';
import { BUILTIN_DETECTORS, DetectorRegistry, Partition, type DetectedAnomaly } from '../../detect/index.js';
import { initEngine, type Engine } from '../engine/index.js';
import type { ModelCounters } from './counters.js';
import { ModelServing } from './model-serving.js';
import type { ServingPlan } from './plan.js';
import { DENSE_GROUP_AUTOENCODER, FORECASTER, HOST_COLUMNS, hostSeries, SEQUENCE_GROUP_AUTOENCODER, trainAndSave, trainGroupModel } from './test-support.js';

const MINUTE_MS = 60_000;
const THRESHOLD = 0.99;
const GROUPED = [{ id: 'model', params: { model: 'hosts', groupByTags: ['host'], stepMs: MINUTE_MS } }];
const METRICS = ['cpu', 'mem', 'disk'];

let engine: Engine;
let dir: string;
let dense: string;
let denseOther: string;
let sequence: string;
let forecaster: string;

beforeAll(async () => {
  engine = await initEngine();
  dir = await mkdtemp(join(tmpdir(), 'vigil-group-serve-'));
  [dense, denseOther, sequence, forecaster] = ['dense', 'dense-other', 'sequence', 'forecaster'].map((name) => join(dir, name)) as [string, string, string, string];
  await trainGroupModel(engine, DENSE_GROUP_AUTOENCODER, dense);
  await trainGroupModel(engine, { ...DENSE_GROUP_AUTOENCODER, seed: 11 }, denseOther);
  await trainGroupModel(engine, SEQUENCE_GROUP_AUTOENCODER, sequence);
  await trainAndSave(engine, FORECASTER, forecaster);
}, 180_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function plan(production: string, candidate?: { dir: string; mode: 'shadow' | 'canary'; share?: number }, columns: readonly string[] | null = HOST_COLUMNS): ServingPlan {
  const artifact = (artifactDir: string, version: number) => ({ version, artifactDir, ...(columns === null ? {} : { columns }) });
  return {
    models: [
      {
        name: 'hosts',
        shapes: ['group'],
        production: artifact(production, 1),
        candidate: candidate === undefined ? null : { artifact: artifact(candidate.dir, 2), mode: candidate.mode, share: candidate.share ?? 1 },
      },
    ],
  };
}

/** Series ids: host h's metric m is 10 h + m, keyed `metric;host=hN`. */
function keyOf(id: number): string {
  return `${METRICS[id % 10]!};host=h${Math.floor(id / 10)}`;
}

async function groupPartition(p: ServingPlan, uses: readonly DetectorUse[] = GROUPED): Promise<{ serving: ModelServing; partition: Partition }> {
  const serving = new ModelServing(THRESHOLD);
  expect(await serving.configure(p)).toEqual([]);
  const partition = new Partition([uses], THRESHOLD, new DetectorRegistry([...BUILTIN_DETECTORS, ...serving.detectors]));
  const ids = [0, 1, 2, 10, 11, 12, 20, 21, 22];
  partition.learnKeys(ids, ids.map(keyOf));
  return { serving, partition };
}

interface Point {
  readonly id: number;
  readonly timeMs: number;
  readonly value: number;
}

/** Every metric of each host, step by step from `from` to `to` (exclusive), a few seconds apart within a step. */
function hostPoints(hosts: readonly number[], from: number, to: number, edit: (host: number, metric: number, step: number, value: number) => number | null = (_h, _m, _s, v) => v): Point[] {
  const points: Point[] = [];
  const series = hosts.map((h) => hostSeries(to, 0.7 * h, 0.2, 500 + h * 10));
  for (let step = from; step < to; step++) {
    hosts.forEach((h, i) => {
      for (let m = 0; m < 3; m++) {
        const value = edit(h, m, step, series[i]![m]![step]!);
        if (value !== null) points.push({ id: 10 * h + m, timeMs: step * MINUTE_MS + 1000 * (m + 3 * i), value });
      }
    });
  }
  return points;
}

function run(serving: ModelServing, partition: Partition, points: readonly Point[], batchSize = 7): DetectedAnomaly[] {
  const found: DetectedAnomaly[] = [];
  for (let start = 0; start < points.length; start += batchSize) {
    const batch = points.slice(start, start + batchSize);
    const ids = Uint32Array.from(batch, (p) => p.id);
    const times = Float64Array.from(batch, (p) => p.timeMs);
    const values = Float64Array.from(batch, (p) => p.value);
    serving.beforeBatch(ids, times, values);
    found.push(...partition.process(ids, times, values), ...serving.drainAnomalies());
  }
  return found;
}

function counters(serving: ModelServing): ModelCounters {
  return serving.report().find((c) => c.name === 'hosts')!;
}

/** mem of host 1 at step 150 keeps its usual range but leaves cpu's relation: 2·cpu − 5 + 6. */
function brokenRelation(host: number, metric: number, step: number, value: number): number {
  return host === 1 && metric === 1 && step === 150 ? value + 6 : value;
}

describe('model detector serving a group of series', () => {
  it('finds a value that breaks the relation between a host\'s series, on that series, from the whole group', async () => {
    const { serving, partition } = await groupPartition(plan(dense));
    const anomalies = run(serving, partition, hostPoints([1, 2], 0, 200, brokenRelation));
    const hit = anomalies.find((a) => a.seriesId === 11 && a.timestampMs === 150 * MINUTE_MS + 1000);
    expect(hit).toMatchObject({ detector: 'model', kind: 'spike' });
    expect(hit!.score).toBeGreaterThanOrEqual(THRESHOLD);
    expect(hit!.evidence?.reason).toMatch(/^model hosts v1 reconstructed [\d.]+ from group host=h1 \(3 series\); the miss is [\d.]+ times its usual size on this series$/);
    // The value itself lies within mem's own range over the run: a one-series view cannot tell.
    const mem = hostSeries(200, 0.7, 0.2, 510)[1];
    expect(hit!.value).toBeGreaterThan(Math.min(...mem));
    expect(hit!.value).toBeLessThan(Math.max(...mem));
    // Elsewhere at most 1% of the 1,200 points alert.
    expect(anomalies.filter((a) => a !== hit).length).toBeLessThanOrEqual(12);
    const c = counters(serving);
    expect(c.groups).toEqual({ rowsJudged: 400, rowsCarried: 0, rowsSkipped: 0, latePoints: 0 });
    expect(c.production).toMatchObject({ series: 6, points: 1200 });
    expect(c.notes).toEqual([]);
  });

  it('judges the same rows whatever order the points of a step arrive in', async () => {
    const inOrder = await groupPartition(plan(dense));
    const expected = run(inOrder.serving, inOrder.partition, hostPoints([1], 0, 160, brokenRelation), 3);
    const shuffled = await groupPartition(plan(dense));
    // Within each step the metrics come last-first; a row still closes once all three are in.
    const points = hostPoints([1], 0, 160, brokenRelation).map((p) => ({ ...p, timeMs: Math.floor(p.timeMs / MINUTE_MS) * MINUTE_MS + 1000 * (2 - (p.id % 10)) }));
    const got = run(shuffled.serving, shuffled.partition, points, 5);
    expect(got.map((a) => [a.seriesId, Math.floor(a.timestampMs / MINUTE_MS), a.score.toFixed(6)])).toEqual(expected.map((a) => [a.seriesId, Math.floor(a.timestampMs / MINUTE_MS), a.score.toFixed(6)]));
    expect(expected.length).toBeGreaterThan(0);
  });

  it('carries a silent series for a row when most report, skips a row when most are silent, and counts late points', async () => {
    const { serving, partition } = await groupPartition(plan(dense));
    // disk is silent at steps 40–42; cpu and disk both at step 60 (two of three silent: skipped).
    const silent = (_h: number, m: number, step: number, v: number): number | null => ((m === 2 && step >= 40 && step <= 42) || (m !== 1 && step === 60) ? null : v);
    run(serving, partition, hostPoints([1], 0, 80, silent));
    // A newer cpu point, but for step 79, whose row has closed.
    run(serving, partition, [{ id: 10, timeMs: 79 * MINUTE_MS + 50_000, value: 10 }]);
    expect(counters(serving).groups).toEqual({ rowsJudged: 79, rowsCarried: 3, rowsSkipped: 1, latePoints: 1 });
    // Only the series' own points in judged rows are scored: 79 rows of 3, less the 3 carried values.
    expect(counters(serving).production.points).toBe(79 * 3 - 3);
  });

  it('continues from a snapshot exactly where an uninterrupted run goes', async () => {
    const whole = await groupPartition(plan(sequence));
    const expected = run(whole.serving, whole.partition, hostPoints([1, 2], 0, 160, brokenRelation));
    const first = await groupPartition(plan(sequence));
    const before = run(first.serving, first.partition, hostPoints([1, 2], 0, 90, brokenRelation).slice(0, -2));
    const states = JSON.parse(JSON.stringify(first.partition.snapshot())) as ReturnType<Partition['snapshot']>;
    const second = await groupPartition(plan(sequence));
    expect(second.partition.restore(states)).toEqual([]);
    const after = run(second.serving, second.partition, [...hostPoints([1, 2], 0, 90, brokenRelation).slice(-2), ...hostPoints([1, 2], 90, 160, brokenRelation)]);
    const shape = (list: DetectedAnomaly[]) => list.map((a) => [a.seriesId, a.timestampMs, a.score.toFixed(5)]);
    expect(shape([...before, ...after])).toEqual(shape(expected));
    expect(expected.some((a) => a.seriesId === 11 && Math.floor(a.timestampMs / MINUTE_MS) === 150)).toBe(true);
  });

  it('starts a group over when its series get new detectors (a replay of the same data finds the same)', async () => {
    const { serving, partition } = await groupPartition(plan(dense));
    const first = run(serving, partition, hostPoints([1], 0, 160, brokenRelation));
    const again = new Partition([GROUPED], THRESHOLD, new DetectorRegistry([...BUILTIN_DETECTORS, ...serving.detectors]));
    again.learnKeys([10, 11, 12], [10, 11, 12].map(keyOf));
    const second = run(serving, again, hostPoints([1], 0, 160, brokenRelation));
    expect(second).toEqual(first);
    expect(first.some((a) => a.seriesId === 11)).toBe(true);
  });

  it('runs a sequence autoencoder once the group has a window of rows', async () => {
    const { serving, partition } = await groupPartition(plan(sequence));
    run(serving, partition, hostPoints([1], 0, 30));
    // The first window − 1 rows only fill the window.
    expect(counters(serving).groups).toMatchObject({ rowsJudged: 30 - (SEQUENCE_GROUP_AUTOENCODER.window - 1), rowsSkipped: SEQUENCE_GROUP_AUTOENCODER.window - 1 });
  });

  it('compares a shadow version on the same rows, storing its anomalies apart', async () => {
    const { serving, partition } = await groupPartition(plan(dense, { dir: denseOther, mode: 'shadow' }));
    const anomalies = run(serving, partition, hostPoints([1, 2], 0, 200, brokenRelation));
    expect(anomalies.some((a) => a.detector === 'model-shadow' && a.seriesId === 11 && a.timestampMs === 150 * MINUTE_MS + 1000)).toBe(true);
    const shadow = anomalies.find((a) => a.detector === 'model-shadow')!;
    expect(shadow.evidence?.reason).toMatch(/^shadow model hosts v2 .* stored for comparison, not alerted$/);
    const c = counters(serving);
    expect(c.paired.points).toBe(1200);
    expect(c.candidate.points).toBe(1200);
  });

  it('puts whole groups in the canary', async () => {
    const { serving, partition } = await groupPartition(plan(dense, { dir: denseOther, mode: 'canary', share: 0.5 }));
    run(serving, partition, hostPoints([0, 1, 2], 0, 20));
    const c = counters(serving);
    // Each group's 3 series land on one side; 3 groups: the sides split 3/6 or 6/3 or one side takes all.
    expect(c.production.series % 3).toBe(0);
    expect(c.candidate.series % 3).toBe(0);
    expect(c.production.series + c.candidate.series).toBe(9);
  });

  it('says why a group cannot be judged: no recorded columns, a series outside the model, a series without the tag', async () => {
    const { serving, partition } = await groupPartition(plan(dense, undefined, null));
    run(serving, partition, hostPoints([1], 0, 5));
    expect(counters(serving).notes).toEqual(["model hosts v1 records no training columns: name its 3 features in the model detector's features param"]);
    expect(counters(serving).groups.rowsJudged).toBe(0);

    const named = await groupPartition(plan(dense, undefined, null), [{ id: 'model', params: { model: 'hosts', groupByTags: ['host'], stepMs: MINUTE_MS, features: ['cpu', 'mem', 'disk'] } }]);
    named.partition.learnKeys([13, 99], ['swap;host=h1', 'cpu;region=eu']);
    run(named.serving, named.partition, [...hostPoints([1], 0, 5), { id: 13, timeMs: 5 * MINUTE_MS, value: 1 }, { id: 99, timeMs: 5 * MINUTE_MS, value: 1 }]);
    expect(counters(named.serving).notes).toEqual([
      'series feature swap of group host=h1 is not one of model hosts v1\'s features (cpu, mem, disk): it is not judged',
      'series cpu;region=eu has no group under model hosts\'s groupBy tags host: it is not judged',
    ]);
    expect(counters(named.serving).groups.rowsJudged).toBe(5);
  });

  it('refuses a version that does not fit how the rules serve it', async () => {
    const serving = new ModelServing(THRESHOLD);
    const one = { version: 1, artifactDir: dense, columns: HOST_COLUMNS };
    expect(await serving.configure({ models: [{ name: 'hosts', shapes: ['series'], production: one, candidate: null }] })).toEqual([
      "cannot serve model hosts version 1 (dense-autoencoder): it scores 3 metrics at one instant together; serve it to a group of series (the model detector's groupByTags or groupByNodes)",
    ]);
    expect(await serving.configure({ models: [{ name: 'hosts', shapes: ['group'], production: { version: 4, artifactDir: forecaster }, candidate: null }] })).toEqual([
      'cannot serve model hosts version 4 (lstm-forecaster): a forecaster predicts its first series only; serve it to each series on its own (without groupByTags or groupByNodes)',
    ]);
  });
});
