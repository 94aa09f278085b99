/** Mean absolute deviation × 1.2533 estimates the standard deviation of normal residuals. */
const MEAN_AD_TO_SIGMA = 1.2533;
/** Residuals a scale learns from before its z counts. */
const MIN_RESIDUAL_POINTS = 16;

/** A running mean absolute residual: how far an autoencoder's reconstructions usually miss on one series. */
export class ResidualScale {
  meanAbs = 0;
  points = 0;

  constructor(private readonly span: number) {}

  /** z of `residual` in the current scale (0 while learning), then learns from it, clipped so one outlier cannot blow the scale up. */
  zThenLearn(residual: number, zHigh: number, level: number): number {
    const sigma = Math.max(1e-9 + 1e-3 * Math.abs(level), this.meanAbs * MEAN_AD_TO_SIGMA);
    const z = this.points < MIN_RESIDUAL_POINTS ? 0 : residual / sigma;
    const learned = this.points < MIN_RESIDUAL_POINTS ? residual : Math.min(residual, zHigh * sigma);
    this.points++;
    this.meanAbs += (learned - this.meanAbs) / Math.min(this.points, this.span);
    return z;
  }

  /** [meanAbs, points], for a detector's snapshot. */
  snapshot(): [number, number] {
    return [this.meanAbs, this.points];
  }

  restore([meanAbs, points]: readonly number[]): void {
    this.meanAbs = meanAbs!;
    this.points = points!;
  }
}

/** Four significant digits, for evidence sentences. */
export function formatValue(value: number): string {
  return Number(value.toPrecision(4)).toString();
}
