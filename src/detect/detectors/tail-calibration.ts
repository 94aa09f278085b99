/** Quantile of |z| tracked, and what it is for standard normal z. */
const TAIL_PROBABILITY = 0.999;
const GAUSSIAN_QUANTILE = 3.2905;
const LOG_GAUSSIAN_QUANTILE = Math.log(GAUSSIAN_QUANTILE);
/** Step of the log-quantile per point: exceedances push it up by this × 0.999, others down by × 0.001. */
const STEP = 0.1;
/**
 * Deflation starts only once the tracked quantile exceeds the normal one by this factor: the tracker
 * jitters upwards after every exceedance, and normal data must not be deflated by that jitter.
 */
const LOG_MARGIN = Math.log(1.25);

/**
 * Calibrates a detector's |z| against the series' own tail: a running estimate of the 99th percentile
 * of |z| (a stochastic quantile tracker on the log scale, one number of state). Where the residuals are
 * heavier-tailed than normal (bursty counts, quantised or noise-free series whose scale is tiny), z is
 * deflated by how much that percentile exceeds the normal one, so a threshold shared by many series
 * flags what is extreme for each series rather than every point of the heavy-tailed ones. Light tails
 * are left as they are.
 */
export class TailCalibration {
  private logQuantile = LOG_GAUSSIAN_QUANTILE;

  /** z deflated by the series' tail (unchanged while the tail is no heavier than normal). */
  calibrate(z: number): number {
    const excess = this.logQuantile - LOG_GAUSSIAN_QUANTILE - LOG_MARGIN;
    return excess > 0 ? z * Math.exp(-excess) : z;
  }

  /** Learns one |z| (after it was scored). */
  learn(z: number): void {
    if (Number.isNaN(z)) return;
    if (Math.log(z) > this.logQuantile) this.logQuantile += STEP * TAIL_PROBABILITY;
    // Below the normal quantile the tracker has nothing to correct; holding it there lets it react at once.
    else this.logQuantile = Math.max(LOG_GAUSSIAN_QUANTILE, this.logQuantile - STEP * (1 - TAIL_PROBABILITY));
  }

  /** The state as a plain number (the log of the tracked quantile). */
  snapshot(): number {
    return this.logQuantile;
  }

  reset(): void {
    this.logQuantile = LOG_GAUSSIAN_QUANTILE;
  }

  restore(logQuantile: number): void {
    this.logQuantile = logQuantile;
  }
}
