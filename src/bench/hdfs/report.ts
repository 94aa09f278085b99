import { PUBLISHED_HDFS_F1, PUBLISHED_PEER } from './published.js';
import type { HdfsBenchmarkResult, HdfsMethodResult } from './run-benchmark.js';

/** The `--json` object: one line. */
export interface HdfsJsonReport {
  readonly suite: 'hdfs';
  readonly methods: Readonly<Record<string, HdfsMethodResult & { readonly publishedF1: number | null; readonly publishedAs: string | null }>>;
  readonly best: HdfsBenchmarkResult['best'];
  readonly sessions: { readonly train: number; readonly testNormal: number; readonly testAbnormal: number };
  readonly published: Readonly<Record<string, number>>;
}

function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

export function hdfsJsonReport(result: HdfsBenchmarkResult): HdfsJsonReport {
  const methods: Record<string, HdfsJsonReport['methods'][string]> = {};
  for (const [id, m] of Object.entries(result.methods)) {
    const peer = PUBLISHED_PEER[id];
    methods[id] = { ...m, trainMs: round(m.trainMs, 3), scoreMs: round(m.scoreMs, 3), sessionsPerSecond: Math.round(m.sessionsPerSecond), publishedAs: peer ?? null, publishedF1: peer === undefined ? null : (PUBLISHED_HDFS_F1[peer] ?? null) };
  }
  return {
    suite: 'hdfs',
    methods,
    best: result.best,
    sessions: { train: result.trainSessions, testNormal: result.testNormalSessions, testAbnormal: result.testAbnormalSessions },
    published: PUBLISHED_HDFS_F1,
  };
}

type Cell = string | number;

/** Lays out rows in columns: the first left-aligned, the others right-aligned. */
function table(rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map(String));
  const widths = text[0]!.map((_, c) => Math.max(...text.map((row) => (row[c] ?? '').length)));
  return text.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

export function formatHdfsReport(result: HdfsBenchmarkResult): string {
  const rows: Cell[][] = [['method', 'precision', 'recall', 'F1', 'FP', 'FN', 'train ms', 'score ms', 'sessions/s', 'published F1 (full HDFS)']];
  for (const [id, m] of Object.entries(result.methods)) {
    const peer = PUBLISHED_PEER[id];
    const published = peer === undefined ? '' : `${peer} ${PUBLISHED_HDFS_F1[peer]!.toFixed(2)}`;
    rows.push([id, m.precision.toFixed(4), m.recall.toFixed(4), m.f1.toFixed(4), m.falsePositives, m.falseNegatives, m.trainMs.toFixed(1), m.scoreMs.toFixed(1), Math.round(m.sessionsPerSecond), published]);
  }
  const others = Object.entries(PUBLISHED_HDFS_F1).filter(([name]) => !Object.values(PUBLISHED_PEER).includes(name));
  return [
    `HDFS sessions: ${result.trainSessions} normal for training; test ${result.testNormalSessions} normal, ${result.testAbnormalSessions} abnormal`,
    table(rows),
    ...others.map(([name, f1]) => `${name} (published, full HDFS): F1 ${f1.toFixed(2)}`),
    `best: ${result.best.method} F1 ${result.best.f1.toFixed(4)} (precision ${result.best.precision.toFixed(4)}, recall ${result.best.recall.toFixed(4)})`,
  ].join('\n');
}
