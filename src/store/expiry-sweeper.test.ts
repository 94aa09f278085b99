import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../model/index.js';
import { ExpirySweeper } from './expiry-sweeper.js';

const NOW = Date.UTC(2024, 5, 1);
const target = { name: 'test sweeper', expired: 'things' };

describe('ExpirySweeper', () => {
  it('sweeps at start and then on its interval, each time what is older than now minus the retention period', async () => {
    let nowMs = NOW;
    const cutoffsMs: number[] = [];
    const sweeper = new ExpirySweeper(
      { retentionDays: 7, retentionSweepIntervalMs: 5, clock: { nowMs: () => nowMs } },
      {
        ...target,
        deleteBefore: async (cutoffMs) => {
          cutoffsMs.push(cutoffMs);
          nowMs += DAY_MS;
          return cutoffsMs.length;
        },
      },
    );
    await sweeper.start();
    while (cutoffsMs.length < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await sweeper.stop();
    expect(cutoffsMs.slice(0, 3)).toEqual([NOW - 7 * DAY_MS, NOW - 6 * DAY_MS, NOW - 5 * DAY_MS]);
  });

  it('never runs two sweeps at once, and stop waits for the one running', async () => {
    let finish: (deleted: number) => void = () => {};
    const sweeper = new ExpirySweeper({ retentionDays: 1, retentionSweepIntervalMs: 3_600_000 }, { ...target, deleteBefore: () => new Promise<number>((resolve) => (finish = resolve)) });
    const first = sweeper.sweep();
    expect(await sweeper.sweep()).toBeUndefined();
    let stopped = false;
    const stopping = sweeper.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finish(3);
    await stopping;
    expect(await first).toBe(3);
  });

  it('logs a failed sweep instead of throwing', async () => {
    const warnings: string[] = [];
    const sweeper = new ExpirySweeper(
      { retentionDays: 1, retentionSweepIntervalMs: 3_600_000, logger: { warn: (_o, msg) => warnings.push(msg) } },
      { ...target, deleteBefore: () => Promise.reject(new Error('cannot delete old things: the store is stopped')) },
    );
    expect(await sweeper.sweep()).toBeUndefined();
    expect(warnings).toEqual(['cannot sweep expired things']);
  });

  it('refuses a retention period or interval that is not positive', () => {
    const deleteBefore = async (): Promise<number> => 0;
    expect(() => new ExpirySweeper({ retentionDays: 0, retentionSweepIntervalMs: 1000 }, { ...target, deleteBefore })).toThrow('cannot create test sweeper: retentionDays must be positive, got 0');
    expect(() => new ExpirySweeper({ retentionDays: 1, retentionSweepIntervalMs: 0 }, { ...target, deleteBefore })).toThrow(
      'cannot create test sweeper: retentionSweepIntervalMs must be a positive integer, got 0',
    );
  });
});
