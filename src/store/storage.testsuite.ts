import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { INVALID_SERIES_ID, type Anomaly, type PointBatch } from '../model/index.js';
import type { RangeQuery, Storage } from './storage.js';

export interface StorageFixture {
  /** A fresh, empty store; the suite starts it. */
  readonly storage: Storage;
  /** Opens the same data again after the suite stopped `storage`; absent for stores that do not persist. */
  readonly reopen?: () => Promise<Storage>;
  /** Removes what the fixture created; called after the suite stopped every store it used. */
  readonly cleanup: () => Promise<void>;
}

/** 2024-01-01T00:00:00Z: a multiple of every step the suite uses, and well in the past. */
const T0 = Date.UTC(2024, 0, 1);
const EVERYTHING = { fromMs: -Number.MAX_SAFE_INTEGER, toMs: Number.MAX_SAFE_INTEGER };

function batch(points: readonly (readonly [seriesId: number, timestampMs: number, value: number])[]): PointBatch {
  return {
    length: points.length,
    seriesIds: Uint32Array.from(points, (p) => p[0]),
    timestampsMs: Float64Array.from(points, (p) => p[1]),
    values: Float64Array.from(points, (p) => p[2]),
  };
}

function anomaly(seriesId: number, series: string, timestampMs: number, detector: string, score: number): Anomaly {
  return { seriesId, series, timestampMs, value: timestampMs / 1000, score, kind: 'spike', expected: 1.5, detector };
}

async function countPoints(storage: Storage, seriesId: number): Promise<number> {
  const result = await storage.query({ seriesId, ...EVERYTHING, stepMs: Number.MAX_SAFE_INTEGER, agg: 'count' });
  let total = 0;
  for (const v of result.values) total += v;
  return total;
}

async function rows(storage: Storage, query: RangeQuery): Promise<[number, number][]> {
  const result = await storage.query(query);
  expect(result.timestampsMs).toBeInstanceOf(Float64Array);
  expect(result.values).toBeInstanceOf(Float64Array);
  return Array.from(result.timestampsMs, (t, i) => [t, result.values[i]!]);
}

/**
 * The behaviour every Storage implementation must show. `create` makes a fresh store per test.
 */
export function runStorageSuite(name: string, create: () => Promise<StorageFixture>): void {
  describe(`Storage suite: ${name}`, () => {
    let fixture: StorageFixture;
    let storage: Storage;
    const opened: Storage[] = [];

    /** Stops the current store and opens its data again, or returns undefined when it cannot. */
    async function reopen(): Promise<Storage | undefined> {
      if (fixture.reopen === undefined) return undefined;
      await storage.stop();
      storage = await fixture.reopen();
      opened.push(storage);
      await storage.start();
      return storage;
    }

    beforeEach(async () => {
      fixture = await create();
      storage = fixture.storage;
      opened.push(storage);
      await storage.start();
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.stop();
      await fixture.cleanup();
    });

    it('gives dense ids that stay stable across a restart', async () => {
      expect(Array.from(storage.resolveSeries(['a.b', 'c.d', 'a.b', 'e.f']))).toEqual([0, 1, 0, 2]);
      expect(Array.from(storage.resolveSeries(['e.f', 'g.h']))).toEqual([2, 3]);
      expect(storage.seriesById(1)).toMatchObject({ id: 1, key: 'c.d', name: 'c.d', tags: {} });
      expect(storage.seriesByKey('g.h')?.id).toBe(3);
      expect(storage.seriesById(4)).toBeUndefined();
      expect(storage.seriesByKey('nope')).toBeUndefined();
      expect(storage.stats().seriesCount).toBe(4);
      await storage.append(batch([[0, T0, 1]]));

      if ((await reopen()) === undefined) return;
      expect(storage.seriesById(3)?.key).toBe('g.h');
      expect(Array.from(storage.resolveSeries(['c.d', 'new.one', 'a.b']))).toEqual([1, 4, 0]);
      expect(storage.stats().seriesCount).toBe(5);
      expect(await countPoints(storage, 0)).toBe(1);
    });

    it('keeps series that were created without points once stopped', async () => {
      storage.resolveSeries(['only.series', 'second;b=2;a=1']);
      if ((await reopen()) === undefined) return;
      expect(storage.seriesByKey('only.series')?.id).toBe(0);
      expect(storage.seriesByKey('second;a=1;b=2')).toMatchObject({ id: 1, name: 'second', tags: { a: '1', b: '2' } });
    });

    it('names a series by its canonical key whatever the order of its tags', async () => {
      const [id] = storage.resolveSeries(['cpu.load;z=9;host=web1;a=x']);
      expect(Array.from(storage.resolveSeries(['cpu.load;a=x;host=web1;z=9', 'cpu.load;host=web1;a=x;z=9']))).toEqual([id, id]);
      const info = storage.seriesById(id!);
      expect(info).toMatchObject({ key: 'cpu.load;a=x;host=web1;z=9', name: 'cpu.load', tags: { a: 'x', host: 'web1', z: '9' } });
      expect(Object.keys(info!.tags)).toEqual(['a', 'host', 'z']);
      expect(storage.seriesByKey('cpu.load;a=x;host=web1;z=9')?.id).toBe(id);
      expect(storage.stats().seriesCount).toBe(1);
    });

    it('resolves one key at a time to the same ids, and the new series become durable with the next commit', async () => {
      const [a] = storage.resolveSeries(['one.a;x=1']);
      expect(storage.seriesId('one.a;x=1')).toBe(a);
      const b = storage.seriesId('one.b');
      expect(b).not.toBe(a);
      expect(storage.seriesId('one.b')).toBe(b);
      expect(storage.seriesId('bad metric')).toBe(INVALID_SERIES_ID);
      expect(storage.seriesById(b)?.key).toBe('one.b');
      expect((await storage.append(batch([[b, T0, 5]]))).accepted).toBe(1);
      expect(storage.stats().seriesCount).toBe(2);
    });

    it('gives invalid keys an id that append rejects as bad_series', async () => {
      const ids = Array.from(storage.resolveSeries(['ok.metric', 'bad metric', 'x;novalue', '', 'ok.metric;t=v v']));
      expect(ids).toEqual([0, INVALID_SERIES_ID, INVALID_SERIES_ID, INVALID_SERIES_ID, INVALID_SERIES_ID]);
      expect(storage.stats().seriesCount).toBe(1);
      const result = await storage.append(batch([[ids[1]!, T0, 1], [ids[0]!, T0, 2]]));
      expect(result.accepted).toBe(1);
      expect(result.rejected).toEqual([{ index: 0, reason: 'bad_series', message: expect.stringContaining(String(INVALID_SERIES_ID)) }]);
    });

    it('accepts good points, rejects bad ones with their index and reason, and keeps the rest', async () => {
      const [a, b] = storage.resolveSeries(['s.a', 's.b']);
      const farFuture = Date.now() + 100 * 365 * 86_400_000;
      const result = await storage.append(
        batch([
          [a!, T0, 1],
          [a!, T0 + 1000, Number.NaN],
          [b!, Number.POSITIVE_INFINITY, 3],
          [7, T0, 4],
          [b!, farFuture, 5],
          [b!, T0, Number.NEGATIVE_INFINITY],
          [b!, Number.NaN, 6],
          [b!, T0 + 2000, -7.25],
        ]),
      );
      expect(result.accepted).toBe(2);
      expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([
        [1, 'nan_value'],
        [2, 'bad_timestamp'],
        [3, 'bad_series'],
        [4, 'bad_timestamp'],
        [5, 'nan_value'],
        [6, 'bad_timestamp'],
      ]);
      const messages = result.rejected.map((r) => r.message);
      expect(messages[0]).toMatch(/NaN/);
      expect(messages[1]).toMatch(/Infinity/);
      expect(messages[2]).toMatch(/\b7\b/);
      expect(messages[3]).toContain(String(farFuture));
      expect(messages[4]).toMatch(/-Infinity/);
      expect(await rows(storage, { seriesId: a!, ...EVERYTHING, stepMs: 1, agg: 'last' })).toEqual([[T0, 1]]);
      expect(await rows(storage, { seriesId: b!, ...EVERYTHING, stepMs: 1, agg: 'last' })).toEqual([[T0 + 2000, -7.25]]);
      expect(storage.stats()).toMatchObject({ queuedPoints: 0, committedPoints: 2 });
    });

    it('resolves at once when nothing in the batch is accepted', async () => {
      const result = await storage.append(batch([[3, T0, 1]]));
      expect(result).toMatchObject({ accepted: 0, rejected: [{ index: 0, reason: 'bad_series' }] });
      expect((await storage.append(batch([]))).accepted).toBe(0);
    });

    describe('aggregations per step', () => {
      // Step 60 s. Bucket T0: 1, 5, 3 (last by time is 3). Bucket T0+60s: 10, -2 (last is -2).
      // No points in T0+120s. Bucket T0+180s: 7. Another series interleaves and must not leak in.
      const points: [number, number][] = [
        [T0 + 50_000, 3],
        [T0, 1],
        [T0 + 119_999, -2],
        [T0 + 10_000, 5],
        [T0 + 180_000, 7],
        [T0 + 60_000, 10],
      ];
      const expected: Record<RangeQuery['agg'], number[]> = {
        avg: [3, 4, 7],
        min: [1, -2, 7],
        max: [5, 10, 7],
        last: [3, -2, 7],
        sum: [9, 8, 7],
        count: [3, 2, 1],
      };

      for (const agg of Object.keys(expected) as RangeQuery['agg'][]) {
        it(`computes ${agg} per bucket`, async () => {
          const [s, other] = storage.resolveSeries(['agg.s', 'agg.other']);
          // Two appends, not in time order, so `last` must follow time and not arrival.
          await storage.append(batch(points.slice(0, 3).flatMap(([t, v]) => [[s!, t, v] as const, [other!, t + 1, 1000] as const])));
          await storage.append(batch(points.slice(3).map(([t, v]) => [s!, t, v] as const)));
          expect(await rows(storage, { seriesId: s!, fromMs: T0, toMs: T0 + 240_000, stepMs: 60_000, agg })).toEqual([
            [T0, expected[agg][0]],
            [T0 + 60_000, expected[agg][1]],
            [T0 + 180_000, expected[agg][2]],
          ]);
        });
      }

      it('starts buckets at multiples of the step and counts only points inside the range', async () => {
        const [s] = storage.resolveSeries(['agg.s']);
        await storage.append(batch(points.map(([t, v]) => [s!, t, v] as const)));
        expect(await rows(storage, { seriesId: s!, fromMs: T0 + 10_000, toMs: T0 + 119_999, stepMs: 60_000, agg: 'sum' })).toEqual([
          [T0, 8],
          [T0 + 60_000, 10],
        ]);
        expect(await rows(storage, { seriesId: s!, fromMs: T0, toMs: T0 + 240_000, stepMs: 1_000, agg: 'count' })).toEqual(
          [...points].sort((x, y) => x[0] - y[0]).map(([t]) => [Math.floor(t / 1000) * 1000, 1]),
        );
      });

      it('buckets negative timestamps by floor', async () => {
        const [s] = storage.resolveSeries(['neg.s']);
        await storage.append(batch([[s!, -1, 1], [s!, -60_000, 2], [s!, -60_001, 4], [s!, 0, 8]]));
        expect(await rows(storage, { seriesId: s!, ...EVERYTHING, stepMs: 60_000, agg: 'sum' })).toEqual([
          [-120_000, 4],
          [-60_000, 3],
          [0, 8],
        ]);
      });
    });

    it('includes fromMs and excludes toMs', async () => {
      const [s] = storage.resolveSeries(['range.s']);
      await storage.append(batch([[s!, T0 - 1, 1], [s!, T0, 2], [s!, T0 + 999, 3], [s!, T0 + 1000, 4]]));
      expect(await rows(storage, { seriesId: s!, fromMs: T0, toMs: T0 + 1000, stepMs: 1, agg: 'max' })).toEqual([
        [T0, 2],
        [T0 + 999, 3],
      ]);
      expect(await rows(storage, { seriesId: s!, fromMs: T0, toMs: T0, stepMs: 1, agg: 'max' })).toEqual([]);
      expect(await rows(storage, { seriesId: s!, fromMs: T0 + 5000, toMs: T0, stepMs: 1, agg: 'max' })).toEqual([]);
      expect(await rows(storage, { seriesId: 99, fromMs: T0, toMs: T0 + 1000, stepMs: 1, agg: 'max' })).toEqual([]);
    });

    it('rejects a query whose step is not a positive integer', async () => {
      const [s] = storage.resolveSeries(['step.s']);
      await expect(storage.query({ seriesId: s!, fromMs: 0, toMs: 1, stepMs: 0, agg: 'avg' })).rejects.toThrow(/stepMs/);
      await expect(storage.query({ seriesId: s!, fromMs: 0, toMs: 1, stepMs: Number.NaN, agg: 'avg' })).rejects.toThrow(/stepMs/);
    });

    it('finds series by glob, sorted by key and limited', async () => {
      storage.resolveSeries(['servers.web2.cpu', 'servers.web1.cpu', 'servers.web1.mem', 'servers.web1.cpu.user', 'other', 'servers.db.cpu;dc=eu']);
      const keys = (glob: string, limit = 100): string[] => storage.findSeries(glob, limit).map((s) => s.key);
      expect(keys('servers.*.cpu')).toEqual(['servers.web1.cpu', 'servers.web2.cpu']);
      expect(keys('servers.*.cpu', 1)).toEqual(['servers.web1.cpu']);
      expect(keys('servers.web1.{cpu,mem}')).toEqual(['servers.web1.cpu', 'servers.web1.mem']);
      expect(keys('servers.**')).toEqual(['servers.db.cpu;dc=eu', 'servers.web1.cpu', 'servers.web1.cpu.user', 'servers.web1.mem', 'servers.web2.cpu']);
      expect(keys('servers.web[0-9].cpu')).toEqual(['servers.web1.cpu', 'servers.web2.cpu']);
      expect(keys('nothing.*')).toEqual([]);
      expect(storage.findSeries('other', 10)[0]).toMatchObject({ id: 4, key: 'other', name: 'other' });
    });

    it('stores anomalies idempotently and queries them in time order', async () => {
      const [a, b] = storage.resolveSeries(['anom.a', 'anom.b']);
      await storage.appendAnomalies([anomaly(b!, 'anom.b', T0 + 2000, 'mad', 0.99), anomaly(a!, 'anom.a', T0 + 2000, 'mad', 0.991)]);
      // Same keys again (a replay), one with a new score: one row each, the latest write wins.
      await storage.appendAnomalies([anomaly(a!, 'anom.a', T0 + 2000, 'mad', 0.995), anomaly(b!, 'anom.b', T0 + 2000, 'mad', 0.99)]);
      // Duplicates within one call, another detector on the same point, an earlier point, no kind or estimate.
      await storage.appendAnomalies([
        anomaly(a!, 'anom.a', T0 + 1000, 'seasonal', 0.5),
        anomaly(a!, 'anom.a', T0 + 1000, 'seasonal', 0.6),
        anomaly(a!, 'anom.a', T0 + 2000, 'seasonal', 0.97),
        { seriesId: b!, series: 'anom.b', timestampMs: T0 + 3000, value: -1, score: 1, kind: null, expected: null, detector: 'mad' },
      ]);
      const all = await storage.queryAnomalies({ fromMs: T0, toMs: T0 + 10_000, limit: 100 });
      expect(all.map((x) => [x.timestampMs, x.series, x.detector, x.score])).toEqual([
        [T0 + 1000, 'anom.a', 'seasonal', 0.6],
        [T0 + 2000, 'anom.a', 'mad', 0.995],
        [T0 + 2000, 'anom.a', 'seasonal', 0.97],
        [T0 + 2000, 'anom.b', 'mad', 0.99],
        [T0 + 3000, 'anom.b', 'mad', 1],
      ]);
      expect(all[1]).toEqual(anomaly(a!, 'anom.a', T0 + 2000, 'mad', 0.995));
      expect(all[4]).toEqual({ seriesId: b!, series: 'anom.b', timestampMs: T0 + 3000, value: -1, score: 1, kind: null, expected: null, detector: 'mad' });

      const onlyB = await storage.queryAnomalies({ fromMs: T0, toMs: T0 + 10_000, seriesIds: [b!], limit: 100 });
      expect(onlyB.map((x) => x.timestampMs)).toEqual([T0 + 2000, T0 + 3000]);
      expect(await storage.queryAnomalies({ fromMs: T0, toMs: T0 + 10_000, seriesIds: [], limit: 100 })).toEqual([]);
      expect((await storage.queryAnomalies({ fromMs: T0, toMs: T0 + 10_000, limit: 2 })).map((x) => x.timestampMs)).toEqual([T0 + 1000, T0 + 2000]);
      expect((await storage.queryAnomalies({ fromMs: T0 + 1000, toMs: T0 + 3000, limit: 100 })).length).toBe(4);
      expect(await storage.queryAnomalies({ fromMs: T0, toMs: T0 + 10_000, limit: 0 })).toEqual([]);

      if ((await reopen()) === undefined) return;
      expect((await storage.queryAnomalies({ fromMs: T0, toMs: T0 + 10_000, limit: 100 })).length).toBe(5);
    });

    it('keeps the evidence of an anomaly as written', async () => {
      const [a] = storage.resolveSeries(['log.template.count;template=0a1b2c3d']);
      const evidence = { template: { id: '0a1b2c3d', text: 'disk <*> failed', severity: 'error' }, examples: ['disk sda failed', 'disk "sdb" failed'], reason: 'a surge' };
      await storage.appendAnomalies([{ ...anomaly(a!, 'log.template.count;template=0a1b2c3d', T0, 'log-new-error-template', 1), evidence }]);
      const [stored] = await storage.queryAnomalies({ fromMs: T0, toMs: T0 + 1, limit: 10 });
      expect(stored!.evidence).toEqual(evidence);
      if ((await reopen()) === undefined) return;
      expect((await storage.queryAnomalies({ fromMs: T0, toMs: T0 + 1, limit: 10 }))[0]!.evidence).toEqual(evidence);
    });

    it('rejects an anomaly for an unknown series', async () => {
      await expect(storage.appendAnomalies([anomaly(42, 'x', T0, 'mad', 1)])).rejects.toThrow(/anomaly 0.*unknown series id 42/);
    });

    it('deletes points and anomalies older than the cut-off for real', async () => {
      const [a, b] = storage.resolveSeries(['old.a', 'old.b']);
      await storage.append(batch([[a!, T0 - 2000, 1], [a!, T0 - 1, 2], [b!, T0 - 5, 3], [a!, T0, 4], [b!, T0 + 1, 5]]));
      await storage.appendAnomalies([anomaly(a!, 'old.a', T0 - 2000, 'mad', 1), anomaly(a!, 'old.a', T0, 'mad', 1)]);
      expect(storage.stats().committedPoints).toBe(5);

      expect(await storage.deleteBefore(T0)).toEqual({ deletedPoints: 3, deletedAnomalies: 1 });
      expect(await rows(storage, { seriesId: a!, ...EVERYTHING, stepMs: 1, agg: 'last' })).toEqual([[T0, 4]]);
      expect(await rows(storage, { seriesId: b!, ...EVERYTHING, stepMs: 1, agg: 'last' })).toEqual([[T0 + 1, 5]]);
      expect((await storage.queryAnomalies({ ...EVERYTHING, limit: 10 })).map((x) => x.timestampMs)).toEqual([T0]);
      expect(storage.stats().committedPoints).toBe(2);
      expect(await storage.deleteBefore(T0)).toEqual({ deletedPoints: 0, deletedAnomalies: 0 });
      // Series stay: only data expires.
      expect(storage.seriesById(a!)?.key).toBe('old.a');

      if ((await reopen()) === undefined) return;
      expect(await countPoints(storage, a!)).toBe(1);
      expect(await countPoints(storage, b!)).toBe(1);
      expect(storage.stats().committedPoints).toBe(2);
    });

    it('commits queued points on stop, then refuses appends', async () => {
      const [s] = storage.resolveSeries(['stop.s']);
      const pending = storage.append(batch(Array.from({ length: 500 }, (_, i) => [s!, T0 + i, i] as const)));
      await storage.stop();
      await expect(pending).resolves.toMatchObject({ accepted: 500 });
      expect(storage.stats()).toMatchObject({ queuedPoints: 0, committedPoints: 500 });
      await expect(storage.append(batch([[s!, T0, 1]]))).rejects.toThrow(/cannot append points: .*stopped/);
      await storage.stop();

      if ((await reopen()) === undefined) return;
      expect(await countPoints(storage, s!)).toBe(500);
    });

    it('makes every one of many concurrent appends durable', async () => {
      const ids = storage.resolveSeries(Array.from({ length: 8 }, (_, i) => `conc.s${i}`));
      const appends = Array.from({ length: 40 }, (_, call) =>
        storage.append(batch(Array.from({ length: 250 }, (_, i) => [ids[call % 8]!, T0 + call * 1000 + i, call] as const))),
      );
      const results = await Promise.all(appends);
      expect(results.every((r) => r.accepted === 250 && r.rejected.length === 0)).toBe(true);
      const stats = storage.stats();
      expect(stats).toMatchObject({ queuedPoints: 0, committedPoints: 10_000 });
      expect(stats.commits).toBeGreaterThanOrEqual(1);
      expect(stats.commits).toBeLessThanOrEqual(40);
      const check = async (): Promise<void> => {
        for (let i = 0; i < 8; i++) {
          // Series i got calls i, i+8, ...: 5 calls of 250 points, each call's value being its number.
          expect(await rows(storage, { seriesId: ids[i]!, ...EVERYTHING, stepMs: Number.MAX_SAFE_INTEGER, agg: 'sum' })).toEqual([
            [0, 250 * (5 * i + 8 * 10)],
          ]);
        }
      };
      await check();
      if ((await reopen()) === undefined) return;
      await check();
    });

    it('starts and stops idempotently', async () => {
      await storage.start();
      const [s] = storage.resolveSeries(['idem.s']);
      await storage.append(batch([[s!, T0, 1]]));
      await Promise.all([storage.stop(), storage.stop()]);
      await storage.stop();
      await expect(storage.query({ seriesId: s!, fromMs: 0, toMs: 1, stepMs: 1, agg: 'avg' })).rejects.toThrow(/stopped/);
    });
  });
}
