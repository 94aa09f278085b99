import { createSocket } from 'node:dgram';
import type { ClientOptions } from 'hot-shots';
import { StatsD } from 'hot-shots';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecordingPointSink } from '../graphite/test-support.js';
import { sendDatagram } from '../net/test-support.js';
import type { PointSink } from '../sink.js';
import { eventually } from '../test-support.js';
import type { StatsdUdpListenerOptions } from './udp-listener.js';
import { StatsdUdpListener } from './udp-listener.js';

const NOW_MS = 1_700_000_005_000;
/** Long enough that no timed flush happens during a test that flushes by hand. */
const HOUR_MS = 3_600_000;

type Callback = (error?: Error) => void;

/** Runs a hot-shots call and resolves once its datagram is sent. */
function sent(call: (callback: Callback) => void): Promise<void> {
  return new Promise((resolve, reject) => call((error) => (error ? reject(error) : resolve())));
}

/** The points the sink got, as key → value; each key must appear once. */
function pointsOf(sink: RecordingPointSink): Record<string, number> {
  const byKey: Record<string, number> = {};
  sink.keys.forEach((key, i) => {
    expect(byKey[key]).toBeUndefined();
    byKey[key] = sink.values[i]!;
  });
  return byKey;
}

describe('StatsdUdpListener', () => {
  const cleanups: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    vi.restoreAllMocks();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  const start = async (sink: PointSink, options: Partial<StatsdUdpListenerOptions> = {}): Promise<StatsdUdpListener> => {
    const listener = new StatsdUdpListener(
      { host: '127.0.0.1', port: 0, flushIntervalMs: HOUR_MS, percentiles: [90, 99], prefix: 'stats', maxMetrics: 1000, clock: { nowMs: () => NOW_MS }, ...options },
      sink,
    );
    await listener.start();
    cleanups.push(() => listener.stop());
    return listener;
  };
  const client = (port: number, options: ClientOptions = {}): StatsD => {
    const statsd = new StatsD({ host: '127.0.0.1', port, includeDataDogTags: false, datadog: false, errorHandler: () => {}, ...options });
    cleanups.push(() => new Promise<void>((resolve) => statsd.close(() => resolve())));
    return statsd;
  };

  it('aggregates what the hot-shots client sends: counters, gauges, timers, histograms, distributions, sets and tags', async () => {
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink);
    const statsd = client(listener.address().port, { globalTags: { env: 'test' } });
    await sent((cb) => statsd.increment('requests', 1, ['route:home'], cb));
    await sent((cb) => statsd.increment('requests', 4, ['route:home'], cb));
    await sent((cb) => statsd.decrement('requests', 2, ['route:home'], cb));
    // hot-shots draws Math.random to sample; 0.1 < 0.5 keeps the sample, sent with |@0.5.
    vi.spyOn(Math, 'random').mockReturnValue(0.1);
    await sent((cb) => statsd.increment('sampled', 1, 0.5, cb));
    vi.restoreAllMocks();
    await sent((cb) => statsd.gauge('queue.depth', 40, cb));
    await sent((cb) => statsd.gaugeDelta('queue.depth', 2, cb));
    for (const ms of [100, 300, 200]) await sent((cb) => statsd.timing('db.query', ms, ['db:main'], cb));
    await sent((cb) => statsd.histogram('payload.bytes', 512, cb));
    await sent((cb) => statsd.distribution('render.ms', 7, cb));
    for (const user of ['alice', 'bob', 'alice']) await sent((cb) => statsd.set('users', user, cb));
    await eventually(() => listener.datagramsReceived === 14, 'every datagram');
    expect(listener.heldMetrics).toBe(7);
    listener.flush();

    expect(sink.rejections).toEqual([]);
    expect([...sink.sources]).toEqual(['statsd']);
    expect(new Set(sink.timestampsMs)).toEqual(new Set([NOW_MS]));
    expect(pointsOf(sink)).toEqual({
      'stats.counters.requests.count;env=test;route=home': 3,
      'stats.counters.requests.rate;env=test;route=home': 3 / 3600,
      'stats.counters.sampled.count;env=test': 2,
      'stats.counters.sampled.rate;env=test': 2 / 3600,
      'stats.gauges.queue.depth;env=test': 42,
      'stats.timers.db.query.count;db=main;env=test': 3,
      'stats.timers.db.query.sum;db=main;env=test': 600,
      'stats.timers.db.query.mean;db=main;env=test': 200,
      'stats.timers.db.query.lower;db=main;env=test': 100,
      'stats.timers.db.query.upper;db=main;env=test': 300,
      'stats.timers.db.query.median;db=main;env=test': 200,
      'stats.timers.db.query.upper_90;db=main;env=test': 300,
      'stats.timers.db.query.upper_99;db=main;env=test': 300,
      'stats.histograms.payload.bytes.count;env=test': 1,
      'stats.histograms.payload.bytes.sum;env=test': 512,
      'stats.histograms.payload.bytes.mean;env=test': 512,
      'stats.histograms.payload.bytes.lower;env=test': 512,
      'stats.histograms.payload.bytes.upper;env=test': 512,
      'stats.histograms.payload.bytes.median;env=test': 512,
      'stats.histograms.payload.bytes.upper_90;env=test': 512,
      'stats.histograms.payload.bytes.upper_99;env=test': 512,
      'stats.distributions.render.ms.count;env=test': 1,
      'stats.distributions.render.ms.sum;env=test': 7,
      'stats.distributions.render.ms.mean;env=test': 7,
      'stats.distributions.render.ms.lower;env=test': 7,
      'stats.distributions.render.ms.upper;env=test': 7,
      'stats.distributions.render.ms.median;env=test': 7,
      'stats.distributions.render.ms.upper_90;env=test': 7,
      'stats.distributions.render.ms.upper_99;env=test': 7,
      'stats.sets.users.count;env=test': 2,
    });
  });

  it("takes a buffered Telegraf-mode client's many lines per datagram, and flushes them on stop", async () => {
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink, { prefix: '' });
    const statsd = client(listener.address().port, { telegraf: true, maxBufferSize: 4096, bufferFlushInterval: HOUR_MS });
    statsd.increment('jobs', 2, ['queue:high']);
    statsd.increment('jobs', 3, ['queue:high']);
    statsd.gauge('workers', 8, ['pool:a']);
    statsd.timing('job.ms', 15, ['queue:high']);
    await new Promise<void>((resolve) => statsd.flush(() => resolve()));
    await eventually(() => listener.datagramsReceived === 1, 'the buffered datagram');
    await listener.stop();

    expect(sink.rejections).toEqual([]);
    expect(pointsOf(sink)).toMatchObject({
      'counters.jobs.count;queue=high': 5,
      'gauges.workers;pool=a': 8,
      'timers.job.ms.upper_99;queue=high': 15,
    });
  });

  it('rejects bad lines by their number in the datagram and keeps the good ones', async () => {
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink);
    const socket = createSocket('udp4');
    cleanups.push(() => void socket.close());
    await sendDatagram(socket, listener.address().port, 'ok:1|c\r\nbroken\n\nok:x|c\nok:2|c|#:solo\nok:3|c\n');
    await eventually(() => sink.rejections.length === 3, 'the rejections');
    listener.flush();

    expect(sink.rejections).toEqual([
      { line: 2, reason: 'malformed_line', message: 'line 2: expected <name>:<value>|<type> in "broken"' },
      { line: 4, reason: 'bad_value', message: 'line 4: value "x" is not a decimal number in "ok:x|c"' },
      { line: 5, reason: 'bad_series', message: 'line 5: tag ":solo" has no name in "ok:2|c|#:solo"' },
    ]);
    expect(pointsOf(sink)).toEqual({ 'stats.counters.ok.count': 4, 'stats.counters.ok.rate': 4 / 3600 });
  });

  it('flushes on its own at the end of each interval, stamped with the interval end', async () => {
    const sink = new RecordingPointSink('sync');
    const intervalMs = 200;
    const listener = await start(sink, { flushIntervalMs: intervalMs, clock: { nowMs: () => Date.now() } });
    const socket = createSocket('udp4');
    cleanups.push(() => void socket.close());
    await sendDatagram(socket, listener.address().port, 'tick:1|c');
    await eventually(() => sink.keys.includes('stats.counters.tick.count'), 'a timed flush');
    const at = sink.keys.indexOf('stats.counters.tick.count');
    expect(sink.values[at]).toBe(1);
    expect(sink.timestampsMs[at]! % intervalMs).toBe(0);
    // The next interval, idle, writes 0 once more at a later interval end.
    await eventually(() => sink.keys.lastIndexOf('stats.counters.tick.count') > at, 'the idle flush');
    const idleAt = sink.keys.lastIndexOf('stats.counters.tick.count');
    expect(sink.values[idleAt]).toBe(0);
    expect(sink.timestampsMs[idleAt]! - sink.timestampsMs[at]!).toBeGreaterThanOrEqual(intervalMs);
    expect(sink.timestampsMs[idleAt]! % intervalMs).toBe(0);
  });

  it('waits on stop for the last flush to be taken by the sink', async () => {
    const sink = new RecordingPointSink('hold');
    const listener = await start(sink);
    const socket = createSocket('udp4');
    cleanups.push(() => void socket.close());
    await sendDatagram(socket, listener.address().port, 'a:1|c\nb:2|g');
    await eventually(() => listener.heldMetrics === 2, 'both metrics');
    let stopped = false;
    const stopping = listener.stop().then(() => (stopped = true));
    await eventually(() => sink.heldPoints === 3, 'the flush at stop');
    expect(listener.pendingPoints).toBe(3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    sink.releaseAll();
    await stopping;
    expect(listener.pendingPoints).toBe(0);
    expect(sink.timestampsMs).toEqual([NOW_MS, NOW_MS, NOW_MS]);
  });

  it('refuses to start again after stop', async () => {
    const listener = new StatsdUdpListener({ host: '127.0.0.1', port: 0, flushIntervalMs: HOUR_MS, percentiles: [], prefix: '', maxMetrics: 1 }, new RecordingPointSink('sync'));
    await listener.stop();
    await expect(listener.start()).rejects.toThrow('cannot start statsd listener: it was stopped');
    expect(() => listener.address()).toThrow('cannot get statsd listener address: the listener is not bound');
  });
});
