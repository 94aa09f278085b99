import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { Lifecycle } from '../../util/index.js';
import { OnceLifecycle } from '../../util/index.js';
import type { PointSink } from '../sink.js';
import { SeriesKeyCache } from './key-cache.js';
import { TcpConnection } from './tcp-connection.js';

/** How long stop() lets a sender finish after being asked to, unless options say otherwise. */
const DEFAULT_STOP_GRACE_MS = 2_000;

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

/** Graphite plaintext over TCP: one parser per connection, points handed to the sink chunk by chunk. */
export class GraphiteTcpListener implements Lifecycle {
  private server: Server | null = null;
  private readonly lifecycle = new OnceLifecycle('graphite tcp listener', () => this.listen(), () => this.close());
  private readonly connections = new Set<TcpConnection>();
  private openSockets = 0;

  private readonly keyCache: SeriesKeyCache;

  constructor(
    private readonly options: GraphiteTcpListenerOptions,
    private readonly sink: PointSink,
  ) {
    this.keyCache = new SeriesKeyCache(options.keyCacheEntries);
  }

  /** Open sender connections. */
  get connectionCount(): number {
    return this.openSockets;
  }

  /** Points handed to the sink whose write has not settled, over all connections. */
  get pendingPoints(): number {
    let pending = 0;
    for (const connection of this.connections) pending += connection.pendingPoints;
    return pending;
  }

  /** The bound address; its port is the real one when options.port was 0. */
  address(): AddressInfo {
    const address = this.server?.address();
    if (address === undefined || address === null || typeof address === 'string') {
      throw new Error('cannot get graphite tcp listener address: the listener is not listening');
    }
    return address;
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  /** Stops accepting, asks every sender to finish, and resolves once all they sent is parsed and written. */
  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  private async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new Error(`cannot listen for graphite tcp on ${this.options.host}:${this.options.port}: ${(err as Error).message}`);
    });
    server.on('error', (err) => this.options.onError?.(err));
    this.server = server;
  }

  private accept(socket: Socket): void {
    if (this.lifecycle.stopRequested) {
      socket.destroy();
      return;
    }
    this.openSockets++;
    const connection = new TcpConnection(
      socket,
      { maxLineBytes: this.options.maxLineBytes, maxPendingPoints: this.options.maxPendingPoints, nowMs: this.options.nowMs ?? Date.now, keyCache: this.keyCache },
      this.sink,
      () => this.openSockets--,
    );
    this.connections.add(connection);
    void connection.finished().then(() => this.connections.delete(connection));
  }

  private async close(): Promise<void> {
    if (!(await this.lifecycle.waitForStart())) return;
    const server = this.server!;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const graceMs = this.options.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    const connections = [...this.connections];
    for (const connection of connections) connection.shutdown(graceMs);
    await Promise.all(connections.map((connection) => connection.finished()));
    await closed;
  }
}
