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
    this.timestampsMs = grown(this.timestampsMs, capacity);
    this.values = grown(this.values, capacity);
  }
}

/** Accumulates points already named by series id, column by column, growing by doubling. */
export class PointBatchBuilder implements PointBatch {
  seriesIds: Uint32Array;
  timestampsMs: Float64Array;
  values: Float64Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.seriesIds = new Uint32Array(initialCapacity);
    this.timestampsMs = new Float64Array(initialCapacity);
    this.values = new Float64Array(initialCapacity);
  }

  /** Makes room for `count` more points, so that a caller may write them straight into the arrays. */
  reserve(count: number): void {
    if (this.length + count > this.values.length) this.grow(this.length + count);
  }

  /** Empties the builder, keeping its arrays: once warmed up, a reused builder allocates nothing per point. */
  clear(): void {
    this.length = 0;
  }

  push(seriesId: number, timestampMs: number, value: number): void {
    if (this.length === this.values.length) this.grow(this.length + 1);
    this.seriesIds[this.length] = seriesId;
    this.timestampsMs[this.length] = timestampMs;
    this.values[this.length] = value;
    this.length++;
  }

  /** Trimmed views over the filled part (no copy). */
  finish(): PointBatch {
    return {
      length: this.length,
      seriesIds: this.seriesIds.subarray(0, this.length),
      timestampsMs: this.timestampsMs.subarray(0, this.length),
      values: this.values.subarray(0, this.length),
    };
  }

  private grow(needed: number): void {
    let capacity = Math.max(16, this.values.length * 2);
    while (capacity < needed) capacity *= 2;
    this.seriesIds = grown(this.seriesIds, capacity);
    this.timestampsMs = grown(this.timestampsMs, capacity);
    this.values = grown(this.values, capacity);
  }
}

function grown<T extends Float64Array | Uint32Array>(array: T, capacity: number): T {
  const copy = new (array.constructor as new (length: number) => T)(capacity);
  copy.set(array);
  return copy;
}
