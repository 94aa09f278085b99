import type { RejectReason } from '../../model/index.js';

/** DataPointFlags.DATA_POINT_FLAGS_NO_RECORDED_VALUE_MASK: a valid point that carries no value (a staleness marker). */
export const FLAG_NO_RECORDED_VALUE = 1;

/**
 * The fields of the data point being decoded, whatever its kind; one instance is reused for every point
 * of a request, so that decoding allocates nothing per point once its arrays have grown.
 */
export class DataPointFields {
  flags = 0;
  /** Milliseconds of timeUnixNano; 0 when absent. */
  timeMs = 0;
  /** NumberDataPoint value (asDouble or asInt). */
  value = 0;
  hasValue = false;
  /** Histogram and summary count and sum. */
  count = 0;
  sum = 0;
  hasSum = false;
  bounds = new Float64Array(16);
  boundCount = 0;
  bucketCounts = new Float64Array(16);
  bucketCountCount = 0;
  quantiles = new Float64Array(8);
  quantileValues = new Float64Array(8);
  quantileCount = 0;
  /** A field the decoder could not read (JSON of the wrong type): the point is rejected with this. */
  problem: string | null = null;
  problemReason: RejectReason = 'bad_value';

  reset(): void {
    this.flags = 0;
    this.timeMs = 0;
    this.value = 0;
    this.hasValue = false;
    this.count = 0;
    this.sum = 0;
    this.hasSum = false;
    this.boundCount = 0;
    this.bucketCountCount = 0;
    this.quantileCount = 0;
    this.problem = null;
    this.problemReason = 'bad_value';
  }

  /** Notes the first unreadable field; later ones add nothing to the rejection. */
  fault(reason: RejectReason, cause: string): void {
    if (this.problem !== null) return;
    this.problem = cause;
    this.problemReason = reason;
  }

  addBound(bound: number): void {
    if (this.boundCount === this.bounds.length) this.bounds = grown(this.bounds);
    this.bounds[this.boundCount++] = bound;
  }

  addBucketCount(count: number): void {
    if (this.bucketCountCount === this.bucketCounts.length) this.bucketCounts = grown(this.bucketCounts);
    this.bucketCounts[this.bucketCountCount++] = count;
  }

  addQuantile(quantile: number, value: number): void {
    if (this.quantileCount === this.quantiles.length) {
      this.quantiles = grown(this.quantiles);
      this.quantileValues = grown(this.quantileValues);
    }
    this.quantiles[this.quantileCount] = quantile;
    this.quantileValues[this.quantileCount++] = value;
  }
}

function grown(array: Float64Array): Float64Array<ArrayBuffer> {
  const bigger = new Float64Array(array.length * 2);
  bigger.set(array);
  return bigger;
}
