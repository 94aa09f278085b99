import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { DuckDbStorage } from './duckdb-storage.js';
import { runUntilKilled, storesPerTest } from './test-support.js';

const SCRIPT = fileURLToPath(new URL('./testdata/append-then-wait.ts', import.meta.url));
const POINTS = 300_100;

const scratch = storesPerTest('vigil-durability-');

it('keeps every acknowledged point when the process is killed with SIGKILL', async () => {
  const file = path.join(scratch.dir(), 'vigil.duckdb');
  // The child appends, and is killed the moment it prints that the append was acknowledged.
  await runUntilKilled(SCRIPT, [file, String(POINTS)], (stdout) => stdout.includes('acked\n'));

  const storage = await scratch.start(new DuckDbStorage({ path: file, flushIntervalMs: 10, flushMaxPoints: 100_000, maxFutureMs: 86_400_000 }));
  expect(storage.stats()).toMatchObject({ seriesCount: 2, committedPoints: POINTS });
  const small = storage.seriesByKey('durable.small');
  const large = storage.seriesByKey('durable.large;host=a');
  expect([small?.id, large?.id]).toEqual([0, 1]);
  const all = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, stepMs: Number.MAX_SAFE_INTEGER };
  expect(Array.from((await storage.query({ seriesId: 0, ...all, agg: 'count' })).values)).toEqual([100]);
  expect(Array.from((await storage.query({ seriesId: 1, ...all, agg: 'count' })).values)).toEqual([POINTS - 100]);
  expect(Array.from((await storage.query({ seriesId: 1, ...all, agg: 'sum' })).values)).toEqual([((POINTS - 101) * (POINTS - 100)) / 2]);
});
