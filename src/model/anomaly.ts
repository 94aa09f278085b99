/** Closed set of anomaly shapes a detector may name. */
export type AnomalyKind = 'spike' | 'level_shift' | 'trend' | 'variance' | 'seasonality_break';

export const ANOMALY_KINDS: readonly AnomalyKind[] = ['spike', 'level_shift', 'trend', 'variance', 'seasonality_break'];

/** One anomalous point as a detector judged it. Stored idempotently by (seriesId, detector, timestampMs). */
export interface Anomaly {
  readonly seriesId: number;
  /** Canonical series key, for people and APIs. */
  readonly series: string;
  readonly timestampMs: number;
  readonly value: number;
  /** Anomaly score in [0, 1]. */
  readonly score: number;
  readonly kind: AnomalyKind | null;
  /** What the detector expected at this point; null when it had no estimate. */
  readonly expected: number | null;
  readonly detector: string;
}
