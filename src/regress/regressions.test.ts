import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS, PointBatchBuilder, type Anomaly } from '../model/index.js';
import { DuckDbEventStore, DuckDbStorage } from '../store/index.js';
import { findRegressions } from './regressions.js';

const NOW_MS = Date.UTC(2026, 10, 21, 12, 0);

describe('findRegressions', () => {
  let storage: DuckDbStorage;
  let events: DuckDbEventStore;
  beforeEach(async () => {
    storage = new DuckDbStorage({ path: ':memory:', flushIntervalMs: 5, flushMaxPoints: 1_000_000, maxFutureMs: DAY_MS, clock: { nowMs: () => NOW_MS } });
    events = new DuckDbEventStore({ path: ':memory:' });
    await storage.start();
    await events.start();
  });
  afterEach(async () => {
    await events.stop();
    await storage.stop();
  });

  function shift(key: string, atMs: number): Anomaly {
    return { seriesId: storage.seriesId(key), series: key, timestampMs: atMs, value: 300, score: 0.9999, kind: 'level_shift', expected: 200, detector: 'change-point' };
  }

  it('names the nearest preceding event of the series\' service for a streaming shift, or none', async () => {
    await events.append([
      { id: 'old', type: 'deploy', service: 'api', timestampMs: NOW_MS - 5 * 60 * MINUTE_MS },
      { id: 'near', type: 'config', service: 'api', timestampMs: NOW_MS - 90 * MINUTE_MS },
      { id: 'other', type: 'deploy', service: 'search', timestampMs: NOW_MS - 70 * MINUTE_MS },
    ]);
    const batch = new PointBatchBuilder();
    for (const key of ['api.latency;service=api', 'db.disk_used']) batch.push(storage.seriesId(key), NOW_MS - DAY_MS / 2, 1);
    await storage.append(batch.finish());
    await storage.appendAnomalies([shift('api.latency;service=api', NOW_MS - 60 * MINUTE_MS), shift('db.disk_used', NOW_MS - 30 * MINUTE_MS)]);
    const answer = await findRegressions(storage, events, { fromMs: NOW_MS - 2 * 60 * MINUTE_MS, toMs: NOW_MS, maxEvents: 10, maxShifts: 1000 }, NOW_MS, async (event) => ({
      event,
      windowMs: 30 * MINUTE_MS,
      compared: 0,
      complete: true,
      changes: [],
    }));
    expect(answer.regressions.map((r) => [r.series, r.source, r.event?.id ?? null, r.change, r.changePercent])).toEqual([
      ['db.disk_used', 'shift', null, 100, 50],
      ['api.latency;service=api', 'shift', 'near', 100, 50],
    ]);
    // Events of the range with a service are reported on; the older one is outside it.
    expect(answer.reports.map((r) => r.event.id)).toEqual(['near', 'other']);
  });
});
