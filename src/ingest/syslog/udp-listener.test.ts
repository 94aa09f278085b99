import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { sendDatagram } from '../net/test-support.js';
import { CollectingLogSink, eventually } from '../test-support.js';
import { SyslogUdpListener, type SyslogUdpListenerOptions } from './udp-listener.js';

const NOW_MS = Date.UTC(2024, 5, 15, 12, 30, 0);

describe('SyslogUdpListener', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const setUp = async (sink: CollectingLogSink, options: Partial<SyslogUdpListenerOptions> = {}): Promise<{ listener: SyslogUdpListener; client: Socket; port: number }> => {
    const listener = new SyslogUdpListener({ host: '127.0.0.1', udpPort: 0, maxMessageBytes: 256, maxPendingRecords: 10_000, nowMs: () => NOW_MS, ...options }, sink);
    await listener.start();
    const client = createSocket('udp4');
    cleanups.push(async () => {
      client.close();
      // A failed test may leave writes held; stop() would wait for them.
      sink.stopHolding();
      await listener.stop();
    });
    return { listener, client, port: listener.address().port };
  };

  it('parses RFC 5424 and RFC 3164 datagrams, one message each; the sender is the host of messages that name none', async () => {
    const sink = new CollectingLogSink();
    const { listener, client, port } = await setUp(sink);
    const datagrams = [
      '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event',
      "<34>Oct 11 22:14:15 mymachine su: 'su root' failed for lonvick",
      '<14>1 - - app - - - no host, no time\n',
      '<13>local: no timestamp either',
      'no priority at all\r\n',
      '<13>1 2024-99-01T00:00:00Z h a p m - x',
      `<13>1 - h a - - - ${'x'.repeat(300)}`,
      '',
      '<30>Jun 15 10:00:01 web01 systemd[1]: Started.',
    ];
    // One at a time, so that the order is kept and none is lost to a full receive buffer.
    for (const [i, datagram] of datagrams.entries()) {
      await sendDatagram(client, port, datagram);
      await eventually(() => listener.datagramsReceived === i + 1, `datagram ${i + 1}`);
    }
    await eventually(() => sink.records.length === 6 && sink.rejections.length === 2, 'every record and rejection');
    const peer = `127.0.0.1:${client.address().port}`;

    expect(sink.records[0]).toMatchObject({
      timestampMs: Date.UTC(2003, 9, 11, 22, 14, 15, 3),
      host: 'mymachine.example.com',
      appName: 'evntslog',
      msgId: 'ID47',
      severity: 'notice',
      facility: 'local4',
      message: 'An application event',
      fields: { 'exampleSDID@32473.iut': '3', 'exampleSDID@32473.eventSource': 'Application' },
    });
    expect(sink.records[1]).toMatchObject({ host: 'mymachine', appName: 'su', severity: 'critical', facility: 'auth', message: "'su root' failed for lonvick" });
    expect(sink.records[2]).toMatchObject({ host: '127.0.0.1', timestampMs: NOW_MS, appName: 'app', severity: 'info', facility: 'user', message: 'no host, no time' });
    expect(sink.records[3]).toMatchObject({ host: '127.0.0.1', timestampMs: NOW_MS, appName: 'local', severity: 'notice', message: 'no timestamp either' });
    expect(sink.records[4]).toMatchObject({ host: '127.0.0.1', severity: 'info', message: 'no priority at all' });
    expect(sink.records[5]).toMatchObject({ host: 'web01', appName: 'systemd', procId: '1', severity: 'info', facility: 'daemon', message: 'Started.' });
    expect(sink.records.every((r) => r.source === 'syslog_udp')).toBe(true);
    expect(sink.rejections).toEqual([
      { line: 1, reason: 'bad_timestamp', message: `cannot parse syslog datagram from ${peer}: bad timestamp "2024-99-01T00:00:00Z": no such date` },
      { line: 1, reason: 'line_too_long', message: `cannot parse syslog datagram from ${peer}: 318 bytes is longer than 256 bytes` },
    ]);
    expect(new Set(sink.sources)).toEqual(new Set(['syslog_udp']));
  });

  it('hands the datagrams of one event-loop turn to the sink in one write', async () => {
    const sink = new CollectingLogSink();
    const { client, port } = await setUp(sink);
    const count = 20;
    await Promise.all(Array.from({ length: count }, (_, i) => sendDatagram(client, port, `<13>1 - h a - - - m${i}`)));
    await eventually(() => sink.records.length === count, 'every datagram');
    expect(sink.writeCalls).toBeLessThanOrEqual(count / 2);
  });

  it('reads RFC 3164 timestamps in the configured zone', async () => {
    const sink = new CollectingLogSink();
    const { client, port } = await setUp(sink, { utcOffsetMinutes: 120 });
    await sendDatagram(client, port, '<13>Jun 15 10:00:01 h a: zoned');
    await eventually(() => sink.records.length === 1, 'the datagram');
    expect(sink.records[0]!.timestampMs).toBe(Date.UTC(2024, 5, 15, 8, 0, 1));
  });

  it('sheds whole datagrams, counted as overload, while too many records are not durable; stop waits for them', async () => {
    const sink = new CollectingLogSink('hold');
    const { listener, client, port } = await setUp(sink, { maxPendingRecords: 2 });
    for (const [i, name] of ['a', 'b'].entries()) {
      await sendDatagram(client, port, `<13>1 - h app - - - ${name}`);
      await sink.whenHeld(i + 1);
    }
    expect(listener.pendingRecords).toBe(2);
    await sendDatagram(client, port, '<13>1 - h app - - - c');
    await sendDatagram(client, port, '<13>1 - h app - - - dd');
    await eventually(() => sink.rejections.length === 2, 'the overload rejections');
    const peer = `127.0.0.1:${client.address().port}`;
    expect(sink.rejections).toEqual([
      { line: 0, reason: 'overload', message: `datagram of 21 bytes from ${peer} dropped: 2 records are waiting to be written (limit 2)` },
      { line: 0, reason: 'overload', message: `datagram of 22 bytes from ${peer} dropped: 2 records are waiting to be written (limit 2)` },
    ]);

    sink.release();
    expect(sink.messages()).toEqual(['a', 'b']);
    await eventually(() => listener.pendingRecords === 0, 'the writes to settle');
    await sendDatagram(client, port, '<13>1 - h app - - - e');
    await sink.whenHeld(1);

    let stopped = false;
    const stopping = listener.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    sink.release();
    await stopping;
    expect(sink.messages()).toEqual(['a', 'b', 'e']);
    expect(listener.pendingRecords).toBe(0);
  });

  it('counts records the sink cannot take as lost', async () => {
    const sink = new CollectingLogSink('fail');
    const { listener, client, port } = await setUp(sink);
    await sendDatagram(client, port, '<13>1 - h app - - - gone');
    await eventually(() => listener.recordsLost === 1, 'the failed write');
    expect(listener.pendingRecords).toBe(0);
  });

  it('refuses to start again after stop, and stop without start is a no-op', async () => {
    const listener = new SyslogUdpListener({ host: '127.0.0.1', udpPort: 0, maxMessageBytes: 100, maxPendingRecords: 10, nowMs: () => NOW_MS }, new CollectingLogSink());
    await listener.stop();
    await expect(listener.start()).rejects.toThrow('cannot start syslog udp listener: it was stopped');
    expect(() => listener.address()).toThrow('cannot get syslog udp listener address: the listener is not bound');
  });
});
