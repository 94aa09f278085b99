import { createServer, type Server, type Socket } from 'node:net';

/** A Graphite-like TCP sink for tests: collects complete lines from every connection. */
export interface LineSink {
  readonly port: number;
  readonly lines: string[];
  readonly sockets: Socket[];
  bytesReceived(): number;
  close(): Promise<void>;
}

export async function startLineSink(options: { port?: number; paused?: boolean } = {}): Promise<LineSink> {
  const lines: string[] = [];
  const sockets: Socket[] = [];
  let bytes = 0;
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    let partial = '';
    socket.setEncoding('utf8');
    if (options.paused === true) socket.pause();
    socket.on('data', (chunk: string) => {
      bytes += Buffer.byteLength(chunk);
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) lines.push(line);
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('cannot start line sink: no TCP address');
  return {
    port: address.port,
    lines,
    sockets,
    bytesReceived: () => bytes,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port that was free a moment ago (for tests that start their server late). */
export async function freePort(): Promise<number> {
  const sink = await startLineSink();
  await sink.close();
  return sink.port;
}

/** Polls `condition` until it holds; fails naming `what` if it never does (a guard against hangs, not a timing check). */
export async function waitFor(condition: () => boolean, what: string, limitMs = 30_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
