import { describe, expect, it } from 'vitest';
import { PendingCount } from './pending-count.js';

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('PendingCount', () => {
  it('drains at once when nothing is pending', async () => {
    await new PendingCount().drained();
  });

  it('drains only once every item has settled, also when more came while it was waking', async () => {
    const pending = new PendingCount();
    pending.add(3);
    let drained = false;
    void pending.drained().then(() => (drained = true));
    pending.settle(2);
    await settle();
    expect(drained).toBe(false);
    pending.settle(1);
    // Zero for a moment only: a new write before the waiter runs keeps it waiting.
    pending.add(1);
    await settle();
    expect(pending.value).toBe(1);
    expect(drained).toBe(false);
    pending.settle(1);
    await settle();
    expect(pending.value).toBe(0);
    expect(drained).toBe(true);
  });
});
