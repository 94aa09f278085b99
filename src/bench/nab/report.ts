import type { NabScores } from './corpus-score.js';
import { NAB_PROFILE_NAMES, perProfile } from './profiles.js';
import type { NabProfileName, PerProfile } from './profiles.js';
import { PUBLISHED_NAB_RESULTS } from './published.js';
import type { NabBenchmarkResult } from './run-benchmark.js';
import type { NabResultsScore } from './score-results.js';

/** The `--json` object: one line, the fields first. */
export interface NabJsonReport {
  readonly suite: 'nab';
  readonly detector: string;
  readonly files: number;
  readonly windows: number;
  readonly scores: PerProfile<number | null>;
  readonly pointsPerSecond: number | null;
  readonly bytesPerSeries: number | null;
  readonly points: number;
  readonly thresholds: PerProfile<number>;
  readonly rawScores: PerProfile<number>;
  readonly nsPerPoint: number | null;
  readonly snapshotBytesPerSeries: number | null;
  readonly params: unknown;
  readonly totalSeconds: number;
}

function isRun(result: NabBenchmarkResult | NabResultsScore): result is NabBenchmarkResult {
  return 'pointsPerSecond' in result;
}

export function nabJsonReport(result: NabBenchmarkResult | NabResultsScore): NabJsonReport {
  const run = isRun(result) ? result : null;
  const { profiles } = result.scoring;
  return {
    suite: 'nab',
    detector: result.detector,
    files: result.files,
    windows: result.windows,
    scores: perProfile((p) => profiles[p].score),
    pointsPerSecond: run?.pointsPerSecond ?? null,
    bytesPerSeries: run?.bytesPerSeries ?? null,
    points: result.points,
    thresholds: perProfile((p) => profiles[p].threshold),
    rawScores: perProfile((p) => profiles[p].rawScore),
    nsPerPoint: run?.nsPerPoint ?? null,
    snapshotBytesPerSeries: run?.snapshotBytesPerSeries ?? null,
    params: run?.params ?? null,
    totalSeconds: result.totalSeconds,
  };
}

const SHORT_NAMES: PerProfile<string> = { standard: 'standard', reward_low_FP_rate: 'low FP', reward_low_FN_rate: 'low FN' };

type Cell = string | number;

/** Lays out rows in columns: the first left-aligned, the others right-aligned. */
function table(rows: readonly (readonly Cell[])[]): string {
  const text = rows.map((row) => row.map(String));
  const widths = text[0]!.map((_, c) => Math.max(...text.map((row) => (row[c] ?? '').length)));
  return text.map((row) => row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd()).join('\n');
}

const fixed = (digits: number) => (x: number | null): string => (x === null ? '-' : x.toFixed(digits));
const oneDecimal = fixed(1);
const grouped = (x: number): string => Math.round(x).toLocaleString('en-US');

function categoryTable(scoring: NabScores): string {
  const rows: Cell[][] = [['category', 'files', 'points', 'windows', 'detected', 'FP rows', 'raw', ...NAB_PROFILE_NAMES.map((p) => SHORT_NAMES[p])]];
  for (const c of scoring.categories) {
    const standard = c.profiles.standard;
    rows.push([c.category, c.files, grouped(c.points), c.windows, standard.windowsDetected, standard.fp, fixed(2)(standard.rawScore), ...NAB_PROFILE_NAMES.map((p) => oneDecimal(c.profiles[p].score))]);
  }
  return table(rows);
}

function profileTable(scoring: NabScores): string {
  const rows: Cell[][] = [['profile', 'threshold', 'raw score', 'null', 'perfect', 'detected', 'FP rows', 'NAB score']];
  for (const p of NAB_PROFILE_NAMES) {
    const r = scoring.profiles[p];
    rows.push([p, `${r.threshold.toPrecision(8)}${r.optimized ? '' : ' (given)'}`, fixed(3)(r.rawScore), fixed(1)(r.nullScore), fixed(1)(r.perfectScore), r.windowsDetected, r.fp, oneDecimal(r.score)]);
  }
  return table(rows);
}

function comparisonTable(label: string, ours: PerProfile<number | null>): string {
  const rows: Cell[][] = [['NAB score', ...NAB_PROFILE_NAMES.map((p: NabProfileName) => SHORT_NAMES[p])]];
  rows.push([label, ...NAB_PROFILE_NAMES.map((p) => oneDecimal(ours[p]))]);
  for (const published of PUBLISHED_NAB_RESULTS) rows.push([`${published.detector} (published)`, ...NAB_PROFILE_NAMES.map((p) => oneDecimal(published.scores[p]))]);
  return table(rows);
}

/** The human-readable report: per-category table, per-profile totals, speed and memory, published results beside ours. */
export function formatNabReport(result: NabBenchmarkResult | NabResultsScore): string {
  const { scoring } = result;
  const lines: string[] = [];
  const what = isRun(result) ? `detector ${result.detector} ${JSON.stringify(result.params)}` : `results of ${result.detector} in ${result.resultsDir}`;
  lines.push(`NAB benchmark: ${what}`);
  lines.push(`corpus ${result.dataDir}: ${result.files} files, ${grouped(result.points)} points, ${result.windows} windows`);
  lines.push('');
  lines.push('per category (detected windows, FP rows and raw score at the standard threshold; NAB scores normalised within the category):');
  lines.push(categoryTable(scoring));
  lines.push('');
  lines.push('totals (one threshold per profile for the whole corpus):');
  lines.push(profileTable(scoring));
  lines.push('');
  if (isRun(result)) {
    lines.push(`detection: ${grouped(result.points)} points in ${result.detectSeconds.toFixed(3)} s: ${grouped(result.pointsPerSecond)} points/s, ${result.nsPerPoint.toFixed(0)} ns/point (creating each file's detector and streaming its rows, one thread)`);
    const heap = result.bytesPerSeries === null ? 'not measured (no forced GC available)' : `${grouped(result.bytesPerSeries)} bytes/series (heap and typed-array memory retained per detector, each file's final state restored 20 times, median of 3 measurements after full GCs)`;
    lines.push(`memory: ${heap}; snapshot JSON ${grouped(result.snapshotBytesPerSeries)} bytes/series`);
  }
  lines.push(`total time: ${result.totalSeconds.toFixed(2)} s`);
  lines.push('');
  lines.push(comparisonTable(`${result.detector} (this run, ${result.files} files)`, perProfile((p) => scoring.profiles[p].score)));
  lines.push(`published figures are NAB v1.1's scoreboard on the complete 58-file corpus`);
  return lines.join('\n');
}
