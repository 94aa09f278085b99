import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Anomaly } from '../../model/index.js';
import { DuckDbStorage } from '../../store/index.js';
import type { Clock } from '../../util/index.js';
import { SeriesCatalog } from './catalog.js';
import { Evaluator } from './evaluator.js';
import { FunctionRegistry } from './functions/registry.js';
import { resolveGraphiteOptions } from './options.js';
import type { Series } from './series.js';
import { StoredSeriesData } from './series-data.js';

/** 2024-01-01T00:00:00Z, a multiple of every step the tests use. */
export const T0_SEC = 1_704_067_200;
/** The fixed "now" of the tests: one day after T0. */
export const NOW_SEC = T0_SEC + 86_400;
export const fixedClock: Clock = { nowMs: () => NOW_SEC * 1000 };

/** A started DuckDB store in a fresh temporary directory, and how to stop it and remove the directory. */
export async function openStore(): Promise<{ storage: DuckDbStorage; close: () => Promise<void> }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vigil-graphite-'));
  const storage = new DuckDbStorage({ path: path.join(dir, 'db.duckdb'), flushIntervalMs: 5, flushMaxPoints: 100_000, maxFutureMs: 86_400_000, clock: fixedClock });
  await storage.start();
  return {
    storage,
    close: async () => {
      await storage.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Appends one value per step from `firstSec` (null leaves the step empty) and waits until durable. */
export async function writeSeries(storage: DuckDbStorage, key: string, firstSec: number, stepSec: number, values: readonly (number | null)[]): Promise<number> {
  const [id] = storage.resolveSeries([key]);
  const present = values.map((v, i) => [v, firstSec + i * stepSec] as const).filter(([v]) => v !== null);
  const result = await storage.append({
    length: present.length,
    seriesIds: new Uint32Array(present.length).fill(id!),
    timestampsMs: Float64Array.from(present.map(([, t]) => t * 1000)),
    values: Float64Array.from(present.map(([v]) => v!)),
  });
  if (result.rejected.length > 0) throw new Error(`cannot write ${key}: ${result.rejected[0]!.message}`);
  return id!;
}

export async function writeAnomalies(storage: DuckDbStorage, anomalies: readonly Omit<Anomaly, 'series' | 'kind' | 'expected'>[]): Promise<void> {
  await storage.appendAnomalies(anomalies.map((a) => ({ ...a, series: storage.seriesById(a.seriesId)!.key, kind: null, expected: null })));
}

/** A series as tests compare it: values with null for none. */
export interface Plain {
  readonly name: string;
  readonly startSec: number;
  readonly stepSec: number;
  readonly values: (number | null)[];
  readonly tags: Readonly<Record<string, string>>;
}

export function plain(series: Series): Plain {
  return {
    name: series.name,
    startSec: series.startSec,
    stepSec: series.stepSec,
    values: Array.from(series.values, (v) => (Number.isNaN(v) ? null : v)),
    tags: series.tags,
  };
}

/**
 * Evaluates a target over [fromSec, untilSec] against the store, as /render does. The default range
 * reads steps T0 .. T0 + (points - 1) × 60 of 60-second series.
 */
export async function evaluate(storage: DuckDbStorage, target: string, range: { fromSec: number; untilSec: number } = minuteRange(8)): Promise<Plain[]> {
  const options = resolveGraphiteOptions();
  const data = new StoredSeriesData(storage, new SeriesCatalog(storage), options, 0);
  const evaluator = new Evaluator(new FunctionRegistry());
  const series = await evaluator.evaluateTarget(target, { ...range, xFilesFactor: 0, data });
  return series.map(plain);
}

/** The range whose whisper buckets are the `points` minutes from T0. */
export function minuteRange(points: number): { fromSec: number; untilSec: number } {
  return { fromSec: T0_SEC - 1, untilSec: T0_SEC + (points - 1) * 60 };
}

/**
 * The series the function tests read, one point a minute (null: no point):
 * - web.{a,b,c}.cpu and web.a.mem from T0, 8 points; web.b.cpu misses its second point
 * - ctr.a: a counter that resets, from T0; gap.a and gap.ref: nulls in runs, 10 points from T0
 * - ma.a and band.a: history before T0 for moving windows; shift.a: 10 minutes before T0 to 7 after
 * - pct.{x,y}.used, pct.{x,z}.total for asPercent by node; empty.x: points only two hours before T0
 * - tagged cpu.load;host=h1..h3 (dc eu, us, eu) and mem.free;host=h1;dc=eu
 */
export async function writeFixture(storage: DuckDbStorage): Promise<Record<string, number>> {
  const M = 60;
  const ids: Record<string, number> = {};
  const write = async (key: string, firstSec: number, values: (number | null)[]): Promise<void> => {
    ids[key] = await writeSeries(storage, key, firstSec, M, values);
  };
  await write('web.a.cpu', T0_SEC, [1, 2, 3, 4, 5, 6, 7, 8]);
  await write('web.b.cpu', T0_SEC, [10, null, 30, 40, 50, 60, 70, 80]);
  await write('web.c.cpu', T0_SEC, [5, 5, 5, 5, 5, 5, 5, 5]);
  await write('web.a.mem', T0_SEC, [100, 200, 300, 400, 500, 600, 700, 800]);
  await write('ctr.a', T0_SEC, [1, 3, 6, 2, 5, null, 8, 10]);
  await write('gap.a', T0_SEC, [1, null, null, 4, 5, 6, null, 8, 9, null]);
  await write('gap.ref', T0_SEC, [null, 1, 1, 1, 1, 1, null, 1, 1, 1]);
  await write('ma.a', T0_SEC - 5 * M, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
  await write('band.a', T0_SEC - 4 * M, [1, 2, 3, 4, 100, 5, 6, 7, 8, 9, 10, 11]);
  await write('shift.a', T0_SEC - 10 * M, Array.from({ length: 18 }, (_, i) => i));
  await write('pct.x.used', T0_SEC, [1, 2, 3, 4, 5, 6, 7, 8]);
  await write('pct.x.total', T0_SEC, [10, 10, 10, 10, 10, 10, 10, 10]);
  await write('pct.y.used', T0_SEC, [1, 1, 1, 1, 1, 1, 1, 1]);
  await write('pct.z.total', T0_SEC, [2, 2, 2, 2, 2, 2, 2, 2]);
  await write('empty.x', T0_SEC - 7200, [1, 2]);
  await write('cpu.load;host=h1;dc=eu', T0_SEC, [1, 1, 1, 1, 1, 1, 1, 1]);
  await write('cpu.load;host=h2;dc=us', T0_SEC, [2, 2, 2, 2, 2, 2, 2, 2]);
  await write('cpu.load;host=h3;dc=eu', T0_SEC, [3, 3, 3, 3, 3, 3, 3, 3]);
  await write('mem.free;host=h1;dc=eu', T0_SEC, [9, 9, 9, 9, 9, 9, 9, 9]);
  return ids;
}
