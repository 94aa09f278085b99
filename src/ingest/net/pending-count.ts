import { ChangeSignal } from '../../util/index.js';

/**
 * Items (points, records) handed to a sink, or about to be, whose write has not settled. Listeners bound
 * it (pausing a socket, shedding datagrams, answering "busy"), and stop() waits for it to drain.
 */
export class PendingCount {
  private count = 0;
  /** Notified when the count drops to zero. */
  private readonly idle = new ChangeSignal();

  get value(): number {
    return this.count;
  }

  add(count: number): void {
    this.count += count;
  }

  settle(count: number): void {
    this.count -= count;
    if (this.count === 0) this.idle.notify();
  }

  /** Resolves once nothing is pending. */
  async drained(): Promise<void> {
    while (this.count > 0) await this.idle.wait();
  }
}
