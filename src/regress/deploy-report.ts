import type { OpsEvent, SeriesInfo } from '../model/index.js';
import { DAY_MS, MINUTE_MS, SECOND_MS } from '../model/index.js';
import type { SeriesPoints, Storage } from '../store/index.js';
import { medianOf } from '../util/index.js';
import { compareWindows, type WindowComparison } from './compare.js';
import { belongsToService, higherIsBetter } from './service-series.js';
import { seasonalResiduals } from './seasonal-residuals.js';

export interface DeployReportOptions {
  /** How long before and after the event is compared. */
  readonly windowMs: number;
  /** Season removed when it explains the series (see seasonalResiduals). */
  readonly seasonMs: number;
  /** A change must be at least this significant (two-sided p-value)... */
  readonly maxPValue: number;
  /** ...and at least this many robust standard deviations of the before window. */
  readonly minEffectSize: number;
  /** Most series of one service compared for one event. */
  readonly maxSeries: number;
}

export const DEFAULT_DEPLOY_REPORT: DeployReportOptions = { windowMs: 30 * MINUTE_MS, seasonMs: DAY_MS, maxPValue: 0.01, minEffectSize: 1, maxSeries: 5000 };

/** Most buckets per window: enough for a rank test, few enough that n × m pairs stay cheap. */
const MAX_WINDOW_BUCKETS = 240;
/** Bucket sizes that divide a day, so a season's lag lands on bucket boundaries. */
const STEPS_MS = [1, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].map((s) => s * SECOND_MS);

export type Verdict = 'regressed' | 'improved' | 'unchanged';

/** One series before and after an event. */
export interface SeriesChange extends WindowComparison {
  readonly series: string;
  readonly seriesId: number;
  /** shift / |median before| × 100; null when the before median is 0. */
  readonly changePercent: number | null;
  /** 1 − p-value. */
  readonly confidence: number;
  readonly significant: boolean;
  readonly verdict: Verdict;
  /** The comparison is of the values minus their value one season earlier. */
  readonly seasonallyAdjusted: boolean;
}

export interface DeployReport {
  readonly event: OpsEvent;
  readonly windowMs: number;
  /** Series of the service with data on both sides. */
  readonly compared: number;
  /** False while the after window is still filling: figures may move. */
  readonly complete: boolean;
  /** Significant changes first, then by |effect size|. */
  readonly changes: readonly SeriesChange[];
}

/**
 * Compares every series of the event's service before and after it: which changed, by how much and
 * how sure that is. Regressions are changes in the bad direction (up for latency and errors, down for
 * throughput; see higherIsBetter).
 */
export async function deployReport(storage: Storage, event: OpsEvent, nowMs: number, options: DeployReportOptions = DEFAULT_DEPLOY_REPORT): Promise<DeployReport> {
  const series = event.service === null ? [] : storage.findSeries('**', Number.MAX_SAFE_INTEGER).filter((s) => belongsToService(s, event.service!)).slice(0, options.maxSeries);
  const changes: SeriesChange[] = [];
  for (const s of series) {
    const change = await compareAround(storage, s, event.timestampMs, options);
    if (change !== null) changes.push(change);
  }
  changes.sort((a, b) => Number(b.significant) - Number(a.significant) || Math.abs(b.effectSize) - Math.abs(a.effectSize));
  return { event, windowMs: options.windowMs, compared: changes.length, complete: nowMs >= event.timestampMs + options.windowMs, changes };
}

async function compareAround(storage: Storage, series: SeriesInfo, atMs: number, options: DeployReportOptions): Promise<SeriesChange | null> {
  const stepMs = STEPS_MS.find((s) => s * MAX_WINDOW_BUCKETS >= options.windowMs) ?? STEPS_MS[STEPS_MS.length - 1]!;
  // Windows start on bucket boundaries; the event's own bucket belongs to "after".
  const eventBucketMs = Math.floor(atMs / stepMs) * stepMs;
  const fromMs = eventBucketMs - options.windowMs;
  const toMs = eventBucketMs + options.windowMs;
  const query = (from: number, to: number): Promise<SeriesPoints> => storage.query({ seriesId: series.id, fromMs: from, toMs: to, stepMs, agg: 'avg' });
  const now = await query(fromMs, toMs);
  const lastSeason = await query(fromMs - options.seasonMs, toMs - options.seasonMs);
  const split = (p: SeriesPoints) => {
    let k = 0;
    while (k < p.timestampsMs.length && p.timestampsMs[k]! < eventBucketMs) k++;
    return { before: p.values.subarray(0, k), after: p.values.subarray(k) };
  };
  const raw = split(now);
  const adjusted = seasonalResiduals(now, lastSeason, options.seasonMs, eventBucketMs);
  const comparison = adjusted === null ? compareWindows(raw.before, raw.after) : compareWindows(adjusted.before, adjusted.after);
  if (comparison === null) return null;
  // People read the values themselves before and after, not the seasonal differences.
  const beforeMedian = adjusted === null ? comparison.beforeMedian : medianOf(Float64Array.from(raw.before), raw.before.length);
  const afterMedian = adjusted === null ? comparison.afterMedian : medianOf(Float64Array.from(raw.after), raw.after.length);
  const significant = comparison.pValue <= options.maxPValue && Math.abs(comparison.effectSize) >= options.minEffectSize;
  const worse = higherIsBetter(series) ? comparison.shift < 0 : comparison.shift > 0;
  return {
    ...comparison,
    beforeMedian,
    afterMedian,
    series: series.key,
    seriesId: series.id,
    changePercent: beforeMedian === 0 ? null : (comparison.shift / Math.abs(beforeMedian)) * 100,
    confidence: 1 - comparison.pValue,
    significant,
    verdict: !significant ? 'unchanged' : worse ? 'regressed' : 'improved',
    seasonallyAdjusted: adjusted !== null,
  };
}
