import { afterEach, describe, expect, it } from 'vitest';
import { SelfMetrics } from '../api/index.js';
import { KeyedPointsBuilder, type Rejection } from '../model/index.js';
import { DuckDbStorage } from '../store/index.js';
import { IngestPipeline } from './ingest-pipeline.js';

const NOW_MS = Date.UTC(2026, 0, 1);

function points(series: string, count: number, firstMs: number): ReturnType<KeyedPointsBuilder['finish']> {
  const builder = new KeyedPointsBuilder(count);
  for (let i = 0; i < count; i++) builder.push(series, firstMs + i * 1000, i);
  return builder.finish();
}

describe('IngestPipeline', () => {
  let storage: DuckDbStorage | null = null;
  afterEach(async () => {
    await storage?.stop();
    storage = null;
  });

  it('keeps points waiting for their commit within the bound, and stores them all', async () => {
    storage = new DuckDbStorage({ path: ':memory:', flushIntervalMs: 20, flushMaxPoints: 1_000_000, maxFutureMs: 86_400_000, clock: { nowMs: () => NOW_MS } });
    await storage.start();
    const pipeline = new IngestPipeline(storage, null, new SelfMetrics(), 100, () => undefined);
    let peakQueued = 0;
    const sampler = setInterval(() => (peakQueued = Math.max(peakQueued, storage!.stats().queuedPoints)), 1);
    const writes = Array.from({ length: 10 }, (_, w) => pipeline.write(points(`bound.s${w}`, 60, NOW_MS - 3_600_000), 'http_json'));
    const results = await Promise.all(writes);
    clearInterval(sampler);
    expect(results.every((r) => r.accepted === 60)).toBe(true);
    // A write starts only while fewer than 100 points wait, so at most 99 + one write of 60 are queued.
    expect(peakQueued).toBeLessThanOrEqual(159);
    expect(pipeline.pointsReceived).toBe(600);
    expect(storage.stats().committedPoints).toBe(600);
  });

  it('counts rejections from the store by reason and reports them with their point', async () => {
    storage = new DuckDbStorage({ path: ':memory:', flushIntervalMs: 5, flushMaxPoints: 1_000_000, maxFutureMs: 1000, clock: { nowMs: () => NOW_MS } });
    await storage.start();
    const metrics = new SelfMetrics();
    const logged: Rejection[] = [];
    const pipeline = new IngestPipeline(storage, null, metrics, 1000, (r) => logged.push(...r));
    const result = await pipeline.write(points('future.s', 3, NOW_MS), 'graphite_tcp');
    expect(result.accepted).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.reason])).toEqual([[2, 'bad_timestamp']]);
    expect(logged.map((r) => r.line)).toEqual([3]);
    expect(pipeline.pointsRejected).toBe(1);
    expect(await metrics.registry.getSingleMetricAsString('vigil_points_rejected_total')).toContain('protocol="graphite_tcp",reason="bad_timestamp"} 1');
  });
});
