import { describe, expect, it } from 'vitest';
import { OnceLifecycle } from './once-lifecycle.js';

function counted(outcome: () => Promise<void> = () => Promise.resolve()): { run: () => Promise<void>; calls: () => number } {
  let calls = 0;
  return {
    run: () => {
      calls++;
      return outcome();
    },
    calls: () => calls,
  };
}

describe('OnceLifecycle', () => {
  it('starts once and gives every caller the same promise', async () => {
    const start = counted();
    const gate = new OnceLifecycle('thing', start.run, () => Promise.resolve());
    const first = gate.start();
    expect(gate.start()).toBe(first);
    await first;
    await gate.start();
    expect(start.calls()).toBe(1);
  });

  it('stops once and gives every caller the same promise', async () => {
    const stop = counted();
    const gate = new OnceLifecycle('thing', () => Promise.resolve(), stop.run);
    await gate.start();
    const first = gate.stop();
    expect(gate.stop()).toBe(first);
    await Promise.all([first, gate.stop()]);
    expect(stop.calls()).toBe(1);
  });

  it('refuses to start after stop, naming the service, without running the start', async () => {
    const start = counted();
    const gate = new OnceLifecycle('graphite tcp listener', start.run, () => Promise.resolve());
    await gate.stop();
    await expect(gate.start()).rejects.toThrow('cannot start graphite tcp listener: it was stopped');
    expect(start.calls()).toBe(0);
  });

  it('keeps a failed start: a later start() rejects the same way without retrying', async () => {
    const start = counted(() => Promise.reject(new Error('port in use')));
    const gate = new OnceLifecycle('thing', start.run, () => Promise.resolve());
    await expect(gate.start()).rejects.toThrow('port in use');
    await expect(gate.start()).rejects.toThrow('port in use');
    expect(start.calls()).toBe(1);
  });

  it('tells whether stop was requested', () => {
    const gate = new OnceLifecycle('thing', () => Promise.resolve(), () => new Promise<void>(() => {}));
    expect(gate.stopRequested).toBe(false);
    void gate.stop();
    expect(gate.stopRequested).toBe(true);
  });

  it('waitForStart tells whether a start was asked for and succeeded', async () => {
    const never = new OnceLifecycle('thing', () => Promise.resolve(), () => Promise.resolve());
    expect(await never.waitForStart()).toBe(false);

    let finishStart: () => void = () => {};
    const slow = new OnceLifecycle('thing', () => new Promise<void>((resolve) => (finishStart = resolve)), () => Promise.resolve());
    void slow.start();
    const waited = slow.waitForStart();
    finishStart();
    expect(await waited).toBe(true);

    const failing = new OnceLifecycle('thing', () => Promise.reject(new Error('boom')), () => Promise.resolve());
    failing.start().catch(() => undefined);
    expect(await failing.waitForStart()).toBe(false);
  });
});
