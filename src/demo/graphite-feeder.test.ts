import { afterEach, describe, expect, it } from 'vitest';
import { GraphiteFeeder } from './graphite-feeder.js';
import { formatGraphiteLines } from './graphite-lines.js';
import { FleetSimulator } from './fleet.js';
import type { LineSink } from './line-sink.testsuite.js';
import { freePort, startLineSink, waitFor } from './line-sink.testsuite.js';

const FAST_RETRY = { initialDelayMs: 10, maxDelayMs: 100, multiplier: 2, jitter: 0 };
const LINE = /^([^\s;]+(?:;[A-Za-z0-9_.\-]+=[^\s;~]+)*) (-?\d+(?:\.\d+)?(?:e[+-]?\d+)?) (\d+)$/;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

function track<T extends { stop(): Promise<void> } | LineSink>(thing: T): T {
  cleanups.push(async () => {
    if ('stop' in thing) await thing.stop();
    else await thing.close();
  });
  return thing;
}

function lines(from: number, count: number): string {
  let text = '';
  for (let i = from; i < from + count; i++) text += `test.metric;n=${i} ${i * 0.5} ${1_700_000_000 + i}\n`;
  return text;
}

describe('GraphiteFeeder', () => {
  it('delivers every point of a simulated fleet as well-formed lines and counts them', async () => {
    const sink = track(await startLineSink());
    const feeder = track(new GraphiteFeeder({ host: '127.0.0.1', port: sink.port, batchBytes: 4096, backoff: FAST_RETRY }));
    await feeder.start();
    const fleet = new FleetSimulator({ seed: 3 });
    const sent: string[] = [];
    let points = 0;
    for (const chunk of fleet.generate(Date.UTC(2024, 0, 1), Date.UTC(2024, 0, 1, 1), 60_000, 500)) {
      const text = formatGraphiteLines(chunk);
      sent.push(...text.split('\n').slice(0, -1));
      await feeder.write(text, chunk.length);
      points += chunk.length;
    }
    await feeder.flush();
    expect(points).toBe(45 * 60);
    expect(feeder.pointsSent).toBe(points);
    expect(feeder.stats()).toMatchObject({ pointsQueued: 0, queuedBytes: 0, connected: true, connections: 1 });
    await waitFor(() => sink.lines.length >= points, 'all lines at the sink');
    expect(sink.lines).toEqual(sent);
    for (const line of sink.lines) {
      const m = LINE.exec(line);
      expect(m, line).not.toBeNull();
      expect(Number(m![3]) % 60).toBe(0);
    }
  });

  it('waits for a server that starts late, then delivers everything', async () => {
    const port = await freePort();
    let sink: LineSink | null = null;
    let starting: Promise<void> | null = null;
    const errors: number[] = [];
    const feeder = track(
      new GraphiteFeeder({
        host: '127.0.0.1',
        port,
        backoff: FAST_RETRY,
        onConnectError: ({ attempt }) => {
          errors.push(attempt);
          starting ??= startLineSink({ port }).then((s) => {
            sink = track(s);
          });
        },
      }),
    );
    await feeder.start();
    await feeder.write(lines(0, 100), 100);
    await feeder.write(lines(100, 50), 50);
    await feeder.flush();
    expect(feeder.pointsSent).toBe(150);
    expect(errors[0]).toBe(1);
    expect(feeder.stats().connectFailures).toBeGreaterThanOrEqual(1);
    await waitFor(() => sink !== null && sink.lines.length >= 150, 'lines at the late sink');
    expect(sink!.lines).toEqual(lines(0, 150).split('\n').slice(0, -1));
  });

  it('reconnects after the server drops the connection', async () => {
    const sink = track(await startLineSink());
    const feeder = track(new GraphiteFeeder({ host: '127.0.0.1', port: sink.port, backoff: FAST_RETRY }));
    await feeder.start();
    await feeder.write(lines(0, 10), 10);
    await feeder.flush();
    await waitFor(() => sink.lines.length >= 10, 'first lines');
    sink.sockets[0].end();
    await waitFor(() => feeder.stats().connections === 2 && feeder.stats().connected, 'a second connection');
    await feeder.write(lines(10, 10), 10);
    await feeder.flush();
    await waitFor(() => sink.lines.length >= 20, 'lines after reconnecting');
    expect(sink.lines).toEqual(lines(0, 20).split('\n').slice(0, -1));
    expect(feeder.pointsSent).toBe(20);
  });

  it('slows the writer down when the server does not read (back-pressure)', async () => {
    const sink = track(await startLineSink({ paused: true }));
    const maxQueuedBytes = 256 * 1024;
    const batchBytes = 16 * 1024;
    const feeder = track(new GraphiteFeeder({ host: '127.0.0.1', port: sink.port, batchBytes, maxQueuedBytes, backoff: FAST_RETRY }));
    await feeder.start();
    // 64 MiB: more than the kernel buffers of a socket whose reader never reads.
    const piece = `${'x'.repeat(batchBytes - 10)} 1 1700000000\n`;
    const writes = Math.ceil((64 * 1024 * 1024) / piece.length);
    let completed = 0;
    let maxQueued = 0;
    const writer = (async () => {
      for (let i = 0; i < writes; i++) {
        await feeder.write(piece, 1);
        completed++;
        maxQueued = Math.max(maxQueued, feeder.stats().queuedBytes);
      }
    })();
    // Wait until the writer makes no progress for a while: it is held back (or, if broken, it has finished).
    let last = -1;
    let still = 0;
    await waitFor(() => {
      still = completed === last ? still + 1 : 0;
      last = completed;
      return still >= 10 || completed === writes;
    }, 'the writer to stall');
    expect(completed).toBeLessThan(writes);
    expect(sink.bytesReceived()).toBe(0);
    expect(maxQueued).toBeLessThanOrEqual(maxQueuedBytes + piece.length);
    for (const s of sink.sockets) s.resume();
    await writer;
    await feeder.flush();
    expect(feeder.pointsSent).toBe(writes);
    await waitFor(() => sink.lines.length >= writes, 'every line once the server reads');
    expect(sink.lines).toHaveLength(writes);
  });

  it('rejects a pending flush when stopped, and refuses writes after stop', async () => {
    const port = await freePort();
    const feeder = new GraphiteFeeder({ host: '127.0.0.1', port, backoff: FAST_RETRY });
    await feeder.start();
    await feeder.write(lines(0, 5), 5);
    const flushing = feeder.flush();
    await waitFor(() => feeder.stats().connectFailures >= 1, 'a failed connection');
    await feeder.stop();
    await expect(flushing).rejects.toThrow(/cannot flush graphite feeder: stopped with 5 points unsent/);
    await expect(feeder.write(lines(5, 1), 1)).rejects.toThrow(/cannot write to graphite feeder/);
    expect(feeder.pointsSent).toBe(0);
  });

  it('rejects an invalid port naming it', () => {
    expect(() => new GraphiteFeeder({ host: 'localhost', port: 0 })).toThrow(/port must be an integer in 1..65535, got 0/);
  });
});
