import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { OpsEvent, OpsEventInput } from '../model/index.js';
import type { EventQuery, EventStore } from './event-store.js';

export interface EventStoreFixture {
  /** A fresh, empty store; the suite starts it. */
  readonly store: EventStore;
  /** Opens the same data again after the suite stopped `store`; absent for stores that do not persist. */
  readonly reopen?: () => Promise<EventStore>;
  /** Removes what the fixture created; called after the suite stopped every store it used. */
  readonly cleanup: () => Promise<void>;
}

/** 2024-01-01T00:00:00Z. */
const T0 = Date.UTC(2024, 0, 1);
const MINUTE_MS = 60_000;
const EVERYTHING: EventQuery = { fromMs: 0, toMs: Number.MAX_SAFE_INTEGER, limit: 1_000_000 };

function deploy(timestampMs: number, extra: Partial<OpsEventInput> = {}): OpsEventInput {
  return { type: 'deploy', service: 'api', timestampMs, ...extra };
}

/**
 * The behaviour every EventStore implementation must show. `create` makes a fresh, empty store per test.
 */
export function runEventStoreSuite(name: string, create: () => Promise<EventStoreFixture>): void {
  describe(`EventStore suite: ${name}`, () => {
    let fixture: EventStoreFixture | undefined;
    const opened: EventStore[] = [];

    async function open(): Promise<EventStore> {
      fixture = await create();
      opened.push(fixture.store);
      await fixture.store.start();
      return fixture.store;
    }

    async function reopen(store: EventStore): Promise<EventStore | undefined> {
      await store.stop();
      if (fixture?.reopen === undefined) return undefined;
      const again = await fixture.reopen();
      opened.push(again);
      await again.start();
      return again;
    }

    async function all(store: EventStore, query: Partial<EventQuery> = {}): Promise<OpsEvent[]> {
      return store.query({ ...EVERYTHING, ...query });
    }

    beforeEach(() => {
      fixture = undefined;
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.stop();
      await fixture?.cleanup();
    });

    it('answers one id per event, in order, and stores every field, absent ones as null or empty', async () => {
      const store = await open();
      const ids = await store.append([
        { type: 'deploy', service: 'api', version: '1.4.2', timestampMs: T0 + 0.9, tags: { region: 'eu', flag: '' }, description: 'Rolled out\nby CI ✓' },
        { type: 'maintenance', timestampMs: T0 + MINUTE_MS },
      ]);
      expect(ids).toHaveLength(2);
      expect(new Set(ids).size).toBe(2);
      for (const id of ids) expect(id).toMatch(/^[\x21-\x7e]+$/);
      expect(await all(store)).toEqual([
        { id: ids[0], type: 'deploy', service: 'api', version: '1.4.2', timestampMs: T0, tags: { region: 'eu', flag: '' }, description: 'Rolled out\nby CI ✓' },
        { id: ids[1], type: 'maintenance', service: null, version: null, timestampMs: T0 + MINUTE_MS, tags: {}, description: null },
      ]);
    });

    it('keeps the first event stored under a client id, across calls and within one, and still answers its id', async () => {
      const store = await open();
      expect(await store.append([deploy(T0, { id: 'gh-run-17', version: '1' })])).toEqual(['gh-run-17']);
      const again = await store.append([deploy(T0 + 5, { id: 'gh-run-17', version: '2' }), deploy(T0 + 6, { id: 'x-1' }), deploy(T0 + 7, { id: 'x-1', version: 'late' })]);
      expect(again).toEqual(['gh-run-17', 'x-1', 'x-1']);
      const stored = await all(store);
      expect(stored.map((e) => [e.id, e.timestampMs, e.version])).toEqual([
        ['gh-run-17', T0, '1'],
        ['x-1', T0 + 6, null],
      ]);
    });

    it('returns events in [from, to) oldest first, ties in append order, filtered by service and type', async () => {
      const store = await open();
      await store.append([deploy(T0 + 2 * MINUTE_MS, { id: 'c' }), deploy(T0, { id: 'a' }), { type: 'config', service: 'db', timestampMs: T0 + MINUTE_MS, id: 'b' }]);
      await store.append([{ type: 'rollback', service: 'api', timestampMs: T0 + 2 * MINUTE_MS, id: 'd' }, { type: 'deploy', timestampMs: T0 + 3 * MINUTE_MS, id: 'e' }]);
      const ids = async (query: Partial<EventQuery>): Promise<string[]> => (await all(store, query)).map((e) => e.id);
      expect(await ids({})).toEqual(['a', 'b', 'c', 'd', 'e']);
      expect(await ids({ fromMs: T0 + MINUTE_MS, toMs: T0 + 3 * MINUTE_MS })).toEqual(['b', 'c', 'd']);
      expect(await ids({ service: 'api' })).toEqual(['a', 'c', 'd']);
      expect(await ids({ type: 'deploy' })).toEqual(['a', 'c', 'e']);
      expect(await ids({ service: 'api', type: 'deploy' })).toEqual(['a', 'c']);
      expect(await ids({ service: 'nobody' })).toEqual([]);
      expect(await ids({ fromMs: T0, toMs: T0 })).toEqual([]);
    });

    it('keeps the newest `limit` events of a query, still oldest first', async () => {
      const store = await open();
      await store.append(Array.from({ length: 10 }, (_, i) => deploy(T0 + i * MINUTE_MS, { id: `e${i}` })));
      expect((await all(store, { limit: 3 })).map((e) => e.id)).toEqual(['e7', 'e8', 'e9']);
      expect(await all(store, { limit: 0 })).toEqual([]);
    });

    it('rejects a call with a bad event, naming its index and field, and stores none of it', async () => {
      const store = await open();
      await expect(store.append([deploy(T0), { type: 'Deploy Now', timestampMs: T0 }])).rejects.toThrow(/cannot append event 1: field "type" must be a lowercase word.*"Deploy Now"/);
      await expect(store.append([deploy(Number.NaN)])).rejects.toThrow(/event 0: field "timestampMs"/);
      await expect(store.append([deploy(T0, { tags: { 'a b': 'x' } })])).rejects.toThrow(/event 0: field "tags" has tag name "a b"/);
      await expect(store.append([deploy(T0, { tags: { a: 1 as unknown as string } })])).rejects.toThrow(/field "tags.a" must be a string/);
      await expect(store.append([deploy(T0, { id: 'has space' })])).rejects.toThrow(/field "id"/);
      await expect(store.append([deploy(T0, { service: '' })])).rejects.toThrow(/field "service"/);
      expect(await all(store)).toEqual([]);
      expect(await store.append([])).toEqual([]);
    });

    it('deletes events older than the cut-off and says how many', async () => {
      const store = await open();
      await store.append([deploy(T0, { id: 'old' }), deploy(T0 + MINUTE_MS, { id: 'edge' }), deploy(T0 + 2 * MINUTE_MS, { id: 'new' })]);
      expect(await store.deleteBefore(T0 + MINUTE_MS)).toBe(1);
      expect(await store.deleteBefore(T0 + MINUTE_MS)).toBe(0);
      expect((await all(store)).map((e) => e.id)).toEqual(['edge', 'new']);
      await expect(store.deleteBefore(Number.NaN)).rejects.toThrow('cannot delete old events: cut-off NaN is not a number');
    });

    it('keeps acknowledged events, their order and their ids across a restart', async () => {
      const store = await open();
      await store.append([deploy(T0, { id: 'a' }), deploy(T0, { id: 'b', tags: { k: 'v' } })]);
      const again = await reopen(store);
      if (again === undefined) return;
      await again.append([deploy(T0, { id: 'c' }), deploy(T0, { id: 'a', version: 'retry' })]);
      const stored = await all(again);
      expect(stored.map((e) => [e.id, e.version])).toEqual([
        ['a', null],
        ['b', null],
        ['c', null],
      ]);
      expect(stored[1]!.tags).toEqual({ k: 'v' });
    });

    it('refuses work before start and after stop, and start and stop are idempotent', async () => {
      fixture = await create();
      const store = fixture.store;
      opened.push(store);
      await expect(store.append([deploy(T0)])).rejects.toThrow('cannot append events: the event store is not started');
      await expect(store.query(EVERYTHING)).rejects.toThrow('cannot query events: the event store is not started');
      await Promise.all([store.start(), store.start()]);
      await store.append([deploy(T0)]);
      await Promise.all([store.stop(), store.stop()]);
      await expect(store.query(EVERYTHING)).rejects.toThrow('the event store is stopped');
      await expect(store.deleteBefore(T0)).rejects.toThrow('the event store is stopped');
    });

    it('waits for appends in flight when stopped', async () => {
      const store = await open();
      const appends = Array.from({ length: 20 }, (_, i) => store.append([deploy(T0 + i, { id: `p${i}` })]));
      await store.stop();
      expect(await Promise.all(appends)).toEqual(Array.from({ length: 20 }, (_, i) => [`p${i}`]));
      const again = await reopen(store);
      if (again !== undefined) expect(await all(again)).toHaveLength(20);
    });
  });
}
