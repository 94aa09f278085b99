import { afterEach, beforeEach, expect, it } from 'vitest';
import { DAY_MS } from '../model/index.js';
import { DuckDbStorage } from './duckdb-storage.js';
import { RetentionSweeper } from './retention-sweeper.js';

const NOW = Date.UTC(2024, 5, 1);
const clock = { nowMs: () => NOW };

let storage: DuckDbStorage;
let seriesId: number;

beforeEach(async () => {
  storage = new DuckDbStorage({ path: ':memory:', flushIntervalMs: 10, flushMaxPoints: 100_000, maxFutureMs: DAY_MS, clock });
  await storage.start();
  [seriesId] = Array.from(storage.resolveSeries(['retained.s']));
  // Ten days old, a millisecond either side of the 7-day cut-off, and fresh.
  const timestampsMs = Float64Array.of(NOW - 10 * DAY_MS, NOW - 7 * DAY_MS - 1, NOW - 7 * DAY_MS, NOW - 1000);
  await storage.append({ length: 4, seriesIds: new Uint32Array(4).fill(seriesId), timestampsMs, values: Float64Array.of(1, 2, 3, 4) });
  await storage.appendAnomalies([
    { seriesId, series: 'retained.s', timestampMs: NOW - 10 * DAY_MS, value: 1, score: 1, kind: 'spike', expected: 0, detector: 'mad' },
  ]);
});

afterEach(async () => {
  await storage.stop();
});

async function remainingMs(): Promise<number[]> {
  const points = await storage.query({ seriesId, fromMs: 0, toMs: NOW + 1, stepMs: 1, agg: 'count' });
  return Array.from(points.timestampsMs);
}

it('sweeps data older than the retention period at start', async () => {
  const sweeper = new RetentionSweeper({ storage, retentionDays: 7, retentionSweepIntervalMs: 3_600_000, clock });
  await sweeper.start();
  await sweeper.stop();
  expect(await remainingMs()).toEqual([NOW - 7 * DAY_MS, NOW - 1000]);
  expect(await storage.queryAnomalies({ fromMs: 0, toMs: NOW, limit: 10 })).toEqual([]);
});

it('reports what one sweep deleted, and nothing on the next', async () => {
  const sweeper = new RetentionSweeper({ storage, retentionDays: 7, retentionSweepIntervalMs: 3_600_000, clock });
  expect(await sweeper.sweep()).toEqual({ deletedPoints: 2, deletedAnomalies: 1 });
  expect(await sweeper.sweep()).toEqual({ deletedPoints: 0, deletedAnomalies: 0 });
});

it('logs a failed sweep instead of throwing', async () => {
  const warnings: string[] = [];
  const sweeper = new RetentionSweeper({ storage, retentionDays: 1, retentionSweepIntervalMs: 3_600_000, clock, logger: { warn: (_o, msg) => warnings.push(msg) } });
  await storage.stop();
  expect(await sweeper.sweep()).toBeUndefined();
  expect(warnings).toEqual(['cannot sweep expired data']);
});
