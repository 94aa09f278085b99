import { endianness } from 'node:os';
import type { Socket } from 'node:net';
import { CollectiveError, type AllreduceOptions, type Collective, type CollectiveStats, type PhaseListener, type ReduceOp } from './collective.js';
import { chunkStride, FusedBuffers, halfBuffers, requireFloat32Buffers, requireReduceOp, requireRoot, ringIndex, type FusedPiece } from './fused-buffers.js';
import { roundToHalf } from './half.js';
import { copyInto } from './memcpy.js';
import { ALL_GATHER, COPY_IN, COPY_OUT, NEGOTIATE, PhaseTimer, REDUCE_SCATTER } from './phase-timer.js';
import { createKernelMemory, createReduceKernel, type ReduceKernel } from './reduce-kernel.js';
import {
  ABORT_CLOSED,
  ABORT_FAILED,
  DATA_FLOAT16,
  DATA_FLOAT32,
  encodeHeader,
  endSocket,
  FRAME_ABORT,
  FRAME_DATA,
  FRAME_HEADER_BYTES,
  groupHash,
  HeaderReader,
  MAX_TCP_RING_SIZE,
  RingListener,
  socketClosed,
  type FrameHeader,
  type RingLinks,
  type TcpPeer,
} from './tcp-link.js';
import { defaultSpinMs, requireSpin } from './spin.js';
import { DEFAULT_COLLECTIVE_TIMEOUT_MS } from './threads.js';

export type { TcpPeer } from './tcp-link.js';

/**
 * The TCP transport: ranks are processes (or hosts) linked in a ring of TCP connections. A ring step sends a chunk to
 * the right neighbour and receives one from the left, in pieces of pieceBytes, so that the right can reduce and pass on
 * piece 1 while piece 2 is on the wire. Float32 data goes as raw little-endian bytes straight out of the caller's
 * buffers; received pieces are reduced by the SIMD kernel through a staging area of one piece.
 *
 * A float16 allreduce (AllreduceOptions.wire) sends pieces of half floats, pieceBytes on the wire as well (twice the
 * values). A piece received in the reduce-scatter is decoded, added to this rank's float32 values and encoded again in
 * one kernel pass; the halves go on from a wire buffer (two bytes per value of the fused buffers, kept for later
 * operations). A piece's place there is written again only in the all-gather, once the bytes sent from it have been
 * taken: a chunk comes back to a rank only after its owner has added that rank's part into the total. The owner of a
 * chunk also decodes the total it sends into its own buffers, and the all-gather passes the halves on as received and
 * decodes them, so every rank ends with the same values. Pieces of this rank's own chunk are encoded one at a time, each
 * just before it is written.
 */

export interface TcpCollectiveOptions {
  readonly rank: number;
  readonly size: number;
  /** Every rank's address, in rank order; the rank listens on peers[rank] (on listenHost if given). */
  readonly peers: readonly TcpPeer[];
  /** Interface to listen on instead of peers[rank].host (for example '0.0.0.0' behind NAT). */
  readonly listenHost?: string;
  /** An operation fails the ring after this long without a byte from either neighbour. Default 120 s. */
  readonly timeoutMs?: number;
  /** How long to wait for both neighbours to link at the start. Default 60 s. */
  readonly connectTimeoutMs?: number;
  /** Bytes per piece on the wire (a multiple of 4). Default DEFAULT_TCP_PIECE_BYTES. */
  readonly pieceBytes?: number;
  /** Names the job: ranks of different groups refuse to link even on the same ports. Default ''. */
  readonly groupId?: string;
  /**
   * How long an operation keeps the event loop polling (no sleep in the wait for the network) before it lets it sleep
   * until data comes. Default defaultSpinMs(size) (spin.ts).
   */
  readonly spinMs?: number;
}

/** What joining needs once the endpoint listens: every option but where to listen. */
export type TcpJoinOptions = Omit<TcpCollectiveOptions, 'listenHost'>;

/**
 * A rank's listening socket, open before the ring forms: a launcher opens it on port 0, gathers every rank's port,
 * then joins with the full peer list.
 */
export interface TcpRankEndpoint {
  readonly address: TcpPeer;
  /** Links to both neighbours and returns the rank's Collective; the endpoint closes either way. */
  join(options: TcpJoinOptions): Promise<Collective>;
  close(): Promise<void>;
}

/** 256 KiB: on loopback it pipelined best of 256 KiB, 1 MiB and 4 MiB (1.35, 1.18, 1.14 GB/s busbw at 256 MiB, 2 ranks). */
export const DEFAULT_TCP_PIECE_BYTES = 256 * 1024;
export const DEFAULT_CONNECT_TIMEOUT_MS = 60_000;
/** Bytes one read from the left link may deliver; larger reads mean fewer callbacks. */
const READ_BUFFER_BYTES = 256 * 1024;
/** How long close() waits for queued writes to reach the kernel before dropping them. */
const CLOSE_GRACE_MS = 5_000;

export async function openTcpRank(options: { readonly host?: string; readonly port?: number } = {}): Promise<TcpRankEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const listener = await RingListener.open(host, options.port ?? 0);
  return {
    address: { host, port: listener.port },
    join: (joinOptions) => joinRing(listener, joinOptions),
    close: () => listener.close(),
  };
}

/** Listens on peers[rank], links to both neighbours and returns the rank's Collective. */
export async function tcpCollective(options: TcpCollectiveOptions): Promise<Collective> {
  validate(options);
  const own = options.peers[options.rank]!;
  const endpoint = await openTcpRank({ host: options.listenHost ?? own.host, port: own.port });
  return endpoint.join(options);
}

function validate(options: TcpJoinOptions): void {
  const { rank, size, peers } = options;
  if (endianness() !== 'LE') throw new Error('cannot join ring: the wire format is little-endian float32 (or float16) and this host is big-endian');
  if (!Number.isInteger(size) || size < 1 || size > MAX_TCP_RING_SIZE) throw new RangeError(`cannot join ring: size must be an integer in [1, ${MAX_TCP_RING_SIZE}], got ${size}`);
  if (!Number.isInteger(rank) || rank < 0 || rank >= size) throw new RangeError(`cannot join ring: rank must be in [0, ${size}), got ${rank}`);
  if (!Array.isArray(peers) || peers.length !== size) throw new RangeError(`cannot join ring: peers must list ${size} addresses, got ${Array.isArray(peers) ? peers.length : typeof peers}`);
  peers.forEach((peer, i) => {
    if (typeof peer?.host !== 'string' || !Number.isInteger(peer.port) || peer.port < 0 || peer.port > 65_535) throw new RangeError(`cannot join ring: peers[${i}] must be { host, port }, got ${JSON.stringify(peer)}`);
  });
  const pieceBytes = options.pieceBytes ?? DEFAULT_TCP_PIECE_BYTES;
  if (!Number.isInteger(pieceBytes) || pieceBytes < 4 || pieceBytes % 4 !== 0) throw new RangeError(`cannot join ring: pieceBytes must be a positive multiple of 4, got ${pieceBytes}`);
  if (options.spinMs !== undefined) requireSpin(options.spinMs, 'join ring');
  for (const [name, value] of [['timeoutMs', options.timeoutMs], ['connectTimeoutMs', options.connectTimeoutMs]] as const) {
    if (value !== undefined && !(value > 0 && Number.isFinite(value))) throw new RangeError(`cannot join ring: ${name} must be a positive number, got ${value}`);
  }
}

async function joinRing(listener: RingListener, options: TcpJoinOptions): Promise<Collective> {
  try {
    validate(options);
  } catch (error) {
    await listener.close();
    throw error;
  }
  const { rank, size } = options;
  if (size === 1) {
    await listener.close();
    return new SoloCollective();
  }
  const links = await listener.link({
    rank,
    size,
    left: options.peers[ringIndex(rank - 1, size)]!,
    group: groupHash(options.groupId ?? ''),
    deadlineMs: Date.now() + (options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS),
    readBufferBytes: READ_BUFFER_BYTES,
  });
  return new TcpRing(rank, size, links, options.pieceBytes ?? DEFAULT_TCP_PIECE_BYTES, options.timeoutMs ?? DEFAULT_COLLECTIVE_TIMEOUT_MS, options.spinMs ?? defaultSpinMs(size));
}

const MODE_COPY = 0;
const MODE_ADD = 1;
const MODE_ADD_DIVIDE = 2;

/** One expected piece from the left: where it goes, how, and whether it goes on to the right next step. */
interface Receive {
  readonly view: Float32Array;
  /** The piece's bytes on the wire (the frame's length): the view for float32, where a piece that is only copied lands; the wire slot for half floats. */
  readonly bytes: Uint8Array;
  /** A half-float piece's place in the wire buffer, which its halves are sent on from; null for float32. */
  readonly wire: Uint16Array | null;
  readonly mode: number;
  /** The reduce-scatter's last add: this rank owns the chunk's total. */
  readonly final: boolean;
  readonly forward: boolean;
  /** The phase charged while the piece is awaited, received, reduced and passed on (only allreduce is traced). */
  readonly phase: number;
}

/** An operation as the ring runs it: what this rank sends first, then what it receives, piece by piece, in stream order. */
interface RingOp {
  readonly verb: string;
  readonly seq: number;
  readonly initialSends: readonly InitialSend[];
  readonly receives: readonly Receive[];
  /** The collective's timer when the operation is a traced allreduce. */
  readonly timer: PhaseTimer | undefined;
  next: number;
  sendsLeft: number;
  writesPending: number;
  resolve(): void;
  reject(error: Error): void;
  onWritten(error?: Error | null): void;
}

/** What goes on the wire: float32 values as they are, or half floats (Uint16Array). */
type Outgoing = Float32Array | Uint16Array;
/** A first send: as it is, or float32 values to encode into their wire slot just before they go (so encoding overlaps sending). */
type InitialSend = Outgoing | { readonly values: Float32Array; readonly wire: Uint16Array };

interface Failure {
  readonly cause: string;
  readonly lostRank: number | undefined;
}

type Side = 'left' | 'right';

class TcpRing implements Collective {
  private readonly inbound: Socket;
  private readonly outbound: Socket;
  private readonly left: number;
  private readonly right: number;
  private readonly pieceElements: number;
  /** Values per half-float piece: pieceBytes on the wire too. */
  private readonly halfPieceElements: number;
  private readonly kernel: ReduceKernel;
  /**
   * Received bytes of a piece to be added (and of every half-float piece) land here: the kernel's memory, 4-byte aligned
   * whatever the stream's offset. Half-float results are left here by the kernel too.
   */
  private readonly staging: Uint8Array;
  /** The piece of the caller's buffers being added to, copied into the kernel's memory (room for a half-float piece's values). */
  private readonly scratch: Float32Array;
  private readonly scratchByteOffset: number;
  /** Half-float allreduces: two bytes per element of the fused buffers, each piece's halves sent from its place here. */
  private wire = new Uint16Array(0);
  private bytesSent = 0;
  private bytesReceived = 0;
  private readonly header = new HeaderReader();
  private payloadFill = 0;
  private inPayload = false;
  /** Bytes read while no operation wanted them (the link is paused meanwhile). */
  private stash: Buffer | null;
  private readonly backward = new HeaderReader();
  private current: RingOp | null = null;
  private queue: Promise<void> = Promise.resolve();
  private seq = 0;
  private failure: Failure | null = null;
  /** A neighbour left while the current operation no longer needed it: the ring fails once that operation completes. */
  private deferred: Failure | null = null;
  private closed = false;
  /** After a failure or close: the left link's bytes are read and dropped, so that its end is seen and the socket closes. */
  private draining = false;
  private timer: NodeJS.Timeout | null = null;
  private lastProgressMs = 0;
  /** Set with the phase listener; undefined, operations read no clock. */
  private phaseTimer: PhaseTimer | undefined;

  constructor(
    readonly rank: number,
    readonly size: number,
    links: RingLinks,
    pieceBytes: number,
    private readonly timeoutMs: number,
    private readonly spinMs: number,
  ) {
    this.inbound = links.inbound;
    this.outbound = links.outbound;
    this.left = ringIndex(rank - 1, size);
    this.right = ringIndex(rank + 1, size);
    this.pieceElements = pieceBytes / 4;
    this.halfPieceElements = pieceBytes / 2;
    const memory = createKernelMemory(3 * pieceBytes);
    this.kernel = createReduceKernel(memory);
    this.staging = new Uint8Array(memory.buffer, 0, pieceBytes);
    this.scratchByteOffset = pieceBytes;
    this.scratch = new Float32Array(memory.buffer, pieceBytes, this.halfPieceElements);
    this.stash = links.inboundLeftover;
    this.bytesReceived = links.inboundLeftover?.length ?? 0;
    links.setSink((chunk, start, end) => this.onInbound(chunk, start, end));
    for (const [socket, side] of [
      [this.inbound, 'left'],
      [this.outbound, 'right'],
    ] as const) {
      const peer = side === 'left' ? this.left : this.right;
      socket.on('error', (error) => this.linkDown(side, { cause: `the link to rank ${peer} failed: ${error.message}`, lostRank: peer }));
      socket.on('end', () => this.linkDown(side, { cause: `rank ${peer} closed its link`, lostRank: peer }));
      socket.on('close', () => this.linkDown(side, { cause: `the link to rank ${peer} closed`, lostRank: peer }));
      if (socket.destroyed) this.linkDown(side, { cause: `the link to rank ${peer} closed`, lostRank: peer });
    }
    this.outbound.on('data', (chunk: Buffer) => this.onBackward(chunk));
    if (links.outboundLeftover !== null) this.onBackward(links.outboundLeftover);
    this.outbound.resume();
  }

  allreduce(buffers: readonly Float32Array[], op: ReduceOp = 'sum', options: AllreduceOptions = {}): Promise<void> {
    const verb = 'allreduce';
    let half: boolean[] | null;
    try {
      requireFloat32Buffers(buffers, verb);
      requireReduceOp(op, verb);
      half = halfBuffers(options.wire, buffers.length, verb);
    } catch (error) {
      return Promise.reject(error);
    }
    const halves = half;
    return this.enqueue(verb, () => {
      const n = this.size;
      const fused = new FusedBuffers(buffers);
      const stride = chunkStride(fused.length, n);
      if (halves !== null && this.wire.length < fused.length) this.wire = new Uint16Array(fused.length);
      const maxElements = halves === null ? () => this.pieceElements : (buffer: number) => (halves[buffer] ? this.halfPieceElements : this.pieceElements);
      const wireOf = (piece: FusedPiece): Uint16Array | null => (halves !== null && halves[piece.buffer] === true ? this.wire.subarray(piece.at, piece.at + piece.view.length) : null);
      const chunks = Array.from({ length: n }, (_, c) => {
        const lo = Math.min(fused.length, c * stride);
        return fused.pieces(lo, Math.min(fused.length, lo + stride), maxElements);
      });
      // Step k sends chunk (rank - k) and receives chunk (rank - k - 1): steps 0 to n - 2 add (after step n - 2 this
      // rank holds the total of chunk rank + 1), steps n - 1 to 2n - 3 copy; each received piece goes on next step.
      const receives: Receive[] = [];
      for (let k = 0; k <= 2 * n - 3; k++) {
        const mode = k < n - 2 ? MODE_ADD : k === n - 2 ? (op === 'mean' ? MODE_ADD_DIVIDE : MODE_ADD) : MODE_COPY;
        const phase = k <= n - 2 ? REDUCE_SCATTER : ALL_GATHER;
        for (const piece of chunks[ringIndex(this.rank - k - 1, n)]!) receives.push(receive(piece.view, mode, k < 2 * n - 3, phase, wireOf(piece), k === n - 2));
      }
      const initialSends = chunks[this.rank]!.map((piece): InitialSend => {
        const wire = wireOf(piece);
        return wire === null ? piece.view : { values: piece.view, wire };
      });
      return { initialSends, receives };
    }, true);
  }

  /** Encodes float32 values into half floats through the kernel's memory (values at most a half-float piece). */
  private encodeHalf(values: Float32Array, out: Uint16Array): void {
    copyInto(this.scratch, 0, values);
    this.kernel.encodeHalf(0, this.scratchByteOffset, values.length);
    copyInto(out, 0, this.staging.subarray(0, out.byteLength));
  }

  stats(): CollectiveStats {
    return { bytesSent: this.bytesSent, bytesReceived: this.bytesReceived };
  }

  setPhaseListener(listener: PhaseListener | undefined): void {
    this.phaseTimer = listener === undefined ? undefined : new PhaseTimer(listener);
  }

  broadcast(buffers: readonly Float32Array[], root: number): Promise<void> {
    const verb = 'broadcast';
    try {
      requireFloat32Buffers(buffers, verb);
      requireRoot(root, this.size, verb);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.enqueue(verb, () => {
      // A pipeline from the root round the ring: every rank passes each piece on as soon as it has it.
      const fused = new FusedBuffers(buffers);
      const views = fused.views(0, fused.length, this.pieceElements);
      const distance = ringIndex(this.rank - root, this.size);
      if (distance === 0) return { initialSends: views, receives: [] };
      return { initialSends: [], receives: views.map((view) => receive(view, MODE_COPY, distance < this.size - 1)) };
    });
  }

  async allgather(buffer: Float32Array): Promise<Float32Array[]> {
    requireFloat32Buffers([buffer], 'allgather');
    const results = Array.from({ length: this.size }, () => new Float32Array(buffer.length));
    results[this.rank]!.set(buffer);
    await this.enqueue('allgather', () => this.gatherPlan(results));
    return results;
  }

  barrier(): Promise<void> {
    // An allgather of nothing: n - 1 steps of empty frames, after which every rank has heard from every other.
    const empty = Array.from({ length: this.size }, () => new Float32Array(0));
    return this.enqueue('barrier', () => this.gatherPlan(empty));
  }

  /** Sends this rank's piece of `results`; step k receives (rank - k - 1)'s, which goes on next step. */
  private gatherPlan(results: readonly Float32Array[]): { initialSends: Float32Array[]; receives: Receive[] } {
    const n = this.size;
    const views = (c: number): Float32Array[] => new FusedBuffers([results[c]!]).views(0, results[c]!.length, this.pieceElements);
    const receives: Receive[] = [];
    for (let k = 0; k <= n - 2; k++) for (const view of views(ringIndex(this.rank - k - 1, n))) receives.push(receive(view, MODE_COPY, k < n - 2));
    return { initialSends: views(this.rank), receives };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const cause = `rank ${this.rank} closed its collective`;
    if (this.current !== null) this.fail({ cause, lostRank: this.rank });
    else if (this.failure === null) this.failure = { cause, lostRank: this.rank };
    this.clearTimer();
    this.drain();
    for (const socket of [this.outbound, this.inbound]) {
      if (!socket.destroyed && socket.writable) socket.write(encodeHeader(FRAME_ABORT, ABORT_CLOSED, 0, this.rank + 1));
      endSocket(socket, CLOSE_GRACE_MS);
    }
    await Promise.all([socketClosed(this.outbound, CLOSE_GRACE_MS), socketClosed(this.inbound, CLOSE_GRACE_MS)]);
  }

  /**
   * Operations run one at a time, in call order, as every rank calls them. A traced operation's time runs from its
   * start here (after the operations queued before it), planning included.
   */
  private enqueue(verb: string, plan: () => { initialSends: readonly InitialSend[]; receives: readonly Receive[] }, traced = false): Promise<void> {
    const result = this.queue.then(
      () =>
        new Promise<void>((resolve, reject) => {
          if (this.closed) throw new CollectiveError(`cannot ${verb}: rank ${this.rank} has closed its collective`, this.rank);
          if (this.failure !== null) throw failureError(verb, this.failure);
          const timer = traced ? this.phaseTimer : undefined;
          timer?.begin();
          const { initialSends, receives } = plan();
          this.seq = (this.seq + 1) >>> 0;
          const op: RingOp = {
            verb,
            seq: this.seq,
            initialSends,
            receives,
            timer,
            next: 0,
            sendsLeft: initialSends.length + receives.filter((r) => r.forward).length,
            writesPending: 0,
            resolve,
            reject,
            onWritten: (error) => this.onWritten(op, error),
          };
          this.start(op);
        }),
    );
    this.queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  private start(op: RingOp): void {
    this.current = op;
    this.lastProgressMs = Date.now();
    this.armTimer();
    if (this.spinMs > 0) this.poll(op, performance.now() + this.spinMs);
    for (const first of op.initialSends) {
      if (first instanceof Float32Array || first instanceof Uint16Array) this.send(op, first);
      else {
        this.encodeHalf(first.values, first.wire);
        this.send(op, first.wire);
      }
    }
    op.timer?.lap(COPY_IN);
    if (this.stash !== null) {
      const stash = this.stash;
      this.stash = null;
      const stop = this.consume(stash, 0, stash.length);
      if (stop < stash.length) this.stash = stash.subarray(stop);
    }
    if (this.current === op && this.stash === null && op.next < op.receives.length) this.inbound.resume();
    this.maybeFinish(op);
  }

  /**
   * Keeps the event loop turning while `op` runs, up to `untilMs`: with an immediate pending, the loop looks for network
   * events without sleeping, so the process's core stays busy (see spin.ts) and a piece is read as soon as it lands.
   */
  private poll(op: RingOp, untilMs: number): void {
    if (this.current !== op || performance.now() >= untilMs) return;
    setImmediate(() => this.poll(op, untilMs));
  }

  private send(op: RingOp, view: Outgoing): void {
    op.sendsLeft--;
    op.writesPending++;
    const header = encodeHeader(FRAME_DATA, op.seq, view.byteLength, view instanceof Uint16Array ? DATA_FLOAT16 : DATA_FLOAT32);
    this.bytesSent += FRAME_HEADER_BYTES + view.byteLength;
    if (view.byteLength === 0) {
      this.outbound.write(header, op.onWritten);
      return;
    }
    // Two writes, one writev: the header, then the caller's bytes as they are (no copy); they must not change until
    // written, which the ring's order guarantees and the end of the operation waits for.
    this.outbound.cork();
    this.outbound.write(header);
    this.outbound.write(Buffer.from(view.buffer, view.byteOffset, view.byteLength), op.onWritten);
    this.outbound.uncork();
  }

  private onWritten(op: RingOp, error?: Error | null): void {
    op.writesPending--;
    if (error) {
      this.linkDown('right', { cause: `cannot send to rank ${this.right}: ${error.message}`, lostRank: this.right });
      return;
    }
    this.lastProgressMs = Date.now();
    this.maybeFinish(op);
  }

  /** The left link's bytes: consumed while the current operation expects pieces, else kept and the link paused. */
  private onInbound(chunk: Buffer, start: number, end: number): boolean {
    this.bytesReceived += end - start;
    if (this.draining) return true;
    this.lastProgressMs = Date.now();
    // The time since the last lap went waiting for the piece the operation expects next.
    const current = this.current;
    if (current?.timer !== undefined) current.timer.lap(awaitedPhase(current));
    const stop = this.consume(chunk, start, end);
    if (stop < end) {
      this.stash = Buffer.from(chunk.subarray(stop, end));
      return false;
    }
    const op = this.current;
    return op !== null && op.next < op.receives.length;
  }

  /** Parses frames from chunk[start, end) into the current operation's pieces; returns where it stopped. */
  private consume(chunk: Uint8Array, start: number, end: number): number {
    let p = start;
    while (p < end) {
      const op = this.current;
      if (op === null || op.next === op.receives.length) return p;
      if (!this.inPayload) {
        p = this.header.take(chunk, p, end);
        if (!this.header.complete) return p;
        const frame = this.header.next();
        if (!this.acceptFrame(op, frame)) return end;
        this.inPayload = true;
        this.payloadFill = 0;
      }
      const piece = op.receives[op.next]!;
      const take = Math.min(piece.bytes.length - this.payloadFill, end - p);
      if (take > 0) {
        copyInto(piece.mode === MODE_COPY && piece.wire === null ? piece.bytes : this.staging, this.payloadFill, chunk.subarray(p, p + take));
        this.payloadFill += take;
        p += take;
      }
      if (this.payloadFill === piece.bytes.length) {
        this.inPayload = false;
        op.next++;
        op.timer?.lap(piece.phase);
        this.completePiece(op, piece);
      }
    }
    return p;
  }

  /** Whether the frame is the piece the operation expects; an ABORT or anything else fails the ring. */
  private acceptFrame(op: RingOp, frame: FrameHeader): boolean {
    const piece = op.receives[op.next]!;
    const expected = piece.bytes.length;
    const format = piece.wire === null ? DATA_FLOAT32 : DATA_FLOAT16;
    if (frame.kind === FRAME_DATA && frame.tag === op.seq && frame.payloadBytes === expected && frame.extra === format) return true;
    if (frame.kind === FRAME_ABORT) {
      this.linkDown('left', abortFailure(frame, this.left));
      return false;
    }
    const got = frame.kind === FRAME_DATA ? `a ${frame.payloadBytes}-byte ${formatName(frame.extra)} piece of operation ${frame.tag}` : `a frame of kind ${frame.kind}`;
    this.fail({
      cause: `rank ${this.left} sent ${got} where a ${expected}-byte ${formatName(format)} piece of operation ${op.seq} was expected (every rank must call the same operations, in the same order, with the same lengths and wire formats)`,
      lostRank: undefined,
    });
    return false;
  }

  private completePiece(op: RingOp, piece: Receive): void {
    const timer = op.timer;
    if (piece.wire !== null) this.completeHalfPiece(op, piece, piece.wire);
    else {
      if (piece.mode !== MODE_COPY) {
        const elements = piece.view.length;
        copyInto(this.scratch, 0, piece.view);
        timer?.lap(COPY_IN);
        if (piece.mode === MODE_ADD) this.kernel.add(this.scratchByteOffset, this.scratchByteOffset, 0, elements);
        else this.kernel.addDivide(this.scratchByteOffset, this.scratchByteOffset, 0, elements, this.size);
        timer?.lap(piece.phase);
        copyInto(piece.view, 0, this.scratch.subarray(0, elements));
        timer?.lap(COPY_OUT);
      }
      if (piece.forward) {
        this.send(op, piece.view);
        timer?.lap(piece.phase);
      }
    }
    this.maybeFinish(op);
  }

  /**
   * A half-float piece, its halves in the staging area: added to this rank's values (the result encoded in place), put
   * in its wire slot and sent on, and decoded into the caller's buffers where it is final (the all-gather, and the
   * owner's total).
   */
  private completeHalfPiece(op: RingOp, piece: Receive, wire: Uint16Array): void {
    const timer = op.timer;
    const elements = piece.view.length;
    if (piece.mode !== MODE_COPY) {
      copyInto(this.scratch, 0, piece.view);
      timer?.lap(COPY_IN);
      if (piece.mode === MODE_ADD) this.kernel.addHalf(0, 0, this.scratchByteOffset, elements);
      else this.kernel.addDivideHalf(0, 0, this.scratchByteOffset, elements, this.size);
      timer?.lap(piece.phase);
    }
    if (piece.forward) {
      copyInto(wire, 0, this.staging.subarray(0, wire.byteLength));
      this.send(op, wire);
      timer?.lap(piece.phase);
    }
    if (piece.mode === MODE_COPY || piece.final) {
      this.kernel.decodeHalf(this.scratchByteOffset, 0, elements);
      copyInto(piece.view, 0, this.scratch.subarray(0, elements));
      timer?.lap(COPY_OUT);
    }
  }

  private maybeFinish(op: RingOp): void {
    if (this.current !== op || op.next < op.receives.length || op.sendsLeft > 0 || op.writesPending > 0) return;
    this.current = null;
    this.clearTimer();
    let listenerError: unknown;
    if (op.timer !== undefined) {
      // Since the last piece: the last forwarded pieces reaching the socket, the end of the all-gather.
      op.timer.lap(awaitedPhase(op));
      try {
        op.timer.emit();
      } catch (error) {
        listenerError = error;
      }
    }
    if (listenerError === undefined) op.resolve();
    else op.reject(listenerError instanceof Error ? listenerError : new Error(String(listenerError)));
    if (this.deferred !== null) this.fail(this.deferred);
  }

  /** Frames from the right neighbour, against the data's direction: only ABORT. */
  private onBackward(chunk: Buffer): void {
    let p = 0;
    while (p < chunk.length) {
      p = this.backward.take(chunk, p, chunk.length);
      if (!this.backward.complete) return;
      const frame = this.backward.next();
      if (frame.kind === FRAME_ABORT) this.linkDown('right', abortFailure(frame, this.right));
      else this.fail({ cause: `rank ${this.right} sent a frame of kind ${frame.kind} against the ring's direction`, lostRank: undefined });
    }
  }

  /**
   * A neighbour is gone (or says the ring is broken). The current operation fails now only if it still needs that
   * side; otherwise it completes (everything it needs is already on its way) and the ring fails right after, so that a
   * rank which closes as soon as its last operation is done never breaks a slower neighbour's last operation.
   */
  private linkDown(side: Side, failure: Failure): void {
    if (this.failure !== null) return;
    const op = this.current;
    const needed = op === null || (side === 'left' ? op.next < op.receives.length : op.sendsLeft > 0 || op.writesPending > 0);
    if (needed) this.fail(failure);
    else this.deferred ??= failure;
  }

  /** Fails the current and every later operation, tells both neighbours, and ends both links. */
  private fail(failure: Failure): void {
    if (this.failure !== null) return;
    this.failure = failure;
    this.clearTimer();
    const op = this.current;
    this.current = null;
    op?.reject(failureError(op.verb, failure));
    this.drain();
    const abort = encodeHeader(FRAME_ABORT, ABORT_FAILED, 0, failure.lostRank === undefined ? 0 : failure.lostRank + 1);
    for (const socket of [this.outbound, this.inbound]) {
      if (!socket.destroyed && socket.writable) socket.write(abort, () => undefined);
      endSocket(socket, CLOSE_GRACE_MS);
    }
  }

  private drain(): void {
    this.draining = true;
    this.stash = null;
    this.inbound.resume();
  }

  private armTimer(): void {
    this.clearTimer();
    this.timer = setTimeout(() => this.checkProgress(), this.timeoutMs);
    this.timer.unref();
  }

  private checkProgress(): void {
    this.timer = null;
    if (this.current === null) return;
    const idleMs = Date.now() - this.lastProgressMs;
    if (idleMs >= this.timeoutMs) {
      this.fail({ cause: `rank ${this.rank} heard nothing from its neighbours (ranks ${this.left} and ${this.right}) for ${this.timeoutMs} ms`, lostRank: undefined });
      return;
    }
    this.timer = setTimeout(() => this.checkProgress(), this.timeoutMs - idleMs);
    this.timer.unref();
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}

function receive(view: Float32Array, mode: number, forward: boolean, phase = ALL_GATHER, wire: Uint16Array | null = null, final = false): Receive {
  const onWire = wire ?? view;
  return { view, bytes: new Uint8Array(onWire.buffer, onWire.byteOffset, onWire.byteLength), wire, mode, final, forward, phase };
}

function formatName(format: number): string {
  return format === DATA_FLOAT32 ? 'float32' : format === DATA_FLOAT16 ? 'float16' : `format-${format}`;
}

/** What a traced operation is waiting for: its first piece (the negotiation), the next piece, or its last sends. */
function awaitedPhase(op: RingOp): number {
  if (op.next === 0) return NEGOTIATE;
  return op.next < op.receives.length ? op.receives[op.next]!.phase : ALL_GATHER;
}

function abortFailure(frame: FrameHeader, from: number): Failure {
  const lostRank = frame.extra === 0 ? undefined : frame.extra - 1;
  if (frame.tag === ABORT_CLOSED) return { cause: `rank ${lostRank ?? from} closed its collective`, lostRank: lostRank ?? from };
  return { cause: lostRank === undefined ? `the ring failed (reported by rank ${from})` : `rank ${lostRank} left the ring (reported by rank ${from})`, lostRank };
}

function failureError(verb: string, failure: Failure): CollectiveError {
  return new CollectiveError(`cannot ${verb}: ${failure.cause}`, failure.lostRank);
}

/** A ring of one: every operation is complete at once. */
class SoloCollective implements Collective {
  readonly rank = 0;
  readonly size = 1;
  private closed = false;

  async allreduce(buffers: readonly Float32Array[], op: ReduceOp = 'sum', options: AllreduceOptions = {}): Promise<void> {
    requireFloat32Buffers(buffers, 'allreduce');
    requireReduceOp(op, 'allreduce');
    const half = halfBuffers(options.wire, buffers.length, 'allreduce');
    this.enter('allreduce');
    // The sum over one rank is its own buffers; half-float ones are rounded as a ring's results are.
    if (half !== null) buffers.forEach((buffer, i) => half[i] && roundToHalf(buffer));
  }

  stats(): CollectiveStats {
    return { bytesSent: 0, bytesReceived: 0 };
  }

  async broadcast(buffers: readonly Float32Array[], root: number): Promise<void> {
    requireFloat32Buffers(buffers, 'broadcast');
    requireRoot(root, 1, 'broadcast');
    this.enter('broadcast');
  }

  async allgather(buffer: Float32Array): Promise<Float32Array[]> {
    requireFloat32Buffers([buffer], 'allgather');
    this.enter('allgather');
    return [buffer.slice()];
  }

  async barrier(): Promise<void> {
    this.enter('barrier');
  }

  /** A ring of one has no ring steps, so there is nothing to report. */
  setPhaseListener(): void {}

  async close(): Promise<void> {
    this.closed = true;
  }

  private enter(verb: string): void {
    if (this.closed) throw new CollectiveError(`cannot ${verb}: rank 0 has closed its collective`, 0);
  }
}
