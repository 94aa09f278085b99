import type { KeyedPointsBuilder } from '../../model/index.js';

const SMALLEST_RESERVOIR = 16;

/**
 * What the aggregator holds for one metric between flushes. `keys` are its output series, computed
 * once when the metric first arrives. A flush writes the interval's points; a metric that got no
 * sample in an interval writes its idle points once (`flushIdle`) and is then forgotten.
 */
export interface StatsdMetric {
  readonly keys: readonly string[];
  /** Whether a sample arrived since the last flush. */
  readonly updated: boolean;
  /** Writes the points of an interval with samples and starts the next interval. */
  flush(out: KeyedPointsBuilder, timestampMs: number): void;
  /** Writes the points of an interval without samples. */
  flushIdle(out: KeyedPointsBuilder, timestampMs: number): void;
}

/** A counter: keys `count` (the sum of value / sample rate) and `rate` (count per second of the flush interval). */
export class CounterMetric implements StatsdMetric {
  updated = false;
  private count = 0;

  constructor(
    readonly keys: readonly [count: string, rate: string],
    private readonly intervalSeconds: number,
  ) {}

  add(value: number, sampleRate: number): void {
    this.count += value / sampleRate;
    this.updated = true;
  }

  flush(out: KeyedPointsBuilder, timestampMs: number): void {
    out.push(this.keys[0], timestampMs, this.count);
    out.push(this.keys[1], timestampMs, this.count / this.intervalSeconds);
    this.count = 0;
    this.updated = false;
  }

  flushIdle(out: KeyedPointsBuilder, timestampMs: number): void {
    out.push(this.keys[0], timestampMs, 0);
    out.push(this.keys[1], timestampMs, 0);
  }
}

/** A gauge: its last value, which `+N`/`-N` changes; written at every flush it is held for. */
export class GaugeMetric implements StatsdMetric {
  updated = false;
  private value = 0;

  constructor(readonly keys: readonly [value: string]) {}

  set(value: number): void {
    this.value = value;
    this.updated = true;
  }

  change(delta: number): void {
    this.value += delta;
    this.updated = true;
  }

  flush(out: KeyedPointsBuilder, timestampMs: number): void {
    out.push(this.keys[0], timestampMs, this.value);
    this.updated = false;
  }

  flushIdle(out: KeyedPointsBuilder, timestampMs: number): void {
    out.push(this.keys[0], timestampMs, this.value);
  }
}

/** A set: key `count`, the number of distinct members seen in the interval (at most maxMembers). */
export class SetMetric implements StatsdMetric {
  updated = false;
  private readonly members = new Set<string>();

  constructor(
    readonly keys: readonly [count: string],
    private readonly maxMembers: number,
  ) {}

  /** Adds a member; false when it is new and the set is full (it is not counted). */
  add(member: string): boolean {
    this.updated = true;
    if (this.members.size >= this.maxMembers && !this.members.has(member)) return false;
    this.members.add(member);
    return true;
  }

  flush(out: KeyedPointsBuilder, timestampMs: number): void {
    out.push(this.keys[0], timestampMs, this.members.size);
    this.members.clear();
    this.updated = false;
  }

  flushIdle(out: KeyedPointsBuilder, timestampMs: number): void {
    out.push(this.keys[0], timestampMs, 0);
  }
}

/**
 * A timer, histogram or distribution. Keys, in order: `count` (samples weighted by 1 / sample rate, as
 * Etsy's statsd counts them), `sum`, `mean`, `lower`, `upper`, `median`, then `upper_<P>` for each
 * percentile. count, sum, mean, lower and upper are exact; median and percentiles come from the values
 * kept, all of them up to maxValues per interval and beyond that a uniform reservoir sample of them.
 * A percentile is nearest-rank: the value at rank round(P / 100 * n) (at least 1) of the n sorted values.
 */
export class HistogramMetric implements StatsdMetric {
  updated = false;
  private count = 0;
  private sum = 0;
  private lower = Infinity;
  private upper = -Infinity;
  /** Values received in the interval. */
  private seen = 0;
  private values = new Float64Array(SMALLEST_RESERVOIR);
  private kept = 0;

  constructor(
    readonly keys: readonly string[],
    private readonly percentiles: readonly number[],
    private readonly maxValues: number,
    private readonly random: () => number,
  ) {}

  add(value: number, sampleRate: number): void {
    this.updated = true;
    this.count += 1 / sampleRate;
    this.sum += value;
    if (value < this.lower) this.lower = value;
    if (value > this.upper) this.upper = value;
    this.seen++;
    if (this.kept < this.maxValues) {
      if (this.kept === this.values.length) this.growValues();
      this.values[this.kept++] = value;
      return;
    }
    // Reservoir sampling (Vitter's algorithm R): every value seen has the same chance to be kept.
    const slot = Math.floor(this.random() * this.seen);
    if (slot < this.maxValues) this.values[slot] = value;
  }

  flush(out: KeyedPointsBuilder, timestampMs: number): void {
    const sorted = this.values.subarray(0, this.kept).sort();
    const n = sorted.length;
    const middle = n >> 1;
    const keys = this.keys;
    out.push(keys[0]!, timestampMs, this.count);
    out.push(keys[1]!, timestampMs, this.sum);
    out.push(keys[2]!, timestampMs, this.sum / this.seen);
    out.push(keys[3]!, timestampMs, this.lower);
    out.push(keys[4]!, timestampMs, this.upper);
    out.push(keys[5]!, timestampMs, n % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2);
    for (let i = 0; i < this.percentiles.length; i++) {
      const rank = Math.max(1, Math.round((this.percentiles[i]! / 100) * n));
      out.push(keys[6 + i]!, timestampMs, sorted[rank - 1]!);
    }
    this.count = 0;
    this.sum = 0;
    this.lower = Infinity;
    this.upper = -Infinity;
    this.seen = 0;
    this.kept = 0;
    this.updated = false;
  }

  flushIdle(out: KeyedPointsBuilder, timestampMs: number): void {
    out.push(this.keys[0]!, timestampMs, 0);
  }

  private growValues(): void {
    const bigger = new Float64Array(Math.min(this.maxValues, this.values.length * 2));
    bigger.set(this.values);
    this.values = bigger;
  }
}
