import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { configSchema } from '../config/index.js';
import { DuckDbLogStore, LOGS_DATABASE_FILE_NAME, createDuckDbLogStore } from './duckdb-log-store.js';
import type { DuckDbLogStoreOptions } from './duckdb-log-store.js';
import type { StoredLog } from './log-store.js';
import { runLogStoreSuite } from './log-store.testsuite.js';
import { storesPerTest, tempDir } from './test-support.js';

const T0 = Date.UTC(2024, 0, 1);
const HOUR_MS = 3_600_000;
const EVERYTHING = { fromMs: -Number.MAX_SAFE_INTEGER, toMs: Number.MAX_SAFE_INTEGER, limit: 1_000_000 };

function log(timestampMs: number, message: string, extra: Partial<StoredLog> = {}): StoredLog {
  return { timestampMs, host: 'h', source: 's', severity: 'info', message, fields: {}, templateId: 't', parameters: [], ...extra };
}

function many(count: number, firstMs: number, prefix: string): StoredLog[] {
  return Array.from({ length: count }, (_, i) => log(firstMs + i, `${prefix} ${i}`, { parameters: [String(i)], fields: { i: String(i) } }));
}

/**
 * A stricter logs table made beforehand: the store keeps an existing table, so DuckDB refuses a
 * record whose message is "poison" inside the commit.
 */
async function createPoisonableTable(file: string): Promise<void> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    await connection.run(
      `CREATE TABLE logs (ts_ms BIGINT NOT NULL, host VARCHAR NOT NULL, source VARCHAR NOT NULL, sourcetype VARCHAR, severity UTINYINT NOT NULL,
       facility VARCHAR, app_name VARCHAR, proc_id VARCHAR, msg_id VARCHAR, message VARCHAR NOT NULL CHECK (message <> 'poison'),
       template_id VARCHAR NOT NULL, parameters VARCHAR[] NOT NULL, fields VARCHAR NOT NULL)`,
    );
    connection.closeSync();
  } finally {
    instance.closeSync();
  }
}

runLogStoreSuite('DuckDB file', async (settings) => {
  const dir = tempDir('vigil-logs-');
  const options: DuckDbLogStoreOptions = { path: path.join(dir, LOGS_DATABASE_FILE_NAME), ...settings };
  return {
    store: new DuckDbLogStore(options),
    reopen: async () => new DuckDbLogStore(options),
    cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }),
  };
});

runLogStoreSuite('DuckDB in memory', async (settings) => ({
  store: new DuckDbLogStore({ path: ':memory:', ...settings }),
  cleanup: async () => undefined,
}));

describe('DuckDbLogStore', () => {
  const scratch = storesPerTest('vigil-logs-');
  const open = (options: Partial<DuckDbLogStoreOptions> = {}): Promise<DuckDbLogStore> =>
    scratch.start(new DuckDbLogStore({ path: path.join(scratch.dir(), 'logs.duckdb'), flushIntervalMs: 10, maxQueuedRecords: 100_000, ...options }));

  it('commits appends made together in one transaction', async () => {
    const store = await open({ flushIntervalMs: 50 });
    await Promise.all(Array.from({ length: 100 }, (_, i) => store.append(many(10, T0 + i * 10, `group${i}`))));
    expect(store.stats()).toEqual({ queuedRecords: 0, committedRecords: 1000, commits: 1 });
  });

  it('commits early once half the bound is queued, and otherwise waits for the timer or stop', async () => {
    const store = await open({ flushIntervalMs: HOUR_MS, maxQueuedRecords: 100 });
    let smallDone = false;
    const small = store.append(many(10, T0, 'small')).then(() => {
      smallDone = true;
    });
    await store.append(many(40, T0 + 10, 'half'));
    // The small append was queued first, so the early commit carried it too.
    expect(smallDone).toBe(true);
    await small;
    expect(store.stats()).toEqual({ queuedRecords: 0, committedRecords: 50, commits: 1 });

    const late = store.append(many(5, T0 + 100, 'late'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(store.stats()).toEqual({ queuedRecords: 5, committedRecords: 50, commits: 1 });
    await store.stop();
    await late;
    expect(store.stats()).toEqual({ queuedRecords: 0, committedRecords: 55, commits: 2 });
  });

  it('writes every record of commits made of full and partial chunks, across appends', async () => {
    const store = await open({ flushIntervalMs: 50 });
    // 3000 + 2500 + 1 records in one commit: chunks of 2048 that straddle the appends.
    await Promise.all([store.append(many(3000, T0, 'a')), store.append(many(2500, T0 + 3000, 'b')), store.append(many(1, T0 + 5500, 'c'))]);
    expect(store.stats().commits).toBe(1);
    const found = await store.query(EVERYTHING);
    expect(found).toHaveLength(5501);
    expect(found).toEqual([...many(3000, T0, 'a'), ...many(2500, T0 + 3000, 'b'), ...many(1, T0 + 5500, 'c')].reverse());
  });

  it('stores whole milliseconds and returns ties newest-appended first', async () => {
    const store = await open();
    await store.append([log(T0 + 0.75, 'first'), log(T0, 'second')]);
    await store.append([log(T0 + 0.2, 'third')]);
    const found = await store.query(EVERYTHING);
    expect(found.map((l) => [l.timestampMs, l.message])).toEqual([
      [T0, 'third'],
      [T0, 'second'],
      [T0, 'first'],
    ]);
  });

  it('keeps severity as its syslog code and fields as JSON text in the table', async () => {
    const file = path.join(scratch.dir(), 'logs.duckdb');
    const store = await open({ path: file });
    await store.append([log(T0, 'm', { severity: 'error', fields: { a: 'b' }, parameters: ['x', 'y'] })]);
    await store.stop();
    const instance = await DuckDBInstance.create(file);
    try {
      const connection = await instance.connect();
      const result = await connection.runAndReadAll('SELECT typeof(ts_ms), ts_ms, typeof(severity), severity, fields, typeof(parameters), msg_id FROM logs');
      expect(result.getRowsJS()).toEqual([['BIGINT', BigInt(T0), 'UTINYINT', 3, '{"a":"b"}', 'VARCHAR[]', null]]);
      connection.closeSync();
    } finally {
      instance.closeSync();
    }
  });

  it('rejects every append of a failed commit, never acknowledging them, and recovers', async () => {
    const file = path.join(scratch.dir(), 'logs.duckdb');
    await createPoisonableTable(file);

    const warnings: string[] = [];
    const store = await open({ path: file, flushIntervalMs: 20, logger: { warn: (_obj, msg) => warnings.push(msg) } });
    const innocent = store.append([log(T0, 'innocent')]);
    const poisoned = store.append([log(T0 + 1, 'poison')]);
    await expect(innocent).rejects.toThrow(/^cannot store logs: .*CHECK/);
    await expect(poisoned).rejects.toThrow(/^cannot store logs: .*CHECK/);
    expect(warnings).toEqual(['cannot store logs']);
    expect(store.stats()).toEqual({ queuedRecords: 0, committedRecords: 0, commits: 0 });
    expect(await store.query(EVERYTHING)).toEqual([]);

    await store.append([log(T0 + 2, 'after')]);
    expect((await store.query(EVERYTHING)).map((l) => l.message)).toEqual(['after']);
  });

  it('commits what waited for room at stop, even after a failed commit', async () => {
    const file = path.join(scratch.dir(), 'logs.duckdb');
    await createPoisonableTable(file);
    const store = await open({ path: file, flushIntervalMs: HOUR_MS, maxQueuedRecords: 10 });
    // The first reaches half the bound and commits at once, failing; the second waits for room meanwhile.
    const first = store.append([log(T0, 'poison'), ...many(4, T0, 'first')]);
    const second = store.append(many(6, T0 + 10, 'second'));
    const outcomes = Promise.allSettled([first, second]);
    await store.stop();
    const [a, b] = await outcomes;
    expect(a).toMatchObject({ status: 'rejected', reason: { message: expect.stringMatching(/^cannot store logs: .*CHECK/) } });
    expect(b.status).toBe('fulfilled');
    const again = await open({ path: file });
    expect(await again.query(EVERYTHING)).toEqual(many(6, T0 + 10, 'second').reverse());
  });

  it('refuses bad options and names a database it cannot open', async () => {
    expect(() => new DuckDbLogStore({ path: ':memory:', flushIntervalMs: 0, maxQueuedRecords: 1 })).toThrow(/flushIntervalMs must be a positive integer, got 0/);
    expect(() => new DuckDbLogStore({ path: ':memory:', flushIntervalMs: 1, maxQueuedRecords: 1.5 })).toThrow(/maxQueuedRecords must be a positive integer, got 1.5/);
    const missing = path.join(scratch.dir(), 'no', 'such', 'dir', 'logs.duckdb');
    const broken = new DuckDbLogStore({ path: missing, flushIntervalMs: 10, maxQueuedRecords: 10 });
    await expect(broken.start()).rejects.toThrow(`cannot start log store at ${missing}`);
    await broken.stop();
  });

  it('creates its data directory and logs.duckdb from the logs config', async () => {
    const dataDir = path.join(scratch.dir(), 'nested', 'data');
    const config = configSchema.parse({ logs: { flushIntervalMs: 10, maxQueuedRecords: 500 } }).logs;
    const store = await scratch.start(createDuckDbLogStore(dataDir, config));
    await store.append([log(T0, 'configured')]);
    expect(LOGS_DATABASE_FILE_NAME).toBe('logs.duckdb');
    expect(fs.existsSync(path.join(dataDir, 'logs.duckdb'))).toBe(true);
  });
});
