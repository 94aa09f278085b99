import { describe, expect, it } from 'vitest';
import { ChangeSignal } from './change-signal.js';

describe('ChangeSignal', () => {
  it('wakes every waiter on notify, and only those waiting then', async () => {
    const signal = new ChangeSignal();
    const woken: string[] = [];
    const a = signal.wait().then(() => woken.push('a'));
    const b = signal.wait().then(() => woken.push('b'));
    await Promise.resolve();
    expect(woken).toEqual([]);
    signal.notify();
    await Promise.all([a, b]);
    expect(woken).toEqual(['a', 'b']);

    let late = false;
    void signal.wait().then(() => (late = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(late).toBe(false);
    signal.notify();
    await new Promise((resolve) => setImmediate(resolve));
    expect(late).toBe(true);
  });

  it('does not remember a notify that came before wait', async () => {
    const signal = new ChangeSignal();
    signal.notify();
    let woken = false;
    void signal.wait().then(() => (woken = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toBe(false);
    signal.notify();
    await new Promise((resolve) => setImmediate(resolve));
    expect(woken).toBe(true);
  });
});
