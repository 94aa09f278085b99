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

/** How a detection rule serves a model: each series on its own, or a group of series together (groupByTags/Nodes). */
export type ServingShape = 'series' | 'group';

/**
 * One registered version as the model detector serves it. To single metric series: a forecaster judges a point by
 * its first step's quantile interval (a point at the upper quantile lies Φ⁻¹(q) σ above the median); a sequence
 * autoencoder reconstructs the window ending at the point and leaves the residual's scale to the series' own
 * history. To a group of series (one feature each): an autoencoder reconstructs the group's row of values at an
 * instant (dense) or its window of rows ending there (sequence). What a version cannot serve is refused with the
 * reason when the plan is applied.
 */
export class ServedVersion {
  /** Values before the point that a judgement needs (the forecaster), or including it (the autoencoder); rows for a group. */
  readonly window: number;
  /** Series (features) the model takes together. */
  readonly features: number;
  /** Output indices of the interval's ends and median, and how many σ each end lies from the median. */
  readonly interval: { readonly lower: number; readonly median: number; readonly upper: number; readonly zLower: number; readonly zUpper: number } | null;
  private readonly inputs: Float32Array;

  constructor(
    readonly name: string,
    readonly version: number,
    readonly model: TrainableModel,
    /** The training columns in feature order, when the registry recorded them. */
    readonly columns: readonly string[] | null = null,
  ) {
    const config = model.config;
    if (config.kind === 'deeplog') throw new Error(`${this.what}: it predicts log template sequences, not metric values`);
    this.features = config.features;
    this.window = config.kind === 'dense-autoencoder' ? 1 : config.window;
    this.inputs = new Float32Array(this.window * this.features);
    if (config.kind === 'lstm-forecaster') {
      const q = config.quantiles;
      let median = 0;
      for (let i = 1; i < q.length; i++) if (Math.abs(q[i]! - 0.5) < Math.abs(q[median]! - 0.5)) median = i;
      const upper = q.length - 1;
      if (median === 0 || median === upper) throw new Error(`${this.what}: its quantiles [${q.join(', ')}] need one on each side of the median to give an interval`);
      this.interval = { lower: 0, median, upper, zLower: normalQuantile(q[median]!) - normalQuantile(q[0]!), zUpper: normalQuantile(q[upper]!) - normalQuantile(q[median]!) };
    } else {
      this.interval = null;
    }
  }

  private get what(): string {
    return `cannot serve model ${this.name} version ${this.version} (${this.model.config.kind})`;
  }

  /** Why this version cannot be served in `shape`; null when it can. */
  refusal(shape: ServingShape): string | null {
    const kind = this.model.config.kind;
    const toGroup = 'serve it to a group of series (the model detector\'s groupByTags or groupByNodes)';
    if (shape === 'series') {
      if (kind === 'dense-autoencoder') return `${this.what}: it scores ${this.features} metrics at one instant together; ${toGroup}`;
      if (this.features !== 1) return `${this.what}: it was trained on ${this.features} series together; ${toGroup}`;
      return null;
    }
    if (kind === 'lstm-forecaster') return `${this.what}: a forecaster predicts its first series only; serve it to each series on its own (without groupByTags or groupByNodes)`;
    return null;
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

  /**
   * Reconstructs a group's latest row: `rows` holds `window` rows of `features` values, oldest first, ending at the
   * row judged; returns the model's reconstruction of that last row (a view valid until the next call).
   */
  reconstructRow(rows: Float32Array): Float32Array {
    const outputs = this.model.predict(rows, 1);
    return outputs.subarray((this.window - 1) * this.features, this.window * this.features);
  }

  dispose(): void {
    this.model.dispose();
  }
}
