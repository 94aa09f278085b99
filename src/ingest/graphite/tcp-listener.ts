import type { SenderConnection } from '../net/sender-connection.js';
import { StreamListener } from '../net/stream-listener.js';
import type { PointSink } from '../sink.js';
import { SeriesIdCache } from '../series-id-cache.js';
import type { GraphiteParserOptions } from './parse.js';
import { GraphiteTcpReader } from './tcp-connection.js';

export interface GraphiteTcpListenerOptions {
  readonly host: string;
  /** 0 picks a free port; address() tells which. */
  readonly port: number;
  /** Lines longer than this are rejected as `line_too_long`. */
  readonly maxLineBytes: number;
  /** Points of one connection the sink has not settled yet beyond which its socket is paused. */
  readonly maxPendingPoints: number;
  /** Series paths remembered across this listener's connections. */
  readonly keyCacheEntries: number;
  /** Time given to points without a timestamp; Date.now by default. */
  readonly nowMs?: () => number;
  /** How long stop() waits for each sender to close its side before cutting the connection. */
  readonly stopGraceMs?: number;
  /** Errors of the listening socket after start (an accept failing for lack of file descriptors). */
  readonly onError?: (error: Error) => void;
}

/**
 * Graphite plaintext over TCP: one parser per connection, points handed to the sink chunk by chunk.
 * stop() stops accepting, asks every sender to finish, and resolves once all they sent is parsed and written.
 */
export class GraphiteTcpListener extends StreamListener {
  private readonly parserOptions: GraphiteParserOptions;

  constructor(
    options: GraphiteTcpListenerOptions,
    private readonly sink: PointSink,
  ) {
    super({ protocol: 'graphite tcp', host: options.host, port: options.port, maxPendingPerConnection: options.maxPendingPoints, stopGraceMs: options.stopGraceMs, onError: options.onError });
    this.parserOptions = { maxLineBytes: options.maxLineBytes, nowMs: options.nowMs ?? Date.now, seriesIds: sink, idCache: new SeriesIdCache(options.keyCacheEntries) };
  }

  /** Points handed to the sink whose write has not settled, over all connections. */
  get pendingPoints(): number {
    return this.pendingItems;
  }

  protected override openReader(connection: SenderConnection): GraphiteTcpReader {
    return new GraphiteTcpReader(connection, this.parserOptions, this.sink);
  }
}
