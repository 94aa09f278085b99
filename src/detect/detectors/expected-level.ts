/** Weight of the newest value in the level. */
const LEVEL_ALPHA = 0.05;

/**
 * Where a value was expected, for detectors whose score does not say (an isolation depth, a share of
 * unexplained contexts): an exponentially weighted mean of the values so far. It gives `lastExpected`
 * and the side of it on which a run of anomalies lies.
 */
export class ExpectedLevel {
  /** The level; NaN before the first value. */
  value = NaN;

  learn(value: number): void {
    this.value = Number.isNaN(this.value) ? value : this.value + LEVEL_ALPHA * (value - this.value);
  }

  /** The level as plain data: null before the first value. */
  snapshot(): number | null {
    return Number.isNaN(this.value) ? null : this.value;
  }

  restore(level: number | null): void {
    this.value = level ?? NaN;
  }
}
