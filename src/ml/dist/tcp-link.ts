import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * The TCP ring's wire: length-prefixed binary frames and the handshake that links each rank to its neighbours. Data
 * flows one way round the ring: every rank connects to its left neighbour (and receives on that socket, into a reused
 * read buffer) and accepts its right neighbour (and sends on that socket). Frames the other way are only ABORTs, so
 * that a failure travels both ways round the ring.
 *
 * A frame is a 16-byte header of four little-endian uint32 (kind, tag, payload bytes, extra) and the payload. DATA
 * carries raw little-endian float32, or IEEE half floats (tag: the operation's sequence number, extra: DATA_FLOAT32 or
 * DATA_FLOAT16); HELLO (tag: the group's hash, extra: rank and size) opens a link and ACK accepts it; ABORT (tag: why,
 * extra: lost rank + 1) ends the ring.
 */

export interface TcpPeer {
  readonly host: string;
  readonly port: number;
}

export const FRAME_HEADER_BYTES = 16;
export const FRAME_HELLO = 1;
export const FRAME_ACK = 2;
export const FRAME_DATA = 3;
export const FRAME_ABORT = 4;
/** DATA's extra: the payload's number format. */
export const DATA_FLOAT32 = 0;
export const DATA_FLOAT16 = 1;
export const ABORT_CLOSED = 1;
export const ABORT_FAILED = 2;
export const ABORT_REJECTED = 3;
/** Rank and size share HELLO's extra field, 16 bits each. */
export const MAX_TCP_RING_SIZE = 65_535;

export interface FrameHeader {
  readonly kind: number;
  readonly tag: number;
  readonly payloadBytes: number;
  readonly extra: number;
}

export function encodeHeader(kind: number, tag: number, payloadBytes: number, extra: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32LE(kind, 0);
  header.writeUInt32LE(tag >>> 0, 4);
  header.writeUInt32LE(payloadBytes, 8);
  header.writeUInt32LE(extra >>> 0, 12);
  return header;
}

export function decodeHeader(header: Buffer): FrameHeader {
  return { kind: header.readUInt32LE(0), tag: header.readUInt32LE(4), payloadBytes: header.readUInt32LE(8), extra: header.readUInt32LE(12) };
}

/** Consumes bytes into a fixed-size header buffer; returns where it stopped and whether the header is complete. */
export class HeaderReader {
  readonly bytes = Buffer.alloc(FRAME_HEADER_BYTES);
  private fill = 0;

  get empty(): boolean {
    return this.fill === 0;
  }

  /** Takes bytes from chunk[start, end) until the header is whole; returns the position after the bytes taken. */
  take(chunk: Uint8Array, start: number, end: number): number {
    const count = Math.min(FRAME_HEADER_BYTES - this.fill, end - start);
    this.bytes.set(chunk.subarray(start, start + count), this.fill);
    this.fill += count;
    return start + count;
  }

  get complete(): boolean {
    return this.fill === FRAME_HEADER_BYTES;
  }

  /** The whole header, and the reader emptied for the next. */
  next(): FrameHeader {
    this.fill = 0;
    return decodeHeader(this.bytes);
  }
}

/** A 32-bit FNV-1a hash of the group id, so that two jobs that reuse each other's ports never link up. */
export function groupHash(groupId: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < groupId.length; i++) h = Math.imul(h ^ groupId.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function helloExtra(rank: number, size: number): number {
  return ((size << 16) | rank) >>> 0;
}

/** Where bytes read from the left link go; return false to stop reading (the socket pauses) until resume(). */
export type InboundSink = (chunk: Buffer, start: number, end: number) => boolean;

/** The two links of a rank, once both neighbours have shaken hands. */
export interface RingLinks {
  /** From the left neighbour (we connected): data arrives here, through setSink's function. */
  readonly inbound: Socket;
  /** To the right neighbour (it connected): data leaves here. */
  readonly outbound: Socket;
  /** Bytes the left sent after its ACK, already read (the inbound socket is paused until the ring takes over). */
  readonly inboundLeftover: Buffer | null;
  /** Bytes the right sent after its HELLO (the outbound socket is paused). */
  readonly outboundLeftover: Buffer | null;
  setSink(sink: InboundSink): void;
}

export interface LinkOptions {
  readonly rank: number;
  readonly size: number;
  readonly left: TcpPeer;
  readonly group: number;
  readonly deadlineMs: number;
  readonly readBufferBytes: number;
}

const RETRY_CONNECT_MS = 100;

/**
 * A rank's listening socket, open before the ring is formed (so that launchers can bind port 0 and tell every rank the
 * ports) and closed once the right neighbour has linked. Connections that arrive before link() are kept until then.
 */
export class RingListener {
  private readonly candidates: { socket: Socket; hello: FrameHeader; leftover: Buffer | null }[] = [];
  private waiter: ((candidate: { socket: Socket; hello: FrameHeader; leftover: Buffer | null }) => void) | null = null;
  private cancelAccept: (() => void) | null = null;
  private closed = false;

  private constructor(private readonly server: Server) {
    server.on('connection', (socket) => this.onConnection(socket));
  }

  static async open(host: string, port: number): Promise<RingListener> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error) => reject(new Error(`cannot listen on ${host}:${port}: ${error.message}`, { cause: error })));
      server.listen(port, host, () => resolve());
    });
    server.on('error', () => {
      // After listen succeeded, errors are per connection and handled there.
    });
    return new RingListener(server);
  }

  get port(): number {
    const address = this.server.address();
    return typeof address === 'object' && address !== null ? address.port : 0;
  }

  /** Links to both neighbours: accepts the right's HELLO and connects to the left. Closes the listener either way. */
  async link(options: LinkOptions): Promise<RingLinks> {
    if (this.closed) throw new Error('cannot join ring: the endpoint is closed');
    try {
      const [outbound, inbound] = await Promise.allSettled([this.acceptRight(options), connectLeft(options)]);
      if (outbound.status === 'fulfilled' && inbound.status === 'fulfilled') {
        return { inbound: inbound.value.socket, outbound: outbound.value.socket, inboundLeftover: inbound.value.leftover, outboundLeftover: outbound.value.leftover, setSink: inbound.value.setSink };
      }
      if (outbound.status === 'fulfilled') outbound.value.socket.destroy();
      if (inbound.status === 'fulfilled') inbound.value.socket.destroy();
      throw outbound.status === 'rejected' ? outbound.reason : (inbound as PromiseRejectedResult).reason;
    } finally {
      await this.close();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const candidate of this.candidates.splice(0)) candidate.socket.destroy();
    this.waiter = null;
    this.cancelAccept?.();
    // Stops listening; close()'s callback would wait for every accepted socket to end, the ring's link included.
    this.server.close();
  }

  private onConnection(socket: Socket): void {
    if (this.closed) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const header = new HeaderReader();
    const onData = (chunk: Buffer): void => {
      const stop = header.take(chunk, 0, chunk.length);
      if (!header.complete) return;
      socket.off('data', onData);
      socket.pause();
      const hello = header.next();
      const candidate = { socket, hello, leftover: stop < chunk.length ? Buffer.from(chunk.subarray(stop)) : null };
      if (hello.kind !== FRAME_HELLO) {
        socket.destroy();
        return;
      }
      if (this.waiter !== null) this.waiter(candidate);
      else this.candidates.push(candidate);
    };
    socket.on('data', onData);
    socket.on('error', () => socket.destroy());
  }

  /** The right neighbour's link: the first HELLO from rank + 1 of the same group and size; others are told ABORT. */
  private acceptRight(options: LinkOptions): Promise<{ socket: Socket; leftover: Buffer | null }> {
    const right = (options.rank + 1) % options.size;
    const expected = helloExtra(right, options.size);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = null;
        reject(new Error(`cannot join ring: rank ${right} did not connect to rank ${options.rank} within the connect timeout`));
      }, Math.max(0, options.deadlineMs - Date.now()));
      this.cancelAccept = () => {
        clearTimeout(timer);
        reject(new Error('cannot join ring: the endpoint was closed'));
      };
      const consider = (candidate: { socket: Socket; hello: FrameHeader; leftover: Buffer | null }): void => {
        if (candidate.hello.tag !== options.group || candidate.hello.extra !== expected) {
          candidate.socket.end(encodeHeader(FRAME_ABORT, ABORT_REJECTED, 0, 0));
          return;
        }
        clearTimeout(timer);
        this.cancelAccept = null;
        this.waiter = (late) => late.socket.end(encodeHeader(FRAME_ABORT, ABORT_REJECTED, 0, 0));
        candidate.socket.write(encodeHeader(FRAME_ACK, options.group, 0, helloExtra(options.rank, options.size)));
        resolve({ socket: candidate.socket, leftover: candidate.leftover });
      };
      this.waiter = consider;
      for (const candidate of this.candidates.splice(0)) if (this.waiter === consider) consider(candidate);
    });
  }
}

/** Connects to the left neighbour (retrying while it is not listening yet), says HELLO and waits for its ACK. */
function connectLeft(options: LinkOptions): Promise<{ socket: Socket; leftover: Buffer | null; setSink: (sink: InboundSink) => void }> {
  const left = (options.rank - 1 + options.size) % options.size;
  const where = `rank ${left} at ${options.left.host}:${options.left.port}`;
  const readBuffer = Buffer.allocUnsafe(options.readBufferBytes);
  return new Promise((resolve, reject) => {
    let lastError = 'no attempt';
    const attempt = (): void => {
      if (Date.now() >= options.deadlineMs) {
        reject(new Error(`cannot join ring: rank ${options.rank} could not link to ${where} within the connect timeout: ${lastError}`));
        return;
      }
      const header = new HeaderReader();
      let settled = false;
      let sink: InboundSink = (chunk, start, end) => {
        const stop = header.take(chunk, start, end);
        if (!header.complete) return true;
        const reply = header.next();
        if (reply.kind === FRAME_ACK && reply.tag === options.group && reply.extra === helloExtra(left, options.size)) {
          // The error listener stays (an error between here and the ring taking over must not be unhandled).
          socket.removeListener('close', onClose);
          settled = true;
          resolve({ socket, leftover: stop < end ? Buffer.from(chunk.subarray(stop, end)) : null, setSink: (next) => (sink = next) });
          return false;
        }
        lastError = reply.kind === FRAME_ABORT ? 'it refused the link (another group, size or rank)' : `unexpected frame kind ${reply.kind}`;
        socket.destroy();
        return false;
      };
      const socket = connect({ host: options.left.host, port: options.left.port, onread: { buffer: readBuffer, callback: (nread, chunk) => sink(chunk as Buffer, 0, nread) } });
      socket.setNoDelay(true);
      const onError = (error: Error): void => {
        lastError = error.message;
      };
      const onClose = (): void => {
        if (!settled) setTimeout(attempt, RETRY_CONNECT_MS).unref();
      };
      socket.on('error', onError);
      socket.on('close', onClose);
      socket.on('connect', () => socket.write(encodeHeader(FRAME_HELLO, options.group, 0, helloExtra(options.rank, options.size))));
    };
    attempt();
  });
}

/**
 * Half-closes a socket after its queued writes and lets the peer close its side, destroying it only if that takes more
 * than graceMs. Never destroying early matters: closing a socket with unread bytes sends a reset, which can make the
 * peer's kernel drop bytes the peer has not read yet, such as the ABORT that names the rank really lost.
 */
export function endSocket(socket: Socket, graceMs: number): void {
  if (socket.destroyed) return;
  socket.end();
  setTimeout(() => socket.destroy(), graceMs).unref();
}

/** Resolves once a socket is closed (its writes flushed or abandoned), or after graceMs. */
export function socketClosed(socket: Socket, graceMs: number): Promise<void> {
  if (socket.closed) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, graceMs);
    timer.unref();
    socket.once('close', done);
    function done(): void {
      clearTimeout(timer);
      socket.off('close', done);
      resolve();
    }
  });
}
