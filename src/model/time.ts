/** A half-open time range [fromMs, toMs) in Unix milliseconds. */
export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

export const SECOND_MS = 1000;
export const MINUTE_MS = 60 * SECOND_MS;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;

/** Aggregations a range query may apply per step. */
export type Aggregation = 'avg' | 'min' | 'max' | 'last' | 'sum' | 'count';
export const AGGREGATIONS: readonly Aggregation[] = ['avg', 'min', 'max', 'last', 'sum', 'count'];
