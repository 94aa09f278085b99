import type { Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';

/** A TCP connection to a listener on 127.0.0.1; `allowHalfOpen` keeps our side open after the listener ends its own. */
export function connectTo(port: number, options: { allowHalfOpen?: boolean } = {}): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: options.allowHalfOpen ?? false, noDelay: true }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once `socket` is closed. */
export function closed(socket: Socket): Promise<void> {
  return new Promise((resolve) => (socket.destroyed ? resolve() : socket.once('close', () => resolve())));
}

/** Sends one datagram to a listener on 127.0.0.1. */
export function sendDatagram(client: UdpSocket, port: number, message: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => client.send(message, port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
}
