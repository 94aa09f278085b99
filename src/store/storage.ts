import type { Aggregation, Anomaly, PointBatch, RejectReason, SeriesInfo } from '../model/index.js';
import type { Lifecycle } from '../util/index.js';

/** Outcome of an append: what was accepted and, per rejected point, its index in the batch and why. */
export interface AppendResult {
  readonly accepted: number;
  readonly rejected: readonly { readonly index: number; readonly reason: RejectReason; readonly message: string }[];
}

/** A range query over one series, aggregated per step. Buckets start at multiples of stepMs. */
export interface RangeQuery {
  readonly seriesId: number;
  readonly fromMs: number;
  /** Exclusive. */
  readonly toMs: number;
  readonly stepMs: number;
  readonly agg: Aggregation;
}

/** Columnar query result, ordered by time; only buckets that hold points are present. */
export interface SeriesPoints {
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

export interface AnomalyQuery {
  readonly fromMs: number;
  /** Exclusive. */
  readonly toMs: number;
  /** Only these series; all series when absent. */
  readonly seriesIds?: readonly number[];
  readonly limit: number;
}

export interface RetentionResult {
  readonly deletedPoints: number;
  readonly deletedAnomalies: number;
}

export interface StorageStats {
  readonly seriesCount: number;
  /** Points accepted by append() but not yet committed. */
  readonly queuedPoints: number;
  readonly committedPoints: number;
  readonly commits: number;
}

/**
 * Vigil's store of series, points and anomalies.
 *
 * Contract:
 * - The series index is in memory and synchronous; ids are dense (0, 1, 2, ...) and stable across
 *   restarts. A new series becomes durable in the same commit as its first points.
 * - `append` resolves only once every accepted point is durable (survives SIGKILL). Calls are
 *   grouped into one commit (group commit), so concurrent appends share the cost of a sync.
 *   Points with unknown series ids, non-finite values or timestamps are rejected with a reason;
 *   the rest of the batch is kept.
 * - Anomalies are idempotent by (seriesId, detector, timestampMs): writing the same one twice keeps one.
 * - Retention deletes points and anomalies older than the cut-off for real.
 * - `stop` commits everything queued, then closes. `start`/`stop` are idempotent.
 */
export interface Storage extends Lifecycle {
  /**
   * Ids of series keys, creating series that are new; tags in any order name the same series. A key
   * that is not a valid series (see model/validateSeriesRef) gets 0xFFFFFFFF, which `append` rejects
   * as bad_series.
   */
  resolveSeries(keys: readonly string[]): Uint32Array;
  /**
   * `resolveSeries` for one key. Ids never change while the store runs, so parsers may cache them
   * by the bytes that named the series.
   */
  seriesId(key: string): number;
  seriesById(id: number): SeriesInfo | undefined;
  seriesByKey(key: string): SeriesInfo | undefined;
  /** Series whose canonical key matches a Graphite glob (see util/globToRegExp), sorted by key. */
  findSeries(glob: string, limit: number): SeriesInfo[];
  append(batch: PointBatch): Promise<AppendResult>;
  query(query: RangeQuery): Promise<SeriesPoints>;
  appendAnomalies(anomalies: readonly Anomaly[]): Promise<void>;
  queryAnomalies(query: AnomalyQuery): Promise<Anomaly[]>;
  deleteBefore(cutoffMs: number): Promise<RetentionResult>;
  stats(): StorageStats;
}
