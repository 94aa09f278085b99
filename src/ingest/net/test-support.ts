import type { Socket as UdpSocket } from 'node:dgram';
import { connect, type Socket } from 'node:net';
import { afterEach } from 'vitest';
import type { Lifecycle } from '../../util/index.js';

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

/**
 * Registers, in the test file or describe block that calls it, an afterEach that stops every listener
 * started during the test with the function returned. `beforeStop` runs first: a sink still holding
 * writes after a failed test would keep stop() waiting.
 */
export function stoppedAfterEach<L extends Lifecycle>(beforeStop: () => void = () => {}): (listener: L) => Promise<L> {
  const listeners: L[] = [];
  afterEach(async () => {
    beforeStop();
    await Promise.all(listeners.splice(0).map((listener) => listener.stop()));
  });
  return async (listener) => {
    listeners.push(listener);
    await listener.start();
    return listener;
  };
}
