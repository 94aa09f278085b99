import { TimeZone } from './zone.js';

/** Limits and defaults of the Graphite API; every field has a default in DEFAULT_GRAPHITE_API_OPTIONS. */
export interface GraphiteApiOptions {
  /** Series one path expression or seriesByTag may read; more is refused (400) rather than read. */
  readonly maxSeriesPerFetch: number;
  /**
   * Values read per series. A range that would need more at the series' own density is read at the
   * next coarser step (averaged), as Graphite reads an older, coarser whisper archive.
   */
  readonly maxPointsPerSeries: number;
  /** Values one fetch reads in all; its series share it, so a wide glob over a long range reads coarser. */
  readonly maxPointsPerFetch: number;
  /** Series whose step is measured per fetch (the first, by key, that hold points in range); the rest take the most common one. */
  readonly stepSamples: number;
  /** Step of a fetch where no series holds two points in range. */
  readonly defaultStepSec: number;
  /** Stored anomalies one anomalies()/anomalyScore() call may read; more is refused (400). */
  readonly maxAnomalies: number;
  /** Default `limit` of /tags/autoComplete/* (graphite-web's TAGDB_AUTOCOMPLETE_LIMIT). */
  readonly autocompleteLimit: number;
  /** Zone of wall-clock times (`HH:MM_YYYYMMDD`, `midnight`) when a request gives no valid `tz`. */
  readonly timeZone: string;
  /** What /version answers: a graphite-web release whose API this one follows (Grafana reads it). */
  readonly version: string;
}

export const DEFAULT_GRAPHITE_API_OPTIONS: GraphiteApiOptions = {
  maxSeriesPerFetch: 10_000,
  maxPointsPerSeries: 20_000,
  maxPointsPerFetch: 10_000_000,
  stepSamples: 8,
  defaultStepSec: 60,
  maxAnomalies: 100_000,
  autocompleteLimit: 100,
  timeZone: 'UTC',
  version: '1.1.10',
};

const POSITIVE_INTEGER_FIELDS = ['maxSeriesPerFetch', 'maxPointsPerSeries', 'maxPointsPerFetch', 'stepSamples', 'defaultStepSec', 'maxAnomalies', 'autocompleteLimit'] as const;

/** Options with defaults filled in; throws `cannot configure graphite api: ...` naming a bad field. */
export function resolveGraphiteOptions(options: Partial<GraphiteApiOptions> = {}): GraphiteApiOptions {
  const resolved = { ...DEFAULT_GRAPHITE_API_OPTIONS, ...options };
  for (const field of POSITIVE_INTEGER_FIELDS) {
    const value = resolved[field];
    if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`cannot configure graphite api: ${field} must be a positive integer, got ${value}`);
  }
  if (TimeZone.named(resolved.timeZone) === null) throw new Error(`cannot configure graphite api: timeZone ${JSON.stringify(resolved.timeZone)} is not a known IANA time zone`);
  if (!/^\d+\.\d+(\.\d+)?$/.test(resolved.version)) throw new Error(`cannot configure graphite api: version must look like 1.1.10, got ${JSON.stringify(resolved.version)}`);
  return resolved;
}
