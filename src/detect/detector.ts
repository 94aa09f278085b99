import type { AnomalyKind } from '../model/index.js';

/** Versioned plain data (JSON-safe) that restores a detector exactly where it was. */
export interface DetectorState {
  readonly detector: string;
  readonly version: number;
  readonly data: unknown;
}

/**
 * One detector instance watches one series.
 *
 * Contract:
 * - `update` takes points in time order and returns an anomaly score in [0, 1] (NAB-compatible: higher
 *   is more anomalous). It never throws: NaN and infinite values, gaps, repeated and out-of-order
 *   timestamps are absorbed (out-of-order and repeated points are ignored and score 0).
 * - After `update`, `lastKind` and `lastExpected` describe that point (null / NaN when unknown). They are
 *   fields rather than a returned object so the hot path allocates nothing per point.
 * - `snapshot()` returns plain data; `restore()` on a fresh instance continues with identical scores.
 * - A detector never sees labels or future points.
 */
export interface Detector {
  update(timestampMs: number, value: number): number;
  readonly lastKind: AnomalyKind | null;
  readonly lastExpected: number;
  /**
   * One sentence on why the last point scored as it did (which model, what it expected), for the anomaly's
   * evidence. Called only for points that become anomalies, so a detector may build the string lazily.
   */
  describeLast?(): string | null;
  snapshot(): DetectorState;
  restore(state: DetectorState): void;
}

/** What the caller knows about a series when it creates its detector. */
export interface DetectorContext {
  /**
   * Points the caller will not judge at the start of the series (NAB's probationary period), so the
   * detector may use them all for learning. Absent: the detector's own warm-up applies.
   */
  readonly warmupPoints?: number;
  /** The series' id, stable across restarts: lets a detector make per-series choices (a canary's share) repeatably. */
  readonly seriesId?: number;
  /**
   * The series' canonical key. Given to detectors whose definition has `groupOf` (they find their group and their
   * place in it from the key); absent for the others.
   */
  readonly seriesKey?: string;
}

/** A built-in detector: an id, a parameter parser that names each bad field, and a factory. */
export interface DetectorDefinition<P = unknown> {
  readonly id: string;
  readonly description: string;
  /** Validates raw parameters (from the config file), applying defaults; throws naming the bad field. */
  parseParams(raw: unknown): P;
  create(params: P, context?: DetectorContext): Detector;
  /**
   * For a detector that judges several series together (a model over every metric of a host): the key of the group
   * a series belongs to under these params, or null when it belongs to none. The router sends every series of a
   * group to one partition (it hashes the group key instead of the series key), so the group's detectors meet there.
   */
  groupOf?(params: P, seriesKey: string): string | null;
}
