import type { Socket } from 'node:net';
import type { LogRecord } from '../../model/index.js';
import type { LogSink } from '../log-sink.js';
import type { SyslogRejection } from './framing.js';
import { SyslogStreamParser } from './framing.js';
import { peerHost, peerLabel } from './peer-host.js';

export const SYSLOG_TCP_SOURCE = 'syslog_tcp';

export interface SyslogTcpConnectionOptions {
  readonly maxMessageBytes: number;
  readonly maxPendingRecords: number;
  readonly nowMs: () => number;
  readonly utcOffsetMinutes?: number;
}

/** What a connection tells its listener, for the listener's totals. */
export interface SyslogTcpConnectionEvents {
  received(sizeBytes: number): void;
  /** Records whose write the sink rejected: lost, since syslog cannot tell the sender. */
  lost(records: number): void;
  closed(): void;
}

/**
 * One syslog sender: its own stream parser (a message may straddle reads), one sink write per read, and
 * a count of records handed to the sink that are not durable yet. Beyond maxPendingRecords the socket
 * is paused, so the kernel's receive window, not our memory, absorbs a sender faster than the sink.
 */
export class SyslogTcpConnection {
  /** Records written to the sink whose promise has not settled yet. */
  pendingRecords = 0;
  /** Whether reading is paused until the sink catches up. */
  paused = false;
  private readonly parser: SyslogStreamParser;
  private closed = false;
  private graceTimer: NodeJS.Timeout | null = null;
  private readonly whenFinished: Promise<void>;
  private resolveFinished: () => void = () => {};

  constructor(
    private readonly socket: Socket,
    private readonly options: SyslogTcpConnectionOptions,
    private readonly sink: LogSink,
    private readonly events: SyslogTcpConnectionEvents,
  ) {
    this.parser = new SyslogStreamParser({
      maxMessageBytes: options.maxMessageBytes,
      host: peerHost(socket.remoteAddress),
      source: SYSLOG_TCP_SOURCE,
      peer: peerLabel(socket.remoteAddress, socket.remotePort),
      ...(options.utcOffsetMinutes !== undefined && { utcOffsetMinutes: options.utcOffsetMinutes }),
    });
    this.whenFinished = new Promise((resolve) => (this.resolveFinished = resolve));
    socket.setKeepAlive(true);
    socket.on('data', (chunk: Buffer) => this.parse(chunk));
    socket.on('end', () => this.parse(null));
    // A reset or timeout ends the connection; 'close' follows and does the bookkeeping.
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      if (this.graceTimer !== null) clearTimeout(this.graceTimer);
      events.closed();
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

  /** Parses a read, or with null the unterminated last message of a sender that has closed its side. */
  private parse(chunk: Buffer | null): void {
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
    let written: Promise<void>;
    try {
      written = this.sink.write(records, SYSLOG_TCP_SOURCE);
    } catch (err) {
      written = Promise.reject(err);
    }
    this.pendingRecords += count;
    if (this.pendingRecords > this.options.maxPendingRecords && !this.paused) {
      this.paused = true;
      this.socket.pause();
    }
    written.then(
      () => this.settle(count),
      () => {
        // Syslog has no way to say "not taken": closing the connection is the only signal a sender gets.
        this.events.lost(count);
        this.socket.destroy();
        this.settle(count);
      },
    );
  }

  private settle(count: number): void {
    this.pendingRecords -= count;
    if (this.paused && this.pendingRecords <= this.options.maxPendingRecords) {
      this.paused = false;
      this.socket.resume();
    }
    this.checkFinished();
  }

  private checkFinished(): void {
    if (this.closed && this.pendingRecords === 0) this.resolveFinished();
  }
}
