import { CollectiveError, type AllreduceOptions, type Collective, type CollectiveStats, type PhaseListener, type ReduceOp } from './collective.js';
import { chunkStride, FusedBuffers, halfBuffers, requireFloat32Buffers, requireReduceOp, requireRoot, ringIndex } from './fused-buffers.js';
import { roundToHalf } from './half.js';
import { defaultSpinMs, requireSpin } from './spin.js';
import { copyInto } from './memcpy.js';
import { ALL_GATHER, COPY_IN, COPY_OUT, NEGOTIATE, PhaseTimer, REDUCE_SCATTER } from './phase-timer.js';
import { createKernelMemory, createReduceKernel, isKernelMemory, type KernelMemory, type ReduceKernel } from './reduce-kernel.js';

/**
 * The threads transport: ranks are worker threads of one process and the ring runs over shared memory. Each rank owns
 * two segment slots in one shared WebAssembly.Memory (two, so that a rank can fill the next segment while its right
 * neighbour still reads the last one) and a step counter in a shared Int32Array. A ring step reads the left neighbour's
 * chunk straight out of its slot, once the left's counter says that chunk is ready; the only copies are the copy into
 * the rank's slot (the fusion buffer) and the copy of the result out of it.
 *
 * Operations block their thread (Atomics.wait) until they are complete: run ranks in worker threads. A neighbour that is
 * gone (closed, its thread exited) fails every operation that still needs it, and then the whole group; a neighbour that
 * makes no progress for timeoutMs fails the group too.
 *
 * A float16 allreduce (AllreduceOptions.wire) has no wire to shrink here, but it gives the values the TCP ring gives:
 * every partial sum is rounded to half precision where the TCP ring would encode it (a rank's own chunk before its
 * right neighbour reads it, and each add of the reduce-scatter, the last one included), so the adds happen in the
 * same order on the same rounded operands. A message that fits one segment (chunked alike on both transports) comes
 * out bit-identical to TCP's; a longer one is chunked per segment, so its values differ from TCP's only as two
 * roundings of the same sum in a different order do. Rounding once, only the totals, would be cheaper and a little
 * more precise, but then training on threads would not stand for training on TCP; the rounding runs in the SIMD
 * kernel on the slot, a small cost beside the adds.
 */

export interface ThreadGroupOptions {
  /** Ranks in the ring. */
  readonly size: number;
  /**
   * Elements of one segment slot; longer messages go through the ring a segment at a time. Small enough that a rank's
   * slots stay in its core's cache; rounded up to 16. Default DEFAULT_THREAD_SEGMENT_ELEMENTS.
   */
  readonly segmentElements?: number;
  /** How long an operation waits for a neighbour's progress before it fails the group. Default DEFAULT_COLLECTIVE_TIMEOUT_MS. */
  readonly timeoutMs?: number;
  /**
   * How long a waiting rank keeps polling its neighbour's counter before it sleeps (Atomics.wait); 0 polls a few
   * thousand times only. Default defaultSpinMs(size) (spin.ts).
   */
  readonly spinMs?: number;
}

/**
 * A thread group's shared state, plain enough to pass to workers (workerData or postMessage share the memory, not copy
 * it). Every rank builds its Collective from it with threadCollective.
 */
export interface ThreadGroupHandle {
  readonly size: number;
  readonly segmentElements: number;
  readonly timeoutMs: number;
  readonly spinMs: number;
  /** Every rank's two segment slots, rank after rank. */
  readonly memory: KernelMemory;
  /** Int32 step counters and flags; layout below. */
  readonly control: SharedArrayBuffer;
}

export interface ThreadCollectiveOptions {
  /** Overrides the group's timeoutMs for this rank. */
  readonly timeoutMs?: number;
  /** Overrides the group's spinMs for this rank. */
  readonly spinMs?: number;
}

/** Why a rank left: it closed its collective, or its thread ended before that (see markThreadRankGone). */
export type ThreadRankGoneReason = 'closed' | 'exited';

/** 256 KiB per slot: two slots per rank stay inside a 2 MiB L2 with room for the neighbour's chunk being read. */
export const DEFAULT_THREAD_SEGMENT_ELEMENTS = 65_536;
/** Long enough for a rank that computes before it joins an operation; a dead rank is usually noticed at once. */
export const DEFAULT_COLLECTIVE_TIMEOUT_MS = 120_000;

// Control layout (Int32 indexes). The failure record is written once, by the first rank that fails the group.
const FAILURE_STATE = 0; // 0 none, -1 being written, 1 written
const FAILURE_REASON = 1;
const FAILURE_LOST = 2; // lost rank + 1, 0 unknown
const FAILURE_REPORTER = 3; // rank + 1
const FAILURE_PEER = 4; // the neighbour it waited for, + 1
const FAILURE_TIMEOUT_MS = 5;
// Per rank, 64 bytes apart so that two ranks' counters never share a cache line.
const RANK_BASE = 16;
const RANK_STRIDE = 16;
const COUNTER = 0; // steps done: wraps around in int32, compared by difference
const GONE = 1; // 0, or the reason code
const JOINED = 2;
const SIGNATURE = 3; // + slot: what the rank's operation on that slot is, so mismatched calls fail instead of mixing

const REASON_GONE = 1;
const REASON_TIMEOUT = 2;
const REASON_MISMATCH = 3;
const GONE_CODES: Record<ThreadRankGoneReason, number> = { closed: 1, exited: 2 };

const KIND_ALLREDUCE = 1;
const KIND_BROADCAST = 2;
const KIND_ALLGATHER = 3;
const KIND_BARRIER = 4;

/** Loads of a neighbour's counter between looks at the clock, and all the polling a rank with spinMs 0 does. */
const SPIN_CHECKS = 4_000;
/** A sleeping rank re-checks the failure record this often even without a notify (a notify can race a check). */
const WAIT_SLICE_MS = 50;

export function createThreadGroup(options: ThreadGroupOptions): ThreadGroupHandle {
  const { size } = options;
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`cannot create thread group: size must be a positive integer, got ${size}`);
  const requested = options.segmentElements ?? DEFAULT_THREAD_SEGMENT_ELEMENTS;
  if (!Number.isInteger(requested) || requested < 1) throw new RangeError(`cannot create thread group: segmentElements must be a positive integer, got ${requested}`);
  const segmentElements = Math.ceil(Math.max(requested, size) / 16) * 16;
  const timeoutMs = options.timeoutMs ?? DEFAULT_COLLECTIVE_TIMEOUT_MS;
  requireTimeout(timeoutMs, 'create thread group');
  const spinMs = options.spinMs ?? defaultSpinMs(size);
  requireSpin(spinMs, 'create thread group');
  return {
    size,
    segmentElements,
    timeoutMs,
    spinMs,
    memory: createKernelMemory(size * 2 * segmentElements * 4),
    control: new SharedArrayBuffer((RANK_BASE + size * RANK_STRIDE) * 4),
  };
}

/** Rank `rank`'s Collective over the group; call once per rank, from the thread that runs the rank. */
export function threadCollective(handle: ThreadGroupHandle, rank: number, options: ThreadCollectiveOptions = {}): Collective {
  const { size } = handle;
  if (!isKernelMemory(handle.memory) || !(handle.control instanceof SharedArrayBuffer)) throw new TypeError('cannot join thread group: the handle does not come from createThreadGroup');
  if (!Number.isInteger(rank) || rank < 0 || rank >= size) throw new RangeError(`cannot join thread group: rank must be in [0, ${size}), got ${rank}`);
  const timeoutMs = options.timeoutMs ?? handle.timeoutMs;
  requireTimeout(timeoutMs, 'join thread group');
  const spinMs = options.spinMs ?? handle.spinMs;
  requireSpin(spinMs, 'join thread group');
  const control = new Int32Array(handle.control);
  if (Atomics.compareExchange(control, rankIndex(rank, JOINED), 0, 1) !== 0) throw new Error(`cannot join thread group: rank ${rank} has already joined`);
  return new ThreadCollective(handle, rank, control, timeoutMs, spinMs);
}

/**
 * Marks a rank as gone, from any thread: the launcher calls it when a rank's worker exits before closing its collective.
 * Operations that still need that rank fail, then the group; what it already contributed stays usable.
 */
export function markThreadRankGone(handle: ThreadGroupHandle, rank: number, reason: ThreadRankGoneReason): void {
  const control = new Int32Array(handle.control);
  Atomics.compareExchange(control, rankIndex(rank, GONE), 0, GONE_CODES[reason]);
  wakeAll(control, handle.size);
}

class ThreadCollective implements Collective {
  readonly rank: number;
  readonly size: number;
  private readonly left: number;
  private readonly right: number;
  private readonly segmentElements: number;
  private readonly memory: Float32Array;
  private readonly kernel: ReduceKernel;
  private readonly counterIndex: number;
  /** Counter value that starts the next segment operation; every rank walks the same sequence. */
  private nextBase = 1;
  /** Per slot: the counter value that ends the last segment operation on it (the right neighbour must reach it before the slot is refilled). */
  private readonly slotEnds = [0, 0];
  private segmentIndex = 0;
  private closed = false;
  /** Set with the phase listener; undefined, allreduce reads no clock. */
  private phaseTimer: PhaseTimer | undefined;

  constructor(
    handle: ThreadGroupHandle,
    rank: number,
    private readonly control: Int32Array,
    private readonly timeoutMs: number,
    private readonly spinMs: number,
  ) {
    this.rank = rank;
    this.size = handle.size;
    this.left = ringIndex(rank - 1, this.size);
    this.right = ringIndex(rank + 1, this.size);
    this.segmentElements = handle.segmentElements;
    this.memory = new Float32Array(handle.memory.buffer);
    this.kernel = createReduceKernel(handle.memory);
    this.counterIndex = rankIndex(rank, COUNTER);
  }

  async allreduce(buffers: readonly Float32Array[], op: ReduceOp = 'sum', options: AllreduceOptions = {}): Promise<void> {
    const verb = 'allreduce';
    requireFloat32Buffers(buffers, verb);
    requireReduceOp(op, verb);
    const half = halfBuffers(options.wire, buffers.length, verb);
    this.enter(verb);
    if (this.size === 1) {
      // The sum and the mean over one rank are its own buffers (half-float ones rounded, as a ring's results are).
      if (half !== null) buffers.forEach((buffer, i) => half[i] && roundToHalf(buffer));
      return;
    }
    // Taken once per call, so that a listener set or removed meanwhile applies from the next call.
    const timer = this.phaseTimer;
    timer?.begin();
    const fused = new FusedBuffers(buffers);
    const halfRuns = half === null ? null : fused.runs((buffer) => half[buffer]!);
    const signature = signatureOf(KIND_ALLREDUCE, fused.length, (op === 'mean' ? 1 : 0) | (halfRuns === null ? 0 : 2));
    const segments = Math.max(1, Math.ceil(fused.length / this.segmentElements));
    for (let s = 0; s < segments; s++) {
      const start = s * this.segmentElements;
      this.allreduceSegment(fused, start, Math.min(this.segmentElements, fused.length - start), op, s === 0 ? signature : 0, verb, timer, halfRuns);
    }
    timer?.emit();
  }

  /** Shared memory: nothing goes over a wire. */
  stats(): CollectiveStats {
    return { bytesSent: 0, bytesReceived: 0 };
  }

  /**
   * Rounds to half precision the part of the segment's [lo, hi) (segment element indexes, the segment starting at
   * element `start` of the concatenation) that lies in the half-float runs, in this rank's slot at `own`.
   */
  private roundRuns(halfRuns: readonly (readonly [number, number])[], start: number, lo: number, hi: number, own: number): void {
    for (const [from, to] of halfRuns) {
      const a = Math.max(from, start + lo) - start;
      const b = Math.min(to, start + hi) - start;
      if (b > a) this.kernel.roundHalf((own + a) * 4, (own + a) * 4, b - a);
    }
  }

  setPhaseListener(listener: PhaseListener | undefined): void {
    this.phaseTimer = listener === undefined ? undefined : new PhaseTimer(listener);
  }

  async broadcast(buffers: readonly Float32Array[], root: number): Promise<void> {
    const verb = 'broadcast';
    requireFloat32Buffers(buffers, verb);
    requireRoot(root, this.size, verb);
    this.enter(verb);
    if (this.size === 1) return;
    const fused = new FusedBuffers(buffers);
    const signature = signatureOf(KIND_BROADCAST, fused.length, root);
    const segments = Math.max(1, Math.ceil(fused.length / this.segmentElements));
    for (let s = 0; s < segments; s++) {
      const start = s * this.segmentElements;
      this.broadcastSegment(fused, start, Math.min(this.segmentElements, fused.length - start), root, s === 0 ? signature : 0, verb);
    }
  }

  async allgather(buffer: Float32Array): Promise<Float32Array[]> {
    const verb = 'allgather';
    requireFloat32Buffers([buffer], verb);
    this.enter(verb);
    const results = Array.from({ length: this.size }, () => new Float32Array(buffer.length));
    copyInto(results[this.rank]!, 0, buffer);
    if (this.size === 1) return results;
    // Each slot holds one piece per rank, every piece starting 64-byte aligned.
    const pieceElements = Math.floor(this.segmentElements / this.size / 16) * 16;
    const signature = signatureOf(KIND_ALLGATHER, buffer.length, 0);
    const segments = Math.max(1, Math.ceil(buffer.length / pieceElements));
    for (let s = 0; s < segments; s++) {
      const start = s * pieceElements;
      this.allgatherSegment(buffer, results, start, Math.min(pieceElements, buffer.length - start), s === 0 ? signature : 0, verb);
    }
    return results;
  }

  async barrier(): Promise<void> {
    const verb = 'barrier';
    this.enter(verb);
    if (this.size === 1) return;
    // An allgather of nothing: n - 1 ring steps, after which every rank has seen every other rank's step 0.
    this.allgatherSegment(new Float32Array(0), [], 0, 0, signatureOf(KIND_BARRIER, 0, 0), verb);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.compareExchange(this.control, rankIndex(this.rank, GONE), 0, GONE_CODES.closed);
    wakeAll(this.control, this.size);
  }

  /**
   * One segment of the ring allreduce over the concatenation's [start, start + length). Step k (1 ≤ k ≤ 2n - 2) works
   * on chunk (rank - k) mod n, reading the left neighbour's copy of it, which the left finished at its step k - 1:
   * steps 1 to n - 1 add it (the reduce-scatter; after step n - 1 this rank holds the total of chunk rank + 1), steps n
   * to 2n - 2 copy it (the all-gather). A gather step overwrites a chunk whose partial sum the right neighbour read at
   * its step k + 1 - n, so it waits for that first. Each chunk goes out to the caller's buffers right after the step
   * that makes it final (while it is still in cache); the last gather step copies straight from the left's slot.
   *
   * With a timer, every stretch of the segment is charged to a phase (see CollectivePhase). The first segment's waits
   * before step 1 can run are the negotiation; a later segment's wait for its slot is the right neighbour still
   * gathering the segment that used the slot last, so it is all-gather time.
   */
  private allreduceSegment(
    fused: FusedBuffers,
    start: number,
    length: number,
    op: ReduceOp,
    signature: number,
    verb: string,
    timer: PhaseTimer | undefined,
    halfRuns: readonly (readonly [number, number])[] | null,
  ): void {
    const n = this.size;
    const first = signature !== 0;
    timer?.lap(COPY_IN);
    const { slot, base, own, left } = this.beginSegment(2 * n - 2, verb);
    timer?.lap(first ? NEGOTIATE : ALL_GATHER);
    const stride = chunkStride(length, n);
    fused.copyTo(start, start + length, this.memory, own);
    if (halfRuns !== null) {
      // This rank's own chunk starts its ring as the halves TCP would send.
      const lo = Math.min(length, this.rank * stride);
      this.roundRuns(halfRuns, start, lo, Math.min(length, lo + stride), own);
    }
    this.publish(base, slot, signature);
    timer?.lap(COPY_IN);
    for (let k = 1; k <= 2 * n - 2; k++) {
      const phase = k < n ? REDUCE_SCATTER : ALL_GATHER;
      const lo = Math.min(length, ringIndex(this.rank - k, n) * stride);
      const hi = Math.min(length, lo + stride);
      this.waitFor(this.left, (base + k - 1) | 0, verb);
      if (k === 1 && first) this.checkSignature(slot, signature, verb);
      timer?.lap(k === 1 && first ? NEGOTIATE : phase);
      if (k === 2 * n - 2) {
        // The last gather step is the copy out of the left's slot: nothing is left to pass on.
        fused.copyFrom(start + lo, start + hi, this.memory, left + lo);
        this.signal((base + k) | 0);
        timer?.lap(COPY_OUT);
        continue;
      }
      if (k < n - 1 || (k === n - 1 && op === 'sum')) this.kernel.add((own + lo) * 4, (own + lo) * 4, (left + lo) * 4, hi - lo);
      else if (k === n - 1) this.kernel.addDivide((own + lo) * 4, (own + lo) * 4, (left + lo) * 4, hi - lo, n);
      else {
        this.waitFor(this.right, (base + k + 1 - n) | 0, verb);
        this.kernel.copy((own + lo) * 4, (left + lo) * 4, (hi - lo) * 4);
      }
      if (halfRuns !== null && k <= n - 1) this.roundRuns(halfRuns, start, lo, hi, own);
      this.signal((base + k) | 0);
      timer?.lap(phase);
      if (k >= n - 1) {
        fused.copyFrom(start + lo, start + hi, this.memory, own + lo);
        timer?.lap(COPY_OUT);
      }
    }
  }

  /**
   * One segment of a broadcast: a chain from the root round the ring; each rank copies its left's slot into its own (for
   * its right to read) and into the caller's buffers. One counter value per segment: "my slot holds the segment".
   */
  private broadcastSegment(fused: FusedBuffers, start: number, length: number, root: number, signature: number, verb: string): void {
    const n = this.size;
    const distance = ringIndex(this.rank - root, n);
    const { slot, base, own, left } = this.beginSegment(0, verb, distance !== n - 1);
    if (distance === 0) {
      fused.copyTo(start, start + length, this.memory, own);
      this.publish(base, slot, signature);
      return;
    }
    this.waitFor(this.left, base, verb);
    if (signature !== 0) this.checkSignature(slot, signature, verb);
    if (distance < n - 1) {
      this.kernel.copy(own * 4, left * 4, length * 4);
      this.publish(base, slot, signature);
      fused.copyFrom(start, start + length, this.memory, own);
    } else {
      fused.copyFrom(start, start + length, this.memory, left);
      this.publish(base, slot, signature);
    }
  }

  /**
   * One segment of a ring allgather: the slot holds one piece per rank; step k (1 ≤ k ≤ n - 1) copies piece
   * (rank - k) mod n from the left's slot, which the left got at its step k - 1.
   */
  private allgatherSegment(buffer: Float32Array, results: Float32Array[], start: number, length: number, signature: number, verb: string): void {
    const n = this.size;
    const { slot, base, own, left } = this.beginSegment(n - 1, verb);
    const stride = Math.ceil(length / 16) * 16;
    copyInto(this.memory, own + this.rank * stride, buffer.subarray(start, start + length));
    this.publish(base, slot, signature);
    for (let k = 1; k < n; k++) {
      const piece = ringIndex(this.rank - k, n);
      const at = piece * stride;
      this.waitFor(this.left, (base + k - 1) | 0, verb);
      if (k === 1 && signature !== 0) this.checkSignature(slot, signature, verb);
      if (k < n - 1) {
        this.kernel.copy((own + at) * 4, (left + at) * 4, length * 4);
        this.signal((base + k) | 0);
        copyInto(results[piece]!, start, this.memory.subarray(own + at, own + at + length));
      } else {
        copyInto(results[piece]!, start, this.memory.subarray(left + at, left + at + length));
        this.signal((base + k) | 0);
      }
    }
  }

  /**
   * Claims the next slot and counter values for a segment operation of `steps` steps (values base .. base + steps).
   * Before this rank refills the slot (`writes`), the right neighbour must have finished the operation that last used it.
   */
  private beginSegment(steps: number, verb: string, writes = true): { slot: number; base: number; own: number; left: number } {
    const slot = this.segmentIndex & 1;
    this.segmentIndex++;
    const base = this.nextBase;
    this.nextBase = (base + steps + 1) | 0;
    if (writes) this.waitFor(this.right, this.slotEnds[slot]!, verb);
    this.slotEnds[slot] = (base + steps) | 0;
    return { slot, base, own: this.slotOffset(this.rank, slot), left: this.slotOffset(this.left, slot) };
  }

  private slotOffset(rank: number, slot: number): number {
    return (rank * 2 + slot) * this.segmentElements;
  }

  /** Step 0 of a segment operation: its signature (first segment of an operation only) and its first counter value. */
  private publish(base: number, slot: number, signature: number): void {
    if (signature !== 0) Atomics.store(this.control, rankIndex(this.rank, SIGNATURE + slot), signature);
    this.signal(base);
  }

  private signal(value: number): void {
    Atomics.store(this.control, this.counterIndex, value);
    Atomics.notify(this.control, this.counterIndex);
  }

  private checkSignature(slot: number, signature: number, verb: string): void {
    if (Atomics.load(this.control, rankIndex(this.left, SIGNATURE + slot)) === signature) return;
    this.recordFailure(REASON_MISMATCH, -1, this.left);
    throw this.failureError(verb);
  }

  /** Waits until `peer`'s counter reaches `target` (wrapping int32 order), failing on a gone peer, a failed group or the timeout. */
  private waitFor(peer: number, target: number, verb: string): void {
    const index = rankIndex(peer, COUNTER);
    if (this.polled(index, target)) return;
    const spinUntilMs = performance.now() + this.spinMs;
    const deadlineMs = Date.now() + this.timeoutMs;
    for (;;) {
      // GONE before COUNTER: a rank sets GONE after its last counter store, so a gone rank's counter read after is final.
      const gone = Atomics.load(this.control, rankIndex(peer, GONE));
      const value = Atomics.load(this.control, index);
      if (((value - target) | 0) >= 0) return;
      if (gone !== 0) {
        this.recordFailure(REASON_GONE, peer, peer);
        throw this.failureError(verb);
      }
      if (Atomics.load(this.control, FAILURE_STATE) !== 0) throw this.failureError(verb);
      const remainingMs = deadlineMs - Date.now();
      if (remainingMs <= 0) {
        this.recordFailure(REASON_TIMEOUT, -1, peer);
        throw this.failureError(verb);
      }
      if (performance.now() < spinUntilMs) {
        // Polling: a departure, a failure or the timeout is seen at the next look, as while sleeping.
        if (this.polled(index, target)) return;
        continue;
      }
      Atomics.wait(this.control, index, value, Math.min(remainingMs, WAIT_SLICE_MS));
    }
  }

  /** Whether the counter at `index` reaches `target` (wrapping int32 order) within SPIN_CHECKS loads. */
  private polled(index: number, target: number): boolean {
    for (let i = 0; i < SPIN_CHECKS; i++) {
      if (((Atomics.load(this.control, index) - target) | 0) >= 0) return true;
    }
    return false;
  }

  /** Refuses to start an operation on a closed rank, a failed group, or while a rank is gone. */
  private enter(verb: string): void {
    if (this.closed) throw new CollectiveError(`cannot ${verb}: rank ${this.rank} has closed its collective`, this.rank);
    if (Atomics.load(this.control, FAILURE_STATE) !== 0) throw this.failureError(verb);
    for (let peer = 0; peer < this.size; peer++) {
      if (peer !== this.rank && Atomics.load(this.control, rankIndex(peer, GONE)) !== 0) {
        this.recordFailure(REASON_GONE, peer, peer);
        throw this.failureError(verb);
      }
    }
  }

  /** The first failure wins; later ones only read it. Wakes every sleeping rank so that it fails now, not at its timeout. */
  private recordFailure(reason: number, lostRank: number, peer: number): void {
    const c = this.control;
    if (Atomics.compareExchange(c, FAILURE_STATE, 0, -1) !== 0) return;
    Atomics.store(c, FAILURE_REASON, reason);
    Atomics.store(c, FAILURE_LOST, lostRank + 1);
    Atomics.store(c, FAILURE_REPORTER, this.rank + 1);
    Atomics.store(c, FAILURE_PEER, peer + 1);
    Atomics.store(c, FAILURE_TIMEOUT_MS, Math.min(this.timeoutMs, 2 ** 31 - 1));
    Atomics.store(c, FAILURE_STATE, 1);
    wakeAll(c, this.size);
  }

  private failureError(verb: string): CollectiveError {
    const c = this.control;
    // Another rank may be between claiming the record and publishing it: a few stores away.
    for (let i = 0; i < 1_000_000 && Atomics.load(c, FAILURE_STATE) === -1; i++);
    const lost = Atomics.load(c, FAILURE_LOST) - 1;
    const reporter = Atomics.load(c, FAILURE_REPORTER) - 1;
    const peer = Atomics.load(c, FAILURE_PEER) - 1;
    let cause: string;
    switch (Atomics.load(c, FAILURE_REASON)) {
      case REASON_GONE:
        cause = `rank ${lost} left the group (${Atomics.load(c, rankIndex(lost, GONE)) === GONE_CODES.exited ? 'its thread exited' : 'it closed its collective'})`;
        break;
      case REASON_TIMEOUT:
        cause = `rank ${reporter} waited ${Atomics.load(c, FAILURE_TIMEOUT_MS)} ms for rank ${peer} without progress`;
        break;
      default:
        cause = `rank ${reporter} and rank ${peer} called different operations (every rank must call the same operations, in the same order, with the same lengths)`;
    }
    return new CollectiveError(`cannot ${verb}: ${cause}`, lost >= 0 ? lost : undefined);
  }
}

function rankIndex(rank: number, field: number): number {
  return RANK_BASE + rank * RANK_STRIDE + field;
}

function wakeAll(control: Int32Array, size: number): void {
  for (let rank = 0; rank < size; rank++) Atomics.notify(control, rankIndex(rank, COUNTER));
}

/** A non-zero int32 naming an operation and its shape (0 means "unsigned"). */
function signatureOf(kind: number, length: number, detail: number): number {
  let h = Math.imul(kind ^ 0x5bd1e995, 0x85ebca6b);
  h = Math.imul(h ^ (length % 2 ** 32 | 0), 0xc2b2ae35);
  h = Math.imul(h ^ Math.floor(length / 2 ** 32) ^ (detail << 8), 0x27d4eb2f);
  h ^= h >>> 15;
  return h === 0 ? 1 : h;
}

function requireTimeout(timeoutMs: number, verb: string): void {
  if (!(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw new RangeError(`cannot ${verb}: timeoutMs must be a positive number, got ${timeoutMs}`);
}
