import { SHIFT_KINDS, type Anomaly, type AnomalyKind, type SuspectedEvent } from '../model/index.js';
import type { EventStore, Storage } from '../store/index.js';
import { deployReport, type DeployReport } from './deploy-report.js';
import { belongsToService } from './service-series.js';
import { eventRef, suspectedEvent } from './suspected-event.js';

export interface RegressionQuery {
  readonly fromMs: number;
  /** Exclusive. */
  readonly toMs: number;
  /** Only events of this service, and shifts of its series. */
  readonly service?: string;
  /** Newest events reported on; older ones in the range are left out (and counted). */
  readonly maxEvents: number;
  /** Most stored shift anomalies read. */
  readonly maxShifts: number;
}

/** One line of the answer: a series that got worse after an event, or shifted on its own. */
export interface RegressionRow {
  readonly series: string;
  /** `deploy_report`: found comparing before and after an event; `shift`: found as the data streamed in. */
  readonly source: 'deploy_report' | 'shift';
  readonly kind: AnomalyKind | null;
  /** When it changed: the event's time for a report, the first anomalous point for a shift. */
  readonly timestampMs: number;
  readonly before: number | null;
  readonly after: number;
  readonly change: number | null;
  readonly changePercent: number | null;
  /** 1 − p-value for a report; the detector's score for a shift. */
  readonly confidence: number;
  /** The event suspected of causing it; null for a shift no event explains. */
  readonly event: SuspectedEvent | null;
}

export interface RegressionsAnswer {
  readonly reports: readonly DeployReport[];
  /** Events in the range not reported on because of maxEvents. */
  readonly eventsLeftOut: number;
  /** Newest first. */
  readonly regressions: readonly RegressionRow[];
}

/**
 * Everything that got worse in a time range: per event (deploy, config change, rollback) of the
 * service, the series that regressed after it (see deployReport); and the level, trend and variance
 * shifts that streaming detection found, each with the event that preceded it, or none ("unexplained").
 */
export async function findRegressions(
  storage: Storage,
  events: EventStore,
  query: RegressionQuery,
  nowMs: number,
  reportOf: (event: Parameters<typeof deployReport>[1]) => Promise<DeployReport> = (event) => deployReport(storage, event, nowMs),
): Promise<RegressionsAnswer> {
  const inRange = (await events.query({ fromMs: query.fromMs, toMs: query.toMs, limit: query.maxEvents + 1, ...(query.service === undefined ? {} : { service: query.service }) })).filter(
    (e) => e.service !== null,
  );
  const reported = inRange.slice(-query.maxEvents);
  const reports: DeployReport[] = [];
  for (const event of reported) reports.push(await reportOf(event));
  const rows: RegressionRow[] = [];
  for (const report of reports) {
    for (const c of report.changes) {
      if (c.verdict !== 'regressed') continue;
      rows.push({
        series: c.series,
        source: 'deploy_report',
        kind: 'level_shift',
        timestampMs: report.event.timestampMs,
        before: c.beforeMedian,
        after: c.afterMedian,
        change: c.shift,
        changePercent: c.changePercent,
        confidence: c.confidence,
        event: eventRef(report.event),
      });
    }
  }
  // A shift the report of its event already shows is one change, not two.
  const reportedPairs = new Set(rows.map((r) => `${r.series}\n${r.event?.id}`));
  for (const shift of await firstShifts(storage, query)) {
    const row = await shiftRow(storage, events, shift);
    if (row.event === null || !reportedPairs.has(`${row.series}\n${row.event.id}`)) rows.push(row);
  }
  rows.sort((a, b) => b.timestampMs - a.timestampMs || b.confidence - a.confidence);
  return { reports, eventsLeftOut: inRange.length - reported.length, regressions: rows };
}

/** The first shift anomaly of each series in the range: one row per change, not one per point. */
async function firstShifts(storage: Storage, query: RegressionQuery): Promise<Anomaly[]> {
  const anomalies = await storage.queryAnomalies({ fromMs: query.fromMs, toMs: query.toMs, limit: query.maxShifts });
  const first = new Map<number, Anomaly>();
  for (const a of anomalies) {
    if (a.kind === null || !SHIFT_KINDS.includes(a.kind)) continue;
    if (query.service !== undefined) {
      const series = storage.seriesById(a.seriesId);
      if (series === undefined || !belongsToService(series, query.service)) continue;
    }
    const seen = first.get(a.seriesId);
    if (seen === undefined || a.timestampMs < seen.timestampMs) first.set(a.seriesId, a);
  }
  return [...first.values()];
}

async function shiftRow(storage: Storage, events: EventStore, a: Anomaly): Promise<RegressionRow> {
  const series = storage.seriesById(a.seriesId);
  const event = a.evidence?.event ?? (series === undefined ? null : await suspectedEvent(events, series, a.timestampMs));
  const change = a.expected === null ? null : a.value - a.expected;
  return {
    series: a.series,
    source: 'shift',
    kind: a.kind,
    timestampMs: a.timestampMs,
    before: a.expected,
    after: a.value,
    change,
    changePercent: change === null || a.expected === null || a.expected === 0 ? null : (change / Math.abs(a.expected)) * 100,
    confidence: a.score,
    event,
  };
}

