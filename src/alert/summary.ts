import type { AnomalyKind, SuspectedEvent } from '../model/index.js';
import { HOUR_MS, MINUTE_MS, SECOND_MS } from '../model/index.js';

/** What a one-line alert summary is made of. */
export interface SummaryFacts {
  readonly series: string;
  readonly kind: AnomalyKind | null;
  readonly value: number;
  readonly expected: number | null;
  readonly peakScore: number;
  readonly anomalyCount: number;
  readonly startsAtMs: number;
  readonly endsAtMs: number | null;
  readonly suspectedEvent: SuspectedEvent | null;
}

/** `level_shift on api.latency.p99;host=a: 412 (expected 120), score 0.998; 4 min after deploy of api 2.4.0` */
export function firingSummary(facts: SummaryFacts): string {
  return `${facts.kind ?? 'anomaly'} on ${facts.series}: ${evidence(facts)}, score ${formatScore(facts.peakScore)}${afterEvent(facts)}`;
}

/** `resolved: level_shift on api.latency.p99;host=a after 12 anomalies over 5 min, peak score 0.999; first 412 (expected 120)` */
export function resolvedSummary(facts: SummaryFacts): string {
  const durationMs = (facts.endsAtMs ?? facts.startsAtMs) - facts.startsAtMs;
  const anomalies = facts.anomalyCount === 1 ? '1 anomaly' : `${facts.anomalyCount} anomalies`;
  return (
    `resolved: ${facts.kind ?? 'anomaly'} on ${facts.series} after ${anomalies} over ${formatDurationMs(durationMs)}, ` +
    `peak score ${formatScore(facts.peakScore)}; first ${evidence(facts)}${afterEvent(facts)}`
  );
}

function afterEvent(facts: SummaryFacts): string {
  const event = facts.suspectedEvent;
  if (event === null) return '';
  const what = [event.service, event.version].filter((p) => p !== null).join(' ');
  return `; ${formatDurationMs(Math.max(0, facts.startsAtMs - event.timestampMs))} after ${event.type}${what === '' ? '' : ` of ${what}`}`;
}

function evidence(facts: SummaryFacts): string {
  const value = formatNumber(facts.value);
  return facts.expected === null ? value : `${value} (expected ${formatNumber(facts.expected)})`;
}

/** Three decimals, rounded down so that a score short of 1 never reads as 1.000. */
function formatScore(score: number): string {
  return (Math.floor(score * 1000 + 1e-9) / 1000).toFixed(3);
}

/** Six significant digits at most, without trailing zeros: alerts are read by people. */
function formatNumber(n: number): string {
  return Number.isFinite(n) ? String(Number(n.toPrecision(6))) : String(n);
}

export function formatDurationMs(durationMs: number): string {
  if (durationMs < 2 * MINUTE_MS) return `${Math.round(durationMs / SECOND_MS)} s`;
  if (durationMs < 2 * HOUR_MS) return `${Math.round(durationMs / MINUTE_MS)} min`;
  return `${(durationMs / HOUR_MS).toFixed(1)} h`;
}
