import type { Socket } from 'node:net';
import type { KeyedPointsBuilder, Rejection } from '../../model/index.js';
import type { PointSink } from '../sink.js';
import { pointsBuilderFor } from './chunk-builder.js';
import type { SeriesKeyCache } from './key-cache.js';
import { GraphiteLineParser } from './parse.js';

export const GRAPHITE_TCP_SOURCE = 'graphite_tcp';

export interface TcpConnectionOptions {
  readonly maxLineBytes: number;
  readonly maxPendingPoints: number;
  readonly nowMs: () => number;
  readonly keyCache: SeriesKeyCache;
}

/**
 * One Graphite sender: its own parser (a line may straddle chunks), and a count of points handed to
 * the sink whose write has not settled. Beyond maxPendingPoints the socket is paused, so the kernel's
 * receive window, not our memory, absorbs a sender faster than the sink.
 */
export class TcpConnection {
  /** Points written to the sink whose promise has not settled yet. */
  pendingPoints = 0;
  private readonly parser: GraphiteLineParser;
  private paused = false;
  private closed = false;
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly whenFinished: Promise<void>;
  private resolveFinished: () => void = () => {};

  constructor(
    private readonly socket: Socket,
    private readonly options: TcpConnectionOptions,
    private readonly sink: PointSink,
    onClose: () => void,
  ) {
    this.parser = new GraphiteLineParser({ maxLineBytes: options.maxLineBytes, nowMs: options.nowMs, keyCache: options.keyCache });
    this.whenFinished = new Promise((resolve) => (this.resolveFinished = resolve));
    socket.setKeepAlive(true);
    socket.on('data', (chunk: Buffer) => this.parse(chunk));
    socket.on('end', () => this.parse(null));
    // A reset or timeout ends the connection; 'close' follows and does the bookkeeping.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      if (this.graceTimer !== null) clearTimeout(this.graceTimer);
      onClose();
      this.checkFinished();
    });
  }

  /**
   * Asks the sender to finish: our side of the connection is closed, and what it still sends until it
   * closes its side (at most graceMs) is parsed and written; then the connection is cut.
   */
  shutdown(graceMs: number): void {
    if (this.closed || this.graceTimer !== null) return;
    this.socket.end();
    this.graceTimer = setTimeout(() => this.socket.destroy(), graceMs);
  }

  /** Resolves once the socket is closed and every write to the sink has settled. */
  finished(): Promise<void> {
    return this.whenFinished;
  }

  /** Parses a chunk, or with null the unterminated last line of a sender that has closed its side. */
  private parse(chunk: Buffer | null): void {
    const out = pointsBuilderFor(chunk === null ? 0 : chunk.length);
    const rejections: Rejection[] = [];
    if (chunk === null) this.parser.end(out, rejections);
    else this.parser.push(chunk, out, rejections);
    try {
      if (rejections.length > 0) this.sink.reject(rejections, GRAPHITE_TCP_SOURCE);
      if (out.length > 0) this.write(out);
    } catch {
      // The sink could not take the points and has counted that; the sender cannot be told otherwise.
      this.socket.destroy();
    }
  }

  private write(out: KeyedPointsBuilder): void {
    const count = out.length;
    const written = this.sink.write(out.finish(), GRAPHITE_TCP_SOURCE);
    if (written === undefined) return;
    this.pendingPoints += count;
    if (this.pendingPoints > this.options.maxPendingPoints && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    written.then(
      () => this.settle(count),
      () => {
        this.settle(count);
        this.socket.destroy();
      },
    );
  }

  private settle(count: number): void {
    this.pendingPoints -= count;
    if (this.paused && this.pendingPoints <= this.options.maxPendingPoints) {
      this.paused = false;
      this.socket.resume();
    }
    this.checkFinished();
  }

  private checkFinished(): void {
    if (this.closed && this.pendingPoints === 0) this.resolveFinished();
  }
}
