import { MINUTE_MS, SECOND_MS, SHIFT_KINDS, type Anomaly } from '../model/index.js';
import type { Storage } from '../store/index.js';
import type { Clock, Lifecycle } from '../util/index.js';
import { compareWindows } from './compare.js';

export interface ShiftConfirmerOptions {
  /** Points after the first anomalous one that must show the same shift before it is confirmed. */
  readonly confirmPoints: number;
  /** How much history before the anomaly, and at most how much after it, is compared. */
  readonly windowMs: number;
  /** The shift must be this significant (two-sided p-value)... */
  readonly maxPValue: number;
  /** ...and this many robust standard deviations of the before window. */
  readonly minEffectSize: number;
  /** A candidate that has not gathered confirmPoints in this much wall-clock time is dropped. */
  readonly giveUpAfterMs: number;
  /** How often candidates are checked. */
  readonly checkIntervalMs: number;
  /** Most candidates held at once; beyond it new ones are dropped (and counted). */
  readonly maxPending: number;
}

export const DEFAULT_SHIFT_CONFIRMER: ShiftConfirmerOptions = {
  confirmPoints: 10,
  windowMs: 30 * MINUTE_MS,
  maxPValue: 0.001,
  minEffectSize: 3,
  giveUpAfterMs: 60 * MINUTE_MS,
  checkIntervalMs: 2 * SECOND_MS,
  maxPending: 10_000,
};

/** The detector name of the anomalies this emits. */
export const SHIFT_DETECTOR = 'change-point';

interface Candidate {
  readonly anomaly: Anomaly;
  readonly sinceMs: number;
}

export interface ShiftConfirmerStats {
  readonly pending: number;
  readonly confirmed: number;
  readonly dismissed: number;
  readonly dropped: number;
}

/**
 * Streaming change points: a streaming detector sees one point at a time and cannot tell the first
 * point of a shift from a spike. Every anomaly that is not already a shift becomes a candidate; once
 * `confirmPoints` more points are stored, the windows before and after it are compared (see
 * compareWindows). If the values stayed away, a `level_shift` anomaly (detector `change-point`) is
 * emitted at the candidate's time, with before and after medians as expected and value: the alert
 * then says a shift persists, and which event preceded it. If they came back, it was a spike.
 */
export class ShiftConfirmer implements Lifecycle {
  private readonly pending = new Map<number, Candidate>();
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private confirmed = 0;
  private dismissed = 0;
  private dropped = 0;

  constructor(
    private readonly storage: Storage,
    private readonly emit: (anomalies: Anomaly[]) => void,
    private readonly clock: Clock,
    private readonly options: ShiftConfirmerOptions = DEFAULT_SHIFT_CONFIRMER,
  ) {}

  observe(anomalies: readonly Anomaly[]): void {
    const nowMs = this.clock.nowMs();
    for (const a of anomalies) {
      if (a.detector === SHIFT_DETECTOR || (a.kind !== null && SHIFT_KINDS.includes(a.kind))) continue;
      // One candidate per series at a time: the first anomaly of a run is where a shift starts.
      if (this.pending.has(a.seriesId)) continue;
      if (this.pending.size >= this.options.maxPending) {
        this.dropped++;
        continue;
      }
      this.pending.set(a.seriesId, { anomaly: a, sinceMs: nowMs });
    }
  }

  /** Decides every candidate that has enough points after it; drops those that waited too long. */
  async check(): Promise<void> {
    const nowMs = this.clock.nowMs();
    const confirmed: Anomaly[] = [];
    for (const [seriesId, candidate] of [...this.pending]) {
      const verdict = await this.decide(candidate.anomaly);
      if (verdict === 'wait' && nowMs - candidate.sinceMs < this.options.giveUpAfterMs) continue;
      this.pending.delete(seriesId);
      if (verdict === 'wait' || verdict === 'spike') this.dismissed++;
      else {
        this.confirmed++;
        confirmed.push(verdict);
      }
    }
    if (confirmed.length > 0) this.emit(confirmed);
  }

  stats(): ShiftConfirmerStats {
    return { pending: this.pending.size, confirmed: this.confirmed, dismissed: this.dismissed, dropped: this.dropped };
  }

  async start(): Promise<void> {
    if (this.timer !== null) return;
    this.timer = setInterval(() => {
      this.checking ??= this.check().finally(() => (this.checking = null));
    }, this.options.checkIntervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    await this.checking;
  }

  private async decide(a: Anomaly): Promise<Anomaly | 'spike' | 'wait'> {
    const atMs = a.timestampMs;
    const { windowMs } = this.options;
    // One-second buckets: the stored points themselves for any series sent at most once a second.
    const after = await this.storage.query({ seriesId: a.seriesId, fromMs: atMs, toMs: atMs + windowMs, stepMs: SECOND_MS, agg: 'avg' });
    if (after.values.length < this.options.confirmPoints + 1) return 'wait';
    const before = await this.storage.query({ seriesId: a.seriesId, fromMs: atMs - windowMs, toMs: atMs, stepMs: SECOND_MS, agg: 'avg' });
    const comparison = compareWindows(before.values, after.values);
    if (comparison === null) return 'spike';
    if (comparison.pValue > this.options.maxPValue || Math.abs(comparison.effectSize) < this.options.minEffectSize) return 'spike';
    return {
      seriesId: a.seriesId,
      series: a.series,
      timestampMs: atMs,
      value: comparison.afterMedian,
      score: 1 - comparison.pValue,
      kind: 'level_shift',
      expected: comparison.beforeMedian,
      detector: SHIFT_DETECTOR,
      evidence: { reason: `values moved from about ${round(comparison.beforeMedian)} to ${round(comparison.afterMedian)} and stayed for ${comparison.afterCount} points` },
    };
  }
}

function round(n: number): string {
  return String(Number(n.toPrecision(4)));
}
