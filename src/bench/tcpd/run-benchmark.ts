import { covering, fMeasure, type ChangePointMethod } from '../../regress/index.js';
import { loadTcpdDatasets } from './data.js';
import type { TcpdDataset } from './data.js';
import { publishedColumnScore, readPublishedTcpd, TCPD_PUBLISHED_COLUMNS } from './published.js';
import type { PublishedTcpd, TcpdPublishedColumn } from './published.js';

/** A published figure beside ours; null where the table has none (method failed, missing, or series absent). */
export interface PublishedPair {
  readonly f1: number | null;
  readonly cover: number | null;
}

export interface TcpdSeriesResult {
  readonly name: string;
  readonly nObs: number;
  readonly nDim: number;
  /** Segment starts the method reported, ascending, in 1..nObs-1. */
  readonly predicted: readonly number[];
  readonly f1: number;
  readonly cover: number;
  readonly detectMs: number;
  /** The published default-parameter figures for this series, per column; null without published tables. */
  readonly published: Readonly<Record<TcpdPublishedColumn, PublishedPair>> | null;
}

/** One published method's mean over the series of this run it has a figure for, and ours over the same ones. */
export interface MeanBeside {
  readonly series: number;
  readonly published: number;
  readonly ours: number;
}

export interface TcpdBenchmarkResult {
  readonly method: { readonly id: string; readonly description: string };
  readonly series: readonly TcpdSeriesResult[];
  /** Our means over every series of the run. */
  readonly mean: { readonly f1: number; readonly cover: number };
  readonly totalDetectMs: number;
  /** Per published column, means over the series of this run that have a figure; null without published tables. */
  readonly publishedOnSeries: Readonly<Record<TcpdPublishedColumn, { readonly f1: MeanBeside | null; readonly cover: MeanBeside | null }>> | null;
}

export interface TcpdBenchmarkOptions {
  /** A TCPD directory: `datasets/*.json`, `annotations.json`, optionally `published/*.tex`. */
  readonly dataDir: string;
  readonly method: ChangePointMethod;
}

function elapsedMs(startNs: bigint): number {
  return Number(process.hrtime.bigint() - startNs) / 1e6;
}

/** Holds a method to its contract, so a bad answer is named rather than scored. */
function checkPredicted(method: ChangePointMethod, dataset: TcpdDataset, predicted: readonly number[]): void {
  let previous = 0;
  for (const index of predicted) {
    if (!Number.isInteger(index) || index <= previous || index >= dataset.nObs) {
      throw new Error(`cannot score ${method.id} on TCPD ${dataset.name}: it returned ${JSON.stringify(predicted)}, not ascending indices in 1..${dataset.nObs - 1}`);
    }
    previous = index;
  }
}

function scoreSeries(method: ChangePointMethod, dataset: TcpdDataset, published: PublishedTcpd | null): TcpdSeriesResult {
  const startNs = process.hrtime.bigint();
  const predicted = method.detect(dataset.series);
  const detectMs = elapsedMs(startNs);
  checkPredicted(method, dataset, predicted);
  let figures: Record<TcpdPublishedColumn, PublishedPair> | null = null;
  if (published !== null) {
    figures = {} as Record<TcpdPublishedColumn, PublishedPair>;
    for (const column of TCPD_PUBLISHED_COLUMNS) figures[column] = { f1: publishedColumnScore(published.f1, dataset.name, column), cover: publishedColumnScore(published.cover, dataset.name, column) };
  }
  return {
    name: dataset.name,
    nObs: dataset.nObs,
    nDim: dataset.nDim,
    predicted,
    f1: fMeasure(dataset.annotations, predicted),
    cover: covering(dataset.annotations, predicted, dataset.nObs),
    detectMs,
    published: figures,
  };
}

function meanBeside(series: readonly TcpdSeriesResult[], column: TcpdPublishedColumn, metric: 'f1' | 'cover'): MeanBeside | null {
  let count = 0;
  let publishedSum = 0;
  let oursSum = 0;
  for (const s of series) {
    const published = s.published?.[column][metric] ?? null;
    if (published === null) continue;
    count++;
    publishedSum += published;
    oursSum += s[metric];
  }
  return count === 0 ? null : { series: count, published: publishedSum / count, ours: oursSum / count };
}

/** Runs the method on every series of the directory and scores it with TCPDBench's F1 (margin 5) and Cover. */
export function runTcpdBenchmark(options: TcpdBenchmarkOptions): TcpdBenchmarkResult {
  const datasets = loadTcpdDatasets(options.dataDir);
  const published = readPublishedTcpd(options.dataDir);
  const series = datasets.map((d) => scoreSeries(options.method, d, published));
  let publishedOnSeries: TcpdBenchmarkResult['publishedOnSeries'] = null;
  if (published !== null) {
    const means = {} as Record<TcpdPublishedColumn, { f1: MeanBeside | null; cover: MeanBeside | null }>;
    for (const column of TCPD_PUBLISHED_COLUMNS) means[column] = { f1: meanBeside(series, column, 'f1'), cover: meanBeside(series, column, 'cover') };
    publishedOnSeries = means;
  }
  return {
    method: { id: options.method.id, description: options.method.description },
    series,
    mean: { f1: series.reduce((sum, s) => sum + s.f1, 0) / series.length, cover: series.reduce((sum, s) => sum + s.cover, 0) / series.length },
    totalDetectMs: series.reduce((sum, s) => sum + s.detectMs, 0),
    publishedOnSeries,
  };
}
