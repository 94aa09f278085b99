export type { Tags, SeriesRef, SeriesInfo } from './series.js';
export { seriesKey, parseSeriesKey, hashSeriesKey, validateSeriesRef } from './series.js';
export type { PointBatch, KeyedPoints, RejectReason, Rejection } from './points.js';
export { KeyedPointsBuilder } from './points.js';
export type { Anomaly, AnomalyKind } from './anomaly.js';
export { ANOMALY_KINDS } from './anomaly.js';
export type { TimeRange, Aggregation } from './time.js';
export { SECOND_MS, MINUTE_MS, HOUR_MS, DAY_MS, WEEK_MS, AGGREGATIONS } from './time.js';
