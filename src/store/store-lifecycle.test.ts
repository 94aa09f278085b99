import { describe, expect, it } from 'vitest';
import { StoreLifecycle } from './store-lifecycle.js';

describe('StoreLifecycle', () => {
  it('may start again after a failed start, and drains only a store that was opened', async () => {
    const calls: string[] = [];
    let failOpen = true;
    const lifecycle = new StoreLifecycle(
      'test store',
      async () => {
        calls.push('open');
        if (failOpen) throw new Error('cannot open: disk gone');
      },
      async () => {
        calls.push('drain');
      },
    );
    expect([lifecycle.running, lifecycle.notRunningWord]).toEqual([false, 'not started']);
    await expect(lifecycle.start()).rejects.toThrow('cannot open: disk gone');
    expect(lifecycle.notRunningWord).toBe('not started');
    failOpen = false;
    await lifecycle.start();
    expect(lifecycle.running).toBe(true);
    expect(lifecycle.start()).toBe(lifecycle.start());
    const stopping = lifecycle.stop();
    expect(lifecycle.stop()).toBe(stopping);
    await stopping;
    expect([lifecycle.running, lifecycle.notRunningWord]).toEqual([false, 'stopped']);
    expect(calls).toEqual(['open', 'open', 'drain']);
    await expect(lifecycle.start()).rejects.toThrow('cannot start test store: it has been stopped');
  });

  it('stop during start waits for it, and the store never runs', async () => {
    let opened: () => void = () => {};
    const drained: string[] = [];
    const lifecycle = new StoreLifecycle(
      'test store',
      () => new Promise<void>((resolve) => (opened = resolve)),
      async () => {
        drained.push('drain');
      },
    );
    const starting = lifecycle.start();
    const stopping = lifecycle.stop();
    opened();
    await starting;
    expect(lifecycle.running).toBe(false);
    await stopping;
    expect(drained).toEqual(['drain']);
    expect(lifecycle.notRunningWord).toBe('stopped');
  });

  it('stop without start drains nothing', async () => {
    const lifecycle = new StoreLifecycle('test store', async () => {}, async () => {
      throw new Error('drained a store that was never opened');
    });
    await lifecycle.stop();
    expect(lifecycle.notRunningWord).toBe('stopped');
  });
});
