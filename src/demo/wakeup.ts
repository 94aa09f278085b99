/**
 * Wakes every waiter at once. Waiters re-check their own condition after waking, so a spurious wake-up is
 * harmless and a notify that happens before `wait()` is never needed (callers check before they wait).
 */
export class Wakeup {
  private waiters: (() => void)[] = [];

  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const resolve of waiters) resolve();
  }
}
