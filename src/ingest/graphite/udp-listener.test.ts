import { createSocket, type Socket } from 'node:dgram';
import { afterEach, describe, expect, it } from 'vitest';
import { sendDatagram } from '../net/test-support.js';
import type { PointSink } from '../sink.js';
import { eventually } from '../test-support.js';
import { RecordingPointSink } from './test-support.js';
import { GraphiteUdpListener } from './udp-listener.js';

const NOW_MS = 9_000;

describe('GraphiteUdpListener', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const setUp = async (sink: PointSink, maxPendingPoints?: number): Promise<{ listener: GraphiteUdpListener; client: Socket }> => {
    const listener = new GraphiteUdpListener({ host: '127.0.0.1', port: 0, maxLineBytes: 512, keyCacheEntries: 1024, nowMs: () => NOW_MS, maxPendingPoints: maxPendingPoints ?? 100_000 }, sink);
    await listener.start();
    const client = createSocket('udp4');
    cleanups.push(async () => {
      client.close();
      await listener.stop();
    });
    return { listener, client };
  };

  it('parses each datagram as whole lines, numbering lines per datagram', async () => {
    const sink = new RecordingPointSink('sync');
    const { listener, client } = await setUp(sink);
    const port = listener.address().port;
    await sendDatagram(client, port, 'a.b 1 10\nbad line here now\nc;y=1;x=2 3');
    await eventually(() => sink.keys.length === 2 && sink.rejections.length === 1, 'the first datagram');
    await sendDatagram(client, port, 'junk\r\nd 4 -1\r\n');
    await eventually(() => sink.keys.length === 3 && sink.rejections.length === 2, 'the second datagram');

    expect(sink.keys).toEqual(['a.b', 'c;x=2;y=1', 'd']);
    expect(sink.timestampsMs).toEqual([10_000, NOW_MS, NOW_MS]);
    expect(sink.rejections.map((r) => [r.line, r.reason])).toEqual([
      [2, 'malformed_line'],
      [1, 'malformed_line'],
    ]);
    expect([...sink.sources]).toEqual(['graphite_udp']);
  });

  it('drops whole datagrams as overload while too many points are unsettled, and stop waits for them', async () => {
    const sink = new RecordingPointSink('hold');
    const { listener, client } = await setUp(sink, 2);
    const port = listener.address().port;
    await sendDatagram(client, port, 'a 1 1\nb 2 2\nc 3 3\n');
    await eventually(() => listener.pendingPoints === 3, 'the first datagram');
    await sendDatagram(client, port, 'd 4 4\n');
    await eventually(() => sink.rejections.length === 1, 'the overload rejection');
    expect(sink.rejections[0]).toMatchObject({ line: 0, reason: 'overload' });
    expect(sink.rejections[0]!.message).toBe('datagram of 6 bytes dropped: 3 points are waiting to be written (limit 2)');

    sink.releaseAll();
    await eventually(() => listener.pendingPoints === 0, 'the writes to settle');
    await sendDatagram(client, port, 'e 5 5\n');
    await eventually(() => sink.keys.length === 4, 'the next datagram');
    expect(sink.keys).toEqual(['a', 'b', 'c', 'e']);

    let stopped = false;
    const stopping = listener.stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(stopped).toBe(false);
    sink.releaseAll();
    await stopping;
  });
});
