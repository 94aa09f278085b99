import { describe, expect, it } from 'vitest';
import type { Anomaly } from '../model/index.js';
import { MINUTE_MS } from '../model/index.js';
import type { EpisodeConfig } from './episodes.js';
import { EpisodeTracker } from './episodes.js';
import type { AlertNotification } from './sender.js';

const T0 = 1_700_000_000_000;
const RESOLVE_AFTER_MS = 5 * MINUTE_MS;

function anomaly(timestampMs: number, overrides: Partial<Anomaly> = {}): Anomaly {
  return {
    seriesId: 7,
    series: 'api.latency.p99;host=a',
    timestampMs,
    value: 412,
    score: 0.998,
    kind: 'level_shift',
    expected: 120,
    detector: 'mad-zscore',
    ...overrides,
  };
}

function setup(config: Partial<EpisodeConfig> = {}) {
  const clock = { now: 1_000_000, nowMs: () => clock.now };
  const sent: AlertNotification[] = [];
  const tracker = new EpisodeTracker(
    { minScore: 0.99, resolveAfterMs: RESOLVE_AFTER_MS, sendResolved: true, ...config },
    { notify: (n) => sent.push(n), clock },
  );
  return { clock, sent, tracker };
}

describe('EpisodeTracker', () => {
  it('fires once for many anomalies of one series, with the first point as evidence', () => {
    const { sent, tracker } = setup();
    tracker.observe([anomaly(T0)]);
    tracker.observe([
      anomaly(T0 + 10_000, { value: 500, score: 0.999, detector: 'seasonal-baseline' }),
      anomaly(T0 + 20_000, { value: 450, score: 0.995 }),
    ]);
    tracker.observe([anomaly(T0 + 30_000, { score: 0.9999 })]);

    expect(sent).toEqual([
      {
        version: '1',
        status: 'firing',
        episodeId: `7-${T0}`,
        series: 'api.latency.p99;host=a',
        seriesId: 7,
        detectors: ['mad-zscore'],
        kind: 'level_shift',
        startsAtMs: T0,
        endsAtMs: null,
        peakScore: 0.998,
        anomalyCount: 1,
        value: 412,
        expected: 120,
        suspectedEvent: null,
        summary: 'level_shift on api.latency.p99;host=a: 412 (expected 120), score 0.998',
      },
    ]);
    expect(tracker.openEpisodes()).toEqual([
      {
        episodeId: `7-${T0}`,
        series: 'api.latency.p99;host=a',
        seriesId: 7,
        detectors: ['mad-zscore', 'seasonal-baseline'],
        kind: 'level_shift',
        startsAtMs: T0,
        lastAnomalyMs: T0 + 30_000,
        peakScore: 0.9999,
        anomalyCount: 4,
        value: 412,
        expected: 120,
        suspectedEvent: null,
      },
    ]);
    expect(tracker.counts()).toEqual({ open: 1, openedTotal: 1, resolvedTotal: 0 });
  });

  it('carries the event that preceded a shift into the alert', () => {
    const { sent, tracker } = setup();
    const event = { id: 'd-17', type: 'deploy', service: 'api', version: '3.1.0', timestampMs: T0 - 120_000 };
    tracker.observe([anomaly(T0, { evidence: { event } })]);
    expect(sent[0]!.suspectedEvent).toEqual(event);
    expect(sent[0]!.summary).toBe('level_shift on api.latency.p99;host=a: 412 (expected 120), score 0.998; 2 min after deploy of api 3.1.0');
    expect(tracker.openEpisodes()[0]!.suspectedEvent).toEqual(event);
  });

  it('fires again, updated, when what began as a spike turns out to be a lasting shift', () => {
    const { sent, tracker } = setup();
    const event = { id: 'd-18', type: 'deploy', service: 'api', version: '3.2.0', timestampMs: T0 - 60_000 };
    tracker.observe([anomaly(T0, { kind: null }), anomaly(T0 + 10_000, { kind: 'spike' })]);
    tracker.observe([anomaly(T0, { kind: 'level_shift', detector: 'change-point', evidence: { event } })]);
    tracker.observe([anomaly(T0 + 20_000, { kind: 'level_shift', detector: 'change-point' })]);
    expect(sent.map((n) => [n.status, n.episodeId, n.kind, n.suspectedEvent?.id ?? null])).toEqual([
      ['firing', `7-${T0}`, null, null],
      ['firing', `7-${T0}`, 'level_shift', 'd-18'],
    ]);
    expect(sent[1]!.summary).toContain('; 60 s after deploy of api 3.2.0');
  });

  it('keeps one episode per series', () => {
    const { sent, tracker } = setup();
    tracker.observe([anomaly(T0), anomaly(T0, { seriesId: 8, series: 'api.errors' }), anomaly(T0 + 1000)]);
    expect(sent.map((n) => [n.status, n.episodeId])).toEqual([
      ['firing', `7-${T0}`],
      ['firing', `8-${T0}`],
    ]);
    expect(tracker.openEpisodes()).toHaveLength(2);
  });

  it('ignores anomalies below minScore, and NaN scores', () => {
    const { sent, tracker } = setup({ minScore: 0.99 });
    tracker.observe([anomaly(T0, { score: 0.98 }), anomaly(T0 + 1000, { score: Number.NaN })]);
    expect(sent).toHaveLength(0);
    expect(tracker.openEpisodes()).toHaveLength(0);
    tracker.observe([anomaly(T0 + 2000, { score: 0.99 }), anomaly(T0 + 3000, { score: 0.5 })]);
    expect(sent.map((n) => n.episodeId)).toEqual([`7-${T0 + 2000}`]);
    expect(tracker.openEpisodes()[0].anomalyCount).toBe(1);
  });

  it('resolves an episode when the next anomaly comes more than resolveAfterMs later in data time', () => {
    const { sent, tracker } = setup();
    tracker.observe([anomaly(T0), anomaly(T0 + MINUTE_MS, { score: 0.999 })]);
    // Exactly resolveAfterMs later still belongs to the episode.
    tracker.observe([anomaly(T0 + MINUTE_MS + RESOLVE_AFTER_MS)]);
    expect(sent).toHaveLength(1);
    const lastMs = T0 + MINUTE_MS + RESOLVE_AFTER_MS;
    tracker.observe([anomaly(lastMs + RESOLVE_AFTER_MS + 1, { value: 900, expected: null, kind: null })]);

    expect(sent.map((n) => [n.status, n.episodeId])).toEqual([
      ['firing', `7-${T0}`],
      ['resolved', `7-${T0}`],
      ['firing', `7-${lastMs + RESOLVE_AFTER_MS + 1}`],
    ]);
    expect(sent[1]).toMatchObject({ startsAtMs: T0, endsAtMs: lastMs, anomalyCount: 3, peakScore: 0.999, value: 412 });
    expect(sent[1].summary).toBe(
      'resolved: level_shift on api.latency.p99;host=a after 3 anomalies over 6 min, peak score 0.999; first 412 (expected 120)',
    );
    expect(sent[2]).toMatchObject({ endsAtMs: null, anomalyCount: 1, kind: null, summary: 'anomaly on api.latency.p99;host=a: 900, score 0.998' });
    expect(tracker.counts()).toEqual({ open: 1, openedTotal: 2, resolvedTotal: 1 });
  });

  it('resolves an episode after resolveAfterMs of wall-clock time without anomalies', () => {
    const { clock, sent, tracker } = setup();
    tracker.observe([anomaly(T0)]);
    clock.now += 60_000;
    tracker.observe([anomaly(T0 + 60_000)]);
    clock.now += RESOLVE_AFTER_MS - 1;
    tracker.tick();
    expect(sent).toHaveLength(1);
    clock.now += 1;
    tracker.tick();
    expect(sent.map((n) => n.status)).toEqual(['firing', 'resolved']);
    expect(sent[1]).toMatchObject({ episodeId: `7-${T0}`, endsAtMs: T0 + 60_000, anomalyCount: 2 });
    expect(tracker.openEpisodes()).toEqual([]);
    tracker.tick();
    expect(sent).toHaveLength(2);

    // Anomalies of the same series afterwards open a new episode.
    tracker.observe([anomaly(T0 + 120_000)]);
    expect(sent.map((n) => [n.status, n.episodeId])).toEqual([
      ['firing', `7-${T0}`],
      ['resolved', `7-${T0}`],
      ['firing', `7-${T0 + 120_000}`],
    ]);
  });

  it('sends no resolved message when sendResolved is false, yet still closes episodes', () => {
    const { clock, sent, tracker } = setup({ sendResolved: false });
    tracker.observe([anomaly(T0), anomaly(T0 + RESOLVE_AFTER_MS + 1)]);
    clock.now += RESOLVE_AFTER_MS;
    tracker.tick();
    expect(sent.map((n) => [n.status, n.episodeId])).toEqual([
      ['firing', `7-${T0}`],
      ['firing', `7-${T0 + RESOLVE_AFTER_MS + 1}`],
    ]);
    expect(tracker.counts()).toEqual({ open: 0, openedTotal: 2, resolvedTotal: 2 });
  });

  it('resolves quiet episodes on its own interval between start and stop', async () => {
    const clock = { now: 0, nowMs: () => clock.now };
    const sent: AlertNotification[] = [];
    let onResolved = (): void => undefined;
    const resolved = new Promise<void>((resolve) => (onResolved = resolve));
    const tracker = new EpisodeTracker(
      { minScore: 0.99, resolveAfterMs: RESOLVE_AFTER_MS, sendResolved: true },
      {
        notify: (n) => {
          sent.push(n);
          if (n.status === 'resolved') onResolved();
        },
        clock,
        tickIntervalMs: 5,
      },
    );
    await tracker.start();
    await tracker.start();
    tracker.observe([anomaly(T0)]);
    clock.now += RESOLVE_AFTER_MS;
    await resolved;
    await tracker.stop();
    await tracker.stop();
    tracker.observe([anomaly(T0 + 2 * RESOLVE_AFTER_MS)]);
    clock.now += RESOLVE_AFTER_MS;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(sent.map((n) => n.status)).toEqual(['firing', 'resolved', 'firing']);
  });
});
