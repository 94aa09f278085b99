import type { PointBatch, RejectReason } from '../model/index.js';
import type { AppendResult } from './storage.js';
import type { PointQueue } from './point-queue.js';

type PointRejection = AppendResult['rejected'][number];

export interface AcceptLimits {
  /** Ids below this are known series. */
  readonly seriesCount: number;
  readonly nowMs: number;
  readonly maxFutureMs: number;
}

/**
 * Checks each point of a batch and queues the good ones; a bad point is named by index, reason and
 * value, and never spoils the rest. Timestamps are floored to whole milliseconds.
 */
export function acceptPoints(batch: PointBatch, limits: AcceptLimits, queue: PointQueue): AppendResult {
  const { seriesIds, timestampsMs, values } = batch;
  const latestMs = limits.nowMs + limits.maxFutureMs;
  let rejected: PointRejection[] | undefined;
  const reject = (index: number, reason: RejectReason, message: string): void => {
    (rejected ??= []).push({ index, reason, message: `cannot append point ${index}: ${message}` });
  };
  for (let i = 0; i < batch.length; i++) {
    const seriesId = seriesIds[i]!;
    const timestampMs = timestampsMs[i]!;
    const value = values[i]!;
    if (seriesId >= limits.seriesCount) {
      reject(i, 'bad_series', `unknown series id ${seriesId}`);
    } else if (!Number.isFinite(timestampMs) || Math.abs(timestampMs) > Number.MAX_SAFE_INTEGER) {
      reject(i, 'bad_timestamp', `timestamp ${timestampMs} is not a finite millisecond count`);
    } else if (timestampMs > latestMs) {
      reject(i, 'bad_timestamp', `timestamp ${timestampMs} is more than ${limits.maxFutureMs} ms ahead of now (${limits.nowMs})`);
    } else if (!Number.isFinite(value)) {
      reject(i, 'nan_value', `value ${value} is not a finite number`);
    } else {
      queue.push(seriesId, Math.floor(timestampMs), value);
    }
  }
  const rejectedCount = rejected?.length ?? 0;
  return { accepted: batch.length - rejectedCount, rejected: rejected ?? [] };
}
