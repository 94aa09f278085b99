import { describe, expect, it } from 'vitest';
import { closed, connectTo, stoppedAfterEach } from '../net/test-support.js';
import type { PointSink } from '../sink.js';
import { eventually } from '../test-support.js';
import { GraphiteTcpListener } from './tcp-listener.js';
import { RecordingPointSink } from './test-support.js';

const NOW_MS = 1_234_000;

describe('GraphiteTcpListener', () => {
  const started = stoppedAfterEach<GraphiteTcpListener>();
  const start = (sink: PointSink, options: Partial<{ maxPendingPoints: number; stopGraceMs: number }> = {}): Promise<GraphiteTcpListener> => {
    const listener = new GraphiteTcpListener(
      { host: '127.0.0.1', port: 0, maxLineBytes: 1024, keyCacheEntries: 1024, maxPendingPoints: options.maxPendingPoints ?? 10_000, nowMs: () => NOW_MS, stopGraceMs: options.stopGraceMs ?? 5_000 },
      sink,
    );
    return started(listener);
  };

  it('parses lines split across writes, rejects bad ones, and flushes the last line at end of stream', async () => {
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink);
    expect(listener.address().port).toBeGreaterThan(0);
    const socket = await connectTo(listener.address().port);
    await eventually(() => listener.connectionCount === 1, 'the connection to be counted');
    socket.write('a.b 1 100\na.c 2');
    socket.write(' 200\nbroken\nt;z=1;a=2 3\n');
    socket.end('last 4 400');
    await closed(socket);
    await eventually(() => listener.connectionCount === 0, 'the connection to close');

    expect(sink.keys).toEqual(['a.b', 'a.c', 't;a=2;z=1', 'last']);
    expect(sink.values).toEqual([1, 2, 3, 4]);
    expect(sink.timestampsMs).toEqual([100_000, 200_000, NOW_MS, 400_000]);
    expect(sink.rejections.map((r) => [r.line, r.reason])).toEqual([[3, 'malformed_line']]);
    expect([...sink.sources]).toEqual(['graphite_tcp']);
  });

  it('keeps a separate parser and line count per connection', async () => {
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink);
    const first = await connectTo(listener.address().port);
    const second = await connectTo(listener.address().port);
    await eventually(() => listener.connectionCount === 2, 'both connections');
    first.write('one.a 1 1\none.');
    await eventually(() => sink.keys.length === 1, 'the first line');
    second.write('two.a 2 2\nbad\n');
    await eventually(() => sink.rejections.length === 1, 'the rejection');
    first.end('b 3 3\n');
    second.end();
    await Promise.all([closed(first), closed(second)]);
    await eventually(() => sink.keys.length === 3, 'every point');
    expect([...sink.keys].sort()).toEqual(['one.a', 'one.b', 'two.a']);
    expect(sink.rejections[0]!.line).toBe(2);
  });

  it('pauses a fast sender while the sink is slow, so pending points stay bounded, and loses nothing', async () => {
    const maxPendingPoints = 500;
    const lineCount = 60_000;
    const sink = new RecordingPointSink('hold');
    const listener = await start(sink, { maxPendingPoints });
    const lines: string[] = [];
    for (let i = 0; i < lineCount; i++) lines.push(`load.m${i % 10} ${i} 1700000000\n`);
    const text = lines.join('');
    const shortestLineBytes = Math.min(...lines.slice(0, 10).map((l) => Buffer.byteLength(l)));
    // A read from the socket is at most 64 KiB, so one chunk can overshoot the bound by that many lines.
    const bound = maxPendingPoints + Math.ceil(65_536 / shortestLineBytes);

    const socket = await connectTo(listener.address().port);
    socket.end(text);
    let maxListenerPending = 0;
    // Settle held writes only once the listener has gone quiet, as a stalled store would.
    let lastCalls = -1;
    while (sink.keys.length < lineCount) {
      maxListenerPending = Math.max(maxListenerPending, listener.pendingPoints);
      if (sink.writeCalls === lastCalls) sink.releaseAll();
      lastCalls = sink.writeCalls;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    sink.releaseAll();
    await closed(socket);

    expect(sink.maxHeldPoints).toBeGreaterThan(maxPendingPoints);
    expect(sink.maxHeldPoints).toBeLessThanOrEqual(bound);
    expect(maxListenerPending).toBeLessThanOrEqual(bound);
    expect(sink.values).toEqual(Array.from({ length: lineCount }, (_, i) => i));
    await eventually(() => listener.pendingPoints === 0, 'pending points to drain');
  });

  it('closes the connection whose points the sink rejects', async () => {
    const sink: PointSink = { seriesId: () => 0, write: () => Promise.reject(new Error('store closed')), reject: () => {} };
    const listener = await start(sink);
    const socket = await connectTo(listener.address().port);
    socket.on('error', () => {});
    socket.write('a 1 1\n');
    await closed(socket);
    await eventually(() => listener.connectionCount === 0, 'the connection to close');
  });

  it('stops gracefully: asks senders to finish, writes what they sent, then refuses new connections', async () => {
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink);
    const port = listener.address().port;
    const socket = await connectTo(port);
    socket.write('a 1 1\nb 2');
    await eventually(() => sink.keys.length === 1, 'the first line');
    const stopping = listener.stop();
    // The sender is told to finish; its unterminated line is written once it closes its side.
    await stopping;
    expect(listener.stop()).toBe(stopping);
    expect(sink.keys).toEqual(['a', 'b']);
    expect(listener.connectionCount).toBe(0);
    await expect(connectTo(port)).rejects.toThrow();
  });

  it('cuts a sender that does not close within the grace period, and waits for unsettled writes', async () => {
    const sink = new RecordingPointSink('hold');
    const listener = await start(sink, { stopGraceMs: 100 });
    const socket = await connectTo(listener.address().port, { allowHalfOpen: true });
    socket.on('error', () => {});
    socket.write('a 1 1\npartial');
    await eventually(() => sink.keys.length === 1, 'the first line');
    let stopped = false;
    const stopping = listener.stop().then(() => (stopped = true));
    // The sender got our FIN but keeps its side open; the listener cuts it after the grace period.
    await eventually(() => listener.connectionCount === 0, 'the connection to be cut');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    sink.releaseAll();
    await stopping;
    expect(sink.keys).toEqual(['a']);
    socket.destroy();
  });

  it('refuses to start again after stop, and stop without start is a no-op', async () => {
    const listener = new GraphiteTcpListener({ host: '127.0.0.1', port: 0, maxLineBytes: 100, maxPendingPoints: 10, keyCacheEntries: 16 }, new RecordingPointSink('sync'));
    await listener.stop();
    await expect(listener.start()).rejects.toThrow('cannot start graphite tcp listener: it was stopped');
    expect(() => listener.address()).toThrow('cannot get graphite tcp listener address: the listener is not listening');
  });
});
