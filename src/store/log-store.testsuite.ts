import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogSeverity } from '../model/index.js';
import type { LogQuery, LogStore, StoredLog } from './log-store.js';

/** What the suite asks of a store it creates; an implementation maps these to its own options. */
export interface LogStoreSettings {
  /** Queued records are committed at least this often. */
  readonly flushIntervalMs: number;
  /** Bound on records accepted and not yet committed. */
  readonly maxQueuedRecords: number;
}

export interface LogStoreFixture {
  /** A fresh, empty store; the suite starts it. */
  readonly store: LogStore;
  /** Opens the same data again (same settings) after the suite stopped `store`; absent for stores that do not persist. */
  readonly reopen?: () => Promise<LogStore>;
  /** Removes what the fixture created; called after the suite stopped every store it used. */
  readonly cleanup: () => Promise<void>;
}

/** 2024-01-01T00:00:00Z. */
const T0 = Date.UTC(2024, 0, 1);
const EVERYTHING = { fromMs: -Number.MAX_SAFE_INTEGER, toMs: Number.MAX_SAFE_INTEGER, limit: 1_000_000 };
const FAST: LogStoreSettings = { flushIntervalMs: 10, maxQueuedRecords: 100_000 };
const HOUR_MS = 3_600_000;

/** A minimal record: no optional field, no parameters, no fields. */
function log(timestampMs: number, message: string, extra: Partial<StoredLog> = {}): StoredLog {
  return { timestampMs, host: 'web-1', source: 'syslog_tcp', severity: 'info', message, fields: {}, templateId: 't-0', parameters: [], ...extra };
}

function many(count: number, firstMs: number, prefix = 'line'): StoredLog[] {
  return Array.from({ length: count }, (_, i) => log(firstMs + i, `${prefix} ${i}`));
}

function messages(logs: readonly StoredLog[]): string[] {
  return logs.map((l) => l.message);
}

function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The behaviour every LogStore implementation must show. `create` makes a fresh store per test with
 * the given settings.
 */
export function runLogStoreSuite(name: string, create: (settings: LogStoreSettings) => Promise<LogStoreFixture>): void {
  describe(`LogStore suite: ${name}`, () => {
    let fixture: LogStoreFixture | undefined;
    const opened: LogStore[] = [];

    async function open(settings: LogStoreSettings = FAST): Promise<LogStore> {
      fixture = await create(settings);
      opened.push(fixture.store);
      await fixture.store.start();
      return fixture.store;
    }

    /** Stops `store` and opens its data again, or returns undefined when the store does not persist. */
    async function reopen(store: LogStore): Promise<LogStore | undefined> {
      await store.stop();
      if (fixture?.reopen === undefined) return undefined;
      const again = await fixture.reopen();
      opened.push(again);
      await again.start();
      return again;
    }

    async function search(store: LogStore, query: Partial<LogQuery>): Promise<string[]> {
      return messages(await store.query({ ...EVERYTHING, ...query }));
    }

    beforeEach(() => {
      fixture = undefined;
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.stop();
      await fixture?.cleanup();
    });

    describe('round trip', () => {
      const full: StoredLog = {
        timestampMs: T0 + 1,
        host: 'db-7.example.com',
        source: '/var/log/app.log',
        sourcetype: 'access_combined',
        severity: 'warning',
        facility: 'local3',
        appName: 'nginx',
        procId: '4242',
        msgId: 'ID47',
        message: 'GET /a?x=1&y=%20 "quoted" \'single\' back\\slash tab\tnew\nline nul\u0000 é 日本 🚀',
        fields: { env: 'prod', empty: '', 'key with spaces': 'v', quote: '"', unicode: 'ü🚀', json: '{"nested":[1,2]}' },
        templateId: 'tpl-9f3a',
        parameters: ['/a?x=1&y=%20', '', 'ü 🚀', 'nul\u0000'],
      };
      const bare = log(T0, 'bare');

      it('gives back every field exactly, and leaves absent optional fields absent', async () => {
        const store = await open();
        await store.append([bare, full]);
        const found = await store.query(EVERYTHING);
        expect(found).toEqual([full, bare]);
        for (const key of ['sourcetype', 'facility', 'appName', 'procId', 'msgId']) expect(Object.keys(found[1]!)).not.toContain(key);
        expect(found[1]!.fields).toEqual({});
        expect(found[1]!.parameters).toEqual([]);
      });

      it('keeps every severity', async () => {
        const store = await open();
        const severities: LogSeverity[] = ['emergency', 'alert', 'critical', 'error', 'warning', 'notice', 'info', 'debug'];
        await store.append(severities.map((severity, i) => log(T0 + i, severity, { severity })));
        expect((await store.query(EVERYTHING)).map((l) => l.severity)).toEqual([...severities].reverse());
      });

      it('keeps every field across a restart', async () => {
        const store = await open();
        await store.append([bare, full]);
        const again = await reopen(store);
        if (again === undefined) return;
        expect(await again.query(EVERYTHING)).toEqual([full, bare]);
      });
    });

    describe('query', () => {
      let store: LogStore;
      beforeEach(async () => {
        store = await open();
        await store.append([
          log(T0 - 5000, 'before epoch of interest', { host: 'web-2' }),
          log(T0, 'Disk FULL on /var', { severity: 'error', templateId: 't-disk', host: 'db-1' }),
          log(T0 + 1000, 'disk check ok', { severity: 'debug', templateId: 't-check', host: 'db-1', source: 'hec' }),
          log(T0 + 2000, 'Connection reset by peer', { severity: 'warning', templateId: 't-conn' }),
          log(T0 + 3000, 'connection   reset pending', { severity: 'critical', templateId: 't-conn', source: 'hec' }),
          log(T0 + 4000, 'quota 100% used by user_a in C:\\data', { severity: 'alert', templateId: 't-quota' }),
          log(T0 + 5000, 'quota 1000 used by userXa in C:data', { severity: 'emergency', templateId: 't-quota' }),
          log(T0 + 6000, "O'Brien logged in; DROP TABLE logs; --", { severity: 'notice' }),
          log(T0 + 7000, 'Größe überschritten', { severity: 'info' }),
        ]);
      });

      it('returns records in [fromMs, toMs), newest first', async () => {
        expect(await search(store, { fromMs: T0, toMs: T0 + 3000 })).toEqual(['Connection reset by peer', 'disk check ok', 'Disk FULL on /var']);
        expect(await search(store, { fromMs: T0 + 0.5, toMs: T0 + 2000.5 })).toEqual(['Connection reset by peer', 'disk check ok']);
        expect(await search(store, { fromMs: T0 + 1000, toMs: T0 + 1000 })).toEqual([]);
        expect(await search(store, { fromMs: T0 + 2000, toMs: T0 })).toEqual([]);
      });

      it('returns at most limit records, the newest', async () => {
        expect(await search(store, { limit: 2 })).toEqual(['Größe überschritten', "O'Brien logged in; DROP TABLE logs; --"]);
        expect(await search(store, { limit: 1.9 })).toHaveLength(1);
        expect(await search(store, { limit: 0 })).toEqual([]);
        expect(await search(store, { fromMs: T0 - 5000, toMs: T0 + 1, limit: 10 })).toEqual(['Disk FULL on /var', 'before epoch of interest']);
      });

      it('filters by template, host and source, alone and together', async () => {
        expect(await search(store, { templateId: 't-conn' })).toEqual(['connection   reset pending', 'Connection reset by peer']);
        expect(await search(store, { host: 'db-1' })).toEqual(['disk check ok', 'Disk FULL on /var']);
        expect(await search(store, { source: 'hec' })).toEqual(['connection   reset pending', 'disk check ok']);
        expect(await search(store, { host: 'db-1', source: 'hec' })).toEqual(['disk check ok']);
        expect(await search(store, { templateId: 't-conn', source: 'syslog_tcp' })).toEqual(['Connection reset by peer']);
        expect(await search(store, { templateId: 'no-such' })).toEqual([]);
      });

      it('keeps only records at least as severe as minSeverity', async () => {
        expect(await search(store, { minSeverity: 'error' })).toEqual([
          'quota 1000 used by userXa in C:data',
          'quota 100% used by user_a in C:\\data',
          'connection   reset pending',
          'Disk FULL on /var',
        ]);
        expect(await search(store, { minSeverity: 'emergency' })).toEqual(['quota 1000 used by userXa in C:data']);
        expect(await search(store, { minSeverity: 'debug' })).toHaveLength(9);
      });

      it('matches every term, case-insensitively', async () => {
        expect(await search(store, { query: 'disk' })).toEqual(['disk check ok', 'Disk FULL on /var']);
        expect(await search(store, { query: 'DISK full' })).toEqual(['Disk FULL on /var']);
        expect(await search(store, { query: 'full disk' })).toEqual(['Disk FULL on /var']);
        expect(await search(store, { query: 'grÖße' })).toEqual(['Größe überschritten']);
        expect(await search(store, { query: '   ' })).toHaveLength(9);
      });

      it('matches a quoted phrase as written, spaces included', async () => {
        expect(await search(store, { query: '"connection reset"' })).toEqual(['Connection reset by peer']);
        expect(await search(store, { query: '"connection   reset"' })).toEqual(['connection   reset pending']);
        expect(await search(store, { query: '"reset by" connection' })).toEqual(['Connection reset by peer']);
      });

      it('drops records containing an excluded term or phrase', async () => {
        expect(await search(store, { query: 'connection -peer' })).toEqual(['connection   reset pending']);
        expect(await search(store, { query: 'disk -"FULL on"' })).toEqual(['disk check ok']);
        expect(await search(store, { query: '-o -e', templateId: 't-quota' })).toEqual([]);
      });

      it('treats LIKE wildcards, backslashes and quotes in the query as plain characters', async () => {
        expect(await search(store, { query: '100%' })).toEqual(['quota 100% used by user_a in C:\\data']);
        expect(await search(store, { query: 'user_a' })).toEqual(['quota 100% used by user_a in C:\\data']);
        expect(await search(store, { query: 'C:\\data' })).toEqual(['quota 100% used by user_a in C:\\data']);
        expect(await search(store, { query: '%' })).toEqual(['quota 100% used by user_a in C:\\data']);
        expect(await search(store, { query: '_' })).toEqual(['quota 100% used by user_a in C:\\data']);
        expect(await search(store, { query: "o'brien" })).toEqual(["O'Brien logged in; DROP TABLE logs; --"]);
        expect(await search(store, { query: "'; DROP TABLE logs; --" })).toEqual([]);
        expect(await search(store, {})).toHaveLength(9);
      });

      it('combines the text query with every other filter', async () => {
        expect(await search(store, { query: 'quota -"100%"', minSeverity: 'emergency', fromMs: T0, toMs: T0 + 6000, limit: 5 })).toEqual([
          'quota 1000 used by userXa in C:data',
        ]);
      });

      it('refuses a severity it does not know and a range that is not numeric', async () => {
        await expect(store.query({ ...EVERYTHING, minSeverity: 'fatal' as LogSeverity })).rejects.toThrow(/minSeverity "fatal"/);
        await expect(store.query({ ...EVERYTHING, fromMs: Number.NaN })).rejects.toThrow(/not numeric/);
      });
    });

    describe('commits', () => {
      it('groups appends made together into few commits, and resolves each once committed', async () => {
        const store = await open({ flushIntervalMs: 50, maxQueuedRecords: 100_000 });
        const appends = Array.from({ length: 50 }, (_, i) => store.append(many(10, T0 + i * 10, `batch${i}`)));
        expect(store.stats()).toEqual({ queuedRecords: 500, committedRecords: 0, commits: 0 });
        await Promise.all(appends);
        const stats = store.stats();
        expect(stats).toMatchObject({ queuedRecords: 0, committedRecords: 500 });
        expect(stats.commits).toBeGreaterThanOrEqual(1);
        expect(stats.commits).toBeLessThanOrEqual(2);
        expect(await store.query(EVERYTHING)).toHaveLength(500);
      });

      it('makes an append visible once it resolves', async () => {
        const store = await open();
        await store.append([log(T0, 'first')]);
        expect(await search(store, {})).toEqual(['first']);
        await store.append([log(T0 + 1, 'second')]);
        expect(await search(store, {})).toEqual(['second', 'first']);
        expect(store.stats()).toMatchObject({ queuedRecords: 0, committedRecords: 2 });
      });

      it('makes appends wait while the bound is reached, never rejecting them, and never queues past it', async () => {
        const store = await open({ flushIntervalMs: 20, maxQueuedRecords: 100 });
        let highest = 0;
        const watch = (): void => {
          highest = Math.max(highest, store.stats().queuedRecords);
        };
        let done = 0;
        const appends = Array.from({ length: 40 }, (_, i) => {
          const append = store.append(many(10, T0 + i * 10, `wave${i}`)).then(() => {
            done++;
          });
          watch();
          return append;
        });
        while (done < appends.length) {
          watch();
          await settle();
        }
        await Promise.all(appends);
        expect(highest).toBeGreaterThan(0);
        expect(highest).toBeLessThanOrEqual(100);
        expect(store.stats()).toMatchObject({ queuedRecords: 0, committedRecords: 400 });
        expect(store.stats().commits).toBeGreaterThanOrEqual(4);
        expect(await store.query(EVERYTHING)).toHaveLength(400);
      });

      it('takes one append larger than the bound on its own', async () => {
        const store = await open({ flushIntervalMs: 10, maxQueuedRecords: 10 });
        const small = store.append(many(3, T0, 'small'));
        const large = store.append(many(25, T0 + 100, 'large'));
        await Promise.all([small, large]);
        expect(store.stats()).toMatchObject({ queuedRecords: 0, committedRecords: 28 });
      });

      it('refuses a malformed record by index and field, without spoiling appends that share its commit', async () => {
        const store = await open({ flushIntervalMs: 20, maxQueuedRecords: 1000 });
        const good = store.append([log(T0, 'good')]);
        const bad = store.append([log(T0, 'fine'), log(T0, 'bad', { severity: 'fatal' as LogSeverity })]);
        await expect(bad).rejects.toThrow(/^cannot append logs: record 1: severity "fatal"/);
        await expect(store.append([log(Number.NaN, 'x')])).rejects.toThrow(/record 0: timestampMs NaN/);
        await expect(store.append([{ ...log(T0, 'x'), parameters: [1] as unknown as string[] }])).rejects.toThrow(/record 0: parameters\[0\] is number/);
        await expect(store.append([{ ...log(T0, 'x'), fields: { n: 1 } as unknown as Record<string, string> }])).rejects.toThrow(/record 0: fields.n is number/);
        await expect(store.append([{ ...log(T0, 'x'), host: undefined as unknown as string }])).rejects.toThrow(/record 0: host is undefined/);
        await good;
        expect(await search(store, {})).toEqual(['good']);
      });

      it('resolves an empty append at once', async () => {
        const store = await open();
        await store.append([]);
        expect(store.stats()).toEqual({ queuedRecords: 0, committedRecords: 0, commits: 0 });
      });
    });

    describe('retention', () => {
      it('deletes records before the cut-off for real and says how many', async () => {
        const store = await open();
        await store.append([log(T0 - 2, 'old'), log(T0 - 1, 'older edge'), log(T0, 'at cut-off'), log(T0 + 1, 'new')]);
        expect(await store.deleteBefore(T0)).toBe(2);
        expect(await search(store, {})).toEqual(['new', 'at cut-off']);
        expect(store.stats().committedRecords).toBe(2);
        expect(await store.deleteBefore(T0)).toBe(0);
        expect(await store.deleteBefore(T0 + 0.5)).toBe(1);
        const again = await reopen(store);
        if (again === undefined) return;
        expect(await search(again, {})).toEqual(['new']);
        expect(again.stats().committedRecords).toBe(1);
      });

      it('refuses a cut-off that is not a number', async () => {
        const store = await open();
        await expect(store.deleteBefore(Number.NaN)).rejects.toThrow(/cannot delete old logs: cut-off NaN/);
      });
    });

    describe('lifecycle', () => {
      it('keeps everything appended across a restart', async () => {
        const store = await open();
        await store.append(many(300, T0));
        await store.append(many(200, T0 + 300, 'more'));
        const again = await reopen(store);
        if (again === undefined) return;
        expect(again.stats()).toMatchObject({ queuedRecords: 0, committedRecords: 500 });
        const found = await again.query(EVERYTHING);
        expect(found).toHaveLength(500);
        expect(found[0]).toEqual(log(T0 + 499, 'more 199'));
        expect(found[499]).toEqual(log(T0, 'line 0'));
      });

      it('commits what is queued when stopped', async () => {
        const store = await open({ flushIntervalMs: HOUR_MS, maxQueuedRecords: 100_000 });
        let committed = false;
        const pending = store.append(many(5, T0)).then(() => {
          committed = true;
        });
        await settle();
        expect(committed).toBe(false);
        expect(store.stats().queuedRecords).toBe(5);
        const again = await reopen(store);
        await pending;
        expect(store.stats()).toMatchObject({ queuedRecords: 0, committedRecords: 5 });
        if (again === undefined) return;
        expect(await again.query(EVERYTHING)).toHaveLength(5);
      });

      it('starts and stops idempotently, and refuses work when not running', async () => {
        fixture = await create(FAST);
        const store = fixture.store;
        opened.push(store);
        await expect(store.append([log(T0, 'early')])).rejects.toThrow(/^cannot append logs: .*not started/);
        await expect(store.query(EVERYTHING)).rejects.toThrow(/^cannot query logs: .*not started/);
        await Promise.all([store.start(), store.start()]);
        await store.start();
        await store.append([log(T0, 'ok')]);
        await Promise.all([store.stop(), store.stop()]);
        await store.stop();
        await expect(store.append([log(T0, 'late')])).rejects.toThrow(/^cannot append logs: .*stopped/);
        await expect(store.query(EVERYTHING)).rejects.toThrow(/^cannot query logs: .*stopped/);
        await expect(store.deleteBefore(T0)).rejects.toThrow(/^cannot delete old logs: .*stopped/);
        await expect(store.start()).rejects.toThrow(/stopped/);
      });
    });
  });
}
