import { existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { ChangePointMethod } from '../../regress/index.js';
import { formatTcpdReport, tcpdJsonReport } from './report.js';
import { runTcpdBenchmark } from './run-benchmark.js';
import { fixedAnswerMethod, writeTinyTcpd } from './tiny-dataset.testsuite.js';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SHARED_TCPD = resolve(REPO_ROOT, '../shared/data/tcpd');

const dir = writeTinyTcpd();
const bare = writeTinyTcpd({ published: false });
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(bare, { recursive: true, force: true });
});

// alpha (n = 20, step at 10): annotators 1: {0, 10}, 2: {0, 10, 15}; predicted X = {0, 10}.
//   F1: T* = {0, 10, 15}, TP = {0, 10}: P = 2/2 = 1; R = (2/2 + 2/3) / 2 = 5/6; F = (5/6) / (0.5·5/6 + 0.5) = 10/11.
//   Cover: annotator 1's partition is the predicted one → 1. Annotator 2: [0,10) → 1, [10,15) → 5/10, [15,20) → 5/10:
//   (10·1 + 5·0.5 + 5·0.5) / 20 = 0.75. Mean 0.875.
// beta (n = 12): one annotator with nothing, nothing predicted → F1 1, Cover 1.
const ALPHA_F1 = 10 / 11;
const ALPHA_COVER = 0.875;

describe('runTcpdBenchmark', () => {
  it('runs the method on every series with all its dimensions and scores each', () => {
    const method = fixedAnswerMethod();
    const result = runTcpdBenchmark({ dataDir: dir, method });
    expect(method.seen.map((s) => s.length)).toEqual([1, 2]);
    expect(method.seen[1]![0]![3]).toBeNaN();
    expect(result.method).toEqual({ id: 'fixed', description: 'the annotated step on alpha, nothing elsewhere' });
    const [alpha, beta] = result.series;
    expect(alpha).toMatchObject({ name: 'alpha', nObs: 20, nDim: 1, predicted: [10] });
    expect(alpha!.f1).toBeCloseTo(ALPHA_F1, 12);
    expect(alpha!.cover).toBeCloseTo(ALPHA_COVER, 12);
    expect(beta).toMatchObject({ name: 'beta', nObs: 12, nDim: 2, predicted: [], f1: 1, cover: 1 });
    expect(result.mean.f1).toBeCloseTo((ALPHA_F1 + 1) / 2, 12);
    expect(result.mean.cover).toBeCloseTo((ALPHA_COVER + 1) / 2, 12);
    expect(alpha!.detectMs).toBeGreaterThanOrEqual(0);
    expect(result.totalDetectMs).toBeCloseTo(alpha!.detectMs + beta!.detectMs, 9);
  });

  it('puts the published figures per series and their means over the series of the run beside ours', () => {
    const result = runTcpdBenchmark({ dataDir: dir, method: fixedAnswerMethod() });
    const [alpha, beta] = result.series;
    expect(alpha!.published).toEqual({
      binseg: { f1: 1, cover: 0.9 },
      pelt: { f1: null, cover: null },
      bocpd: { f1: null, cover: null },
      zero: { f1: 0.667, cover: 0.5 },
      best: { f1: 1, cover: 0.9 },
    });
    expect(beta!.published!.binseg).toEqual({ f1: null, cover: null });
    expect(beta!.published!.best).toEqual({ f1: 1, cover: 1 });
    const means = result.publishedOnSeries!;
    // binseg has alpha only (beta is M): its mean is alpha's, and ours is over alpha alone.
    expect(means.binseg.f1!.series).toBe(1);
    expect(means.binseg.f1!.published).toBe(1);
    expect(means.binseg.f1!.ours).toBeCloseTo(ALPHA_F1, 12);
    expect(means.binseg.cover).toMatchObject({ series: 1, published: 0.9 });
    // zero has both: (0.667 + 1) / 2 and (0.5 + 1) / 2.
    expect(means.zero.f1!.published).toBeCloseTo(0.8335, 12);
    expect(means.zero.cover!.published).toBeCloseTo(0.75, 12);
    expect(means.zero.f1!.ours).toBeCloseTo(result.mean.f1, 12);
    // bocpd failed on alpha (F): beta alone.
    expect(means.bocpd.f1).toEqual({ series: 1, published: 0.5, ours: 1 });
    expect(means.pelt).toEqual({ f1: null, cover: null });
    expect(means.best.f1).toMatchObject({ series: 2, published: 1 });
  });

  it('scores without published figures when the directory has none', () => {
    const result = runTcpdBenchmark({ dataDir: bare, method: fixedAnswerMethod() });
    expect(result.series[0]!.published).toBeNull();
    expect(result.publishedOnSeries).toBeNull();
    expect(formatTcpdReport(result)).toContain('no published/ tables in the data directory');
    expect(tcpdJsonReport(result).published.series).toBeNull();
  });

  it('names a method that breaks its contract', () => {
    const bad: ChangePointMethod = { id: 'bad', description: 'reports 0', detect: () => [0, 5] };
    expect(() => runTcpdBenchmark({ dataDir: dir, method: bad })).toThrow('cannot score bad on TCPD alpha: it returned [0,5], not ascending indices in 1..19');
    const unsorted: ChangePointMethod = { id: 'unsorted', description: 'descending', detect: () => [5, 3] };
    expect(() => runTcpdBenchmark({ dataDir: dir, method: unsorted })).toThrow('cannot score unsorted on TCPD alpha');
  });

  it.skipIf(!existsSync(join(SHARED_TCPD, 'published')))(`reproduces the published zero column on every series of ${SHARED_TCPD}`, () => {
    // Predicting nothing is TCPDBench's `zero` method: our metrics and loader must give its published figures.
    const zero: ChangePointMethod = { id: 'zero', description: 'no change points', detect: () => [] };
    const result = runTcpdBenchmark({ dataDir: SHARED_TCPD, method: zero });
    expect(result.series.length).toBeGreaterThan(0);
    for (const s of result.series) {
      expect(s.f1.toFixed(3), `${s.name} F1`).toBe(s.published!.zero.f1!.toFixed(3));
      expect(s.cover.toFixed(3), `${s.name} Cover`).toBe(s.published!.zero.cover!.toFixed(3));
    }
  });
});

describe('tcpd reports', () => {
  const result = runTcpdBenchmark({ dataDir: dir, method: fixedAnswerMethod() });

  it('--json has the fixed shape, with the published figures under published', () => {
    const report = JSON.parse(JSON.stringify(tcpdJsonReport(result))) as Record<string, unknown>;
    expect(Object.keys(report)).toEqual(['suite', 'method', 'series', 'mean', 'published']);
    expect(report['suite']).toBe('tcpd');
    expect(report['method']).toBe('fixed');
    const series = report['series'] as Record<string, unknown>[];
    expect(series.map((s) => Object.keys(s))).toEqual([
      ['name', 'nObs', 'nDim', 'predicted', 'f1', 'cover'],
      ['name', 'nObs', 'nDim', 'predicted', 'f1', 'cover'],
    ]);
    expect(series[1]).toEqual({ name: 'beta', nObs: 12, nDim: 2, predicted: [], f1: 1, cover: 1 });
    expect(report['mean']).toEqual(result.mean);
    const published = report['published'] as { means: Record<string, unknown>; onTheseSeries: Record<string, unknown>; series: Record<string, unknown> };
    expect(published.means['binseg']).toEqual({ f1: 0.698, cover: 0.672 });
    expect(published.means['zero']).toEqual({ f1: 0.645, cover: 0.566 });
    expect(Object.keys(published.onTheseSeries)).toEqual(['binseg', 'pelt', 'bocpd', 'zero', 'best']);
    expect(published.series['alpha']).toMatchObject({ binseg: { f1: 1, cover: 0.9 } });
  });

  it('prints a row per series, the mean and the published means beside ours', () => {
    const text = formatTcpdReport(result);
    expect(text).toContain('TCPD: fixed (the annotated step on alpha, nothing elsewhere) on 2 series');
    expect(text).toMatch(/series\s+n\s+dims\s+#cp\s+F1\s+Cover\s+binseg F1\s+binseg Cover\s+zero F1\s+zero Cover\s+best F1\s+best Cover\s+detect ms/);
    expect(text).toMatch(/^alpha\s+20\s+1\s+1\s+0\.909\s+0\.875\s+1\.000\s+0\.900\s+0\.667\s+0\.500\s+1\.000\s+0\.900\s+\d/m);
    expect(text).toMatch(/^beta\s+12\s+2\s+0\s+1\.000\s+1\.000\s+-\s+-\s+1\.000\s+1\.000\s+1\.000\s+1\.000\s+\d/m);
    expect(text).toMatch(/^mean\s+0\.955\s+0\.938$/m);
    expect(text).toContain('binseg F1 0.698 Cover 0.672');
    expect(text).toContain('zero F1 0.645 Cover 0.566');
    expect(text).toMatch(/^binseg\s+1\s+1\.000\s+0\.909\s+1\s+0\.900\s+0\.875$/m);
    expect(text).toMatch(/^zero\s+2\s+0\.834\s+0\.955\s+2\s+0\.750\s+0\.938$/m);
    expect(text).toMatch(/^pelt\s+0\s+-\s+-\s+0\s+-\s+-$/m);
    expect(text).toMatch(/^best per series\s+2\s+1\.000\s+0\.955\s+2\s+0\.950\s+0\.938$/m);
  });
});
