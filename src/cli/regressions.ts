import type { RegressionRow, RegressionsAnswer } from '../regress/index.js';
import { requestJson } from './api-client.js';

export interface RegressionsFlags {
  readonly since: string;
  readonly service?: string;
  readonly window?: string;
  readonly json?: boolean;
  readonly url: string;
  readonly token?: string;
}

/** Prints what got worse since a time (GET /api/v1/regressions): one row per series, newest first. */
export async function regressionsCommand(flags: RegressionsFlags): Promise<number> {
  // `--since 24h` means 24 hours ago; a time (Unix ms, ISO-8601, -6h) is passed on as it is.
  const since = /^\d+(\.\d+)?(ms|s|min|m|h|d|w)$/.test(flags.since) ? `-${flags.since}` : flags.since;
  const params = new URLSearchParams({ from: since });
  if (flags.service !== undefined) params.set('service', flags.service);
  if (flags.window !== undefined) params.set('window', flags.window);
  const answer = await requestJson<RegressionsAnswer & { fromMs: number; toMs: number }>(flags, `/api/v1/regressions?${params.toString()}`);
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(answer)}\n`);
    return 0;
  }
  process.stdout.write(formatRegressions(answer));
  return 0;
}

/** The terminal table: series, change, before -> after, confidence, suspected event. */
export function formatRegressions(answer: RegressionsAnswer & { readonly fromMs: number; readonly toMs: number }): string {
  const events = answer.reports.length;
  const count = answer.regressions.length;
  const header = `${count} regression${count === 1 ? '' : 's'} between ${new Date(answer.fromMs).toISOString()} and ${new Date(answer.toMs).toISOString()}; ${events} event${events === 1 ? '' : 's'} compared${answer.eventsLeftOut > 0 ? ` (${answer.eventsLeftOut} older left out)` : ''}\n`;
  if (answer.regressions.length === 0) return header;
  const rows = answer.regressions.map((r) => [r.series, change(r), `${num(r.before)} -> ${num(r.after)}`, `${(r.confidence * 100).toFixed(1)}%`, suspected(r)]);
  const table = [['SERIES', 'CHANGE', 'BEFORE -> AFTER', 'CONFIDENCE', 'SUSPECTED EVENT'], ...rows];
  const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
  return header + table.map((row) => row.map((cell, c) => (c === row.length - 1 ? cell : cell.padEnd(widths[c]!))).join('  ')).join('\n') + '\n';
}

function change(r: RegressionRow): string {
  const what = r.kind === null ? 'shift' : r.kind.replace('_', ' ');
  if (r.change === null) return what;
  const sign = r.change > 0 ? '+' : '';
  const percent = r.changePercent === null ? '' : ` (${sign}${r.changePercent.toFixed(1)}%)`;
  return `${sign}${num(r.change)}${percent}`;
}

function suspected(r: RegressionRow): string {
  if (r.event === null) return r.source === 'shift' ? 'none (unexplained)' : '-';
  const what = [r.event.service, r.event.version].filter((p) => p !== null).join(' ');
  return `${r.event.type}${what === '' ? '' : ` ${what}`} at ${new Date(r.event.timestampMs).toISOString()}`;
}

function num(n: number | null): string {
  return n === null ? '?' : Number.isFinite(n) ? String(Number(n.toPrecision(4))) : String(n);
}
