import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import { collectiveTestSuite } from './collective.testsuite.js';
import { createThreadGroup, threadCollective } from './threads.js';
import { runThreadRanks } from './thread-ranks.js';
import { DEFAULT_SPIN_MS } from './spin.js';

const SCRIPTS = new URL('./test-support.ts', import.meta.url).href;

collectiveTestSuite('threads (shared memory)', {
  sharedMemory: true,
  run: (size, exportName, args, options = {}) =>
    runThreadRanks({
      size,
      transport: 'threads',
      script: { moduleUrl: SCRIPTS, exportName },
      args,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.small ? { segmentElements: 64 } : {}),
      ...(options.spinMs === undefined ? {} : { spinMs: options.spinMs }),
    }),
});

describe('thread groups', () => {
  it('rejects a bad size, segment or timeout with the reason', () => {
    expect(() => createThreadGroup({ size: 0 })).toThrow('cannot create thread group: size must be a positive integer, got 0');
    expect(() => createThreadGroup({ size: 2, segmentElements: 1.5 })).toThrow('segmentElements must be a positive integer');
    expect(() => createThreadGroup({ size: 2, timeoutMs: -1 })).toThrow('timeoutMs must be a positive number');
    expect(() => createThreadGroup({ size: 2, spinMs: -1 })).toThrow('cannot create thread group: spinMs must be a finite number >= 0, got -1');
    expect(() => threadCollective(createThreadGroup({ size: 2 }), 0, { spinMs: Number.NaN })).toThrow('cannot join thread group: spinMs must be a finite number >= 0, got NaN');
  });

  it('polls while the ranks fit the cores and sleeps at once when they do not', () => {
    expect(createThreadGroup({ size: 1 }).spinMs).toBe(DEFAULT_SPIN_MS);
    expect(createThreadGroup({ size: availableParallelism() + 1 }).spinMs).toBe(0);
    expect(createThreadGroup({ size: 2, spinMs: 0.5 }).spinMs).toBe(0.5);
  });

  it('lets each rank join once, and only ranks of the group', () => {
    const handle = createThreadGroup({ size: 2 });
    threadCollective(handle, 0);
    expect(() => threadCollective(handle, 0)).toThrow('cannot join thread group: rank 0 has already joined');
    expect(() => threadCollective(handle, 2)).toThrow('cannot join thread group: rank must be in [0, 2), got 2');
  });

  it('runs a one-rank group on the calling thread, and refuses operations once closed', async () => {
    const collective = threadCollective(createThreadGroup({ size: 1 }), 0);
    const buffer = Float32Array.of(1, 2, 3);
    await collective.allreduce([buffer], 'mean');
    expect([...buffer]).toEqual([1, 2, 3]);
    expect((await collective.allgather(buffer)).map((b) => [...b])).toEqual([[1, 2, 3]]);
    await expect(collective.broadcast([buffer], 1)).rejects.toThrow('cannot broadcast: root must be a rank in [0, 1), got 1');
    await collective.close();
    await collective.close();
    await expect(collective.barrier()).rejects.toMatchObject({ name: 'CollectiveError', message: 'cannot barrier: rank 0 has closed its collective' });
  });
});
