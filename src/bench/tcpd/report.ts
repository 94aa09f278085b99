import { PUBLISHED_TCPD_MEANS, TCPD_PUBLISHED_COLUMNS } from './published.js';
import type { F1Cover, TcpdPublishedColumn } from './published.js';
import type { MeanBeside, PublishedPair, TcpdBenchmarkResult } from './run-benchmark.js';

/** The `--json` object: one line. */
export interface TcpdJsonReport {
  readonly suite: 'tcpd';
  readonly method: string;
  readonly series: readonly { readonly name: string; readonly nObs: number; readonly nDim: number; readonly predicted: readonly number[]; readonly f1: number; readonly cover: number }[];
  readonly mean: { readonly f1: number; readonly cover: number };
  readonly published: {
    /** The paper's means over its univariate series (default parameters). */
    readonly means: Readonly<Record<string, F1Cover>>;
    /** Published means over this run's series, beside ours over the same ones; null without published tables. */
    readonly onTheseSeries: TcpdBenchmarkResult['publishedOnSeries'];
    /** Per series, the published figures per column; null without published tables. */
    readonly series: Readonly<Record<string, Readonly<Record<TcpdPublishedColumn, PublishedPair>>>> | null;
  };
}

export function tcpdJsonReport(result: TcpdBenchmarkResult): TcpdJsonReport {
  const perSeries: Record<string, Readonly<Record<TcpdPublishedColumn, PublishedPair>>> = {};
  for (const s of result.series) if (s.published !== null) perSeries[s.name] = s.published;
  return {
    suite: 'tcpd',
    method: result.method.id,
    series: result.series.map((s) => ({ name: s.name, nObs: s.nObs, nDim: s.nDim, predicted: s.predicted, f1: s.f1, cover: s.cover })),
    mean: result.mean,
    published: { means: PUBLISHED_TCPD_MEANS, onTheseSeries: result.publishedOnSeries, series: result.publishedOnSeries === null ? null : perSeries },
  };
}

type Cell = string | number;

/** Lays out rows in columns: the first left-aligned, the others right-aligned. */
function table(rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map(String));
  const widths = text[0]!.map((_, c) => Math.max(...text.map((row) => (row[c] ?? '').length)));
  return text.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

const fixed3 = (value: number | null | undefined): string => (value === null || value === undefined ? '-' : value.toFixed(3));

/** Published columns in the per-series table: the best default method and the binseg and zero baselines. */
const SERIES_COLUMNS: readonly TcpdPublishedColumn[] = ['binseg', 'zero', 'best'];

function besideLine(column: TcpdPublishedColumn, f1: MeanBeside | null, cover: MeanBeside | null): Cell[] {
  const label = column === 'best' ? 'best per series' : column;
  return [label, f1?.series ?? 0, fixed3(f1?.published), fixed3(f1?.ours), cover?.series ?? 0, fixed3(cover?.published), fixed3(cover?.ours)];
}

export function formatTcpdReport(result: TcpdBenchmarkResult): string {
  const rows: Cell[][] = [['series', 'n', 'dims', '#cp', 'F1', 'Cover', ...SERIES_COLUMNS.flatMap((c) => [`${c} F1`, `${c} Cover`]), 'detect ms']];
  for (const s of result.series) {
    rows.push([
      s.name,
      s.nObs,
      s.nDim,
      s.predicted.length,
      s.f1.toFixed(3),
      s.cover.toFixed(3),
      ...SERIES_COLUMNS.flatMap((c) => [fixed3(s.published?.[c].f1), fixed3(s.published?.[c].cover)]),
      s.detectMs.toFixed(1),
    ]);
  }
  rows.push(['mean', '', '', '', result.mean.f1.toFixed(3), result.mean.cover.toFixed(3)]);
  const paper = Object.entries(PUBLISHED_TCPD_MEANS)
    .map(([id, m]) => `${id} F1 ${m.f1.toFixed(3)} Cover ${m.cover.toFixed(3)}`)
    .join('; ');
  const lines = [
    `TCPD: ${result.method.id} (${result.method.description}) on ${result.series.length} series; F1 with a margin of 5 points; detect ${result.totalDetectMs.toFixed(1)} ms in all`,
    table(rows),
    '',
    `mean over these ${result.series.length} series: F1 ${result.mean.f1.toFixed(3)}, Cover ${result.mean.cover.toFixed(3)}`,
    `published means over TCPD's univariate series, default parameters: ${paper}`,
  ];
  const beside = result.publishedOnSeries;
  if (beside === null) {
    lines.push('no published/ tables in the data directory: per-series published figures omitted');
  } else {
    const meanRows: Cell[][] = [['published on these series', 'F1 series', 'F1', `${result.method.id} F1`, 'Cover series', 'Cover', `${result.method.id} Cover`]];
    for (const column of TCPD_PUBLISHED_COLUMNS) meanRows.push(besideLine(column, beside[column].f1, beside[column].cover));
    lines.push(table(meanRows));
  }
  return lines.join('\n');
}
