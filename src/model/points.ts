/**
 * Points in columnar form: one typed array per column so that batches cross thread boundaries
 * as transferable buffers and hot paths allocate nothing per point.
 */
export interface PointBatch {
  readonly length: number;
  readonly seriesIds: Uint32Array;
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

/** Points as parsers produce them: series still named by canonical key, not yet by id. */
export interface KeyedPoints {
  readonly length: number;
  readonly keys: readonly string[];
  readonly timestampsMs: Float64Array;
  readonly values: Float64Array;
}

/** Closed set of reasons a point or line is rejected; each is a label on the rejected-points counter. */
export type RejectReason =
  | 'malformed_line'
  | 'bad_series'
  | 'bad_value'
  | 'nan_value'
  | 'bad_timestamp'
  | 'out_of_retention'
  | 'line_too_long'
  | 'overload';

/** One rejected line or record, with where it was and why. */
export interface Rejection {
  /** 1-based line number (or record index + 1 for JSON arrays) within the request or stream. */
  readonly line: number;
  readonly reason: RejectReason;
  /** Human-readable cause that names the field or value. */
  readonly message: string;
}

/** Accumulates keyed points column by column, growing by doubling. */
export class KeyedPointsBuilder implements KeyedPoints {
  keys: string[] = [];
  timestampsMs: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.timestampsMs = new Float64Array(initialCapacity);
    this.values = new Float64Array(initialCapacity);
  }

  push(key: string, timestampMs: number, value: number): void {
    if (this.length === this.values.length) this.grow();
    this.keys.push(key);
    this.timestampsMs[this.length] = timestampMs;
    this.values[this.length] = value;
    this.length++;
  }

  /** Trimmed views over the filled part (no copy). */
  finish(): KeyedPoints {
    return {
      length: this.length,
      keys: this.keys,
      timestampsMs: this.timestampsMs.subarray(0, this.length),
      values: this.values.subarray(0, this.length),
    };
  }

  private grow(): void {
    const capacity = Math.max(16, this.values.length * 2);
    const ts = new Float64Array(capacity);
    ts.set(this.timestampsMs);
    const vs = new Float64Array(capacity);
    vs.set(this.values);
    this.timestampsMs = ts;
    this.values = vs;
  }
}
