import type { KeyedPoints, PointBatch, Rejection } from '../model/index.js';

/**
 * Resolves canonical series keys to the ids the store keeps them under, creating series that are new.
 * An id never changes while the process runs, so a parser may cache it by the bytes that named the
 * series; a key the store cannot keep gets INVALID_SERIES_ID (model), which is never worth caching.
 */
export interface SeriesIds {
  seriesId(key: string): number;
}

/**
 * Where listeners hand parsed points, named by canonical key or, from parsers that cache ids through
 * `seriesId`, already by id. `source` is a stable protocol label (`graphite_tcp`, `graphite_udp`), fit
 * for a metric label.
 *
 * Contract: `write` may return a promise that resolves once the points are taken (queued or
 * durable); listeners count its points as pending until then and slow the sender (TCP) or shed
 * (UDP) beyond their bound. A write that throws or rejects means the points could not be taken at
 * all: the sink counts and logs that itself, and a TCP listener closes the connection the points came
 * from, since plaintext Graphite has no way to tell the sender. `reject` receives lines that could
 * not be parsed; it counts them by reason and must not throw.
 */
export interface PointSink extends SeriesIds {
  write(points: KeyedPoints | PointBatch, source: string): Promise<void> | void;
  reject(rejections: readonly Rejection[], source: string): void;
}
