import type { AccuracyFigures } from './published.js';
import { METRICS } from './published.js';
import type { LoghubBenchmarkResult } from './run.js';

export interface LoghubJsonReport {
  readonly suite: 'loghub';
  readonly systems: Record<string, AccuracyFigures & { lines: number; templates: number; truthTemplates: number; linesPerSecond: number; publishedDrain: AccuracyFigures | null }>;
  readonly mean: AccuracyFigures;
  readonly publishedDrainMean: AccuracyFigures | null;
  readonly linesPerSecond: number;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function figures(f: AccuracyFigures): AccuracyFigures {
  return { GA: round3(f.GA), FGA: round3(f.FGA), PA: round3(f.PA), FTA: round3(f.FTA) };
}

export function loghubJsonReport(result: LoghubBenchmarkResult): LoghubJsonReport {
  const systems: LoghubJsonReport['systems'] = {};
  for (const s of result.systems) {
    systems[s.system] = {
      ...figures(s),
      lines: s.lines,
      templates: s.parsedTemplates,
      truthTemplates: s.truthTemplates,
      linesPerSecond: Math.round(s.linesPerSecond),
      publishedDrain: s.publishedDrain,
    };
  }
  return {
    suite: 'loghub',
    systems,
    mean: figures(result.mean),
    publishedDrainMean: result.publishedDrainMean === null ? null : figures(result.publishedDrainMean),
    linesPerSecond: Math.round(result.linesPerSecond),
  };
}

function cell(ours: number, drain: number | undefined): string {
  return `${ours.toFixed(3)} ${drain === undefined ? '  -  ' : drain.toFixed(3)}`.padEnd(13);
}

/** One row per system: each metric ours then Drain's published 2k figure, then lines per second. */
export function formatLoghubReport(result: LoghubBenchmarkResult): string {
  const name = Math.max(12, ...result.systems.map((s) => s.system.length));
  const header = `${'system'.padEnd(name)} ${METRICS.map((m) => `${m} ours/Drain`.padEnd(13)).join(' ')} templates  lines/s`;
  const rows = result.systems.map(
    (s) =>
      `${s.system.padEnd(name)} ${METRICS.map((m) => cell(s[m], s.publishedDrain?.[m])).join(' ')} ${`${s.parsedTemplates}/${s.truthTemplates}`.padEnd(10)} ${Math.round(s.linesPerSecond)}`,
  );
  const meanRow = `${'mean'.padEnd(name)} ${METRICS.map((m) => cell(result.mean[m], result.publishedDrainMean?.[m])).join(' ')} ${''.padEnd(10)} ${Math.round(result.linesPerSecond)}`;
  return [
    'Loghub-2.0 2k samples: streaming template mining, one configuration; Drain = published 2k figures (Loghub-2.0 paper)',
    header,
    ...rows,
    meanRow,
  ].join('\n');
}
