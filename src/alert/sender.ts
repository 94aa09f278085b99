import type { AnomalyKind, SuspectedEvent } from '../model/index.js';
import type { Lifecycle } from '../util/index.js';

/** What an alert says: one per anomaly episode of a series, firing once and (optionally) resolved once. */
export interface AlertNotification {
  readonly version: '1';
  readonly status: 'firing' | 'resolved';
  /** Stable across the firing and resolved messages of one episode. */
  readonly episodeId: string;
  readonly series: string;
  readonly seriesId: number;
  readonly detectors: readonly string[];
  readonly kind: AnomalyKind | null;
  readonly startsAtMs: number;
  /** Set when resolved. */
  readonly endsAtMs: number | null;
  readonly peakScore: number;
  readonly anomalyCount: number;
  /** The first anomalous point: the evidence. */
  readonly value: number;
  readonly expected: number | null;
  /** For a shift: the nearest preceding deploy or config change of the series' service. */
  readonly suspectedEvent: SuspectedEvent | null;
  readonly summary: string;
}

export interface SenderStats {
  readonly sent: number;
  readonly failed: number;
  readonly retries: number;
  readonly dropped: number;
  readonly queued: number;
}

/**
 * Delivers notifications to one destination. `send` never blocks: it enqueues into a bounded queue
 * and returns false (counting a drop) when the queue is full. Delivery retries with backoff.
 */
export interface Sender extends Lifecycle {
  readonly name: string;
  send(notification: AlertNotification): boolean;
  stats(): SenderStats;
}
