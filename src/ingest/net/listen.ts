import type { Socket } from 'node:dgram';
import type { EventEmitter } from 'node:events';
import type { AddressInfo, Server } from 'node:net';

/** Starts `server` listening on host:port (0 picks a free port); a failure names the protocol and the address. */
export async function listenOn(server: Server, host: string, port: number, protocol: string): Promise<void> {
  await opened(server, (done) => server.listen(port, host, done)).catch((err: unknown) => {
    throw listenError(protocol, host, port, err);
  });
}

/** Binds a UDP `socket` to host:port (0 picks a free port); on failure it is closed, and the error names the protocol and the address. */
export async function bindTo(socket: Socket, host: string, port: number, protocol: string): Promise<void> {
  await opened(socket, (done) => socket.bind(port, host, done)).catch((err: unknown) => {
    socket.close();
    throw listenError(protocol, host, port, err);
  });
}

/** The address `server` listens on: its port is the real one when port 0 was asked for. */
export function listeningAddress(server: Server | null, protocol: string): AddressInfo {
  const address = server?.address();
  if (address === undefined || address === null || typeof address === 'string') {
    throw new Error(`cannot get ${protocol} listener address: the listener is not listening`);
  }
  return address;
}

/** Runs `open` (a listen or a bind) and resolves once it calls back, or rejects with the first 'error' before that. */
function opened(emitter: EventEmitter, open: (done: () => void) => void): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    emitter.once('error', reject);
    open(() => {
      emitter.off('error', reject);
      resolve();
    });
  });
}

function listenError(protocol: string, host: string, port: number, err: unknown): Error {
  return new Error(`cannot listen for ${protocol} on ${host}:${port}: ${(err as Error).message}`);
}
