import { afterEach, describe, expect, it } from 'vitest';
import { DuckDbStorage } from '../store/index.js';
import { replayStored, type ReplayConfig } from './replay.js';

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
});
