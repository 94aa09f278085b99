import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DuckDbStorage } from '../store/index.js';
import { clearRecorded, GROUP_BY_PREFIX, recorded, SPIKE_VALUE } from './recording-detector.testsuite.js';
import { replayStored, type ReplayConfig, type ReplayExtension } from './replay.js';

const NOW_MS = Date.UTC(2026, 0, 10);
const START_MS = NOW_MS - 2 * 86_400_000;
const CONFIG: ReplayConfig = { detectors: [{ id: 'mad-zscore', params: {} }], rules: [], scoreThreshold: 0.99 };

/** Deterministic noise in [-1, 1]. */
const noise = (i: number): number => {
  const x = Math.sin(i * 12.9898) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
};

describe('replayStored', () => {
  let storage: DuckDbStorage | null = null;
  afterEach(async () => {
    await storage?.stop();
    storage = null;
  });

  async function storeSeries(): Promise<void> {
    storage = new DuckDbStorage({ path: ':memory:', flushIntervalMs: 5, flushMaxPoints: 1_000_000, maxFutureMs: 86_400_000, clock: { nowMs: () => NOW_MS } });
    await storage.start();
    const keys = ['replay.shift;host=a', 'replay.calm;host=b'];
    const ids = storage.resolveSeries(keys);
    const n = 600;
    const seriesIds = new Uint32Array(2 * n);
    const timestampsMs = new Float64Array(2 * n);
    const values = new Float64Array(2 * n);
    for (let i = 0; i < n; i++) {
      for (let s = 0; s < 2; s++) {
        const k = 2 * i + s;
        seriesIds[k] = ids[s]!;
        timestampsMs[k] = START_MS + i * 60_000;
        values[k] = 50 + noise(k) + (s === 0 && i >= 400 ? 30 : 0);
      }
    }
    const result = await storage.append({ length: 2 * n, seriesIds, timestampsMs, values });
    expect(result.accepted).toBe(2 * n);
  }

  it('finds the shift in stored history, stores it, and stores nothing twice on a second run', async () => {
    await storeSeries();
    const request = { seriesGlob: 'replay.**', fromMs: START_MS, toMs: NOW_MS };
    const first = await replayStored(storage!, CONFIG, request);
    expect(first.series).toBe(2);
    expect(first.points).toBe(1200);
    expect(first.anomalies).toBeGreaterThan(0);
    const stored = await storage!.queryAnomalies({ fromMs: START_MS, toMs: NOW_MS, limit: 10_000 });
    expect(stored.length).toBe(first.anomalies);
    expect(stored.every((a) => a.series === 'replay.shift;host=a' && a.detector === 'mad-zscore')).toBe(true);
    expect(stored[0]!.timestampMs).toBe(START_MS + 400 * 60_000);

    await replayStored(storage!, CONFIG, request);
    expect((await storage!.queryAnomalies({ fromMs: START_MS, toMs: NOW_MS, limit: 10_000 })).length).toBe(stored.length);
  });

  it('runs only the detector asked for, and names an unknown one', async () => {
    await storeSeries();
    const result = await replayStored(storage!, CONFIG, { seriesGlob: 'replay.shift;*', fromMs: START_MS, toMs: NOW_MS, detectorId: 'seasonal-baseline' });
    expect(result.series).toBe(1);
    // Two days of minute data leave the daily profile cold: nothing is stored under mad-zscore.
    const stored = await storage!.queryAnomalies({ fromMs: START_MS, toMs: NOW_MS, limit: 10_000 });
    expect(stored.every((a) => a.detector === 'seasonal-baseline')).toBe(true);
    await expect(replayStored(storage!, CONFIG, { seriesGlob: 'replay.**', fromMs: START_MS, toMs: NOW_MS, detectorId: 'nope' })).rejects.toThrow(/unknown detector "nope"/);
  });

  describe('with a grouping detector', () => {
    beforeEach(clearRecorded);
    const GROUPED: ReplayConfig = {
      detectors: [{ id: 'mad-zscore', params: {} }],
      rules: [{ match: 'grp.*', detectors: [{ id: 'group-by-prefix', params: {} }] }],
      scoreThreshold: 0.99,
    };
    const MINUTE = 60_000;

    /**
     * grp.a has points at even minutes, grp.b at odd minutes (a spike at minute 5), grp.c none in range; other.x is
     * ungrouped. Returns the batches the extension was handed.
     */
    async function storeGroup(): Promise<{ extension: ReplayExtension; batches: number[][] }> {
      storage = new DuckDbStorage({ path: ':memory:', flushIntervalMs: 5, flushMaxPoints: 1_000_000, maxFutureMs: 86_400_000, clock: { nowMs: () => NOW_MS } });
      await storage.start();
      const [a, b, , other] = storage.resolveSeries(['grp.a', 'grp.b', 'grp.c', 'other.x']);
      const points: [number, number, number][] = [];
      for (let m = 0; m < 8; m++) points.push([m % 2 === 0 ? a! : b!, START_MS + m * MINUTE, m === 5 ? SPIKE_VALUE : 1]);
      points.push([a!, START_MS + 6 * MINUTE + 1, SPIKE_VALUE]);
      for (let m = 0; m < 4; m++) points.push([other!, START_MS + m * MINUTE, 1]);
      const result = await storage.append({
        length: points.length,
        seriesIds: Uint32Array.from(points.map((p) => p[0])),
        timestampsMs: Float64Array.from(points.map((p) => p[1])),
        values: Float64Array.from(points.map((p) => p[2])),
      });
      expect(result.accepted).toBe(points.length);
      const batches: number[][] = [];
      const extension: ReplayExtension = { detectors: [GROUP_BY_PREFIX], beforeBatch: (ids) => void batches.push([...ids]), drainAnomalies: () => [] };
      return { extension, batches };
    }

    it('replays a group’s series together in time order and stores each anomaly under its own series', async () => {
      const { extension, batches } = await storeGroup();
      const result = await replayStored(storage!, GROUPED, { seriesGlob: '*.*', fromMs: START_MS, toMs: NOW_MS }, extension);
      expect(result).toEqual({ series: 4, points: 13, anomalies: 2 });
      // One batch for the group (both members, member by member), one for the ungrouped series.
      expect(batches.map((ids) => ids.length)).toEqual([9, 4]);
      expect(recorded.created.map((c) => c.context.seriesKey)).toEqual(['grp.a', 'grp.b']);
      expect(recorded.seen.map((p) => [p.seriesKey, p.timestampMs - START_MS])).toEqual([
        ['grp.a', 0],
        ['grp.b', MINUTE],
        ['grp.a', 2 * MINUTE],
        ['grp.b', 3 * MINUTE],
        ['grp.a', 4 * MINUTE],
        ['grp.b', 5 * MINUTE],
        ['grp.a', 6 * MINUTE],
        ['grp.a', 6 * MINUTE + 1],
        ['grp.b', 7 * MINUTE],
      ]);
      const stored = await storage!.queryAnomalies({ fromMs: START_MS, toMs: NOW_MS, limit: 100 });
      expect(stored.map((a) => [a.series, a.detector, a.timestampMs - START_MS]).sort()).toEqual([
        ['grp.a', 'group-by-prefix', 6 * MINUTE + 1],
        ['grp.b', 'group-by-prefix', 5 * MINUTE],
      ]);
    });

    it('groups by the one detector asked for, with keys, even for series whose rule lacks it', async () => {
      const { extension } = await storeGroup();
      const result = await replayStored(storage!, { ...GROUPED, rules: [] }, { seriesGlob: 'grp.*', fromMs: START_MS, toMs: NOW_MS, detectorId: 'group-by-prefix' }, extension);
      expect(result).toEqual({ series: 3, points: 9, anomalies: 2 });
      expect(recorded.created.map((c) => c.context.seriesKey)).toEqual(['grp.a', 'grp.b']);
      expect(recorded.seen.map((p) => p.seriesKey)).toEqual(['grp.a', 'grp.b', 'grp.a', 'grp.b', 'grp.a', 'grp.b', 'grp.a', 'grp.a', 'grp.b']);
    });
  });
});
