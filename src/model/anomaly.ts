/** Closed set of anomaly shapes a detector may name. */
export type AnomalyKind = 'spike' | 'level_shift' | 'trend' | 'variance' | 'seasonality_break';

export const ANOMALY_KINDS: readonly AnomalyKind[] = ['spike', 'level_shift', 'trend', 'variance', 'seasonality_break'];

/** Kinds that are changes of regime, which an event (a deploy) may explain; a spike is not one. */
export const SHIFT_KINDS: readonly AnomalyKind[] = ['level_shift', 'trend', 'variance'];

/** The event (deploy, config change) that most likely caused a change: the nearest one before it. */
export interface SuspectedEvent {
  readonly id: string;
  readonly type: string;
  readonly service: string | null;
  readonly version: string | null;
  readonly timestampMs: number;
}

/**
 * What backs an anomaly beyond its series and score: for a log-derived anomaly, the template and example
 * lines behind it, or the session whose sequence of templates was unusual.
 */
export interface AnomalyEvidence {
  readonly template?: { readonly id: string; readonly text: string; readonly severity?: string };
  readonly examples?: readonly string[];
  readonly session?: { readonly id: string; readonly templates: readonly string[] };
  /** One sentence that says why, for people. */
  readonly reason?: string;
  /** For a shift (level, trend, variance): the nearest preceding event of the series' service. */
  readonly event?: SuspectedEvent;
}

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
  readonly evidence?: AnomalyEvidence;
}
