import type { Socket } from 'node:dgram';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import type { KeyedPointsBuilder, Rejection } from '../../model/index.js';
import type { Lifecycle } from '../../util/index.js';
import { ChangeSignal, OnceLifecycle } from '../../util/index.js';
import type { PointSink } from '../sink.js';
import { pointsBuilderFor } from './chunk-builder.js';
import { SeriesKeyCache } from './key-cache.js';
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

/** Graphite plaintext over UDP: each datagram holds whole lines and is parsed on its own. */
export class GraphiteUdpListener implements Lifecycle {
  private socket: Socket | null = null;
  private readonly lifecycle = new OnceLifecycle('graphite udp listener', () => this.bind(), () => this.close());
  private readonly parser: GraphiteLineParser;
  private readonly maxPendingPoints: number;
  private pending = 0;
  /** Notified when the last unsettled write settles. */
  private readonly idle = new ChangeSignal();

  constructor(
    private readonly options: GraphiteUdpListenerOptions,
    private readonly sink: PointSink,
  ) {
    this.parser = new GraphiteLineParser({
      maxLineBytes: options.maxLineBytes,
      nowMs: options.nowMs ?? Date.now,
      keyCache: new SeriesKeyCache(options.keyCacheEntries),
    });
    this.maxPendingPoints = options.maxPendingPoints;
  }

  /** Points handed to the sink whose write has not settled. */
  get pendingPoints(): number {
    return this.pending;
  }

  /** The bound address; its port is the real one when options.port was 0. */
  address(): AddressInfo {
    if (this.socket === null) throw new Error('cannot get graphite udp listener address: the listener is not bound');
    return this.socket.address();
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  /** Stops receiving and resolves once every write handed to the sink has settled. */
  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  private async bind(): Promise<void> {
    const socket = createSocket(isIPv6(this.options.host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.port, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      socket.close();
      throw new Error(`cannot listen for graphite udp on ${this.options.host}:${this.options.port}: ${(err as Error).message}`);
    });
    // Receive errors concern one datagram, which is lost either way.
    socket.on('error', () => {});
    socket.on('message', (datagram: Buffer) => this.receive(datagram));
    this.socket = socket;
  }

  private receive(datagram: Buffer): void {
    if (this.pending > this.maxPendingPoints) {
      this.sink.reject(
        [{ line: 0, reason: 'overload', message: `datagram of ${datagram.length} bytes dropped: ${this.pending} points are waiting to be written (limit ${this.maxPendingPoints})` }],
        GRAPHITE_UDP_SOURCE,
      );
      return;
    }
    const out = pointsBuilderFor(datagram.length);
    const rejections: Rejection[] = [];
    this.parser.push(datagram, out, rejections);
    this.parser.end(out, rejections);
    try {
      if (rejections.length > 0) this.sink.reject(rejections, GRAPHITE_UDP_SOURCE);
      if (out.length > 0) this.write(out);
    } catch {
      // The sink could not take the points and has counted that; a UDP sender cannot be told.
    }
  }

  private write(out: KeyedPointsBuilder): void {
    const count = out.length;
    const written = this.sink.write(out.finish(), GRAPHITE_UDP_SOURCE);
    if (written === undefined) return;
    this.pending += count;
    const settle = (): void => {
      this.pending -= count;
      if (this.pending === 0) this.idle.notify();
    };
    written.then(settle, settle);
  }

  private async close(): Promise<void> {
    if (!(await this.lifecycle.waitForStart())) return;
    const socket = this.socket!;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    if (this.pending > 0) await this.idle.wait();
  }
}
