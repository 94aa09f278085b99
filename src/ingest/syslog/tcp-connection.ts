import type { LogRecord } from '../../model/index.js';
import type { LogSink } from '../log-sink.js';
import type { SenderConnection, StreamReader } from '../net/sender-connection.js';
import { writeLogs } from '../write-logs.js';
import type { SyslogRejection } from './framing.js';
import { SyslogStreamParser } from './framing.js';
import { peerHost, peerLabel } from './peer-host.js';

export const SYSLOG_TCP_SOURCE = 'syslog_tcp';

export interface SyslogTcpReaderOptions {
  readonly maxMessageBytes: number;
  readonly nowMs: () => number;
  readonly utcOffsetMinutes?: number;
}

/** What a reader tells its listener, for the listener's totals. */
export interface SyslogTcpReaderEvents {
  received(sizeBytes: number): void;
  /** Records whose write the sink rejected: lost, since syslog cannot tell the sender. */
  lost(records: number): void;
}

/**
 * One syslog sender's reads: its own stream parser (a message may straddle reads), one sink write per
 * read, tracked by the connection until the records are durable (it pauses the socket while too many
 * are pending, and is closed when the sink rejects a write: syslog has no way to say "not taken").
 */
export class SyslogTcpReader implements StreamReader {
  private readonly parser: SyslogStreamParser;

  constructor(
    private readonly connection: SenderConnection,
    private readonly options: SyslogTcpReaderOptions,
    private readonly sink: LogSink,
    private readonly events: SyslogTcpReaderEvents,
  ) {
    const { socket } = connection;
    this.parser = new SyslogStreamParser({
      maxMessageBytes: options.maxMessageBytes,
      host: peerHost(socket.remoteAddress),
      source: SYSLOG_TCP_SOURCE,
      peer: peerLabel(socket.remoteAddress, socket.remotePort),
      ...(options.utcOffsetMinutes !== undefined && { utcOffsetMinutes: options.utcOffsetMinutes }),
    });
  }

  /** Parses a read, or with null the unterminated last message of a sender that has closed its side. */
  read(chunk: Buffer | null): void {
    const records: LogRecord[] = [];
    const rejections: SyslogRejection[] = [];
    const receivedAtMs = this.options.nowMs();
    if (chunk === null) {
      this.parser.end(receivedAtMs, records, rejections);
    } else {
      this.events.received(chunk.length);
      this.parser.push(chunk, receivedAtMs, records, rejections);
    }
    if (rejections.length > 0) this.sink.reject(rejections, SYSLOG_TCP_SOURCE);
    if (records.length > 0) this.write(records);
  }

  private write(records: LogRecord[]): void {
    const count = records.length;
    const written = writeLogs(this.sink, records, SYSLOG_TCP_SOURCE);
    this.connection.track(count, written, () => this.events.lost(count));
  }
}
