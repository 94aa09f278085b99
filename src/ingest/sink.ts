import type { KeyedPoints, Rejection } from '../model/index.js';

/**
 * Where listeners hand parsed points. `source` is a stable protocol label (`graphite_tcp`,
 * `graphite_udp`), fit for a metric label.
 *
 * Contract: `write` may return a promise that resolves once the points are taken (queued or
 * durable); listeners count its points as pending until then and slow the sender (TCP) or shed
 * (UDP) beyond their bound. A write that throws or rejects means the points could not be taken at
 * all: the sink counts and logs that itself, and a TCP listener closes the connection the points came
 * from, since plaintext Graphite has no way to tell the sender. `reject` receives lines that could
 * not be parsed; it counts them by reason and must not throw.
 */
export interface PointSink {
  write(points: KeyedPoints, source: string): Promise<void> | void;
  reject(rejections: readonly Rejection[], source: string): void;
}
