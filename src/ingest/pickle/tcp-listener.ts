import { SeriesKeyCache } from '../graphite/key-cache.js';
import type { SenderConnection } from '../net/sender-connection.js';
import { StreamListener } from '../net/stream-listener.js';
import type { PointSink } from '../sink.js';
import type { PickleFrameCounts } from './framing.js';
import { GraphitePickleReader } from './tcp-connection.js';
import { PickleFrameDecoder } from './unpickle.js';

export interface GraphitePickleListenerOptions {
  readonly host: string;
  /** 0 picks a free port; address() tells which. */
  readonly port: number;
  /** A frame announcing more bytes than this is rejected as `line_too_long` and its connection closed. */
  readonly maxFrameBytes: number;
  /** Points of one connection the sink has not settled yet beyond which its socket is paused. */
  readonly maxPendingPoints: number;
  /** Series paths remembered across this listener's connections. */
  readonly keyCacheEntries: number;
  /** How long stop() waits for each sender to close its side before cutting the connection. */
  readonly stopGraceMs?: number;
  /** Errors of the listening socket after start (an accept failing for lack of file descriptors). */
  readonly onError?: (error: Error) => void;
}

/**
 * Graphite's pickle protocol over TCP, as carbon relays and carbon's own client send it: length-prefixed
 * frames, each a pickled list of `(path, (timestamp, value))`, decoded by a safe unpickler that never
 * executes or constructs anything. Points go to the sink chunk by chunk, with the same back-pressure as
 * Graphite plaintext over TCP. stop() stops accepting, asks every sender to finish, and resolves once
 * all they sent is decoded and written.
 */
export class GraphitePickleListener extends StreamListener {
  private readonly decoder: PickleFrameDecoder;
  private readonly counts: PickleFrameCounts = { decoded: 0, rejected: 0 };
  private readonly maxFrameBytes: number;

  constructor(
    options: GraphitePickleListenerOptions,
    private readonly sink: PointSink,
  ) {
    super({ protocol: 'graphite pickle', host: options.host, port: options.port, maxPendingPerConnection: options.maxPendingPoints, stopGraceMs: options.stopGraceMs, onError: options.onError });
    if (!Number.isInteger(options.maxFrameBytes) || options.maxFrameBytes <= 0) {
      throw new Error(`cannot create graphite pickle listener: maxFrameBytes must be a positive integer, got ${options.maxFrameBytes}`);
    }
    this.maxFrameBytes = options.maxFrameBytes;
    this.decoder = new PickleFrameDecoder(new SeriesKeyCache(options.keyCacheEntries));
  }

  /** Points handed to the sink whose write has not settled, over all connections. */
  get pendingPoints(): number {
    return this.pendingItems;
  }

  /** Connections whose reading is paused until the sink catches up. */
  get pausedConnectionCount(): number {
    return this.pausedConnections;
  }

  /** Frames unpickled since start, over all connections. */
  get framesDecoded(): number {
    return this.counts.decoded;
  }

  /** Frames rejected whole since start: not unpickleable, over the size limit, or cut short. */
  get framesRejected(): number {
    return this.counts.rejected;
  }

  protected override openReader(connection: SenderConnection): GraphitePickleReader {
    return new GraphitePickleReader(connection, this.maxFrameBytes, this.decoder, this.counts, this.sink);
  }
}
