import { describe, expect, it } from 'vitest';
import { formatAllreduceResult, runAllreduceBench, type AllreduceTransport } from './allreduce.js';

describe('runAllreduceBench', () => {
  for (const transport of ['threads', 'tcp'] as const satisfies readonly AllreduceTransport[]) {
    it(`times ${transport} allreduce per size beside the copy bandwidth, with NCCL's bus bandwidth`, async () => {
      const notes: string[] = [];
      const result = await runAllreduceBench({ workers: 2, transport, sizesBytes: [4096, 65_536], iterations: 1, warmupIterations: 1, copyBytes: 1 << 20, note: (line) => notes.push(line) });
      expect(result).toMatchObject({ suite: 'allreduce', transport, workers: 2, op: 'sum', wire: 'float32', copy: { bytes: 1 << 20, repeats: 10 } });
      expect(result.copy.bytesPerSecond).toBeGreaterThan(0);
      expect(result.rows.map((row) => [row.sizeBytes, row.elements, row.iterations, row.verified, row.goal])).toEqual([
        [4096, 1024, 1, true, null],
        [65_536, 16_384, 1, true, null],
      ]);
      for (const row of result.rows) {
        expect(row.medianSeconds).toBeGreaterThan(0);
        expect(row.algBytesPerSecond).toBeCloseTo(row.sizeBytes / row.medianSeconds, 6);
        // 2(n − 1)/n is 1 for two ranks.
        expect(row.busBytesPerSecond).toBeCloseTo((row.algBytesPerSecond * 2 * (2 - 1)) / 2, 6);
        expect(row.ratioToCopy).toBeCloseTo(row.busBytesPerSecond / result.copy.bytesPerSecond, 9);
      }
      // No size reaches the goal's 4 MiB: the goal is not judged.
      expect(result.goal).toEqual({ minRatio: 0.5, minSizeBytes: 4 * 1024 * 1024, appliesTo: 'threads', met: null });
      expect(JSON.parse(JSON.stringify(result))).toEqual(result);
      expect(notes[0]).toBe(`allreduce ${transport}: starting 2 ${transport === 'threads' ? 'worker threads' : 'processes'}`);
      expect(notes).toContain(`allreduce ${transport}: 64 KiB`);

      const table = formatAllreduceResult(result).split('\n');
      expect(table[0]).toContain(`allreduce: ${transport}, 2 ranks in a ring, sum of float32`);
      expect(table[1]).toMatch(/^memory copy: \d+\.\d\d GB\/s per rank \(Float32Array.prototype.set of 1 MiB, 2 ranks at once, best of 10 before and after the sizes\)$/);
      expect(table[3]!.trim().split(/\s+/)).toEqual(['size', 'iters', 'time', 'algbw', 'busbw', 'busbw/copy', 'goal', 'check']);
      expect(table.slice(4).map((line) => line.trim().split(/\s+/).slice(0, 3))).toEqual([
        ['4', 'KiB', '1'],
        ['64', 'KiB', '1'],
      ]);
    }, 120_000);
  }

  it('with a float16 wire, says so, checks the sums (exact in half precision) and counts the float32 payload', async () => {
    const result = await runAllreduceBench({ workers: 3, transport: 'tcp', wire: 'float16', sizesBytes: [4096, 1 << 20], iterations: 1, warmupIterations: 1, copyBytes: 1 << 20 });
    expect(result).toMatchObject({ transport: 'tcp', workers: 3, wire: 'float16' });
    expect(result.rows.map((row) => [row.sizeBytes, row.elements, row.verified])).toEqual([
      [4096, 1024, true],
      [1 << 20, 262_144, true],
    ]);
    for (const row of result.rows) {
      expect(row.algBytesPerSecond).toBeCloseTo(row.sizeBytes / row.medianSeconds, 6);
      expect(row.busBytesPerSecond).toBeCloseTo((row.algBytesPerSecond * 2 * (3 - 1)) / 3, 6);
    }
    expect(JSON.parse(JSON.stringify(result))).toMatchObject({ wire: 'float16' });
    expect(formatAllreduceResult(result).split('\n')[0]).toContain('sum of float32, fp16 on the wire (IEEE half floats, 2 bytes per value; algbw and busbw count the float32 payload)');
  }, 120_000);

  it('refuses fewer than two workers, an unknown transport and sizes that are not whole floats', async () => {
    await expect(runAllreduceBench({ workers: 1, transport: 'threads' })).rejects.toThrow('cannot run allreduce bench: workers must be an integer of 2 or more, got 1');
    await expect(runAllreduceBench({ workers: 2, transport: 'udp' as AllreduceTransport })).rejects.toThrow('transport must be one of threads, tcp, got "udp"');
    await expect(runAllreduceBench({ workers: 2, transport: 'threads', sizesBytes: [6] })).rejects.toThrow('sizes must be positive multiples of 4 bytes, got 6');
    await expect(runAllreduceBench({ workers: 2, transport: 'tcp', wire: 'bfloat16' as 'float16' })).rejects.toThrow('wire must be one of float32, float16, got "bfloat16"');
  });
});
