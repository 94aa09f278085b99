import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { vigilStdout as vigil } from '../../cli/run-in-process.testsuite.js';
import { HDFS_FILES } from './data.js';
import { runHdfsBenchmark } from './run-benchmark.js';

function lines(sessions: readonly (readonly number[])[]): string {
  return sessions.map((s) => `${s.join(' ')} \n`).join('');
}

/** Normal blocks: allocate, k receive/store pairs, close; abnormal ones lose a store, stop early or raise an exception. */
function writeTinyDataset(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-hdfs-'));
  const normal = (k: number, grouped: boolean): number[] => [1, ...(grouped ? [...Array<number>(k).fill(2), ...Array<number>(k).fill(3)] : Array.from({ length: 2 * k }, (_, i) => 2 + (i % 2))), 4];
  const train = Array.from({ length: 60 }, (_, n) => normal(1 + (n % 3), n % 2 === 1));
  const testNormal = Array.from({ length: 10 }, (_, n) => normal(1 + (n % 3), n % 2 === 0));
  const testAbnormal = [[1, 2, 2, 3, 4], [1, 2, 3], [1, 2, 7, 3, 4], [1, 3, 2, 4, 4]];
  writeFileSync(join(dir, HDFS_FILES.train), lines(train));
  writeFileSync(join(dir, HDFS_FILES.testNormal), lines(testNormal));
  writeFileSync(join(dir, HDFS_FILES.testAbnormal), lines(testAbnormal));
  return dir;
}

const dir = writeTinyDataset();
afterAll(() => rmSync(dir, { recursive: true, force: true }));


describe('vigil bench hdfs', () => {
  it('--json prints one object with every method and the best one', async () => {
    const out = await vigil(['bench', 'hdfs', '--data', dir, '--json']);
    const printed = out.trim().split('\n');
    expect(printed).toHaveLength(1);
    const report = JSON.parse(printed[0]!) as { suite: string; methods: Record<string, Record<string, number | string | null>>; best: Record<string, number | string> };
    expect(Object.keys(report).slice(0, 3)).toEqual(['suite', 'methods', 'best']);
    expect(report.suite).toBe('hdfs');
    expect(Object.keys(report.methods)).toEqual(['ngram', 'pca', 'invariants', 'deeplog']);
    const expected = await runHdfsBenchmark({ dataDir: dir });
    for (const [id, method] of Object.entries(report.methods)) {
      expect(method).toMatchObject({ precision: expected.methods[id]!.precision, recall: expected.methods[id]!.recall, f1: expected.methods[id]!.f1 });
      expect(method['trainMs']).toBeGreaterThanOrEqual(0);
      expect(method['scoreMs']).toBeGreaterThanOrEqual(0);
    }
    expect(report.methods['pca']!['publishedF1']).toBe(0.77);
    expect(report.methods['invariants']!['publishedF1']).toBe(0.92);
    // The n-gram model and the invariants catch all four broken blocks and accept every normal variant.
    expect(report.methods['ngram']).toMatchObject({ truePositives: 4, falsePositives: 0, f1: 1 });
    expect(report.methods['invariants']).toMatchObject({ truePositives: 4, falsePositives: 0, f1: 1 });
    // Six classes (pad, four keys, end) fit in DeepLog's top 9, so only the key never seen (7) is flagged.
    expect(report.methods['deeplog']).toMatchObject({ truePositives: 1, falsePositives: 0, threshold: 9, publishedF1: 0.96 });
    expect(report.best).toEqual({ method: 'ngram', precision: 1, recall: 1, f1: 1 });
  });

  it('prints a table with the published figures beside ours', async () => {
    const out = await vigil(['bench', 'hdfs', '--data', dir]);
    expect(out).toContain('test 10 normal, 4 abnormal');
    expect(out).toMatch(/ngram\s+1\.0000\s+1\.0000\s+1\.0000\s+0\s+0\s.*DeepLog 0\.96/);
    expect(out).toContain('Invariant Mining 0.92');
    expect(out).toMatch(/deeplog\s+1\.0000\s+0\.2500\s+0\.4000\s+0\s+3\s.*DeepLog 0\.96/);
    expect(out).toContain('LogClustering (published, full HDFS): F1 0.84');
    expect(out).toContain('best: ngram F1 1.0000');
  });

  it('names a missing file', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'vigil-hdfs-empty-'));
    try {
      await expect(vigil(['bench', 'hdfs', '--data', empty])).rejects.toThrow(`cannot read HDFS sessions ${join(empty, 'hdfs_train')}`);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
