import type { RemoteInfo, Socket } from 'node:dgram';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import type { LogRecord, Rejection } from '../../model/index.js';
import type { Lifecycle } from '../../util/index.js';
import { ChangeSignal, OnceLifecycle } from '../../util/index.js';
import type { LogSink } from '../log-sink.js';
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
 */
export class SyslogUdpListener implements Lifecycle {
  private socket: Socket | null = null;
  private readonly lifecycle = new OnceLifecycle('syslog udp listener', () => this.bind(), () => this.close());
  private batch: LogRecord[] = [];
  private rejections: Rejection[] = [];
  private flushTimer: NodeJS.Immediate | null = null;
  /** Records batched or written whose write has not settled. */
  private pending = 0;
  private received = 0;
  private lost = 0;
  /** Notified when the last unsettled write settles. */
  private readonly idle = new ChangeSignal();

  constructor(
    private readonly options: SyslogUdpListenerOptions,
    private readonly sink: LogSink,
  ) {}

  /** Records received whose write to the sink has not settled. */
  get pendingRecords(): number {
    return this.pending;
  }

  /** Datagrams received since start, shed ones included. */
  get datagramsReceived(): number {
    return this.received;
  }

  /** Records whose write the sink rejected. */
  get recordsLost(): number {
    return this.lost;
  }

  /** The bound address; its port is the real one when options.udpPort was 0. */
  address(): AddressInfo {
    if (this.socket === null) throw new Error('cannot get syslog udp listener address: the listener is not bound');
    return this.socket.address();
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  /** Stops receiving, hands what was received to the sink, and resolves once every write has settled. */
  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  private async bind(): Promise<void> {
    const socket = createSocket(isIPv6(this.options.host) ? 'udp6' : 'udp4');
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(this.options.udpPort, this.options.host, () => {
        socket.off('error', reject);
        resolve();
      });
    }).catch((err: unknown) => {
      socket.close();
      throw new Error(`cannot listen for syslog udp on ${this.options.host}:${this.options.udpPort}: ${(err as Error).message}`);
    });
    // Receive errors concern one datagram, which is lost either way.
    socket.on('error', () => {});
    socket.on('message', (datagram: Buffer, peer: RemoteInfo) => this.receive(datagram, peer));
    this.socket = socket;
  }

  private receive(datagram: Buffer, peer: RemoteInfo): void {
    this.received++;
    this.flushTimer ??= setImmediate(() => this.flush());
    if (this.pending >= this.options.maxPendingRecords) {
      this.rejections.push({
        line: 0,
        reason: 'overload',
        message: `datagram of ${datagram.length} bytes from ${peerLabel(peer.address, peer.port)} dropped: ${this.pending} records are waiting to be written (limit ${this.options.maxPendingRecords})`,
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
    this.pending++;
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
    let written: Promise<void>;
    try {
      written = this.sink.write(records, SYSLOG_UDP_SOURCE);
    } catch (err) {
      written = Promise.reject(err);
    }
    const settle = (): void => {
      this.pending -= count;
      if (this.pending === 0) this.idle.notify();
    };
    written.then(settle, () => {
      // A UDP sender cannot be told; the loss is counted.
      this.lost += count;
      settle();
    });
  }

  private async close(): Promise<void> {
    if (!(await this.lifecycle.waitForStart())) return;
    const socket = this.socket!;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    if (this.flushTimer !== null) {
      clearImmediate(this.flushTimer);
      this.flush();
    }
    while (this.pending > 0) await this.idle.wait();
  }
}
