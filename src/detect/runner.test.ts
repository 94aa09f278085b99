import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DetectorUse } from '../config/index.js';
import { hashSeriesKey, MINUTE_MS } from '../model/index.js';
import type { Anomaly, PointBatch } from '../model/index.js';
import { GROUP_BY_PREFIX, SPIKE_VALUE } from './recording-detector.testsuite.js';
import { DetectionRunner } from './runner.js';
import type { DetectionRunnerHooks, DetectionRunnerOptions } from './runner.js';
import { seededGaussian } from './synthetic-series.testsuite.js';

const START_MS = Date.UTC(2024, 0, 1);
const SERIES = 6;
const POINTS_PER_SERIES = 1200;
const SHIFT_SERIES = 2;
const SHIFT_AT = 700;
const DETECTORS: DetectorUse[] = [
  { id: 'mad-zscore', params: {} },
  { id: 'seasonal-baseline', params: { periodMs: 60 * MINUTE_MS, slots: 12 } },
];

const keyOf = (id: number): string => `host.cpu;host=h${id}`;

/** Series interleaved by time, one point a minute each; series 2 shifts up by 15 sd at SHIFT_AT. */
function makeData(): PointBatch {
  const length = SERIES * POINTS_PER_SERIES;
  const seriesIds = new Uint32Array(length);
  const timestampsMs = new Float64Array(length);
  const values = new Float64Array(length);
  const noise = seededGaussian(99);
  for (let i = 0; i < POINTS_PER_SERIES; i++) {
    for (let s = 0; s < SERIES; s++) {
      const k = i * SERIES + s;
      seriesIds[k] = s;
      timestampsMs[k] = START_MS + i * MINUTE_MS;
      values[k] = 10 * (s + 1) + noise() + (s === SHIFT_SERIES && i >= SHIFT_AT ? 15 : 0);
    }
  }
  return { length, seriesIds, timestampsMs, values };
}

function slice(batch: PointBatch, from: number, to: number): PointBatch {
  return { length: to - from, seriesIds: batch.seriesIds.slice(from, to), timestampsMs: batch.timestampsMs.slice(from, to), values: batch.values.slice(from, to) };
}

interface Harness {
  runner: DetectionRunner;
  anomalies: Anomaly[];
  errors: Error[];
}

describe('DetectionRunner', () => {
  let dir: string;
  const running: DetectionRunner[] = [];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-detect-'));
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function harness(options: Partial<DetectionRunnerOptions> = {}, hooks: Partial<DetectionRunnerHooks> = {}): Harness {
    const anomalies: Anomaly[] = [];
    const errors: Error[] = [];
    const runner = new DetectionRunner(
      { partitions: 2, detectors: DETECTORS, scoreThreshold: 0.99, maxQueuedPointsPerPartition: 10_000, ...options },
      { seriesKey: keyOf, onAnomalies: (a) => anomalies.push(...a), onError: (e) => errors.push(e), ...hooks },
    );
    running.push(runner);
    return { runner, anomalies, errors };
  }

  async function feed(runner: DetectionRunner, data: PointBatch, batchSize: number): Promise<void> {
    for (let from = 0; from < data.length; from += batchSize) await runner.submit(slice(data, from, Math.min(data.length, from + batchSize)));
    await runner.flush();
  }

  it('finds a level shift and reports it with series key, kind, expected value and detector', async () => {
    const { runner, anomalies, errors } = harness();
    await runner.start();
    await feed(runner, makeData(), 1000);
    const shifted = anomalies.filter((a) => a.seriesId === SHIFT_SERIES && a.detector === 'mad-zscore');
    expect(shifted.length).toBeGreaterThanOrEqual(10);
    const first = shifted[0]!;
    expect(first).toMatchObject({ series: keyOf(SHIFT_SERIES), timestampMs: START_MS + SHIFT_AT * MINUTE_MS, kind: 'spike', detector: 'mad-zscore' });
    expect(first.expected).toBeCloseTo(30, 0);
    expect(first.score).toBeGreaterThanOrEqual(0.99);
    expect(shifted[4]!.kind).toBe('level_shift');
    for (const a of anomalies) expect(a.series).toBe(keyOf(a.seriesId));
    const stats = runner.stats();
    expect(stats).toMatchObject({ partitions: 2, queuedPoints: [0, 0], pointsProcessed: SERIES * POINTS_PER_SERIES, anomaliesFound: anomalies.length, seriesTracked: SERIES, pointsDropped: 0 });
    expect(errors).toEqual([]);
  });

  it('keeps every series on one partition, the one its key hashes to', async () => {
    const byPartition: number[] = [0, 0, 0];
    const { runner } = harness({ partitions: 3 }, { onBatchDone: (p, n) => (byPartition[p]! += n) });
    await runner.start();
    await feed(runner, makeData(), 777);
    // Points processed per partition equal the points of the series whose key hashes there.
    const expected = [0, 0, 0];
    for (let s = 0; s < SERIES; s++) expected[hashSeriesKey(keyOf(s)) % 3]! += POINTS_PER_SERIES;
    expect(byPartition).toEqual(expected);
    expect(runner.stats().seriesTracked).toBe(SERIES);
  });

  it('bounds the points queued per partition and still processes everything', async () => {
    const max = 50;
    let maxSeen = 0;
    const { runner, anomalies } = harness({ maxQueuedPointsPerPartition: max });
    const { runner: reference, anomalies: referenceAnomalies } = harness();
    const observe = (): void => {
      for (const q of runner.stats().queuedPoints) maxSeen = Math.max(maxSeen, q);
    };
    await Promise.all([runner.start(), reference.start()]);
    const data = makeData();
    // Batches larger than the bound are cut into chunks; several submits are in flight at once.
    const submits: Promise<void>[] = [];
    for (let from = 0; from < data.length; from += 700) {
      const p = runner.submit(slice(data, from, Math.min(data.length, from + 700)));
      observe();
      submits.push(p.then(observe));
    }
    const poll = setInterval(observe, 1);
    await Promise.all(submits);
    await runner.flush();
    clearInterval(poll);
    await feed(reference, data, 5000);
    expect(maxSeen).toBeGreaterThan(0);
    expect(maxSeen).toBeLessThanOrEqual(max);
    expect(runner.stats().pointsProcessed).toBe(data.length);
    const key = (a: Anomaly): string => `${a.seriesId}/${a.detector}/${a.timestampMs}/${a.score}`;
    expect(anomalies.map(key).sort()).toEqual(referenceAnomalies.map(key).sort());
  });

  it('scores points of a batch in time order even when the batch is not sorted', async () => {
    const { runner, anomalies } = harness();
    const { runner: reference, anomalies: referenceAnomalies } = harness();
    await Promise.all([runner.start(), reference.start()]);
    const data = makeData();
    await feed(reference, data, 1000);
    // Reverse each batch: every point would be out of order if processed as given.
    for (let from = 0; from < data.length; from += 1000) {
      const part = slice(data, from, Math.min(data.length, from + 1000));
      part.seriesIds.reverse();
      part.timestampsMs.reverse();
      part.values.reverse();
      await runner.submit(part);
    }
    await runner.flush();
    const key = (a: Anomaly): string => `${a.seriesId}/${a.detector}/${a.timestampMs}/${a.score}`;
    expect(anomalies.map(key).sort()).toEqual(referenceAnomalies.map(key).sort());
  });

  it('continues identically after checkpoint, stop and restart, even with another partition count', async () => {
    const data = makeData();
    const half = SERIES * 650;
    const straight = harness();
    await straight.runner.start();
    await feed(straight.runner, slice(data, 0, half), 1000);
    const firstHalfCount = straight.anomalies.length;
    await feed(straight.runner, slice(data, half, data.length), 1000);
    const secondHalf = straight.anomalies.slice(firstHalfCount);
    expect(secondHalf.some((a) => a.seriesId === SHIFT_SERIES)).toBe(true);

    const stateFile = path.join(dir, 'state', 'detectors.jsonl');
    const before = harness({ stateFile });
    await before.runner.start();
    await feed(before.runner, slice(data, 0, half), 1000);
    await before.runner.checkpoint();
    expect(fs.existsSync(stateFile)).toBe(true);
    await before.runner.stop();
    await before.runner.stop();

    const after = harness({ stateFile, partitions: 3 });
    await after.runner.start();
    await feed(after.runner, slice(data, half, data.length), 1000);
    const key = (a: Anomaly): string => JSON.stringify(a);
    expect(after.anomalies.map(key).sort()).toEqual(secondHalf.map(key).sort());
    expect(after.errors).toEqual([]);
    expect(fs.readdirSync(path.dirname(stateFile))).toEqual(['detectors.jsonl']);
  });

  it('reports an unreadable state file and starts fresh', async () => {
    const stateFile = path.join(dir, 'detectors.jsonl');
    fs.writeFileSync(stateFile, '{"format":"something-else"}\n');
    const { runner, errors } = harness({ stateFile });
    await runner.start();
    expect(errors.map((e) => e.message)).toEqual([`cannot read detector state file ${stateFile}: line 1: not a detector state file (format "something-else")`]);
    await feed(runner, makeData(), 2000);
    expect(runner.stats().pointsProcessed).toBe(SERIES * POINTS_PER_SERIES);
  });

  it('reports a failing worker, drops its queued points, restarts it from the checkpoint and goes on', async () => {
    const data = makeData();
    const cut = SERIES * 300;
    const straight = harness();
    await straight.runner.start();
    await feed(straight.runner, data, 1000);
    const afterCut = straight.anomalies.filter((a) => a.timestampMs >= data.timestampsMs[cut]!);

    const stateFile = path.join(dir, 'detectors.jsonl');
    const { runner, errors, anomalies } = harness({ stateFile, workerScript: new URL('./crashing-worker.fixture.mjs', import.meta.url) });
    await runner.start();
    await feed(runner, slice(data, 0, cut), 1000);
    await runner.checkpoint();
    const before = anomalies.length;
    const poison: PointBatch = { length: 1, seriesIds: Uint32Array.of(4242), timestampsMs: Float64Array.of(START_MS), values: Float64Array.of(1) };
    await runner.submit(poison);
    await runner.flush();
    expect(runner.stats()).toMatchObject({ pointsDropped: 1, workerRestarts: 1 });
    expect(errors.some((e) => e.message.includes('injected fault'))).toBe(true);
    expect(errors.some((e) => /detection partition \d worker exited with code 1; dropped 1 queued points; restarting/.test(e.message))).toBe(true);
    await feed(runner, slice(data, cut, data.length), 1000);
    expect(runner.stats()).toMatchObject({ pointsProcessed: data.length, seriesTracked: SERIES });
    // The restarted worker resumed from the checkpoint: the rest of the stream scores as in a straight run.
    const key = (a: Anomaly): string => JSON.stringify(a);
    expect(anomalies.slice(before).map(key).sort()).toEqual(afterCut.map(key).sort());
  });

  it('fails to start, naming the partition, when a worker cannot load', async () => {
    const { runner } = harness({ workerScript: new URL('./no-such-worker.mjs', import.meta.url) });
    await expect(runner.start()).rejects.toThrow(/cannot start detection partition \d: .*no-such-worker\.mjs/);
    await expect(runner.submit(makeData())).rejects.toThrow('cannot submit points: detection runner is stopped');
  });

  it('runs each series with the detector set of the first rule its key matches', async () => {
    const { runner, anomalies } = harness({
      detectors: [{ id: 'mad-zscore', params: {} }],
      // The shifting series gets a detector too insensitive to flag it; the others keep the default.
      rules: [
        { match: `host.cpu;host=h${SHIFT_SERIES}`, detectors: [{ id: 'mad-zscore', params: { zLow: 1000, zHigh: 2000 } }] },
        { match: 'host.**', detectors: [{ id: 'seasonal-baseline', params: {} }] },
      ],
    });
    await runner.start();
    await feed(runner, makeData(), 500);
    expect(anomalies.filter((a) => a.seriesId === SHIFT_SERIES)).toEqual([]);
    // Every other series matches the second rule: only seasonal-baseline runs there.
    expect(new Set(anomalies.map((a) => a.detector))).not.toContain('mad-zscore');
    expect(() => harness({ rules: [{ match: 'a.{b', detectors: DETECTORS }] })).toThrow(/rules\[0\]\.match: .*unclosed/);
    expect(() => harness({ rules: [{ match: 'a.*', detectors: [{ id: 'nope', params: {} }] }] })).toThrow(/rules\[0\]\.detectors\[0\]: unknown detector "nope"/);
  });

  it('validates detectors and options at construction, naming the field', () => {
    const hooks = { seriesKey: keyOf, onAnomalies: () => undefined };
    const base = { partitions: 2, detectors: DETECTORS, scoreThreshold: 0.99, maxQueuedPointsPerPartition: 100 };
    expect(() => new DetectionRunner({ ...base, detectors: [{ id: 'nope', params: {} }] }, hooks)).toThrow(
      'cannot create detection runner: detectors[0]: unknown detector "nope"; valid ids: mad-zscore, seasonal-baseline',
    );
    expect(() => new DetectionRunner({ ...base, detectors: [{ id: 'mad-zscore', params: { windowSize: 3 } }] }, hooks)).toThrow(
      /detectors\[0\]: cannot parse params of detector mad-zscore: windowSize must be an integer/,
    );
    expect(() => new DetectionRunner({ ...base, detectors: [DETECTORS[0]!, DETECTORS[0]!] }, hooks)).toThrow(/detectors\[1\]: detector "mad-zscore" is listed twice/);
    expect(() => new DetectionRunner({ ...base, partitions: 0 }, hooks)).toThrow('partitions must be an integer in [1, 64], got 0');
    expect(() => new DetectionRunner({ ...base, scoreThreshold: 2 }, hooks)).toThrow(/scoreThreshold must be a number in \[0, 1\], got 2/);
  });

  it('sends a grouped series its key once per worker, again after a restart, and restores it with its key', async () => {
    const groupKeys = new Map<number, string>([
      [0, 'alpha.one'],
      [1, 'alpha.two'],
      [2, 'gamma.one'],
      [3, 'gamma.two'],
      [4, 'plain.one'],
      [5, 'alpha.three'],
      [4242, 'alpha.crash'],
    ]);
    const alpha = hashSeriesKey('alpha') % 2;
    const gamma = hashSeriesKey('gamma') % 2;
    expect(alpha).not.toBe(gamma);
    // The ungrouped series shares the alpha worker: its restore entry must come without a key.
    expect(hashSeriesKey('plain.one') % 2).toBe(alpha);
    const stateFile = path.join(dir, 'detectors.jsonl');
    const { runner, anomalies, errors } = harness(
      {
        stateFile,
        detectors: [{ id: 'mad-zscore', params: {} }],
        rules: [
          { match: 'alpha.*', detectors: [{ id: 'group-by-prefix', params: {} }] },
          { match: 'gamma.*', detectors: [{ id: 'mad-zscore', params: {} }, { id: 'group-by-prefix', params: {} }] },
        ],
        extensionDetectors: [GROUP_BY_PREFIX],
        workerScript: new URL('./grouping-worker.fixture.mjs', import.meta.url),
      },
      { seriesKey: (id) => groupKeys.get(id)! },
    );
    interface Report {
      pointKeys: [number, string][];
      restoreKeys: [number, string | null][];
      created: [number, string | null][];
    }
    /** What the workers of the alpha and gamma groups report (both are up, so reports come in partition order). */
    const reports = async (): Promise<{ atAlpha: Report; atGamma: Report }> => {
      const all = (await runner.extensionReports()) as Report[];
      return { atAlpha: all[alpha]!, atGamma: all[gamma]! };
    };
    /** One point a minute for each series, from minute `from`, with a spike for `spikeSeries` at the first point. */
    const minutes = (seriesIds: number[], from: number, count: number, spikeSeries = -1): PointBatch => {
      const ids: number[] = [];
      const times: number[] = [];
      const values: number[] = [];
      for (let m = from; m < from + count; m++) {
        for (const id of seriesIds) {
          ids.push(id);
          times.push(START_MS + m * MINUTE_MS);
          values.push(id === spikeSeries && m === from ? SPIKE_VALUE : 10);
        }
      }
      return { length: ids.length, seriesIds: Uint32Array.from(ids), timestampsMs: Float64Array.from(times), values: Float64Array.from(values) };
    };
    await runner.start();
    for (let batch = 0; batch < 3; batch++) await runner.submit(minutes([0, 1, 2, 3, 4], batch * 10, 10, batch === 2 ? 1 : -1));
    await runner.flush();

    // Three batches, yet each key of a grouped series went once, with its group's partition; the ungrouped one's never.
    let { atAlpha, atGamma } = await reports();
    expect(atAlpha.pointKeys).toEqual([
      [0, 'alpha.one'],
      [1, 'alpha.two'],
    ]);
    expect(atGamma.pointKeys).toEqual([
      [2, 'gamma.one'],
      [3, 'gamma.two'],
    ]);
    // The worker created each grouping detector with its series' key.
    expect(atAlpha.created).toEqual([
      [0, 'alpha.one'],
      [1, 'alpha.two'],
    ]);
    expect(atGamma.created).toEqual([
      [2, 'gamma.one'],
      [3, 'gamma.two'],
    ]);
    const grouped = (): Anomaly[] => anomalies.filter((a) => a.detector === 'group-by-prefix');
    expect(grouped().map((a) => [a.series, a.timestampMs, a.evidence?.reason])).toEqual([['alpha.two', START_MS + 20 * MINUTE_MS, 'alpha.two after 21 points']]);

    await runner.checkpoint();
    // A series the checkpoint does not hold: its key reaches the worker that is about to fail.
    await runner.submit(minutes([5], 30, 1));
    await runner.flush();
    expect((await reports()).atAlpha.pointKeys.at(-1)).toEqual([5, 'alpha.three']);
    await runner.submit({ length: 1, seriesIds: Uint32Array.of(4242), timestampsMs: Float64Array.of(START_MS + 31 * MINUTE_MS), values: Float64Array.of(1) });
    await runner.flush();
    expect(runner.stats()).toMatchObject({ workerRestarts: 1, pointsDropped: 1 });
    await runner.submit(minutes([0, 1, 2, 3, 4, 5], 32, 5, 0));
    await runner.flush();

    ({ atAlpha, atGamma } = await reports());
    // The new alpha worker got the checkpointed grouped series' keys in restore entries, and the other one's with points.
    expect(atAlpha.restoreKeys).toEqual([
      [0, 'alpha.one'],
      [1, 'alpha.two'],
      [4, null],
    ]);
    expect(atAlpha.pointKeys).toEqual([[5, 'alpha.three']]);
    expect(atAlpha.created).toEqual([
      [0, 'alpha.one'],
      [1, 'alpha.two'],
      [5, 'alpha.three'],
    ]);
    // The gamma worker went on untouched: no key was sent to it again.
    expect(atGamma.pointKeys).toEqual([
      [2, 'gamma.one'],
      [3, 'gamma.two'],
    ]);
    expect(atGamma.restoreKeys).toEqual([]);
    // Restored with its state (30 points before the checkpoint) and its key.
    expect(grouped().map((a) => [a.series, a.timestampMs, a.evidence?.reason])).toEqual([
      ['alpha.two', START_MS + 20 * MINUTE_MS, 'alpha.two after 21 points'],
      ['alpha.one', START_MS + 32 * MINUTE_MS, 'alpha.one after 31 points'],
    ]);
    expect(errors.map((e) => e.message).filter((m) => !m.includes('injected fault') && !m.includes('worker exited'))).toEqual([]);
  });

  it('has an idempotent lifecycle and refuses points when not running', async () => {
    const { runner } = harness();
    await runner.stop();
    await expect(runner.submit(makeData())).rejects.toThrow('cannot submit points: detection runner is new');
    await Promise.all([runner.start(), runner.start()]);
    await runner.stop();
    await runner.stop();
    await expect(runner.submit(makeData())).rejects.toThrow('cannot submit points: detection runner is stopped');
    await expect(runner.checkpoint()).rejects.toThrow(/no stateFile is configured/);
  });
});
