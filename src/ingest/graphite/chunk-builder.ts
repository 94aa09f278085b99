import { PointBatchBuilder } from '../../model/index.js';

/** A typical line is longer than this, so a chunk rarely makes the builder grow. */
const BYTES_PER_LINE_ESTIMATE = 32;
const SMALLEST_BUILDER = 16;

/** A builder sized for the points of `sizeBytes` bytes of Graphite lines (a TCP chunk or a UDP datagram). */
export function pointsBuilderFor(sizeBytes: number): PointBatchBuilder {
  return new PointBatchBuilder(Math.max(SMALLEST_BUILDER, Math.ceil(sizeBytes / BYTES_PER_LINE_ESTIMATE)));
}
