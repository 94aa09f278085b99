import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import type { PointBatch } from '../model/index.js';
import type { StorageConfig } from '../config/schema.js';
import { DuckDbStorage, createDuckDbStorage } from './duckdb-storage.js';
import type { DuckDbStorageOptions } from './duckdb-storage.js';
import { runStorageSuite } from './storage.testsuite.js';
import { storesPerTest, tempDir } from './test-support.js';

const T0 = Date.UTC(2024, 0, 1);
const FAST = { flushIntervalMs: 10, flushMaxPoints: 100_000, maxFutureMs: 86_400_000 };

function seq(seriesId: number, count: number, firstMs: number, value: (i: number) => number): PointBatch {
  const timestampsMs = new Float64Array(count);
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    timestampsMs[i] = firstMs + i;
    values[i] = value(i);
  }
  return { length: count, seriesIds: new Uint32Array(count).fill(seriesId), timestampsMs, values };
}

runStorageSuite('DuckDB file', async () => {
  const dir = tempDir('vigil-store-');
  const options: DuckDbStorageOptions = { path: path.join(dir, 'test.duckdb'), ...FAST };
  return {
    storage: new DuckDbStorage(options),
    reopen: async () => new DuckDbStorage(options),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

runStorageSuite('DuckDB in memory', async () => ({
  storage: new DuckDbStorage({ path: ':memory:', ...FAST }),
  cleanup: async () => undefined,
}));

describe('DuckDbStorage', () => {
  const scratch = storesPerTest('vigil-store-');
  const open = (options: Partial<DuckDbStorageOptions> = {}): Promise<DuckDbStorage> =>
    scratch.start(new DuckDbStorage({ path: path.join(scratch.dir(), 'db.duckdb'), ...FAST, ...options }));

  it('groups appends made together into one commit', async () => {
    const storage = await open({ flushIntervalMs: 50 });
    const [s] = storage.resolveSeries(['group.s']);
    const appends = Array.from({ length: 10 }, (_, i) => storage.append(seq(s!, 100, T0 + i * 100, () => i)));
    expect(storage.stats().queuedPoints).toBe(1000);
    await Promise.all(appends);
    expect(storage.stats()).toMatchObject({ commits: 1, committedPoints: 1000, queuedPoints: 0 });
  });

  it('commits early once flushMaxPoints are queued, and otherwise waits for the timer or stop', async () => {
    const storage = await open({ flushIntervalMs: 3_600_000, flushMaxPoints: 1000 });
    const [s] = storage.resolveSeries(['early.s']);
    let smallDone = false;
    const small = storage.append(seq(s!, 10, T0, () => 1)).then((r) => {
      smallDone = true;
      return r;
    });
    await storage.append(seq(s!, 990, T0 + 10, () => 1));
    // The small append was queued first, so the early commit carried it too.
    expect(smallDone).toBe(true);
    expect((await small).accepted).toBe(10);
    expect(storage.stats()).toMatchObject({ commits: 1, committedPoints: 1000 });

    const late = storage.append(seq(s!, 5, T0 + 2000, () => 1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(storage.stats()).toMatchObject({ commits: 1, queuedPoints: 5 });
    await storage.stop();
    expect((await late).accepted).toBe(5);
    expect(storage.stats()).toMatchObject({ commits: 2, committedPoints: 1005, queuedPoints: 0 });
  });

  it('writes every point of commits made of full and partial chunks exactly', async () => {
    const storage = await open({ flushMaxPoints: 1_000_000 });
    const [a, b] = storage.resolveSeries(['chunks.a', 'chunks.b']);
    // 3000 = one full chunk plus a partial one; then 4096 = two full chunks after the partial one.
    await storage.append(seq(a!, 3000, T0, (i) => i * 0.5));
    await storage.append(seq(b!, 4096, T0, (i) => -i));
    const whole = { fromMs: T0, toMs: T0 + 10_000, stepMs: 10_000 };
    expect(Array.from((await storage.query({ seriesId: a!, ...whole, agg: 'sum' })).values)).toEqual([(0.5 * 2999 * 3000) / 2]);
    expect(Array.from((await storage.query({ seriesId: a!, ...whole, agg: 'count' })).values)).toEqual([3000]);
    expect(Array.from((await storage.query({ seriesId: b!, ...whole, agg: 'sum' })).values)).toEqual([-(4095 * 4096) / 2]);
    expect(Array.from((await storage.query({ seriesId: b!, ...whole, agg: 'last' })).values)).toEqual([-4095]);
    const perPoint = await storage.query({ seriesId: a!, fromMs: T0 + 2040, toMs: T0 + 2056, stepMs: 1, agg: 'avg' });
    expect(Array.from(perPoint.timestampsMs)).toEqual(Array.from({ length: 16 }, (_, i) => T0 + 2040 + i));
    expect(Array.from(perPoint.values)).toEqual(Array.from({ length: 16 }, (_, i) => (2040 + i) * 0.5));
  });

  it('judges future timestamps by the injected clock and floors fractional milliseconds', async () => {
    const storage = await open({ clock: { nowMs: () => T0 }, maxFutureMs: 60_000 });
    const [s] = storage.resolveSeries(['clock.s']);
    const result = await storage.append({
      length: 3,
      seriesIds: Uint32Array.of(s!, s!, s!),
      timestampsMs: Float64Array.of(T0 + 60_000, T0 + 60_001, T0 + 0.75),
      values: Float64Array.of(1, 2, 3),
    });
    expect(result.accepted).toBe(2);
    expect(result.rejected).toEqual([{ index: 1, reason: 'bad_timestamp', message: expect.stringMatching(/^timestamp .* ahead of now/) }]);
    const points = await storage.query({ seriesId: s!, fromMs: T0, toMs: T0 + 120_000, stepMs: 1, agg: 'last' });
    expect(Array.from(points.timestampsMs)).toEqual([T0, T0 + 60_000]);
  });

  it('refuses points older than the retention period, naming the setting', async () => {
    const storage = await open({ clock: { nowMs: () => T0 }, retentionMs: 86_400_000 });
    const [s] = storage.resolveSeries(['retained.s']);
    const result = await storage.append({
      length: 2,
      seriesIds: Uint32Array.of(s!, s!),
      timestampsMs: Float64Array.of(T0 - 86_400_001, T0 - 86_400_000),
      values: Float64Array.of(1, 2),
    });
    expect(result.accepted).toBe(1);
    expect(result.rejected).toEqual([{ index: 0, reason: 'out_of_retention', message: expect.stringMatching(/older than the retention period \(1 days\); raise storage.retentionDays/) }]);
  });

  it('rejects the appends of a failed commit, never acknowledging them, and recovers', async () => {
    const file = path.join(scratch.dir(), 'db.duckdb');
    // A stricter table made beforehand: the store keeps an existing table, so DuckDB refuses the row at commit.
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run('CREATE TABLE points (series_id UINTEGER NOT NULL, ts_ms BIGINT NOT NULL, value DOUBLE NOT NULL CHECK (value < 1e300))');
    connection.closeSync();
    instance.closeSync();

    const warnings: string[] = [];
    const storage = await open({ logger: { warn: (_obj, msg) => warnings.push(msg) } });
    const [s] = storage.resolveSeries(['fail.s']);
    await expect(storage.append(seq(s!, 3, T0, (i) => (i === 1 ? 1e301 : i)))).rejects.toThrow(/^cannot commit points: .*CHECK/);
    expect(warnings).toEqual(['cannot commit points']);
    expect(storage.stats()).toMatchObject({ committedPoints: 0, queuedPoints: 0, commits: 0 });

    // Stopping right after a failed commit still commits what was queued since.
    const next = storage.append(seq(s!, 2, T0, () => 7));
    await storage.stop();
    await expect(next).resolves.toMatchObject({ accepted: 2 });
    const reopened = await open();
    // The series created before the failed commit was written by the next one.
    expect(reopened.seriesByKey('fail.s')?.id).toBe(s);
    expect(Array.from((await reopened.query({ seriesId: s!, fromMs: T0, toMs: T0 + 10, stepMs: 1, agg: 'last' })).values)).toEqual([7, 7]);
  });

  it('refuses work before start and names a database it cannot open', async () => {
    const storage = new DuckDbStorage({ path: path.join(scratch.dir(), 'db.duckdb'), ...FAST });
    expect(() => storage.resolveSeries(['x'])).toThrow('cannot resolve series: storage is not started');
    await expect(storage.append(seq(0, 1, T0, () => 1))).rejects.toThrow('cannot append points: storage is not started');
    await storage.stop();

    const missing = path.join(scratch.dir(), 'no', 'such', 'dir', 'db.duckdb');
    const broken = new DuckDbStorage({ path: missing, ...FAST });
    await expect(broken.start()).rejects.toThrow(`cannot start storage at ${missing}`);
    expect(() => new DuckDbStorage({ path: ':memory:', ...FAST, flushMaxPoints: 0 })).toThrow(/flushMaxPoints must be a positive integer, got 0/);
  });

  it('creates its data directory and database file from the config', async () => {
    const dataDir = path.join(scratch.dir(), 'nested', 'data');
    const config: StorageConfig = { retentionDays: 30, retentionSweepIntervalMs: 3_600_000, maxQueuedPoints: 1_000_000, ...FAST };
    const storage = await scratch.start(createDuckDbStorage(dataDir, config));
    const [s] = storage.resolveSeries(['cfg.s']);
    await storage.append(seq(s!, 1, T0, () => 1));
    expect(fs.existsSync(path.join(dataDir, 'vigil.duckdb'))).toBe(true);
  });
});
