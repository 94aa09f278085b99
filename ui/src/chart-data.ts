import type { AnomalyItem, QueryResult } from './api.js';

/**
 * Columns for uPlot on one x axis: the query's buckets merged with the anomalies' own timestamps, so
 * each marker sits exactly where the detector saw it. Where a row exists only for an anomaly the line
 * holds `undefined`, which uPlot spans; `null` (an empty bucket) stays a gap.
 */
export interface ChartData {
  readonly timestampsMs: number[];
  readonly values: (number | null | undefined)[];
  /** The anomalous value at an anomaly's row, undefined elsewhere. */
  readonly marks: (number | undefined)[];
  /** The anomalies at each row (several detectors may flag one point), highest score first. */
  readonly anomaliesAt: (readonly AnomalyItem[] | undefined)[];
  /** Rows that carry anomalies, for hit-testing the pointer against markers. */
  readonly markRows: number[];
}

/** A run of empty buckets up to this many times the series' usual spacing is bridged, not a gap. */
const BRIDGE_FACTOR = 3;

function medianSpacingMs(timestampsMs: readonly number[], values: readonly (number | null)[]): number {
  const spacings: number[] = [];
  let prevMs = NaN;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) continue;
    if (!Number.isNaN(prevMs)) spacings.push(timestampsMs[i]! - prevMs);
    prevMs = timestampsMs[i]!;
  }
  if (spacings.length === 0) return 0;
  spacings.sort((a, b) => a - b);
  return spacings[spacings.length >> 1]!;
}

/**
 * The query's values with short runs of empty buckets turned into `undefined`: when buckets are finer
 * than the series' own interval (10 s points in 4 s buckets) most buckets are empty, and drawing each
 * as a gap would leave no line. Runs longer than a few intervals stay `null`, a visible gap.
 */
export function bridgeShortGaps(
  timestampsMs: readonly number[],
  values: readonly (number | null)[],
): (number | null | undefined)[] {
  const maxBridgeMs = medianSpacingMs(timestampsMs, values) * BRIDGE_FACTOR;
  const out: (number | null | undefined)[] = values.map((v) => v ?? null);
  let prev = -1;
  for (let i = 0; i < values.length; i++) {
    if (values[i] === null) continue;
    if (prev >= 0 && i - prev > 1 && timestampsMs[i]! - timestampsMs[prev]! <= maxBridgeMs) {
      for (let j = prev + 1; j < i; j++) out[j] = undefined;
    }
    prev = i;
  }
  return out;
}

export function buildChartData(query: QueryResult, anomalies: readonly AnomalyItem[]): ChartData {
  const bridged = bridgeShortGaps(query.timestampsMs, query.values);
  const sorted = [...anomalies].sort((a, b) => a.timestampMs - b.timestampMs || b.score - a.score);
  const out: ChartData = { timestampsMs: [], values: [], marks: [], anomaliesAt: [], markRows: [] };
  const ts = query.timestampsMs;
  let q = 0;
  let a = 0;
  while (q < ts.length || a < sorted.length) {
    const bucketMs = q < ts.length ? ts[q]! : Infinity;
    const anomalyMs = a < sorted.length ? sorted[a]!.timestampMs : Infinity;
    const rowMs = Math.min(bucketMs, anomalyMs);
    out.timestampsMs.push(rowMs);
    if (bucketMs === rowMs) {
      out.values.push(bridged[q]);
      q++;
    } else {
      out.values.push(undefined);
    }
    if (anomalyMs === rowMs) {
      const here: AnomalyItem[] = [];
      while (a < sorted.length && sorted[a]!.timestampMs === rowMs) here.push(sorted[a++]!);
      out.marks.push(here[0]!.value);
      out.anomaliesAt.push(here);
      out.markRows.push(out.timestampsMs.length - 1);
    } else {
      out.marks.push(undefined);
      out.anomaliesAt.push(undefined);
    }
  }
  return out;
}

/** True when the query found at least one point in range. */
export function hasPoints(query: QueryResult): boolean {
  return query.values.some((v) => v !== null && Number.isFinite(v));
}
