import { afterEach, beforeEach, expect, it } from 'vitest';
import { DAY_MS } from '../model/index.js';
import { DuckDbLogStore } from './duckdb-log-store.js';
import { LogRetentionSweeper } from './log-retention-sweeper.js';
import type { StoredLog } from './log-store.js';

const NOW = Date.UTC(2024, 5, 1);
const clock = { nowMs: () => NOW };
const EVERYTHING = { fromMs: 0, toMs: NOW + 1, limit: 100 };

let store: DuckDbLogStore;

function log(timestampMs: number): StoredLog {
  return { timestampMs, host: 'h', source: 's', severity: 'info', message: `at ${timestampMs}`, fields: {}, templateId: 't', parameters: [] };
}

beforeEach(async () => {
  store = new DuckDbLogStore({ path: ':memory:', flushIntervalMs: 10, maxQueuedRecords: 1000 });
  await store.start();
  // Ten days old, a millisecond either side of the 7-day cut-off, and fresh.
  await store.append([log(NOW - 10 * DAY_MS), log(NOW - 7 * DAY_MS - 1), log(NOW - 7 * DAY_MS), log(NOW - 1000)]);
});

afterEach(async () => {
  await store.stop();
});

async function remainingMs(): Promise<number[]> {
  return (await store.query(EVERYTHING)).map((l) => l.timestampMs);
}

it('sweeps records older than the retention period at start', async () => {
  const sweeper = new LogRetentionSweeper({ store, retentionDays: 7, retentionSweepIntervalMs: 3_600_000, clock });
  await sweeper.start();
  await sweeper.stop();
  expect(await remainingMs()).toEqual([NOW - 1000, NOW - 7 * DAY_MS]);
});

it('reports how many one sweep deleted, and none on the next', async () => {
  const sweeper = new LogRetentionSweeper({ store, retentionDays: 7, retentionSweepIntervalMs: 3_600_000, clock });
  expect(await sweeper.sweep()).toBe(2);
  expect(await sweeper.sweep()).toBe(0);
});

it('logs a failed sweep instead of throwing', async () => {
  const warnings: string[] = [];
  const sweeper = new LogRetentionSweeper({ store, retentionDays: 1, retentionSweepIntervalMs: 3_600_000, clock, logger: { warn: (_o, msg) => warnings.push(msg) } });
  await store.stop();
  expect(await sweeper.sweep()).toBeUndefined();
  expect(warnings).toEqual(['cannot sweep expired logs']);
});
