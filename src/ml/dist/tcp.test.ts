import { describe, expect, it } from 'vitest';
import { collectiveTestSuite } from './collective.testsuite.js';
import { runProcessRanks } from './process-ranks.js';
import { openTcpRank, tcpCollective } from './tcp.js';
import { runThreadRanks } from './thread-ranks.js';
import type { CaseReport, SurvivorReport, WireBytesReport } from './test-support.js';

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
      ...(options.spinMs === undefined ? {} : { spinMs: options.spinMs }),
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

describe('TCP float16 wire', () => {
  it('sends half the bytes of float32: 2(n − 1)/n · 2 bytes per value, plus the frame headers', async () => {
    const size = 3;
    const length = 1_000_003;
    const outcomes = await runThreadRanks<{ length: number }, WireBytesReport>({ size, transport: 'tcp', script: { moduleUrl: SCRIPTS, exportName: 'wireBytes' }, args: { length } });
    const reports = outcomes.map((outcome, rank) => {
      if (!outcome.ok) throw new Error(`rank ${rank} failed: ${outcome.error.message}`);
      return outcome.value;
    });
    // A default piece holds 64 Ki floats or 128 Ki halves; a chunk of a third of a million values is 6 or 3 pieces.
    const chunk = Math.ceil(length / size / 16) * 16;
    reports.forEach((report, rank) => {
      expect({ rank, failed: report.checks.filter((c) => c.mismatches !== 0) }).toEqual({ rank, failed: [] });
      // Each rank sends 2(n − 1) chunks; the last chunk is the shorter one, which some ranks send twice and others not.
      for (const [wire, bytesPerValue, perPiece] of [['float32', 4, 65_536], ['float16', 2, 131_072]] as const) {
        const { sent } = report[wire];
        const frames = 2 * (size - 1) * Math.ceil(chunk / perPiece);
        expect(sent, `rank ${rank}, ${wire}`).toBeLessThanOrEqual(2 * (size - 1) * chunk * bytesPerValue + 16 * frames);
        expect(sent, `rank ${rank}, ${wire}`).toBeGreaterThanOrEqual(2 * (size - 1) * (length - 2 * chunk) * bytesPerValue);
      }
      const ratio = report.float16.sent / report.float32.sent;
      expect(ratio, `rank ${rank}`).toBeGreaterThan(0.499);
      expect(ratio, `rank ${rank}`).toBeLessThan(0.501);
    });
    // Over the ring, each chunk goes 2(n − 1) times: exactly every value's bytes and one header per piece, that often.
    const chunks = [chunk, chunk, length - 2 * chunk];
    for (const [wire, bytesPerValue, perPiece] of [['float32', 4, 65_536], ['float16', 2, 131_072]] as const) {
      const pieces = chunks.reduce((sum, c) => sum + Math.ceil(c / perPiece), 0);
      expect(reports.reduce((sum, report) => sum + report[wire].sent, 0), wire).toBe(2 * (size - 1) * (length * bytesPerValue + 16 * pieces));
    }
  }, 120_000);

  it('gives the threads transport’s values bit for bit when the message fits one thread segment', async () => {
    for (const size of [2, 3, 4]) {
      for (const op of ['sum', 'mean'] as const) {
        // Under 65,536 values both transports chunk the message alike, so the same adds and roundings happen in the same order.
        const args = { length: 50_001, op };
        const script = { moduleUrl: SCRIPTS, exportName: 'halfDigest' };
        const [tcp, threads] = await Promise.all([runThreadRanks<typeof args, string>({ size, transport: 'tcp', script, args, pieceBytes: 4096 }), runThreadRanks<typeof args, string>({ size, transport: 'threads', script, args })]);
        const digests = [...tcp, ...threads].map((outcome) => {
          if (!outcome.ok) throw new Error(`a rank failed: ${outcome.error.message}`);
          return outcome.value;
        });
        expect(new Set(digests).size, `${size} ranks, ${op}: ${digests.join(' ')}`).toBe(1);
      }
    }
  }, 120_000);

  it('fails every rank when ranks disagree on the wire format, and says so', async () => {
    const outcomes = await runThreadRanks<null, SurvivorReport>({ size: 3, transport: 'tcp', script: { moduleUrl: SCRIPTS, exportName: 'mismatchedWire' }, args: null, timeoutMs: 60_000 });
    const messages: string[] = [];
    outcomes.forEach((outcome, rank) => {
      if (!outcome.ok) throw new Error(`rank ${rank} failed: ${outcome.error.message}`);
      const { first, later } = outcome.value;
      expect(later, `rank ${rank}`).toMatchObject({ name: 'CollectiveError' });
      if (first !== 'resolved') messages.push(first.message);
    });
    expect(messages.some((message) => /float32 piece .* where a .*float16 piece|float16 piece .* where a .*float32 piece/.test(message)), messages.join('\n')).toBe(true);
  }, 120_000);

  it('rejects a wire option that names no format, or not one per buffer', async () => {
    const solo = await tcpCollective({ rank: 0, size: 1, peers: [{ host: '127.0.0.1', port: 0 }] });
    const buffer = Float32Array.of(1 / 3, 70_000, 2 ** -26);
    await expect(solo.allreduce([buffer], 'sum', { wire: 'fp16' as 'float16' })).rejects.toThrow(`cannot allreduce: wire must be 'float32' or 'float16', or one of them per buffer, got "fp16"`);
    await expect(solo.allreduce([buffer], 'sum', { wire: ['float16', 'float16'] })).rejects.toThrow('cannot allreduce: wire lists 2 formats for 1 buffers');
    // A ring of one rounds half-wire buffers as a ring would.
    await solo.allreduce([buffer], 'sum', { wire: ['float16'] });
    expect([...buffer]).toEqual([0.333251953125, Infinity, 0]);
    expect(solo.stats()).toEqual({ bytesSent: 0, bytesReceived: 0 });
    await solo.close();
  });
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
    await expect(tcpCollective({ rank: 0, size: 1, peers: [{ host: '127.0.0.1', port: 0 }], spinMs: -2 })).rejects.toThrow('cannot join ring: spinMs must be a finite number >= 0, got -2');
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
