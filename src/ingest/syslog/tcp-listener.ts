import type { AddressInfo, Server, Socket } from 'node:net';
import { createServer } from 'node:net';
import type { Lifecycle } from '../../util/index.js';
import { OnceLifecycle } from '../../util/index.js';
import type { LogSink } from '../log-sink.js';
import { SyslogTcpConnection } from './tcp-connection.js';

/** How long stop() lets a sender finish after being asked to, unless options say otherwise. */
const DEFAULT_STOP_GRACE_MS = 2_000;

/** The syslog config's TCP fields, and what the server supplies. */
export interface SyslogTcpListenerOptions {
  readonly host: string;
  /** 0 picks a free port; address() tells which. */
  readonly tcpPort: number;
  /** Messages longer than this are rejected as `line_too_long`. */
  readonly maxMessageBytes: number;
  /** Records of one connection the sink has not made durable beyond which its socket is paused. */
  readonly maxPendingRecords: number;
  /** Receive time: the timestamp of messages that carry none. */
  readonly nowMs: () => number;
  /** Zone RFC 3164 timestamps are read in (they carry none); UTC unless given. */
  readonly utcOffsetMinutes?: number;
  /** How long stop() waits for each sender to close its side before cutting the connection. */
  readonly stopGraceMs?: number;
  /** Errors of the listening socket after start (an accept failing for lack of file descriptors). */
  readonly onError?: (error: Error) => void;
}

/**
 * Syslog over TCP (RFC 6587: octet-counted and newline-delimited frames, RFC 5424 and RFC 3164
 * messages): one parser per connection, the records of each read handed to the sink in one write.
 */
export class SyslogTcpListener implements Lifecycle {
  private server: Server | null = null;
  private readonly lifecycle = new OnceLifecycle('syslog tcp listener', () => this.listen(), () => this.close());
  private readonly connections = new Set<SyslogTcpConnection>();
  private openSockets = 0;
  private received = 0;
  private lost = 0;

  constructor(
    private readonly options: SyslogTcpListenerOptions,
    private readonly sink: LogSink,
  ) {}

  /** Open sender connections. */
  get connectionCount(): number {
    return this.openSockets;
  }

  /** Connections whose reading is paused until the sink catches up. */
  get pausedConnectionCount(): number {
    let paused = 0;
    for (const connection of this.connections) if (connection.paused) paused++;
    return paused;
  }

  /** Records handed to the sink whose write has not settled, over all connections. */
  get pendingRecords(): number {
    let pending = 0;
    for (const connection of this.connections) pending += connection.pendingRecords;
    return pending;
  }

  /** Bytes read from senders since start. */
  get bytesReceived(): number {
    return this.received;
  }

  /** Records whose write the sink rejected (their connections were closed). */
  get recordsLost(): number {
    return this.lost;
  }

  /** The bound address; its port is the real one when options.tcpPort was 0. */
  address(): AddressInfo {
    const address = this.server?.address();
    if (address === undefined || address === null || typeof address === 'string') {
      throw new Error('cannot get syslog tcp listener address: the listener is not listening');
    }
    return address;
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  /** Stops accepting, asks every sender to finish, and resolves once all they sent is parsed and durable. */
  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  private async listen(): Promise<void> {
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.tcpPort, this.options.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      throw new Error(`cannot listen for syslog tcp on ${this.options.host}:${this.options.tcpPort}: ${(err as Error).message}`);
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
    const connection = new SyslogTcpConnection(socket, this.options, this.sink, {
      received: (sizeBytes) => (this.received += sizeBytes),
      lost: (records) => (this.lost += records),
      closed: () => this.openSockets--,
    });
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
