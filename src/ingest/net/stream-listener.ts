import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { Lifecycle } from '../../util/index.js';
import { OnceLifecycle } from '../../util/index.js';
import { listenOn, listeningAddress } from './listen.js';
import type { StreamReader } from './sender-connection.js';
import { SenderConnection } from './sender-connection.js';

/** How long stop() lets a sender finish after being asked to, unless options say otherwise. */
const DEFAULT_STOP_GRACE_MS = 2_000;

export interface StreamListenerOptions {
  /** Names the listener in errors: `graphite tcp` gives "cannot listen for graphite tcp on ...". */
  readonly protocol: string;
  readonly host: string;
  /** 0 picks a free port; address() tells which. */
  readonly port: number;
  /** Items of one connection the sink has not settled yet beyond which its socket is paused. */
  readonly maxPendingPerConnection: number;
  /** How long stop() waits for each sender to close its side before cutting the connection. */
  readonly stopGraceMs?: number;
  /** Errors of the listening socket after start (an accept failing for lack of file descriptors). */
  readonly onError?: (error: Error) => void;
}

/**
 * A TCP listener for streaming senders (Graphite, syslog): each accepted connection's reads go to a
 * reader of the protocol's. stop() stops accepting, asks every sender to finish, and resolves once all
 * they sent is read and every write of it has settled.
 */
export abstract class StreamListener implements Lifecycle {
  private server: Server | null = null;
  private readonly lifecycle: OnceLifecycle;
  /** Connections until they are finished: closed, and every write settled. */
  private readonly connections = new Set<SenderConnection>();
  private openSockets = 0;

  protected constructor(private readonly streamOptions: StreamListenerOptions) {
    this.lifecycle = new OnceLifecycle(`${streamOptions.protocol} listener`, () => this.listen(), () => this.close());
  }

  /** Open sender connections. */
  get connectionCount(): number {
    return this.openSockets;
  }

  /** The bound address; its port is the real one when the port asked for was 0. */
  address(): AddressInfo {
    return listeningAddress(this.server, this.streamOptions.protocol);
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  /** What reads the bytes of a connection just accepted. */
  protected abstract openReader(connection: SenderConnection): StreamReader;

  /** Connections whose reading is paused until the sink catches up. */
  protected get pausedConnections(): number {
    let paused = 0;
    for (const connection of this.connections) if (connection.paused) paused++;
    return paused;
  }

  /** Items handed to the sink whose write has not settled, over all connections. */
  protected get pendingItems(): number {
    let pending = 0;
    for (const connection of this.connections) pending += connection.pending;
    return pending;
  }

  private async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await listenOn(server, this.streamOptions.host, this.streamOptions.port, this.streamOptions.protocol);
    server.on('error', (err) => this.streamOptions.onError?.(err));
    this.server = server;
  }

  private accept(socket: Socket): void {
    if (this.lifecycle.stopRequested) {
      socket.destroy();
      return;
    }
    this.openSockets++;
    const connection = new SenderConnection(socket, this.streamOptions.maxPendingPerConnection, () => this.openSockets--);
    connection.readWith(this.openReader(connection));
    this.connections.add(connection);
    void connection.finished().then(() => this.connections.delete(connection));
  }

  private async close(): Promise<void> {
    if (!(await this.lifecycle.waitForStart())) return;
    const server = this.server!;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    const graceMs = this.streamOptions.stopGraceMs ?? DEFAULT_STOP_GRACE_MS;
    const connections = [...this.connections];
    for (const connection of connections) connection.shutdown(graceMs);
    await Promise.all(connections.map((connection) => connection.finished()));
    await closed;
  }
}
