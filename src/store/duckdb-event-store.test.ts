import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DuckDbEventStore, EVENTS_DATABASE_FILE_NAME, createDuckDbEventStore } from './duckdb-event-store.js';
import { runEventStoreSuite } from './event-store.testsuite.js';
import { runUntilKilled, storesPerTest, tempDir } from './test-support.js';

const SCRIPT = fileURLToPath(new URL('./testdata/append-events-then-wait.ts', import.meta.url));
const T0 = Date.UTC(2024, 0, 1);

runEventStoreSuite('DuckDB file', async () => {
  const dir = tempDir('vigil-events-');
  const file = path.join(dir, EVENTS_DATABASE_FILE_NAME);
  return {
    store: new DuckDbEventStore({ path: file }),
    reopen: async () => new DuckDbEventStore({ path: file }),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

runEventStoreSuite('DuckDB in memory', async () => ({
  store: new DuckDbEventStore({ path: ':memory:' }),
  cleanup: async () => undefined,
}));

describe('DuckDbEventStore', () => {
  const scratch = storesPerTest('vigil-events-');

  it('lives in events.duckdb in the data directory, made if missing', async () => {
    const dataDir = path.join(scratch.dir(), 'nested', 'data');
    const store = await scratch.start(createDuckDbEventStore(dataDir));
    await store.append([{ type: 'deploy', timestampMs: T0 }]);
    expect(fs.existsSync(path.join(dataDir, EVENTS_DATABASE_FILE_NAME))).toBe(true);
  });

  it('makes ids with the given generator for events sent without one', async () => {
    let n = 0;
    const store = await scratch.start(new DuckDbEventStore({ path: ':memory:', newId: () => `evt-${++n}` }));
    expect(await store.append([{ type: 'deploy', timestampMs: T0 }, { id: 'mine', type: 'deploy', timestampMs: T0 }, { type: 'config', timestampMs: T0 }])).toEqual(['evt-1', 'mine', 'evt-2']);
  });

  it('keeps every acknowledged event when the process is killed with SIGKILL', async () => {
    const file = path.join(scratch.dir(), EVENTS_DATABASE_FILE_NAME);
    const stdout = await runUntilKilled(SCRIPT, [file], (printed) => printed.split('\n').length > 20);
    const acked = stdout.split('\n').filter((line) => line.startsWith('acked ')).map((line) => line.slice('acked '.length));
    expect(acked.length).toBeGreaterThanOrEqual(20);
    const store = await scratch.start(new DuckDbEventStore({ path: file }));
    const stored = new Set((await store.query({ fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, limit: 1_000_000 })).map((e) => e.id));
    for (const id of acked) if (!stored.has(id)) throw new Error(`acknowledged event ${id} is missing`);
  });
});
