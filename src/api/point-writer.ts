import type { KeyedPoints, PointBatch, RejectReason, Rejection } from '../model/index.js';
import type { SeriesIds } from '../ingest/index.js';
import type { IngestProtocol } from './self-metrics.js';

/** What a write kept and, per rejected point, its index in the written points and why. */
export interface WriteResult {
  readonly accepted: number;
  readonly rejected: readonly { readonly index: number; readonly reason: RejectReason; readonly message: string }[];
}

/**
 * The ingest path as the API sees it: store points (named by key, or by the ids the store gave their
 * keys) durably and hand them to detection. `write` resolves once every accepted point is durable.
 * `reject` counts what parsers refused.
 */
export interface PointWriter extends SeriesIds {
  /** The canonical key of a series id, for messages; `#id` for an id the store does not know. */
  seriesKey(seriesId: number): string;
  write(points: KeyedPoints | PointBatch, protocol: IngestProtocol): Promise<WriteResult>;
  reject(rejections: readonly Rejection[], protocol: IngestProtocol): void;
}
