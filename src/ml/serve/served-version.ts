import type { TrainableModel } from '../engine/index.js';
import { normalQuantile } from './normal-quantile.js';

/** What a model says about one point, given the window of values before it. */
export interface Judgement {
  /** The model's estimate of the point: the median forecast, or the reconstruction. */
  expected: number;
  /** Standard deviations the point lies from `expected` by the model's own interval; NaN when the kind has none. */
  z: number;
  /** Ends of the forecaster's interval (NaN for the autoencoder). */
  lower: number;
  upper: number;
}

/** The least interval half-width, relative to the level: a flat forecast must not turn noise into infinite z. */
const RELATIVE_MIN_WIDTH = 1e-3;
const ABSOLUTE_MIN_WIDTH = 1e-9;

/**
 * One registered version served to single metric series: a forecaster judges a point by its first step's quantile
 * interval (a point at the upper quantile lies Φ⁻¹(q) σ above the median); a sequence autoencoder reconstructs the
 * window ending at the point and leaves the residual's scale to the series' own history. Only one-feature models
 * fit a single series; the others are refused with the reason.
 */
export class ServedVersion {
  /** Values before the point that a judgement needs (the forecaster), or including it (the autoencoder). */
  readonly window: number;
  /** Output indices of the interval's ends and median, and how many σ each end lies from the median. */
  readonly interval: { readonly lower: number; readonly median: number; readonly upper: number; readonly zLower: number; readonly zUpper: number } | null;
  private readonly inputs: Float32Array;

  constructor(
    readonly name: string,
    readonly version: number,
    readonly model: TrainableModel,
  ) {
    const config = model.config;
    const what = `cannot serve model ${name} version ${version} (${config.kind})`;
    if (config.kind === 'deeplog') throw new Error(`${what}: it predicts log template sequences, not metric values`);
    if (config.kind === 'dense-autoencoder') throw new Error(`${what}: it scores ${config.features} metrics at one instant together, not one series over time`);
    if (config.features !== 1) throw new Error(`${what}: it was trained on ${config.features} series together; the model detector serves one-series models (features 1)`);
    this.window = config.window;
    this.inputs = new Float32Array(config.window);
    if (config.kind === 'lstm-forecaster') {
      const q = config.quantiles;
      let median = 0;
      for (let i = 1; i < q.length; i++) if (Math.abs(q[i]! - 0.5) < Math.abs(q[median]! - 0.5)) median = i;
      const upper = q.length - 1;
      if (median === 0 || median === upper) throw new Error(`${what}: its quantiles [${q.join(', ')}] need one on each side of the median to give an interval`);
      this.interval = { lower: 0, median, upper, zLower: normalQuantile(q[median]!) - normalQuantile(q[0]!), zUpper: normalQuantile(q[upper]!) - normalQuantile(q[median]!) };
    } else {
      this.interval = null;
    }
  }

  /**
   * Judges `value` given `history`: the series' last `historyNeeded` values, oldest first (the autoencoder appends
   * the value itself).
   */
  judge(history: Float32Array, value: number, out: Judgement): void {
    this.inputs.set(history);
    if (this.interval === null) this.inputs[this.window - 1] = value;
    this.judgeOutput(this.model.predict(this.inputs, 1), 0, value, out);
  }

  /** The model's outputs for `count` examples of `window` values each (the autoencoder's ending at the point): one forward pass for the lot. */
  predict(inputs: Float32Array, count: number): Float32Array {
    return this.model.predict(inputs.subarray(0, count * this.window), count);
  }

  /** Judges `value` from example `example` of `outputs` (what predict returned). */
  judgeOutput(outputs: Float32Array, example: number, value: number, out: Judgement): void {
    const offset = example * this.model.outputLength;
    const interval = this.interval;
    if (interval !== null) {
      // Output j = step * quantiles + q: step 0, the next point, comes first.
      const median = outputs[offset + interval.median]!;
      const lower = outputs[offset + interval.lower]!;
      const upper = outputs[offset + interval.upper]!;
      const floor = ABSOLUTE_MIN_WIDTH + RELATIVE_MIN_WIDTH * Math.abs(median);
      out.expected = median;
      out.lower = lower;
      out.upper = upper;
      out.z = value >= median ? (value - median) / Math.max(floor, (upper - median) / interval.zUpper) : (median - value) / Math.max(floor, (median - lower) / interval.zLower);
      return;
    }
    out.expected = outputs[offset + this.window - 1]!;
    out.lower = NaN;
    out.upper = NaN;
    out.z = NaN;
  }

  /** Values of history a judgement needs before the point. */
  get historyNeeded(): number {
    return this.interval !== null ? this.window : this.window - 1;
  }

  dispose(): void {
    this.model.dispose();
  }
}
