import { describe, expect, it } from 'vitest';
import { ChangeSignal } from './change-signal.js';

/** Lets every pending promise callback run. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('ChangeSignal', () => {
  it('wakes every waiter on notify, and only those waiting then', async () => {
    const signal = new ChangeSignal();
    const woken: string[] = [];
    void signal.wait().then(() => woken.push('a'));
    void signal.wait().then(() => woken.push('b'));
    await settle();
    expect(woken).toEqual([]);
    signal.notify();
    await settle();
    expect(woken).toEqual(['a', 'b']);
    void signal.wait().then(() => woken.push('c'));
    await settle();
    expect(woken).toEqual(['a', 'b']);
    signal.notify();
    await settle();
    expect(woken).toEqual(['a', 'b', 'c']);
  });

  it('does not remember a notify that came before wait', async () => {
    const signal = new ChangeSignal();
    signal.notify();
    let woken = false;
    void signal.wait().then(() => (woken = true));
    await settle();
    expect(woken).toBe(false);
  });
});
