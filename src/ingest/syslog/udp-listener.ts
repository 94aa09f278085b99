import type { RemoteInfo } from 'node:dgram';
import type { LogRecord, Rejection } from '../../model/index.js';
import type { LogSink } from '../log-sink.js';
import { DatagramListener } from '../net/datagram-listener.js';
import { writeLogs } from '../write-logs.js';
import { parseSyslogDatagram } from './framing.js';
import type { SyslogContext } from './message.js';
import { peerHost, peerLabel } from './peer-host.js';

export const SYSLOG_UDP_SOURCE = 'syslog_udp';

const LF = 0x0a;
const CR = 0x0d;
const NUL = 0x00;

/** The syslog config's UDP fields, and what the server supplies. */
export interface SyslogUdpListenerOptions {
  readonly host: string;
  /** 0 picks a free port; address() tells which. */
  readonly udpPort: number;
  /** Messages longer than this (without a trailing newline) are rejected as `line_too_long`. */
  readonly maxMessageBytes: number;
  /**
   * Records received and not yet durable at which further datagrams are dropped (UDP senders cannot be
   * slowed), each counted as one `overload` rejection at line 0.
   */
  readonly maxPendingRecords: number;
  /** Receive time: the timestamp of messages that carry none. */
  readonly nowMs: () => number;
  /** Zone RFC 3164 timestamps are read in (they carry none); UTC unless given. */
  readonly utcOffsetMinutes?: number;
}

/**
 * Syslog over UDP (RFC 5426: one RFC 5424 or RFC 3164 message per datagram). The datagrams of one
 * event-loop turn are handed to the sink in one write: they are batched until the loop's check phase.
 * Records count as pending from when they are batched. stop() stops receiving, hands what was received
 * to the sink, and resolves once every write has settled.
 */
export class SyslogUdpListener extends DatagramListener {
  private batch: LogRecord[] = [];
  private rejections: Rejection[] = [];
  private flushTimer: NodeJS.Immediate | null = null;
  private received = 0;
  private lost = 0;

  constructor(
    private readonly options: SyslogUdpListenerOptions,
    private readonly sink: LogSink,
  ) {
    super({ protocol: 'syslog udp', host: options.host, port: options.udpPort });
  }

  /** Records received whose write to the sink has not settled. */
  get pendingRecords(): number {
    return this.pending.value;
  }

  /** Datagrams received since start, shed ones included. */
  get datagramsReceived(): number {
    return this.received;
  }

  /** Records whose write the sink rejected. */
  get recordsLost(): number {
    return this.lost;
  }

  protected override receive(datagram: Buffer, peer: RemoteInfo): void {
    this.received++;
    this.flushTimer ??= setImmediate(() => this.flush());
    const pending = this.pending.value;
    if (pending >= this.options.maxPendingRecords) {
      this.rejections.push({
        line: 0,
        reason: 'overload',
        message: `datagram of ${datagram.length} bytes from ${peerLabel(peer.address, peer.port)} dropped: ${pending} records are waiting to be written (limit ${this.options.maxPendingRecords})`,
      });
      return;
    }
    let length = datagram.length;
    while (length > 0 && (datagram[length - 1] === LF || datagram[length - 1] === CR || datagram[length - 1] === NUL)) length--;
    if (length > this.options.maxMessageBytes) {
      this.rejections.push({ line: 1, reason: 'line_too_long', message: `cannot parse syslog datagram from ${peerLabel(peer.address, peer.port)}: ${length} bytes is longer than ${this.options.maxMessageBytes} bytes` });
      return;
    }
    const context: SyslogContext = {
      receivedAtMs: this.options.nowMs(),
      host: peerHost(peer.address),
      source: SYSLOG_UDP_SOURCE,
      ...(this.options.utcOffsetMinutes !== undefined && { utcOffsetMinutes: this.options.utcOffsetMinutes }),
    };
    const result = parseSyslogDatagram(datagram, context);
    if (result === undefined) return;
    if (!result.ok) {
      this.rejections.push({ line: 1, reason: result.reason, message: `cannot parse syslog datagram from ${peerLabel(peer.address, peer.port)}: ${result.cause}` });
      return;
    }
    this.batch.push(result.record);
    this.pending.add(1);
  }

  private flush(): void {
    this.flushTimer = null;
    if (this.rejections.length > 0) {
      const rejections = this.rejections;
      this.rejections = [];
      this.sink.reject(rejections, SYSLOG_UDP_SOURCE);
    }
    if (this.batch.length > 0) {
      const records = this.batch;
      this.batch = [];
      this.write(records);
    }
  }

  private write(records: LogRecord[]): void {
    const count = records.length;
    const written = writeLogs(this.sink, records, SYSLOG_UDP_SOURCE);
    const settle = (): void => this.pending.settle(count);
    written.then(settle, () => {
      // A UDP sender cannot be told; the loss is counted.
      this.lost += count;
      settle();
    });
  }

  /** The socket is closed: what is batched is handed over now rather than at the loop's check phase. */
  protected override closed(): void {
    if (this.flushTimer === null) return;
    clearImmediate(this.flushTimer);
    this.flush();
  }
}
