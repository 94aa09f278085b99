import type { LogSink } from '../log-sink.js';
import type { SenderConnection } from '../net/sender-connection.js';
import { StreamListener } from '../net/stream-listener.js';
import { SyslogTcpReader } from './tcp-connection.js';

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
 * stop() stops accepting, asks every sender to finish, and resolves once all they sent is parsed and durable.
 */
export class SyslogTcpListener extends StreamListener {
  private received = 0;
  private lost = 0;

  constructor(
    private readonly options: SyslogTcpListenerOptions,
    private readonly sink: LogSink,
  ) {
    super({ protocol: 'syslog tcp', host: options.host, port: options.tcpPort, maxPendingPerConnection: options.maxPendingRecords, stopGraceMs: options.stopGraceMs, onError: options.onError });
  }

  /** Connections whose reading is paused until the sink catches up. */
  get pausedConnectionCount(): number {
    return this.pausedConnections;
  }

  /** Records handed to the sink whose write has not settled, over all connections. */
  get pendingRecords(): number {
    return this.pendingItems;
  }

  /** Bytes read from senders since start. */
  get bytesReceived(): number {
    return this.received;
  }

  /** Records whose write the sink rejected (their connections were closed). */
  get recordsLost(): number {
    return this.lost;
  }

  protected override openReader(connection: SenderConnection): SyslogTcpReader {
    return new SyslogTcpReader(connection, this.options, this.sink, {
      received: (sizeBytes) => (this.received += sizeBytes),
      lost: (records) => (this.lost += records),
    });
  }
}
