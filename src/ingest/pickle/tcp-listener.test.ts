import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { RecordingPointSink } from '../graphite/test-support.js';
import { closed, connectTo, stoppedAfterEach } from '../net/test-support.js';
import type { PointSink } from '../sink.js';
import { eventually } from '../test-support.js';
import { GraphitePickleListener } from './tcp-listener.js';
import { framed, pickledByPython } from './test-support.js';

const runFile = promisify(execFile);

/**
 * A sender written the way carbon's client and relay send (CarbonPickleClientProtocol): datapoints
 * `(metric, (timestamp, value))` taken from the queue up to MAX_DATAPOINTS_PER_MESSAGE at a time, each
 * batch `pickle.dumps(batch, protocol=2)` sent as an Int32StringReceiver string (`!L` length prefix).
 * Like carbon-client.py it reads `metric value timestamp` lines from stdin. It closes its side when done
 * and waits for the listener to close, so that every frame has been read when it exits.
 */
const CARBON_STYLE_SENDER = `
import pickle, socket, struct, sys
MAX_DATAPOINTS_PER_MESSAGE = 500
queue = []
for line in sys.stdin:
    metric, value, timestamp = line.split()
    queue.append((metric, (float(timestamp), float(value))))
sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
while queue:
    batch, queue = queue[:MAX_DATAPOINTS_PER_MESSAGE], queue[MAX_DATAPOINTS_PER_MESSAGE:]
    payload = pickle.dumps(batch, protocol=2)
    sock.sendall(struct.pack('!L', len(payload)) + payload)
sock.shutdown(socket.SHUT_WR)
while sock.recv(4096):
    pass
sock.close()
`;

/** Sends the given frames, hex-encoded on stdin, over one connection with Python's socket module. */
const RAW_FRAME_SENDER = `
import socket, sys
sock = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
for line in sys.stdin:
    sock.sendall(bytes.fromhex(line.strip()))
sock.shutdown(socket.SHUT_WR)
try:
    while sock.recv(4096):
        pass
except ConnectionResetError:
    pass
sock.close()
`;

function python(script: string, port: number, input: string): Promise<{ stdout: string }> {
  const child = runFile('python3', ['-c', script, String(port)], { timeout: 60_000 });
  child.child.stdin!.end(input);
  return child;
}

describe('GraphitePickleListener', () => {
  const started = stoppedAfterEach<GraphitePickleListener>();
  const markerDir = mkdtempSync(join(tmpdir(), 'vigil-pickle-listener-'));
  const start = (sink: PointSink, options: Partial<{ maxPendingPoints: number; maxFrameBytes: number; stopGraceMs: number }> = {}): Promise<GraphitePickleListener> => {
    const listener = new GraphitePickleListener(
      { host: '127.0.0.1', port: 0, maxFrameBytes: options.maxFrameBytes ?? 1 << 20, keyCacheEntries: 1024, maxPendingPoints: options.maxPendingPoints ?? 100_000, stopGraceMs: options.stopGraceMs ?? 5_000 },
      sink,
    );
    return started(listener);
  };
  afterAll(() => rmSync(markerDir, { recursive: true, force: true }));

  it('takes what a carbon-style Python client sends: batches of 500 pickled with protocol 2', async () => {
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink);
    expect(listener.address().port).toBeGreaterThan(0);
    const lines = Array.from({ length: 1234 }, (_, i) => `relay.m${i % 5} ${i * 1.5} ${1700000000 + i}\n`).join('');
    await python(CARBON_STYLE_SENDER, listener.address().port, lines);

    expect(sink.keys).toEqual(Array.from({ length: 1234 }, (_, i) => `relay.m${i % 5}`));
    expect(sink.values).toEqual(Array.from({ length: 1234 }, (_, i) => i * 1.5));
    expect(sink.timestampsMs).toEqual(Array.from({ length: 1234 }, (_, i) => (1700000000 + i) * 1000));
    expect(sink.rejections).toEqual([]);
    expect([...sink.sources]).toEqual(['graphite_pickle']);
    expect(listener.framesDecoded).toBe(3);
    expect(listener.framesRejected).toBe(0);
  });

  it('refuses a frame that would run os.system without effect, and keeps the connection and the frames around it', async () => {
    const marker = join(markerDir, 'pwned');
    const prelude = `
import os
class Evil:
    def __reduce__(self):
        return (os.system, (${JSON.stringify(`touch ${marker}`)},))
`;
    const [good] = pickledByPython("[('before', (1700000000, 1)), ('after', (1700000001, 2))]", [2]);
    const evil = pickledByPython("[('x', (1, 2)), Evil()]", [0, 2, 4], prelude);
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink);
    const frames = [good!, ...evil, good!].map((payload) => framed(payload).toString('hex')).join('\n');
    await python(RAW_FRAME_SENDER, listener.address().port, `${frames}\n`);

    expect(sink.keys).toEqual(['before', 'after', 'before', 'after']);
    expect(sink.rejections.map((r) => [r.line, r.reason])).toEqual([
      [2, 'malformed_line'],
      [3, 'malformed_line'],
      [4, 'malformed_line'],
    ]);
    expect(sink.rejections.map((r) => r.message.replace(/ at offset \d+.*/, ''))).toEqual([
      'cannot unpickle frame 2: opcode GLOBAL (0x63)',
      'cannot unpickle frame 3: opcode GLOBAL (0x63)',
      'cannot unpickle frame 4: opcode STACK_GLOBAL (0x93)',
    ]);
    expect([listener.framesDecoded, listener.framesRejected]).toEqual([2, 3]);
    expect(existsSync(marker)).toBe(false);
  });

  it('closes a connection whose frame is over the limit, keeping the frames before it', async () => {
    const [small] = pickledByPython("[('small', (1700000000, 1))]", [2]);
    const [large] = pickledByPython("[('large.%d' % i, (1700000000, i)) for i in range(100)]", [2]);
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink, { maxFrameBytes: small!.length + 10 });
    const socket = await connectTo(listener.address().port);
    socket.on('error', () => {});
    socket.write(framed(small!));
    socket.write(framed(large!));
    await closed(socket);
    await eventually(() => listener.connectionCount === 0, 'the connection to close');
    expect(sink.keys).toEqual(['small']);
    expect(sink.rejections).toEqual([
      { line: 2, reason: 'line_too_long', message: `cannot read frame 2: its length of ${large!.length} bytes is over the limit of ${small!.length + 10}; the connection is closed` },
    ]);
    expect(listener.framesRejected).toBe(1);
  });

  it('pauses a fast sender while the sink is slow, so pending points stay bounded, and loses nothing', async () => {
    const maxPendingPoints = 500;
    const frameCount = 150;
    const [payload] = pickledByPython("[('load.m%d' % (i % 10), (1700000000, i)) for i in range(100)]", [2]);
    const frame = framed(payload!);
    const sink = new RecordingPointSink('hold');
    const listener = await start(sink, { maxPendingPoints });
    // A read from the socket is at most 64 KiB: one chunk can overshoot the bound by the frames it completes.
    const bound = maxPendingPoints + (Math.ceil(65_536 / frame.length) + 1) * 100;

    const socket = await connectTo(listener.address().port);
    socket.end(Buffer.concat(Array.from({ length: frameCount }, () => frame)));
    let maxListenerPending = 0;
    let sawPaused = false;
    let lastCalls = -1;
    while (sink.keys.length < frameCount * 100) {
      maxListenerPending = Math.max(maxListenerPending, listener.pendingPoints);
      sawPaused ||= listener.pausedConnectionCount === 1;
      // Settle held writes only once the listener has gone quiet, as a stalled store would.
      if (sink.writeCalls === lastCalls) sink.releaseAll();
      lastCalls = sink.writeCalls;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    sink.releaseAll();
    await closed(socket);

    expect(sawPaused).toBe(true);
    expect(sink.maxHeldPoints).toBeGreaterThan(maxPendingPoints);
    expect(sink.maxHeldPoints).toBeLessThanOrEqual(bound);
    expect(maxListenerPending).toBeLessThanOrEqual(bound);
    expect(sink.values).toEqual(Array.from({ length: frameCount * 100 }, (_, i) => i % 100));
    await eventually(() => listener.pendingPoints === 0, 'pending points to drain');
  });

  it('closes the connection whose points the sink cannot take', async () => {
    const sink: PointSink = { seriesId: () => 0, write: () => Promise.reject(new Error('store closed')), reject: () => {} };
    const listener = await start(sink);
    const [payload] = pickledByPython("[('a', (1700000000, 1))]", [2]);
    const socket = await connectTo(listener.address().port);
    socket.on('error', () => {});
    socket.write(framed(payload!));
    await closed(socket);
    await eventually(() => listener.connectionCount === 0, 'the connection to close');
  });

  it('stops gracefully: the sender finishes, a frame it left unfinished is rejected, new connections are refused', async () => {
    const [payload] = pickledByPython("[('a', (1700000000, 1))]", [2]);
    const frame = framed(payload!);
    const sink = new RecordingPointSink('sync');
    const listener = await start(sink);
    const port = listener.address().port;
    const socket = await connectTo(port);
    socket.write(Buffer.concat([frame, frame.subarray(0, 6)]));
    await eventually(() => sink.keys.length === 1, 'the first frame');
    const stopping = listener.stop();
    await stopping;
    expect(listener.stop()).toBe(stopping);
    expect(sink.keys).toEqual(['a']);
    expect(sink.rejections).toEqual([{ line: 2, reason: 'malformed_line', message: `cannot read frame 2: the connection closed after 2 of its ${payload!.length} bytes` }]);
    expect(listener.connectionCount).toBe(0);
    await expect(connectTo(port)).rejects.toThrow();
  });

  it('refuses to start again after stop, and checks its options', async () => {
    const listener = new GraphitePickleListener({ host: '127.0.0.1', port: 0, maxFrameBytes: 100, maxPendingPoints: 10, keyCacheEntries: 16 }, new RecordingPointSink('sync'));
    await listener.stop();
    await expect(listener.start()).rejects.toThrow('cannot start graphite pickle listener: it was stopped');
    expect(() => listener.address()).toThrow('cannot get graphite pickle listener address: the listener is not listening');
    expect(() => new GraphitePickleListener({ host: '127.0.0.1', port: 0, maxFrameBytes: 0, maxPendingPoints: 10, keyCacheEntries: 16 }, new RecordingPointSink('sync'))).toThrow(
      'cannot create graphite pickle listener: maxFrameBytes must be a positive integer, got 0',
    );
  });
});
