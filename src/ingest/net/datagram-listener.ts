import type { RemoteInfo, Socket } from 'node:dgram';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { isIPv6 } from 'node:net';
import type { Lifecycle } from '../../util/index.js';
import { OnceLifecycle } from '../../util/index.js';
import { bindTo } from './listen.js';
import { PendingCount } from './pending-count.js';

export interface DatagramListenerOptions {
  /** Names the listener in errors: `graphite udp` gives "cannot listen for graphite udp on ...". */
  readonly protocol: string;
  readonly host: string;
  /** 0 picks a free port; address() tells which. */
  readonly port: number;
}

/**
 * A UDP listener for datagram senders (Graphite, syslog), with the count of items received and not yet
 * settled by the sink (UDP senders cannot be slowed: a protocol sheds datagrams while it is too high).
 * stop() stops receiving, lets the protocol hand over what it batched, and resolves once every write
 * has settled.
 */
export abstract class DatagramListener implements Lifecycle {
  /** Items received whose write to the sink has not settled. */
  protected readonly pending = new PendingCount();
  private socket: Socket | null = null;
  private readonly lifecycle: OnceLifecycle;

  protected constructor(private readonly datagramOptions: DatagramListenerOptions) {
    this.lifecycle = new OnceLifecycle(`${datagramOptions.protocol} listener`, () => this.bind(), () => this.close());
  }

  /** The bound address; its port is the real one when the port asked for was 0. */
  address(): AddressInfo {
    if (this.socket === null) throw new Error(`cannot get ${this.datagramOptions.protocol} listener address: the listener is not bound`);
    return this.socket.address();
  }

  start(): Promise<void> {
    return this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  protected abstract receive(datagram: Buffer, peer: RemoteInfo): void;

  /** Runs once the socket is closed, before stop() waits for the writes: what is batched is handed over here. */
  protected closed(): void {}

  private async bind(): Promise<void> {
    const { protocol, host, port } = this.datagramOptions;
    const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
    await bindTo(socket, host, port, protocol);
    // Receive errors concern one datagram, which is lost either way.
    socket.on('error', () => {});
    socket.on('message', (datagram: Buffer, peer: RemoteInfo) => this.receive(datagram, peer));
    this.socket = socket;
  }

  private async close(): Promise<void> {
    if (!(await this.lifecycle.waitForStart())) return;
    const socket = this.socket!;
    await new Promise<void>((resolve) => socket.close(() => resolve()));
    this.closed();
    await this.pending.drained();
  }
}
