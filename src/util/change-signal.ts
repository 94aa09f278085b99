/**
 * Wakes every waiter on the next `notify()`. Waiters re-check their own condition after waking and wait
 * again, so a spurious wake-up is harmless and a notify before `wait()` is never needed (callers check
 * before they wait).
 */
export class ChangeSignal {
  private waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
