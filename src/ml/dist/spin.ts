import { availableParallelism } from 'node:os';

/**
 * How long a rank waiting for a neighbour polls before it sleeps, shared by both transports. A core that sleeps often
 * between short waits comes back slow on a virtual machine (its vCPU halts and is rescheduled, and the host lowers its
 * clock): measured on a 2-vCPU host, a training step's compute took 3.4 ms on ranks that slept in each wait and 2.1 ms
 * on ranks that polled. This covers a rank's usual wait for a slower neighbour in a training step (the spread of step
 * times, a millisecond or so); longer waits (a commit, a checkpoint) still sleep.
 */
export const DEFAULT_SPIN_MS = 5;

/**
 * The default poll time for a ring of `size` ranks: DEFAULT_SPIN_MS when the ranks fit this machine's cores, else 0,
 * since a polling rank would take the core that the rank it waits for needs.
 */
export function defaultSpinMs(size: number): number {
  return size <= availableParallelism() ? DEFAULT_SPIN_MS : 0;
}

export function requireSpin(spinMs: number, verb: string): void {
  if (!(spinMs >= 0) || !Number.isFinite(spinMs)) throw new RangeError(`cannot ${verb}: spinMs must be a finite number >= 0, got ${spinMs}`);
}
