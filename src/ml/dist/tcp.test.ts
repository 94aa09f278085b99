import { describe, expect, it } from 'vitest';
import { collectiveTestSuite } from './collective.testsuite.js';
import { runProcessRanks } from './process-ranks.js';
import { openTcpRank, tcpCollective } from './tcp.js';
import { runThreadRanks } from './thread-ranks.js';
import type { CaseReport, SurvivorReport } from './test-support.js';

const SCRIPTS = new URL('./test-support.ts', import.meta.url).href;

// Each rank is a worker thread with its own event loop and its own sockets, linked to the others over loopback TCP
// exactly as processes on different hosts would be; the process-rank checks below cover real child processes.
collectiveTestSuite('TCP', {
  sharedMemory: true,
  run: (size, exportName, args, options = {}) =>
    runThreadRanks({
      size,
      transport: 'tcp',
      script: { moduleUrl: SCRIPTS, exportName },
      args,
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.small ? { pieceBytes: 256 } : {}),
    }),
});

describe('TCP ranks as child processes', () => {
  it('allreduce, broadcast, allgather and barrier are exact across 3 processes', async () => {
    const outcomes = await runProcessRanks<{ length: number }, CaseReport[]>({ size: 3, script: { moduleUrl: SCRIPTS, exportName: 'quickChecks' }, args: { length: 300_001 } });
    outcomes.forEach((outcome, rank) => {
      if (!outcome.ok) throw new Error(`rank ${rank} failed: ${outcome.error.message}`);
      expect({ rank, failed: outcome.value.filter((report) => report.mismatches !== 0) }).toEqual({ rank, failed: [] });
    });
  }, 120_000);

  it('a process that exits makes the others reject with CollectiveError naming it', async () => {
    const outcomes = await runProcessRanks<unknown, SurvivorReport | 'victim'>({
      size: 3,
      script: { moduleUrl: SCRIPTS, exportName: 'rankDies' },
      args: { victim: 1, mode: 'exit', failed: null, length: 100_000 },
      timeoutMs: 60_000,
    });
    expect(outcomes[1]).toMatchObject({ ok: false, error: { name: 'RankExited' } });
    for (const rank of [0, 2]) {
      const outcome = outcomes[rank]!;
      if (!outcome.ok) throw new Error(`rank ${rank} failed: ${outcome.error.message}`);
      expect(outcome.value).toMatchObject({ first: { name: 'CollectiveError', lostRank: 1 }, later: { name: 'CollectiveError' } });
    }
  }, 120_000);
});

describe('TCP ring forming', () => {
  it('refuses to link ranks of different groups, and says which link it could not form', async () => {
    const [a, b] = await Promise.all([openTcpRank(), openTcpRank()]);
    const peers = [a.address, b.address];
    const results = await Promise.allSettled([
      a.join({ rank: 0, size: 2, peers, groupId: 'job-a', connectTimeoutMs: 1_000 }),
      b.join({ rank: 1, size: 2, peers, groupId: 'job-b', connectTimeoutMs: 1_000 }),
    ]);
    for (const result of results) {
      expect(result.status).toBe('rejected');
      expect(String((result as PromiseRejectedResult).reason)).toMatch(/cannot join ring: /);
    }
  });

  it('rejects bad options before listening', async () => {
    await expect(tcpCollective({ rank: 2, size: 2, peers: [] })).rejects.toThrow('cannot join ring: rank must be in [0, 2), got 2');
    await expect(tcpCollective({ rank: 0, size: 2, peers: [{ host: '127.0.0.1', port: 1 }] })).rejects.toThrow('cannot join ring: peers must list 2 addresses, got 1');
    await expect(tcpCollective({ rank: 0, size: 1, peers: [{ host: '127.0.0.1', port: 0 }], pieceBytes: 6 })).rejects.toThrow('pieceBytes must be a positive multiple of 4');
  });

  it('a ring of one needs no network', async () => {
    const solo = await tcpCollective({ rank: 0, size: 1, peers: [{ host: '127.0.0.1', port: 0 }] });
    const buffer = Float32Array.of(4, 5);
    await solo.allreduce([buffer], 'mean');
    expect([...buffer]).toEqual([4, 5]);
    await solo.close();
    await expect(solo.allreduce([buffer])).rejects.toMatchObject({ name: 'CollectiveError' });
  });
});
