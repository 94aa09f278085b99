import { describe, expect, it } from 'vitest';
import { KeyedPointsBuilder } from '../../model/index.js';
import type { StatsdAggregatorOptions } from './aggregator.js';
import { StatsdAggregator } from './aggregator.js';
import type { StatsdLineProblem } from './line.js';
import { parseStatsdLine, StatsdLine } from './line.js';

const T = 1_700_000_010_000;

function aggregator(options: Partial<StatsdAggregatorOptions> = {}): StatsdAggregator {
  return new StatsdAggregator({ prefix: 'stats', percentiles: [90], flushIntervalMs: 10_000, maxMetrics: 1000, maxValuesPerMetric: 1000, ...options });
}

/** Feeds newline-separated lines; returns the problems by line text. */
function feed(target: StatsdAggregator, text: string): Record<string, StatsdLineProblem> {
  const problems: Record<string, StatsdLineProblem> = {};
  const line = new StatsdLine();
  for (const raw of text.split('\n')) {
    if (raw === '') continue;
    const problem = parseStatsdLine(raw, 0, raw.length, line) ?? target.add(line);
    if (problem !== null) problems[raw] = problem;
  }
  return problems;
}

/** Flushes at `timestampMs` and returns the points as key → value (each key once). */
function flush(target: StatsdAggregator, timestampMs = T): Record<string, number> {
  const out = new KeyedPointsBuilder(4);
  target.flush(timestampMs, out);
  const points = out.finish();
  const byKey: Record<string, number> = {};
  for (let i = 0; i < points.length; i++) {
    expect(byKey[points.keys[i]!]).toBeUndefined();
    expect(points.timestampsMs[i]).toBe(timestampMs);
    byKey[points.keys[i]!] = points.values[i]!;
  }
  return byKey;
}

describe('StatsdAggregator', () => {
  it('sums counters with their sample rates, and writes the rate per second of the interval', () => {
    const stats = aggregator();
    feed(stats, 'hits:1|c\nhits:2|c|@0.5\nhits:3|c:1|c|@0.25');
    // 1 + 2 / 0.5 + 3 + 1 / 0.25 = 12 over a 10 s interval.
    expect(flush(stats)).toEqual({ 'stats.counters.hits.count': 12, 'stats.counters.hits.rate': 1.2 });
  });

  it('writes count, sum, mean, lower, upper, median and nearest-rank percentiles of timers', () => {
    const stats = aggregator({ percentiles: [50, 90, 95, 99.9] });
    feed(stats, ['5', '1', '9', '3', '7', '2', '8', '4', '6', '10'].map((v) => `api.latency:${v}|ms`).join('\n'));
    feed(stats, 'odd:10|h\nodd:50|h\nodd:30|h\nodd:20|h|@0.1\nodd:40|h');
    feed(stats, 'one:42|d');
    expect(flush(stats)).toEqual({
      // 10 values 1..10: median (5 + 6) / 2; ranks round(5) = 5, round(9) = 9, round(9.5) = 10, round(9.99) = 10.
      'stats.timers.api.latency.count': 10,
      'stats.timers.api.latency.sum': 55,
      'stats.timers.api.latency.mean': 5.5,
      'stats.timers.api.latency.lower': 1,
      'stats.timers.api.latency.upper': 10,
      'stats.timers.api.latency.median': 5.5,
      'stats.timers.api.latency.upper_50': 5,
      'stats.timers.api.latency.upper_90': 9,
      'stats.timers.api.latency.upper_95': 10,
      'stats.timers.api.latency.upper_99_9': 10,
      // 5 values, one sampled at 0.1 (counted 10 times): count 14; ranks round(2.5) = 3, round(4.5) = 5, round(4.75) = 5.
      'stats.histograms.odd.count': 14,
      'stats.histograms.odd.sum': 150,
      'stats.histograms.odd.mean': 30,
      'stats.histograms.odd.lower': 10,
      'stats.histograms.odd.upper': 50,
      'stats.histograms.odd.median': 30,
      'stats.histograms.odd.upper_50': 30,
      'stats.histograms.odd.upper_90': 50,
      'stats.histograms.odd.upper_95': 50,
      'stats.histograms.odd.upper_99_9': 50,
      // One value: every statistic is that value.
      'stats.distributions.one.count': 1,
      'stats.distributions.one.sum': 42,
      'stats.distributions.one.mean': 42,
      'stats.distributions.one.lower': 42,
      'stats.distributions.one.upper': 42,
      'stats.distributions.one.median': 42,
      'stats.distributions.one.upper_50': 42,
      'stats.distributions.one.upper_90': 42,
      'stats.distributions.one.upper_95': 42,
      'stats.distributions.one.upper_99_9': 42,
    });
  });

  it('keeps exact count, sum and extremes beyond the values it keeps, and a fair sample for the percentiles', () => {
    const stats = aggregator({ maxValuesPerMetric: 100, percentiles: [90] });
    feed(stats, Array.from({ length: 10_000 }, (_, i) => `big:${i + 1}|ms`).join('\n'));
    const points = flush(stats);
    expect(points).toMatchObject({ 'stats.timers.big.count': 10_000, 'stats.timers.big.sum': 50_005_000, 'stats.timers.big.mean': 5000.5, 'stats.timers.big.lower': 1, 'stats.timers.big.upper': 10_000 });
    // A uniform sample of 100 out of 1..10000: its median and 90th percentile land near 5000 and 9000.
    expect(Math.abs(points['stats.timers.big.median']! - 5000)).toBeLessThan(1500);
    expect(Math.abs(points['stats.timers.big.upper_90']! - 9000)).toBeLessThan(1000);
  });

  it('sets gauges, applies +N and -N to the last value, and keeps it across flushes', () => {
    const stats = aggregator();
    feed(stats, 'temp:5|g\ntemp:+3|g\ntemp:-2|g');
    expect(flush(stats)).toEqual({ 'stats.gauges.temp': 6 });
    feed(stats, 'temp:+1|g');
    expect(flush(stats, T + 10_000)).toEqual({ 'stats.gauges.temp': 7 });
  });

  it('counts the distinct members of a set per interval', () => {
    const stats = aggregator();
    feed(stats, 'users:alice|s\nusers:bob|s\nusers:alice|s');
    expect(flush(stats)).toEqual({ 'stats.sets.users.count': 2 });
    feed(stats, 'users:carol|s');
    expect(flush(stats, T + 10_000)).toEqual({ 'stats.sets.users.count': 1 });
  });

  it('writes an idle metric once more (counts 0, a gauge its last value), then forgets it', () => {
    const stats = aggregator();
    feed(stats, 'c:4|c\ng:-1|g\ns:x|s\nt:3|ms');
    flush(stats);
    expect(stats.size).toBe(4);
    expect(flush(stats, T + 10_000)).toEqual({ 'stats.counters.c.count': 0, 'stats.counters.c.rate': 0, 'stats.gauges.g': -1, 'stats.sets.s.count': 0, 'stats.timers.t.count': 0 });
    expect(stats.size).toBe(0);
    expect(flush(stats, T + 20_000)).toEqual({});
    // A forgotten gauge starts again from 0.
    feed(stats, 'g:-1|g');
    expect(flush(stats, T + 30_000)).toEqual({ 'stats.gauges.g': -1 });
  });

  it('makes tags series tags: DogStatsD and Telegraf tags, in any order, name one series', () => {
    const stats = aggregator({ prefix: '' });
    feed(stats, 'req:1|c|#env:prod,host:a\nreq:2|c|#host:a,env:prod\nreq,env=prod,host=a:3|c\nreq:4|c');
    expect(flush(stats)).toEqual({
      'counters.req.count;env=prod;host=a': 6,
      'counters.req.rate;env=prod;host=a': 0.6,
      'counters.req.count': 4,
      'counters.req.rate': 0.4,
    });
    expect(stats.size).toBe(2);
  });

  it('sheds new metrics beyond maxMetrics as overload until a flush forgets idle ones', () => {
    const stats = aggregator({ maxMetrics: 2 });
    expect(feed(stats, 'a:1|c\nb:1|g\nc:1|c\na:1|c|#k:v')).toEqual({
      'c:1|c': { reason: 'overload', cause: 'new metric "c" is shed: 2 metrics are held until the next flush (limit 2)' },
      'a:1|c|#k:v': { reason: 'overload', cause: 'new metric "a" is shed: 2 metrics are held until the next flush (limit 2)' },
    });
    flush(stats);
    feed(stats, 'a:1|c');
    flush(stats, T + 10_000);
    // b was idle and is forgotten, which leaves room for c.
    expect(feed(stats, 'c:5|c')).toEqual({});
    expect(flush(stats, T + 20_000)).toMatchObject({ 'stats.counters.c.count': 5 });
  });

  it('rejects set members beyond maxValuesPerMetric, invalid names and conflicting tags', () => {
    const stats = aggregator({ maxValuesPerMetric: 2 });
    expect(feed(stats, 'u:a|s\nu:b|s\nu:a|s\nu:c|s\nbad name:1|c\nt:1|c|#k:v,k:w\nt:1|c|#k:v,k:v')).toEqual({
      'u:c|s': { reason: 'overload', cause: 'set "u" already holds 2 members this interval; "c" is not counted' },
      'bad name:1|c': { reason: 'bad_series', cause: 'metric "bad name" is invalid: series name "stats.counters.bad name.count" contains whitespace or \';\'' },
      't:1|c|#k:v,k:w': { reason: 'bad_series', cause: 'tag k is given twice, as "v" and "w"' },
    });
    expect(flush(stats)).toEqual({ 'stats.sets.u.count': 2, 'stats.counters.t.count;k=v': 1, 'stats.counters.t.rate;k=v': 0.1 });
  });

  it('checks its options', () => {
    expect(() => aggregator({ maxMetrics: 0 })).toThrow('cannot create statsd aggregator: maxMetrics must be a positive integer, got 0');
    expect(() => aggregator({ percentiles: [100] })).toThrow('cannot create statsd aggregator: percentile 100 must be in (0, 100)');
  });
});
