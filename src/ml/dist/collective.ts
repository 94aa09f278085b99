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
 */
export interface Collective {
  /** This rank's index in [0, size). */
  readonly rank: number;
  /** Ranks in the ring. */
  readonly size: number;
  /**
   * Element-wise sum (or mean) of every rank's buffers, left in every rank's buffers: the bandwidth-optimal ring,
   * reduce-scatter then all-gather, one pass over the concatenation of the buffers.
   */
  allreduce(buffers: readonly Float32Array[], op?: ReduceOp): Promise<void>;
  /** Copies root's buffers into every rank's buffers. */
  broadcast(buffers: readonly Float32Array[], root: number): Promise<void>;
  /** Every rank's `buffer` (equal lengths on all ranks), in rank order: result[rank] is that rank's. New arrays, `buffer` untouched. */
  allgather(buffer: Float32Array): Promise<Float32Array[]>;
  /** Resolves once every rank has entered the barrier. */
  barrier(): Promise<void>;
  /**
   * Leaves the ring; idempotent. Operations on other ranks that still need this rank fail (and then the ring); an
   * operation this rank has already finished its part of still completes on the others.
   */
  close(): Promise<void>;
}

export type ReduceOp = 'sum' | 'mean';

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
