import type { SeriesPoints } from '../store/index.js';
import { medianOf } from '../util/index.js';
import type { ChangePointMethod } from './method.js';

/** One segment of a stored range between change points. */
export interface Segment {
  readonly fromMs: number;
  /** Exclusive: the next segment's start, or the end of the range. */
  readonly toMs: number;
  readonly points: number;
  readonly median: number;
}

export interface StoredSegmentation {
  /** Where each segment after the first starts. */
  readonly changePointsMs: readonly number[];
  readonly segments: readonly Segment[];
}

/**
 * Offline segmentation of a stored range (columnar points, in time order) with a change-point method:
 * the times where segments start and each segment's median.
 */
export function segmentStored(points: SeriesPoints, toMs: number, method: ChangePointMethod): StoredSegmentation {
  const n = points.values.length;
  if (n === 0) return { changePointsMs: [], segments: [] };
  const starts = [0, ...method.detect([points.values]), n];
  const segments: Segment[] = [];
  for (let s = 0; s + 1 < starts.length; s++) {
    const from = starts[s]!;
    const to = starts[s + 1]!;
    segments.push({
      fromMs: points.timestampsMs[from]!,
      toMs: to < n ? points.timestampsMs[to]! : toMs,
      points: to - from,
      median: medianOf(points.values.slice(from, to), to - from),
    });
  }
  return { changePointsMs: segments.slice(1).map((s) => s.fromMs), segments };
}
