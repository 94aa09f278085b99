import type { PointBatch, PointBatchBuilder, RejectReason } from '../model/index.js';
import type { AppendResult } from './storage.js';

type PointRejection = AppendResult['rejected'][number];

export interface AcceptLimits {
  /** Ids below this are known series. */
  readonly seriesCount: number;
  readonly nowMs: number;
  readonly maxFutureMs: number;
  /** Points older than nowMs minus this are refused (the retention sweep would delete them); Infinity keeps all. */
  readonly retentionMs: number;
}

/**
 * Checks each point of a batch and queues the good ones; a bad point is named by index, reason and
 * value, and never spoils the rest. Timestamps are floored to whole milliseconds.
 */
export function acceptPoints(batch: PointBatch, limits: AcceptLimits, queue: PointBatchBuilder): AppendResult {
  const { seriesIds, timestampsMs, values } = batch;
  // Messages are built in separate functions: a template literal over a double in this loop, even in
  // a branch never taken, makes V8's code for the whole loop about 20 times slower.
  const { seriesCount, nowMs, maxFutureMs, retentionMs } = limits;
  const latestMs = nowMs + maxFutureMs;
  const earliestMs = nowMs - retentionMs;
  queue.reserve(batch.length);
  const queuedIds = queue.seriesIds;
  const queuedTimestampsMs = queue.timestampsMs;
  const queuedValues = queue.values;
  let queued = queue.length;
  let rejected: PointRejection[] | undefined;
  for (let i = 0; i < batch.length; i++) {
    const seriesId = seriesIds[i]!;
    const timestampMs = timestampsMs[i]!;
    const value = values[i]!;
    if (seriesId >= seriesCount) {
      rejected = reject(rejected, i, 'bad_series', unknownSeries(seriesId));
    } else if (!Number.isFinite(timestampMs) || Math.abs(timestampMs) > Number.MAX_SAFE_INTEGER) {
      rejected = reject(rejected, i, 'bad_timestamp', nonFiniteTimestamp(timestampMs));
    } else if (timestampMs > latestMs) {
      rejected = reject(rejected, i, 'bad_timestamp', futureTimestamp(timestampMs, nowMs, maxFutureMs));
    } else if (timestampMs < earliestMs) {
      rejected = reject(rejected, i, 'out_of_retention', beforeRetention(timestampMs, retentionMs));
    } else if (!Number.isFinite(value)) {
      rejected = reject(rejected, i, 'nan_value', nonFiniteValue(value));
    } else {
      queuedIds[queued] = seriesId;
      queuedTimestampsMs[queued] = Math.floor(timestampMs);
      queuedValues[queued] = value;
      queued++;
    }
  }
  queue.length = queued;
  if (rejected === undefined) return { accepted: batch.length, rejected: [] };
  return { accepted: batch.length - rejected.length, rejected };
}

function reject(rejected: PointRejection[] | undefined, index: number, reason: RejectReason, message: string): PointRejection[] {
  const list = rejected ?? [];
  list.push({ index, reason, message });
  return list;
}

function unknownSeries(seriesId: number): string {
  return `unknown series id ${seriesId}`;
}

function nonFiniteTimestamp(timestampMs: number): string {
  return `timestamp ${timestampMs} is not a finite millisecond count`;
}

function futureTimestamp(timestampMs: number, nowMs: number, maxFutureMs: number): string {
  return `timestamp ${timestampMs} is more than ${maxFutureMs} ms ahead of now (${nowMs})`;
}

function beforeRetention(timestampMs: number, retentionMs: number): string {
  const days = retentionMs / 86_400_000;
  return `timestamp ${new Date(timestampMs).toISOString()} is older than the retention period (${days} days); raise storage.retentionDays to keep older data`;
}

function nonFiniteValue(value: number): string {
  return `value ${value} is not a finite number`;
}
