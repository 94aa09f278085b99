import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { seededGaussian } from '../detect/synthetic-series.testsuite.js';
import { DAY_MS, PointBatchBuilder, type Anomaly } from '../model/index.js';
import { DuckDbStorage } from '../store/index.js';
import { DEFAULT_SHIFT_CONFIRMER, SHIFT_DETECTOR, ShiftConfirmer } from './shift-confirmer.js';

const T0 = Date.UTC(2026, 10, 21, 8, 0);
const STEP_MS = 10_000;

describe('ShiftConfirmer', () => {
  let storage: DuckDbStorage;
  let clock: { now: number; nowMs: () => number };
  let emitted: Anomaly[];
  let confirmer: ShiftConfirmer;
  beforeEach(async () => {
    clock = { now: T0 + 200 * STEP_MS, nowMs: () => clock.now };
    storage = new DuckDbStorage({ path: ':memory:', flushIntervalMs: 5, flushMaxPoints: 1_000_000, maxFutureMs: DAY_MS, clock });
    await storage.start();
    emitted = [];
    confirmer = new ShiftConfirmer(storage, (a) => emitted.push(...a), clock);
  });
  afterEach(() => storage.stop());

  /** `count` points from T0 at 10 s: level 100 + noise, then `after(i)` added. */
  async function write(key: string, count: number, after: (i: number) => number): Promise<number> {
    const id = storage.seriesId(key);
    const noise = seededGaussian(id + 1);
    const batch = new PointBatchBuilder();
    for (let i = 0; i < count; i++) batch.push(id, T0 + i * STEP_MS, 100 + 2 * noise() + after(i));
    await storage.append(batch.finish());
    return id;
  }

  const candidate = (seriesId: number, series: string, i: number): Anomaly => ({ seriesId, series, timestampMs: T0 + i * STEP_MS, value: 130, score: 1, kind: 'spike', expected: 100, detector: 'ensemble' });

  it('confirms a shift that lasts, as a level_shift at its first point, and dismisses a spike', async () => {
    const shifted = await write('svc.latency', 130, (i) => (i >= 100 ? 30 : 0));
    const spiky = await write('svc.errors', 130, (i) => (i === 100 ? 30 : 0));
    confirmer.observe([candidate(shifted, 'svc.latency', 100), candidate(spiky, 'svc.errors', 100)]);
    await confirmer.check();
    expect(emitted).toHaveLength(1);
    expect(emitted[0]).toMatchObject({ seriesId: shifted, timestampMs: T0 + 100 * STEP_MS, kind: 'level_shift', detector: SHIFT_DETECTOR });
    expect(Math.abs(emitted[0]!.expected! - 100)).toBeLessThan(2);
    expect(Math.abs(emitted[0]!.value - 130)).toBeLessThan(2);
    expect(confirmer.stats()).toEqual({ pending: 0, confirmed: 1, dismissed: 1, dropped: 0 });
  });

  it('waits for enough points after the candidate, then gives up after giveUpAfterMs', async () => {
    const id = await write('svc.latency', 105, (i) => (i >= 100 ? 30 : 0));
    confirmer.observe([candidate(id, 'svc.latency', 100)]);
    await confirmer.check();
    expect(confirmer.stats().pending).toBe(1);
    clock.now += DEFAULT_SHIFT_CONFIRMER.giveUpAfterMs;
    await confirmer.check();
    expect(emitted).toEqual([]);
    expect(confirmer.stats()).toMatchObject({ pending: 0, dismissed: 1 });
  });

  it('ignores shifts already named and its own anomalies, and holds one candidate per series', async () => {
    const id = await write('svc.latency', 10, () => 0);
    confirmer.observe([
      { ...candidate(id, 'svc.latency', 1), kind: 'level_shift' },
      { ...candidate(id, 'svc.latency', 2), detector: SHIFT_DETECTOR, kind: null },
      candidate(id, 'svc.latency', 3),
      candidate(id, 'svc.latency', 4),
    ]);
    expect(confirmer.stats().pending).toBe(1);
  });
});
