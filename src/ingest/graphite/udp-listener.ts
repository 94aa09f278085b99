import type { PointBatchBuilder, Rejection } from '../../model/index.js';
import { DatagramListener } from '../net/datagram-listener.js';
import type { PointSink } from '../sink.js';
import { pointsBuilderFor } from './chunk-builder.js';
import { SeriesIdCache } from '../series-id-cache.js';
import { GraphiteLineParser } from './parse.js';

export const GRAPHITE_UDP_SOURCE = 'graphite_udp';

export interface GraphiteUdpListenerOptions {
  readonly host: string;
  /** 0 picks a free port; address() tells which. */
  readonly port: number;
  /** Lines longer than this are rejected as `line_too_long`. */
  readonly maxLineBytes: number;
  /**
   * Points the sink has not settled yet beyond which whole datagrams are dropped (UDP senders cannot
   * be slowed), each counted as one `overload` rejection at line 0.
   */
  readonly maxPendingPoints: number;
  /** Series paths remembered by this listener's parser. */
  readonly keyCacheEntries: number;
  /** Time given to points without a timestamp; Date.now by default. */
  readonly nowMs?: () => number;
}

/**
 * Graphite plaintext over UDP: each datagram holds whole lines and is parsed on its own. stop() stops
 * receiving and resolves once every write handed to the sink has settled.
 */
export class GraphiteUdpListener extends DatagramListener {
  private readonly parser: GraphiteLineParser;
  private readonly maxPendingPoints: number;

  constructor(
    options: GraphiteUdpListenerOptions,
    private readonly sink: PointSink,
  ) {
    super({ protocol: 'graphite udp', host: options.host, port: options.port });
    this.parser = new GraphiteLineParser({
      maxLineBytes: options.maxLineBytes,
      nowMs: options.nowMs ?? Date.now,
      seriesIds: sink,
      idCache: new SeriesIdCache(options.keyCacheEntries),
    });
    this.maxPendingPoints = options.maxPendingPoints;
  }

  /** Points handed to the sink whose write has not settled. */
  get pendingPoints(): number {
    return this.pending.value;
  }

  protected override receive(datagram: Buffer): void {
    const pending = this.pending.value;
    if (pending > this.maxPendingPoints) {
      this.sink.reject(
        [{ line: 0, reason: 'overload', message: `datagram of ${datagram.length} bytes dropped: ${pending} points are waiting to be written (limit ${this.maxPendingPoints})` }],
        GRAPHITE_UDP_SOURCE,
      );
      return;
    }
    const out = pointsBuilderFor(datagram.length);
    const rejections: Rejection[] = [];
    try {
      this.parser.push(datagram, out, rejections);
      this.parser.end(out, rejections);
      if (rejections.length > 0) this.sink.reject(rejections, GRAPHITE_UDP_SOURCE);
      if (out.length > 0) this.write(out);
    } catch {
      // The sink could not name the series (the store is stopping) or take the points; a UDP sender cannot be told.
    }
  }

  private write(out: PointBatchBuilder): void {
    const count = out.length;
    const written = this.sink.write(out.finish(), GRAPHITE_UDP_SOURCE);
    if (written === undefined) return;
    this.pending.add(count);
    const settle = (): void => this.pending.settle(count);
    written.then(settle, settle);
  }
}
