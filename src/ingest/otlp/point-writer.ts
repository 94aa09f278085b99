import type { KeyedPoints, RejectReason, Rejection } from '../../model/index.js';
import { KeyedPointsBuilder } from '../../model/index.js';
import { quoteValue } from '../quote.js';
import { DataPointFields, FLAG_NO_RECORDED_VALUE } from './data-point.js';
import { PointTags } from './point-tags.js';
import { boundText, seriesNameOf } from './series-names.js';

/** What decoding one ExportMetricsServiceRequest gives. */
export interface OtlpParsedPoints {
  readonly points: KeyedPoints;
  /** One per rejected data point; `line` is the point's 1-based position in the request. */
  readonly rejections: Rejection[];
  /** OTLP data points seen, each counted once however many series it feeds. */
  readonly dataPoints: number;
  /** Data points rejected: `partialSuccess.rejectedDataPoints`. */
  readonly rejectedDataPoints: number;
  /** Data points flagged "no recorded value", left out without being rejected. */
  readonly skippedDataPoints: number;
}

/**
 * Turns decoded OTLP data points into Vigil points; the protobuf and JSON decoders both drive it, so
 * that both encodings map to the same series:
 *
 * - gauge and sum: `<name>` = the value, whatever the temporality (cumulative and delta sums are stored
 *   as sent, with no rate or delta conversion; monotonic or not).
 * - histogram: `<name>.count`, `<name>.sum` (when sent) and `<name>.bucket;le=<bound>` with cumulative
 *   counts, `le=+Inf` last (the whole count); none when the point has no buckets.
 * - exponential histogram: `<name>.count` and `<name>.sum` only (its buckets are not mapped).
 * - summary: `<name>.count`, `<name>.sum` and `<name>;quantile=<q>` per quantile; a NaN quantile value
 *   (a summary with nothing observed in its window) is left out rather than rejecting the point.
 *
 * Tags are the resource attributes plus the data point's attributes (which win on a clash); scope and
 * exemplars are not mapped. A point is written whole or rejected whole.
 */
export class OtlpPointWriter {
  /** The point being decoded: decoders fill it between beginPoint() and one of the end*() calls. */
  readonly point = new DataPointFields();
  private readonly out = new KeyedPointsBuilder(256);
  private readonly rejections: Rejection[] = [];
  private readonly tags = new PointTags();
  /** Text of the bucket bounds last written, by index: histograms of one metric share their bounds. */
  private boundValues = new Float64Array(16);
  private boundTexts: string[] = [];
  private dataPoints = 0;
  private rejectedDataPoints = 0;
  private skippedDataPoints = 0;
  private metricName = '';
  private seriesName = '';
  private countName = '';
  private sumName = '';
  private bucketName = '';
  private pointIndex = 0;

  beginResource(): void {
    this.tags.clearResource();
  }

  resourceAttribute(key: string, value: string): void {
    this.tags.addResource(key, value);
  }

  /** A resource attribute already made a tag name and value (see AttributeTextCache). */
  resourceTag(name: string, text: string): void {
    this.tags.addResourceTag(name, text);
  }

  beginMetric(name: string): void {
    this.metricName = name;
    this.seriesName = seriesNameOf(name);
    this.countName = `${this.seriesName}.count`;
    this.sumName = `${this.seriesName}.sum`;
    this.bucketName = `${this.seriesName}.bucket`;
    this.pointIndex = -1;
  }

  beginPoint(): void {
    this.point.reset();
    this.tags.beginPoint();
    this.pointIndex++;
    this.dataPoints++;
  }

  pointAttribute(key: string, value: string): void {
    this.tags.add(key, value);
  }

  /** A data point attribute already made a tag name and value (see AttributeTextCache). */
  pointTag(name: string, text: string): void {
    this.tags.addTag(name, text);
  }

  endNumberPoint(): void {
    if (!this.accept()) return;
    const { value } = this.point;
    if (!this.point.hasValue) {
      this.reject('bad_value', 'it has neither asDouble nor asInt');
      return;
    }
    if (!this.checkValue('value', value)) return;
    this.out.push(this.tags.key(this.seriesName), this.point.timeMs, value);
  }

  endHistogramPoint(): void {
    if (!this.accept() || !this.checkCountAndSum()) return;
    const { bounds, boundCount, bucketCounts, bucketCountCount } = this.point;
    if (bucketCountCount !== 0 && bucketCountCount !== boundCount + 1) {
      this.reject('bad_value', `it has ${bucketCountCount} bucketCounts for ${boundCount} explicitBounds (expected ${boundCount + 1})`);
      return;
    }
    for (let i = 0; i < boundCount; i++) {
      if (!Number.isFinite(bounds[i]!) || (i > 0 && !(bounds[i]! > bounds[i - 1]!))) {
        this.reject('bad_value', `explicitBounds must be finite and increasing, got ${bounds[i]} at index ${i}`);
        return;
      }
    }
    for (let i = 0; i < bucketCountCount; i++) {
      if (!(bucketCounts[i]! >= 0)) {
        this.reject('bad_value', `bucketCounts[${i}] is ${bucketCounts[i]}`);
        return;
      }
    }
    this.writeCountAndSum();
    const { bucketName } = this;
    let cumulative = 0;
    for (let i = 0; i < bucketCountCount; i++) {
      cumulative += bucketCounts[i]!;
      const le = i < boundCount ? this.boundText(i, bounds[i]!) : '+Inf';
      this.out.push(this.tags.keyWith(bucketName, 'le', le), this.point.timeMs, cumulative);
    }
  }

  endExponentialHistogramPoint(): void {
    if (!this.accept() || !this.checkCountAndSum()) return;
    this.writeCountAndSum();
  }

  endSummaryPoint(): void {
    if (!this.accept() || !this.checkCountAndSum()) return;
    const { quantiles, quantileValues, quantileCount } = this.point;
    for (let i = 0; i < quantileCount; i++) {
      const quantile = quantiles[i]!;
      const value = quantileValues[i]!;
      if (!(quantile >= 0 && quantile <= 1)) {
        this.reject('bad_value', `quantileValues[${i}].quantile ${quantile} is outside [0, 1]`);
        return;
      }
      if (value === Infinity || value === -Infinity) {
        this.reject('bad_value', `quantileValues[${i}].value ${value} is not finite`);
        return;
      }
    }
    this.writeCountAndSum();
    for (let i = 0; i < quantileCount; i++) {
      if (Number.isNaN(quantileValues[i]!)) continue;
      this.out.push(this.tags.keyWith(this.seriesName, 'quantile', boundText(quantiles[i]!)), this.point.timeMs, quantileValues[i]!);
    }
  }

  /** Everything decoded so far; the writer is not used after this. */
  finish(): OtlpParsedPoints {
    return {
      points: this.out.finish(),
      rejections: this.rejections,
      dataPoints: this.dataPoints,
      rejectedDataPoints: this.rejectedDataPoints,
      skippedDataPoints: this.skippedDataPoints,
    };
  }

  private boundText(index: number, bound: number): string {
    if (index >= this.boundValues.length) {
      const values = new Float64Array(Math.max(index + 1, this.boundValues.length * 2));
      values.set(this.boundValues);
      this.boundValues = values;
    }
    if (this.boundValues[index] !== bound || this.boundTexts[index] === undefined) {
      this.boundValues[index] = bound;
      this.boundTexts[index] = boundText(bound);
    }
    return this.boundTexts[index]!;
  }

  /** Checks what every kind of point needs; false when the point is skipped or rejected. */
  private accept(): boolean {
    const { point } = this;
    if ((point.flags & FLAG_NO_RECORDED_VALUE) !== 0) {
      this.skippedDataPoints++;
      return false;
    }
    if (point.problem !== null) return this.reject(point.problemReason, point.problem);
    if (this.seriesName.length === 0) return this.reject('bad_series', 'the metric has no name');
    if (point.timeMs === 0) return this.reject('bad_timestamp', 'timeUnixNano is missing or 0');
    return true;
  }

  private checkCountAndSum(): boolean {
    const { count, sum, hasSum } = this.point;
    if (!(count >= 0)) return this.reject('bad_value', `count is ${count}`);
    return !hasSum || this.checkValue('sum', sum);
  }

  private writeCountAndSum(): void {
    const { timeMs } = this.point;
    this.out.push(this.tags.key(this.countName), timeMs, this.point.count);
    if (this.point.hasSum) this.out.push(this.tags.key(this.sumName), timeMs, this.point.sum);
  }

  private checkValue(field: string, value: number): boolean {
    if (Number.isNaN(value)) return this.reject('nan_value', `${field} is NaN`);
    if (!Number.isFinite(value)) return this.reject('bad_value', `${field} ${value} is not finite`);
    return true;
  }

  private reject(reason: RejectReason, cause: string): false {
    this.rejectedDataPoints++;
    this.rejections.push({
      line: this.dataPoints,
      reason,
      message: `cannot take metric ${quoteValue(this.metricName)} dataPoints[${this.pointIndex}]: ${cause}`,
    });
    return false;
  }
}
