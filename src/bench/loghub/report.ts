import type { Drain3Comparison, Drain3Outcome } from './drain3.js';
import type { AccuracyFigures } from './published.js';
import { METRICS } from './published.js';
import type { LoghubBenchmarkResult } from './run.js';

/** Drain3 beside Vigil in the JSON report: its speed, the speed ratio and its accuracy; or why it is absent. */
export type LoghubDrain3Json =
  | {
      readonly version: string;
      /** `example`: Drain3's shipped examples/drain3.ini (with masking); `default`: no config file, no masking. */
      readonly configName: string;
      readonly config: Readonly<Record<string, number>>;
      readonly linesPerSecond: number;
      /** Vigil's lines per second over Drain3's. */
      readonly ratio: number;
      readonly mean: AccuracyFigures;
      readonly systems: Record<string, AccuracyFigures & { linesPerSecond: number; ratio: number; templates: number }>;
    }
  | { readonly skipped: string };

export interface LoghubJsonReport {
  readonly suite: 'loghub';
  readonly systems: Record<string, AccuracyFigures & { lines: number; templates: number; truthTemplates: number; linesPerSecond: number; publishedDrain: AccuracyFigures | null }>;
  readonly mean: AccuracyFigures;
  readonly publishedDrainMean: AccuracyFigures | null;
  readonly linesPerSecond: number;
  /** Drain3 with the configuration it ships as an example (masking values, as Vigil does). */
  readonly drain3?: LoghubDrain3Json;
  /** Drain3 with no configuration at all (no masking): faster, less accurate. */
  readonly drain3Default?: LoghubDrain3Json;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

function figures(f: AccuracyFigures): AccuracyFigures {
  return { GA: round3(f.GA), FGA: round3(f.FGA), PA: round3(f.PA), FTA: round3(f.FTA) };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

function drain3Json(drain3: Drain3Outcome): LoghubDrain3Json {
  if ('skipped' in drain3) return { skipped: drain3.skipped };
  const systems: Record<string, AccuracyFigures & { linesPerSecond: number; ratio: number; templates: number }> = {};
  for (const s of drain3.systems) systems[s.system] = { ...figures(s), linesPerSecond: Math.round(s.linesPerSecond), ratio: round1(s.ratio), templates: s.parsedTemplates };
  return { version: drain3.version, configName: drain3.configName, config: drain3.config, linesPerSecond: Math.round(drain3.linesPerSecond), ratio: round1(drain3.ratio), mean: figures(drain3.mean), systems };
}

/**
 * The benchmark as one JSON object; Drain3's runs (or why they were skipped) under `drain3` (its example
 * configuration) and `drain3Default` (no configuration).
 */
export function loghubJsonReport(result: LoghubBenchmarkResult, drain3?: Drain3Outcome, drain3Default?: Drain3Outcome): LoghubJsonReport {
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
    ...(drain3 === undefined ? {} : { drain3: drain3Json(drain3) }),
    ...(drain3Default === undefined ? {} : { drain3Default: drain3Json(drain3Default) }),
  };
}

function configWords(run: Drain3Comparison): string {
  return run.configName === 'example' ? 'the configuration it ships as examples/drain3.ini (masking IDs, IPs, hex and numbers)' : 'no configuration file (no masking)';
}

function cell(ours: number, drain: number | undefined): string {
  return `${ours.toFixed(3)} ${drain === undefined ? '  -  ' : drain.toFixed(3)}`.padEnd(13);
}

/** Drain3's columns of a row: its four figures, its lines per second and Vigil's speed over it. */
function drain3Cells(figures: AccuracyFigures, linesPerSecond: number, ratio: number): string {
  return `${METRICS.map((m) => figures[m].toFixed(3)).join(' ')} ${String(Math.round(linesPerSecond)).padStart(8)} ${`${ratio.toFixed(1)}x`.padStart(7)}`;
}

/**
 * One row per system: each metric ours then Drain's published 2k figure, then lines per second; with a
 * Drain3 run, Drain3's figures on the same lines and Vigil's speed over Drain3's follow on the same row.
 */
export function formatLoghubReport(result: LoghubBenchmarkResult, drain3?: Drain3Outcome, drain3Default?: Drain3Outcome): string {
  const name = Math.max(12, ...result.systems.map((s) => s.system.length));
  const ran: Drain3Comparison | null = drain3 === undefined || 'skipped' in drain3 ? null : drain3;
  const bySystem = new Map(ran?.systems.map((s) => [s.system, s]));
  const speed = (linesPerSecond: number): string => String(Math.round(linesPerSecond)).padStart(8);
  const header = `${'system'.padEnd(name)} ${METRICS.map((m) => `${m} ours/Drain`.padEnd(13)).join(' ')} templates  ${'lines/s'.padStart(8)}${ran === null ? '' : ` | Drain3: ${METRICS.map((m) => m.padEnd(5)).join(' ')}  lines/s  Vigil/Drain3`}`;
  const rows = result.systems.map((s) => {
    const peer = bySystem.get(s.system);
    const tail = peer === undefined ? '' : ` |         ${drain3Cells(peer, peer.linesPerSecond, peer.ratio)}`;
    return `${s.system.padEnd(name)} ${METRICS.map((m) => cell(s[m], s.publishedDrain?.[m])).join(' ')} ${`${s.parsedTemplates}/${s.truthTemplates}`.padEnd(10)} ${speed(s.linesPerSecond)}${tail}`;
  });
  const meanTail = ran === null ? '' : ` |         ${drain3Cells(ran.mean, ran.linesPerSecond, ran.ratio)}`;
  const meanRow = `${'mean'.padEnd(name)} ${METRICS.map((m) => cell(result.mean[m], result.publishedDrainMean?.[m])).join(' ')} ${''.padEnd(10)} ${speed(result.linesPerSecond)}${meanTail}`;
  const lines = ['Loghub-2.0 2k samples: streaming template mining, one configuration; Drain = published 2k figures (Loghub-2.0 paper)'];
  if (ran !== null) {
    const config = Object.entries(ran.config).map(([k, v]) => `${k} ${v}`).join(', ');
    lines.push(`Drain3 = Drain3 ${ran.version} from PyPI, ${configWords(ran)} (${config}), mining the same lines, scored the same way; lines/s: fastest pass of each, mining loop only`);
  }
  lines.push(header, ...rows, meanRow);
  if (drain3 !== undefined && 'skipped' in drain3) lines.push(`Drain3 column skipped: ${drain3.skipped}`);
  if (drain3Default !== undefined) {
    lines.push(
      'skipped' in drain3Default
        ? `Drain3 without configuration skipped: ${drain3Default.skipped}`
        : `Drain3 ${configWords(drain3Default)}: ${METRICS.map((m) => `${m} ${drain3Default.mean[m].toFixed(3)}`).join(', ')}; ${Math.round(drain3Default.linesPerSecond)} lines/s; Vigil/Drain3 ${drain3Default.ratio.toFixed(1)}x`,
    );
  }
  return lines.join('\n');
}
