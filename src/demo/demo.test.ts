import { afterEach, describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS } from '../model/index.js';
import type { DemoProgress } from './demo.js';
import { DEMO_DEFAULTS, planDemo, runDemo } from './demo.js';
import type { LineSink } from './line-sink.testsuite.js';
import { freePort, startLineSink, waitFor } from './line-sink.testsuite.js';

const FAST_RETRY = { initialDelayMs: 10, maxDelayMs: 100, multiplier: 2, jitter: 0 };

let sink: LineSink | null = null;
afterEach(async () => {
  await sink?.close();
  sink = null;
});

describe('planDemo', () => {
  it('plans the default demo: 45 series, 4320 history steps, live every 10 s', () => {
    const plan = planDemo({ ...DEMO_DEFAULTS, startMs: Date.UTC(2024, 4, 15, 12) });
    expect(plan.seriesCount).toBe(45);
    expect(plan.historySteps).toBe(4320);
    expect(plan.historySteps * plan.seriesCount).toBe(194_400);
    expect(plan.historyFromMs).toBe(Date.UTC(2024, 4, 12, 12));
    expect(plan.liveTicks).toBeNull();
    expect(plan.incidents).toHaveLength(6);
  });

  it('starts at the clock rounded down to the live interval', () => {
    const plan = planDemo({ ...DEMO_DEFAULTS, durationMs: 25_000, clock: { nowMs: () => Date.UTC(2024, 4, 15, 12, 0, 17, 500) } });
    expect(plan.startMs).toBe(Date.UTC(2024, 4, 15, 12, 0, 10));
    expect(plan.liveTicks).toBe(3);
  });

  it('rejects steps that are not whole seconds, naming the field', () => {
    expect(() => planDemo({ ...DEMO_DEFAULTS, stepMs: 1500 })).toThrow(/stepMs must be a positive whole number of seconds.*got 1500/);
    expect(() => planDemo({ ...DEMO_DEFAULTS, liveIntervalMs: 0 })).toThrow(/liveIntervalMs/);
    expect(() => planDemo({ ...DEMO_DEFAULTS, historyMs: -1 })).toThrow(/historyMs must be a non-negative number, got -1/);
    expect(() => planDemo({ ...DEMO_DEFAULTS, durationMs: Number.NaN })).toThrow(/durationMs/);
  });
});

describe('runDemo', () => {
  it('sends a tiny history then a short live phase, every point once, in order', async () => {
    sink = await startLineSink();
    const progress: DemoProgress[] = [];
    const result = await runDemo({
      host: '127.0.0.1',
      graphitePort: sink.port,
      historyMs: 10 * MINUTE_MS,
      stepMs: MINUTE_MS,
      liveIntervalMs: 1000,
      durationMs: 2000,
      seed: 7,
      backoff: FAST_RETRY,
      onProgress: (p) => progress.push(p),
    });
    const expected = 45 * (10 + 2);
    expect(result).toMatchObject({ seriesCount: 45, historyPoints: 45 * 10, livePoints: 45 * 2, pointsSent: expected, aborted: false });
    await waitFor(() => sink!.lines.length >= expected, 'every demo line at the sink');
    expect(sink.lines).toHaveLength(expected);

    const startS = result.startMs / 1000;
    const perSeries = new Map<string, number[]>();
    for (const line of sink.lines) {
      const [path, value, ts] = line.split(' ');
      expect(Number.isFinite(Number(value))).toBe(true);
      const list = perSeries.get(path) ?? [];
      list.push(Number(ts));
      perSeries.set(path, list);
    }
    expect(perSeries.size).toBe(45);
    const history = Array.from({ length: 10 }, (_, k) => startS - (10 - k) * 60);
    for (const ts of perSeries.values()) expect(ts).toEqual([...history, startS, startS + 1]);

    expect(progress.filter((p) => p.phase === 'history').at(-1)).toMatchObject({ pointsSent: 450, simulatedTimeMs: result.startMs - MINUTE_MS });
    expect(progress.filter((p) => p.phase === 'live').map((p) => p.simulatedTimeMs)).toEqual([result.startMs, result.startMs + 1000]);
    expect(progress.at(-1)!.pointsSent).toBe(expected);
  });

  it('streams until aborted, then returns what it sent', async () => {
    sink = await startLineSink();
    const controller = new AbortController();
    const result = await runDemo({
      host: '127.0.0.1',
      graphitePort: sink.port,
      historyMs: 5 * MINUTE_MS,
      stepMs: MINUTE_MS,
      liveIntervalMs: 1000,
      seed: 7,
      signal: controller.signal,
      backoff: FAST_RETRY,
      onProgress: (p) => {
        if (p.phase === 'live') controller.abort();
      },
    });
    expect(result.aborted).toBe(true);
    expect(result.historyPoints).toBe(45 * 5);
    expect(result.livePoints).toBe(45);
    expect(result.pointsSent).toBe(45 * 6);
  });

  it('returns when aborted while the server is still unreachable', async () => {
    const controller = new AbortController();
    const result = await runDemo({
      host: '127.0.0.1',
      graphitePort: await freePort(),
      historyMs: DAY_MS,
      stepMs: MINUTE_MS,
      liveIntervalMs: 1000,
      seed: 7,
      signal: controller.signal,
      backoff: FAST_RETRY,
      onConnectError: () => controller.abort(),
    });
    expect(result).toMatchObject({ aborted: true, pointsSent: 0 });
  });
});
