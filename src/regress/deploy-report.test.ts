import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededGaussian } from '../detect/synthetic-series.testsuite.js';
import { DAY_MS, MINUTE_MS, PointBatchBuilder, type OpsEvent } from '../model/index.js';
import { DuckDbStorage } from '../store/index.js';
import { deployReport } from './deploy-report.js';

const DEPLOY_MS = Date.UTC(2026, 10, 20, 9, 0);
const NOW_MS = DEPLOY_MS + 2 * 60 * MINUTE_MS;
const STEP_MS = 10_000;

const deploy: OpsEvent = { id: 'd1', type: 'deploy', service: 'checkout', version: '2.4.0', timestampMs: DEPLOY_MS, tags: {}, description: null };

describe('deployReport', () => {
  let storage: DuckDbStorage;
  beforeEach(async () => {
    storage = new DuckDbStorage({ path: ':memory:', flushIntervalMs: 5, flushMaxPoints: 1_000_000, maxFutureMs: DAY_MS, clock: { nowMs: () => NOW_MS } });
    await storage.start();
  });
  afterEach(() => storage.stop());

  /** Two days of points at 10 s: f(t) + noise, and `shift` added from the deploy on. */
  async function write(key: string, level: number, sigma: number, shift: number, seed: number, daily = 0): Promise<void> {
    const id = storage.seriesId(key);
    const noise = seededGaussian(seed);
    const batch = new PointBatchBuilder();
    for (let t = DEPLOY_MS - 2 * DAY_MS; t < NOW_MS; t += STEP_MS) {
      const season = daily * Math.sin((2 * Math.PI * (t % DAY_MS)) / DAY_MS);
      batch.push(id, t, level + season + sigma * noise() + (t >= DEPLOY_MS ? shift : 0));
    }
    const result = await storage.append(batch.finish());
    expect(result.rejected).toEqual([]);
  }

  it('ranks the one series whose latency shifted after the deploy first, as a regression', async () => {
    await write('checkout.latency_p99_ms;service=checkout', 180, 12, 45, 1);
    await write('checkout.cpu_percent;service=checkout', 40, 5, 0, 2);
    await write('checkout.errors_per_s;service=checkout', 2, 0.5, 0, 3);
    await write('checkout.requests_per_s;service=checkout', 900, 40, 0, 4);
    await write('checkout.memory_mb;service=checkout', 2048, 30, 0, 5);
    await write('search.latency_p99_ms;service=search', 90, 5, 60, 6);
    const report = await deployReport(storage, deploy, NOW_MS);
    expect(report.compared).toBe(5);
    expect(report.complete).toBe(true);
    const [first, ...rest] = report.changes;
    expect(first!.series).toBe('checkout.latency_p99_ms;service=checkout');
    expect(first!.verdict).toBe('regressed');
    expect(first!.shift).toBeGreaterThan(30);
    expect(first!.shift).toBeLessThan(60);
    expect(first!.shiftLow).toBeLessThan(45);
    expect(first!.shiftHigh).toBeGreaterThan(45);
    expect(first!.confidence).toBeGreaterThan(0.99);
    expect(first!.changePercent).toBeGreaterThan(15);
    for (const other of rest) expect(other.verdict, other.series).toBe('unchanged');
  });

  it('calls a drop in throughput a regression and a drop in latency an improvement', async () => {
    await write('checkout.requests_per_s;service=checkout', 900, 20, -300, 7);
    await write('checkout.latency_p99_ms;service=checkout', 180, 5, -60, 8);
    const verdicts = Object.fromEntries((await deployReport(storage, deploy, NOW_MS)).changes.map((c) => [c.series, c.verdict]));
    expect(verdicts).toEqual({ 'checkout.requests_per_s;service=checkout': 'regressed', 'checkout.latency_p99_ms;service=checkout': 'improved' });
  });

  it('does not blame a deploy for the daily ramp it landed on', async () => {
    // A strong daily cycle: 9:00 is on its rising side, so after > before without any change.
    await write('checkout.latency_p99_ms;service=checkout', 200, 2, 0, 9, 80);
    const [change] = (await deployReport(storage, deploy, NOW_MS)).changes;
    expect(change!.seasonallyAdjusted).toBe(true);
    expect(change!.verdict).toBe('unchanged');
  });
});
