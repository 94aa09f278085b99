/**
 * Collective operations over a ring of ranks (DESIGN.md's Collective contract). Every rank of a group calls the same
 * operations in the same order with buffers of the same lengths; an operation resolves on a rank once that rank's
 * result is complete. Buffers are reduced and overwritten in place. A rank that leaves (closed socket, dead thread,
 * heartbeat timeout) fails the pending and every later operation on every surviving rank with a CollectiveError, so
 * an elastic driver can re-form the ring.
 *
 * A rank's operations run one at a time in call order (await each, or let the transport queue them); the caller must
 * not change a buffer until its operation has resolved. Every rank ends with bit-identical results: each chunk's total
 * is computed once, on one rank, and copied to the others. Transports: threads.ts (worker threads, shared memory; an
 * operation blocks its thread until done) and tcp.ts (processes or hosts); both pass collective.testsuite.ts.
 *
 * An allreduce can carry its values as IEEE half floats (AllreduceOptions.wire), which halves the bytes on a network:
 * each ring hop decodes the partial sum it receives, adds its own float32 values in float32, and rounds the new partial
 * sum to half precision for the next hop; the owner of a chunk rounds its total once, and the all-gather passes those
 * halves on unchanged. Every rank, the owner included, ends with the same values: the totals rounded to half precision
 * (the partial sums' roundings included, so within about ranks × 2^-11 of the float32 result, relative to the sum of
 * magnitudes). Half precision keeps 11 significant bits and the range ±65504: larger partial sums become ±Infinity (and
 * Infinity − Infinity NaN), magnitudes below 2^-24 become 0; NaN stays NaN. The threads transport has no wire; it
 * rounds where the TCP ring would, so both give the same values for the same call (see threads.ts).
 */
export interface Collective {
  /** This rank's index in [0, size). */
  readonly rank: number;
  /** Ranks in the ring. */
  readonly size: number;
  /**
   * Element-wise sum (or mean) of every rank's buffers, left in every rank's buffers: the bandwidth-optimal ring,
   * reduce-scatter then all-gather, one pass over the concatenation of the buffers. Every rank must pass the same
   * options.
   */
  allreduce(buffers: readonly Float32Array[], op?: ReduceOp, options?: AllreduceOptions): Promise<void>;
  /** Copies root's buffers into every rank's buffers. */
  broadcast(buffers: readonly Float32Array[], root: number): Promise<void>;
  /** Every rank's `buffer` (equal lengths on all ranks), in rank order: result[rank] is that rank's. New arrays, `buffer` untouched. */
  allgather(buffer: Float32Array): Promise<Float32Array[]>;
  /** Resolves once every rank has entered the barrier. */
  barrier(): Promise<void>;
  /**
   * Sets the listener told where each later allreduce on this rank spent its time (undefined removes it); it applies
   * from the next operation on. Unset, tracing costs a check per ring step (or piece): no clock reads, no allocation.
   * See PhaseListener for what it is told and when.
   */
  setPhaseListener(listener: PhaseListener | undefined): void;
  /** Bytes this rank has put on and taken off the wire since it joined (frames and their headers; zero for threads). */
  stats(): CollectiveStats;
  /**
   * Leaves the ring; idempotent. Operations on other ranks that still need this rank fail (and then the ring); an
   * operation this rank has already finished its part of still completes on the others.
   */
  close(): Promise<void>;
}

export type ReduceOp = 'sum' | 'mean';

/** How an allreduce's values travel between ranks: as they are, or as IEEE half floats (2 bytes each). */
export type WireFormat = 'float32' | 'float16';
export const WIRE_FORMATS: readonly WireFormat[] = ['float32', 'float16'];

export interface AllreduceOptions {
  /**
   * The wire format of every buffer, or one per buffer (as many as there are buffers), so that a value that must stay
   * exact can ride in float32 beside half-precision gradients. Default 'float32'. With 'float16' the results are
   * rounded to half precision, even on a ring of one rank: see the Collective comment for what is kept and lost.
   */
  readonly wire?: WireFormat | readonly WireFormat[];
}

export interface CollectiveStats {
  /** Bytes written to the right neighbour: every frame, header included. */
  readonly bytesSent: number;
  /** Bytes read from the left neighbour, counted as they are read (bytes of a next operation can arrive early). */
  readonly bytesReceived: number;
}

/**
 * Where an allreduce spends its time on one rank, in the order the listener is told of them:
 * - copy-in: the caller's buffers into the transport's memory (threads: into the rank's shared slot; TCP: planning,
 *   handing this rank's first chunk to the socket, and each piece to be reduced copied into the kernel's staging area);
 * - negotiate: blocked until the neighbours are ready for the first ring step (threads: the first waits on the right
 *   neighbour's slot and the left neighbour's first step; TCP: waiting for the first incoming piece);
 * - reduce-scatter and all-gather: the ring's two halves, their waits on neighbours included;
 * - copy-out: results back into the caller's buffers (threads: out of the shared slots; TCP: out of the staging area).
 */
export type CollectivePhase = 'copy-in' | 'negotiate' | 'reduce-scatter' | 'all-gather' | 'copy-out';

/**
 * Told of each phase of an allreduce once per call, in CollectivePhase's order, once the call's part on this rank is
 * done and before its promise resolves; times are absolute Unix ms with fractions (wallClockMs). A long message goes
 * through the ring in segments whose phases interleave, so a phase's span is not where it happened: each span is as
 * long as the phase's time summed over the call, and the spans are laid end to end from the operation's start, so they
 * never overlap (what a trace viewer wants) and the last one ends when the operation did. Calls that fail, and rings of
 * one rank (no ring steps), report nothing. A listener that throws makes that allreduce reject, its buffers reduced.
 */
export type PhaseListener = (phase: CollectivePhase, startMs: number, endMs: number) => void;

/** Raised by every operation of a collective once a peer has gone; `rank` names the lost peer when known. */
export class CollectiveError extends Error {
  constructor(
    message: string,
    readonly lostRank?: number,
  ) {
    super(message);
    this.name = 'CollectiveError';
  }
}
