import { describe, expect, it } from 'vitest';
import { closed, connectTo, stoppedAfterEach } from '../net/test-support.js';
import { CollectingLogSink, eventually } from '../test-support.js';
import { SyslogTcpListener, type SyslogTcpListenerOptions } from './tcp-listener.js';

const NOW_MS = Date.UTC(2024, 5, 15, 12, 30, 0);

function octetFrame(message: string): string {
  return `${Buffer.byteLength(message)} ${message}`;
}

describe('SyslogTcpListener', () => {
  const sinks: CollectingLogSink[] = [];
  // A failed test may leave writes held; stop() would wait for them.
  const started = stoppedAfterEach<SyslogTcpListener>(() => {
    for (const sink of sinks.splice(0)) sink.stopHolding();
  });
  const start = (sink: CollectingLogSink, options: Partial<SyslogTcpListenerOptions> = {}): Promise<SyslogTcpListener> => {
    sinks.push(sink);
    return started(new SyslogTcpListener({ host: '127.0.0.1', tcpPort: 0, maxMessageBytes: 256, maxPendingRecords: 10_000, nowMs: () => NOW_MS, stopGraceMs: 10_000, ...options }, sink));
  };

  it('reads octet-counted frames and lines mixed in one connection, cut at awkward places, rejecting bad ones and keeping the rest', async () => {
    const sink = new CollectingLogSink();
    const listener = await start(sink);
    const overLong = `<13>1 - h a - - - ${'x'.repeat(300)}`;
    const parts = [
      octetFrame("<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - 'su root' failed"),
      '<30>Jun 15 10:00:01 web01 systemd[1]: Started.\n',
      octetFrame('<165>1 - - evntslog - - [x@1 a="ü"] événement\nzweite Zeile'),
      octetFrame('<999>1 - - - - - - x'),
      '<13>1 2024-99-01T00:00:00Z h a p m - x\r\n',
      'plain text without priority\r\n',
      octetFrame(overLong),
      octetFrame('<11>1 2024-06-15T12:00:00Z app-host myapp 123 ID1 - hello five'),
      '<28>Jun 15 12:00:01 web01 sshd[42]: last line, no newline',
    ];
    const stream = Buffer.from(parts.join(''));
    const offsets = parts.map((_, i) => Buffer.byteLength(parts.slice(0, i).join('')));
    const within = (part: number, needle: string, after = 0): number => offsets[part]! + Buffer.from(parts[part]!).indexOf(needle) + after;
    const cuts = [
      within(2, ' ') - 1, // inside a frame length
      within(2, ' '), // between the length and its space
      within(2, 'ü') + 1, // inside a two-byte character
      within(3, '99'), // inside a bad PRI
      within(4, '\r\n', 1), // between CR and LF
      within(6, 'x') + 150, // inside the over-long frame
      within(7, ' ') + 1, // right after a frame length
      within(8, 'sshd'), // inside the last line
    ];

    const socket = await connectTo(listener.address().port);
    let sent = 0;
    for (const cut of [...cuts, stream.length]) {
      socket.write(stream.subarray(sent, cut));
      sent = cut;
      // Each piece is read before the next is sent, so each is one read of its own.
      await eventually(() => listener.bytesReceived === sent, `byte ${sent} to be read`);
      if (cut === cuts[0]) {
        // One write for the messages of one read.
        expect(sink.writeCalls).toBe(1);
        expect(sink.records).toHaveLength(2);
      }
    }
    const peer = `127.0.0.1:${socket.localPort}`;
    socket.end();
    await closed(socket);
    await eventually(() => listener.connectionCount === 0, 'the connection to close');

    expect(sink.messages()).toEqual(["'su root' failed", 'Started.', 'événement\nzweite Zeile', 'plain text without priority', 'hello five', 'last line, no newline']);
    expect(sink.records[0]).toMatchObject({ host: 'mymachine.example.com', appName: 'su', msgId: 'ID47', severity: 'critical', facility: 'auth', timestampMs: Date.UTC(2003, 9, 11, 22, 14, 15, 3) });
    expect(sink.records[1]).toMatchObject({ host: 'web01', appName: 'systemd', procId: '1', severity: 'info', facility: 'daemon' });
    // No HOSTNAME and no TIMESTAMP: the sender's address and the receive time.
    expect(sink.records[2]).toMatchObject({ host: '127.0.0.1', timestampMs: NOW_MS, appName: 'evntslog', severity: 'notice', facility: 'local4', fields: { 'x@1.a': 'ü' } });
    expect(sink.records[3]).toMatchObject({ host: '127.0.0.1', timestampMs: NOW_MS, severity: 'info', facility: 'user' });
    expect(sink.records[4]).toMatchObject({ host: 'app-host', appName: 'myapp', procId: '123', msgId: 'ID1', severity: 'error', facility: 'user' });
    expect(sink.records[5]).toMatchObject({ host: 'web01', appName: 'sshd', procId: '42', severity: 'warning', facility: 'daemon' });
    expect(sink.records.every((r) => r.source === 'syslog_tcp' && r.sourcetype === 'syslog')).toBe(true);

    expect(sink.rejections.map((r) => [r.line, r.reason])).toEqual([
      [4, 'malformed_line'],
      [5, 'bad_timestamp'],
      [7, 'line_too_long'],
    ]);
    expect(sink.rejections[0]!.message).toBe(`cannot parse syslog message 4 (byte ${offsets[3]}) from ${peer}: bad PRI "<999>": expected <0> to <191>`);
    expect(sink.rejections[1]!.message).toBe(`cannot parse syslog message 5 (byte ${offsets[4]}) from ${peer}: bad timestamp "2024-99-01T00:00:00Z": no such date`);
    expect(sink.rejections[2]!.message).toBe(`cannot parse syslog message 7 (byte ${offsets[6]}) from ${peer}: frame of ${Buffer.byteLength(overLong)} bytes is longer than 256 bytes`);
    expect(new Set(sink.sources)).toEqual(new Set(['syslog_tcp']));
  });

  it('keeps a separate parser per connection', async () => {
    const sink = new CollectingLogSink();
    const listener = await start(sink);
    const first = await connectTo(listener.address().port);
    const second = await connectTo(listener.address().port);
    await eventually(() => listener.connectionCount === 2, 'both connections');
    const frame = octetFrame('<13>1 - one a - - - first');
    first.write(frame.slice(0, 10));
    await eventually(() => listener.bytesReceived === 10, 'half a frame');
    second.write('<13>1 - two a - - - second\nbad <\n');
    await eventually(() => sink.records.length === 2, 'the second connection');
    first.end(frame.slice(10));
    second.end();
    await Promise.all([closed(first), closed(second)]);
    await eventually(() => sink.records.length === 3, 'every record');
    expect(sink.messages()).toEqual(['second', 'bad <', 'first']);
    expect(sink.records.map((r) => r.host)).toEqual(['two', '127.0.0.1', 'one']);
  });

  it('pauses a sender while the sink holds its writes, so pending records stay bounded, and loses nothing', async () => {
    const maxPendingRecords = 200;
    const count = 20_000;
    const sink = new CollectingLogSink('hold');
    const listener = await start(sink, { maxPendingRecords });
    const lines = Array.from({ length: count }, (_, i) => (i % 2 === 0 ? `<13>1 - h app - - - m${i}\n` : octetFrame(`<13>1 - h app - - - m${i}`)));
    const shortestBytes = Math.min(...lines.slice(0, 2).map((l) => Buffer.byteLength(l)));
    // One read is at most 64 KiB, so a read can overshoot the bound by that many messages.
    const bound = maxPendingRecords + Math.ceil(65_536 / shortestBytes);

    const socket = await connectTo(listener.address().port);
    socket.end(lines.join(''));
    let sawPaused = false;
    let maxPending = 0;
    let lastCalls = -1;
    while (sink.records.length < count) {
      maxPending = Math.max(maxPending, listener.pendingRecords);
      if (listener.pausedConnectionCount > 0) sawPaused = true;
      // Settle held writes only once the listener has gone quiet, as a stalled store would.
      if (sink.writeCalls === lastCalls) {
        if (listener.pausedConnectionCount > 0) {
          // Paused: nothing more is read however long the sink takes.
          const readBytes = listener.bytesReceived;
          await new Promise((resolve) => setTimeout(resolve, 20));
          expect(listener.bytesReceived).toBe(readBytes);
        }
        sink.release();
      }
      lastCalls = sink.writeCalls;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    sink.release();
    await closed(socket);

    expect(sawPaused).toBe(true);
    expect(sink.maxHeldRecords).toBeGreaterThan(maxPendingRecords);
    expect(sink.maxHeldRecords).toBeLessThanOrEqual(bound);
    expect(maxPending).toBeLessThanOrEqual(bound);
    expect(sink.messages()).toEqual(Array.from({ length: count }, (_, i) => `m${i}`));
    expect(sink.rejections).toEqual([]);
    await eventually(() => listener.pendingRecords === 0 && listener.pausedConnectionCount === 0, 'pending records to drain');
  });

  it('closes the connection whose records the sink cannot take, and counts them as lost', async () => {
    const sink = new CollectingLogSink('fail');
    const listener = await start(sink);
    const socket = await connectTo(listener.address().port);
    socket.on('error', () => {});
    socket.write('<13>1 - h a - - - one\n<13>1 - h a - - - two\n');
    await closed(socket);
    await eventually(() => listener.connectionCount === 0, 'the connection to close');
    expect(listener.recordsLost).toBe(2);
    expect(listener.pendingRecords).toBe(0);
  });

  it('stops gracefully: asks senders to finish, writes what they sent, then refuses new connections', async () => {
    const sink = new CollectingLogSink();
    const listener = await start(sink);
    const port = listener.address().port;
    const socket = await connectTo(port);
    socket.write('<13>1 - h a - - - one\n<13>1 - h a - - - tw');
    await eventually(() => sink.records.length === 1, 'the first message');
    const stopping = listener.stop();
    // The sender is told to finish; its unterminated line is written once it closes its side.
    await stopping;
    expect(listener.stop()).toBe(stopping);
    expect(sink.messages()).toEqual(['one', 'tw']);
    expect(listener.connectionCount).toBe(0);
    await expect(connectTo(port)).rejects.toThrow();
  });

  it('cuts a sender that does not close within the grace period, and waits for writes still held', async () => {
    const sink = new CollectingLogSink('hold');
    const listener = await start(sink, { stopGraceMs: 100 });
    const socket = await connectTo(listener.address().port, { allowHalfOpen: true });
    socket.on('error', () => {});
    socket.write('<13>1 - h a - - - one\npartial');
    await sink.whenHeld(1);
    let stopped = false;
    const stopping = listener.stop().then(() => (stopped = true));
    // The sender got our FIN but keeps its side open; the listener cuts it after the grace period.
    await eventually(() => listener.connectionCount === 0, 'the connection to be cut');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    sink.release();
    await stopping;
    expect(sink.messages()).toEqual(['one']);
    socket.destroy();
  });

  it('refuses to start again after stop, and stop without start is a no-op', async () => {
    const listener = new SyslogTcpListener({ host: '127.0.0.1', tcpPort: 0, maxMessageBytes: 100, maxPendingRecords: 10, nowMs: () => NOW_MS }, new CollectingLogSink());
    await listener.stop();
    await expect(listener.start()).rejects.toThrow('cannot start syslog tcp listener: it was stopped');
    expect(() => listener.address()).toThrow('cannot get syslog tcp listener address: the listener is not listening');
  });

  it('names the address it cannot listen on', async () => {
    const first = await start(new CollectingLogSink());
    const port = first.address().port;
    const second = new SyslogTcpListener({ host: '127.0.0.1', tcpPort: port, maxMessageBytes: 100, maxPendingRecords: 10, nowMs: () => NOW_MS }, new CollectingLogSink());
    await expect(second.start()).rejects.toThrow(`cannot listen for syslog tcp on 127.0.0.1:${port}: listen EADDRINUSE`);
  });
});
