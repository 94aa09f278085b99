import type { AnomalyKind } from '../../model/index.js';
import type { Detector, DetectorDefinition, DetectorState } from '../detector.js';
import { paramsError, parseNumberParams } from '../params.js';
import type { NumberParamSpecs } from '../params.js';
import { readNumber, readNumberArray, stateData, stateError } from '../state-data.js';
import { InputOrder, readInputOrder } from './input-order.js';
import { AnomalyRun, readAnomalyRun } from './anomaly-run.js';
import { LEVEL_SHIFT_SPECS } from './score-params.js';
import type { LevelShiftParams } from './score-params.js';

const ID = 'windowed-gaussian';
const STATE_VERSION = 2;
/** The state version that kept the window's raw values: restored by replaying them. */
const RAW_VALUES_STATE_VERSION = 1;
/** The standard deviation used when the window's is (nearly) zero, as NAB's baseline does. */
const MIN_STD = 1e-6;
/**
 * The score is 1 − p^TAIL_EXPONENT for the two-sided tail probability p of the point under the
 * window's Gaussian. It is a strictly increasing function of |z|, like NAB's 1 − Q(|z|), so it ranks
 * points as NAB's baseline does (and NAB's threshold sweep sees the same order); unlike NAB's score it
 * starts at 0 for typical points: p = 0.01 (|z| 2.58) scores 0.37, p = 0.001 (|z| 3.29) 0.50.
 */
const TAIL_EXPONENT = 0.1;
/**
 * The window is kept as per-step moments and merged from them each time it moves: this many steps at
 * most bound both (16 KiB a series, 1024 additions a step).
 */
const MAX_STEPS_PER_WINDOW = 1024;
/** Points scoring at least this (|z| above about 3.3) are named as anomalous kinds. */
const KIND_MIN_SCORE = 0.5;

const SPECS = {
  windowSize: { type: 'integer', min: 2, max: 1_000_000, default: 6400 },
  stepSize: { type: 'integer', min: 1, max: 1_000_000, default: 100 },
  ...LEVEL_SHIFT_SPECS,
} as const satisfies NumberParamSpecs<string>;

export interface WindowedGaussianParams extends LevelShiftParams {
  /** Values in the window whose mean and standard deviation judge the next point. */
  readonly windowSize: number;
  /** Once the window is full it moves forward this many values at a time (mean and deviation change only then). */
  readonly stepSize: number;
}

function parseParams(raw: unknown): WindowedGaussianParams {
  const p = parseNumberParams(ID, raw, SPECS);
  if (p.stepSize > p.windowSize) throw paramsError(ID, `stepSize must be <= windowSize (${p.windowSize}), got ${p.stepSize}`);
  if (p.windowSize > MAX_STEPS_PER_WINDOW * p.stepSize) {
    throw paramsError(ID, `windowSize must be <= ${MAX_STEPS_PER_WINDOW} × stepSize (${MAX_STEPS_PER_WINDOW * p.stepSize}), got ${p.windowSize}`);
  }
  return p;
}

// W. J. Cody's rational Chebyshev approximations of erf/erfc (Math. Comp. 1969), double precision.
const ERF_A = [3.1611237438705656, 113.864154151050156, 377.485237685302021, 3209.37758913846947, 0.185777706184603153];
const ERF_B = [23.6012909523441209, 244.024637934444173, 1282.61652607737228, 2844.23683343917062];
const ERFC_C = [
  0.564188496988670089, 8.88314979438837594, 66.1191906371416295, 298.635138197400131, 881.95222124176909, 1712.04761263407058, 2051.07837782607147,
  1230.33935479799725, 2.15311535474403846e-8,
];
const ERFC_D = [15.7449261107098347, 117.693950891312499, 537.181101862009858, 1621.38957456669019, 3290.79923573345963, 4362.61909014324716, 3439.36767414372164, 1230.33935480374942];
const ERFC_P = [0.305326634961232344, 0.360344899949804439, 0.125781726111229246, 0.0160837851487422766, 6.58749161529837803e-4, 0.0163153871373020978];
const ERFC_Q = [2.56852019228982242, 1.87295284992346047, 0.527905102951428412, 0.0605183413124413191, 0.00233520497626869185];
const ONE_OVER_SQRT_PI = 0.56418958354775628695;
/** erfc underflows to 0 beyond this. */
const ERFC_ZERO_FROM = 26.543;

/** exp(−x²) without the cancellation of squaring x directly: x is split at a multiple of 1/16. */
function expMinusSquare(x: number): number {
  const head = Math.trunc(16 * x) / 16;
  return Math.exp(-head * head) * Math.exp(-(x - head) * (x + head));
}

/** The complementary error function for x >= 0, to about 1e-15 relative. */
function erfc(x: number): number {
  if (x <= 0.46875) {
    const x2 = x * x;
    let num = ERF_A[4]! * x2;
    let den = x2;
    for (let i = 0; i < 3; i++) {
      num = (num + ERF_A[i]!) * x2;
      den = (den + ERF_B[i]!) * x2;
    }
    return 1 - (x * (num + ERF_A[3]!)) / (den + ERF_B[3]!);
  }
  if (x <= 4) {
    let num = ERFC_C[8]! * x;
    let den = x;
    for (let i = 0; i < 7; i++) {
      num = (num + ERFC_C[i]!) * x;
      den = (den + ERFC_D[i]!) * x;
    }
    return expMinusSquare(x) * ((num + ERFC_C[7]!) / (den + ERFC_D[7]!));
  }
  if (x >= ERFC_ZERO_FROM) return 0;
  const r2 = 1 / (x * x);
  let num = ERFC_P[5]! * r2;
  let den = r2;
  for (let i = 0; i < 4; i++) {
    num = (num + ERFC_P[i]!) * r2;
    den = (den + ERFC_Q[i]!) * r2;
  }
  const tail = (r2 * (num + ERFC_P[4]!)) / (den + ERFC_Q[4]!);
  return (expMinusSquare(x) * (ONE_OVER_SQRT_PI - tail)) / x;
}

/** Score of a point |z| standard deviations from the mean: 1 − p^TAIL_EXPONENT, p = erfc(|z|/√2). */
function tailScore(z: number): number {
  if (!(z > 0)) return 0;
  return 1 - Math.pow(erfc(z * Math.SQRT1_2), TAIL_EXPONENT);
}

/** Encodes a sum of squared deviations for JSON, where +Infinity (an overflow) would not survive: null stands for it. */
function encodeSquares(value: number): number | null {
  return value === Infinity ? null : value;
}

/** A sum of squared deviations from a state: a finite number >= 0, or null for +Infinity. */
function decodeSquares(value: unknown, field: string): number {
  if (value === null) return Infinity;
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw stateError(ID, `${field} must be a finite number >= 0 or null, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** An integer field of a state within [min, max]. */
function readCount(data: Record<string, unknown>, field: string, min: number, max: number): number {
  const value = readNumber(data, field, ID);
  if (!Number.isInteger(value) || value < min || value > max) throw stateError(ID, `${field} must be an integer in [${min}, ${max}], got ${value}`);
  return value;
}

/**
 * Welford's update of a mean by the `count`-th value. The sum of squared deviations then grows by
 * (value − old mean) × (value − new mean), a product of two numbers of one sign: it never decreases.
 */
function movedMean(mean: number, value: number, count: number): number {
  const delta = value - mean;
  // Values so far apart that their difference overflows: each scaled first, which cannot.
  return Number.isFinite(delta) ? mean + delta / count : mean + (value / count - mean / count);
}

/** The deviation of `squares` summed over `count` values, floored as NAB's baseline floors it. */
function deviationOf(squares: number, count: number): number {
  const std = Math.sqrt(squares / count);
  return std > MIN_STD ? std : MIN_STD;
}

/**
 * NAB's windowed Gaussian baseline: a point is judged by its distance from the mean of the preceding
 * `windowSize` values in their standard deviations, before it joins the window. The window fills one
 * value at a time; once full it moves forward `stepSize` values at a time, so it always starts on a
 * step boundary (counted from the series' first value) and holds floor(windowSize / stepSize) whole
 * steps plus the first windowSize mod stepSize values of the next.
 *
 * The values themselves are not kept: each whole step is kept as its mean and its sum of squared
 * deviations from that mean, 16 bytes a step instead of 8 a value. Within a step, Welford's update runs
 * on the values less the step's first value (exact differences for values close together, whatever
 * their size); the window's moments are merged from its steps afresh each time it moves (Chan et al.'s
 * pairwise formula around the oldest step's mean), O(windowSize / stepSize) once a step. Deviations are
 * always taken from a nearby mean, never from zero, so large values lose no precision.
 */
class WindowedGaussianDetector implements Detector {
  lastKind: AnomalyKind | null = null;
  lastExpected = NaN;
  /** Whole steps the full window holds. */
  private readonly wholeSteps: number;
  /** Values of the step after them that the full window holds too. */
  private readonly partialValues: number;
  /**
   * [mean, sum of squared deviations] of each completed step in a ring of wholeSteps + 1 slots; the
   * step being filled goes to `slot`. They are the window's steps and the step it will take in next.
   */
  private readonly steps: Float64Array;
  private slot = 0;
  /** The step being filled: its values, its first value, the mean of the values less it, their sum of squared deviations. */
  private stepCount = 0;
  private stepOffset = 0;
  private stepShift = 0;
  private stepSquares = 0;
  /** Values in the window while it fills (windowSize once full). */
  private filled = 0;
  /** While the window fills: mean and sum of squared deviations of its completed steps. */
  private fillMean = 0;
  private fillSquares = 0;
  /** Values since the full window last moved. */
  private pending = 0;
  /** What judges the next point: the window's mean and deviation. */
  private mean = 0;
  private std = 1;
  /** Mean and sum of squared deviations that the last merge found (fields, so merging allocates nothing). */
  private mergedMean = 0;
  private mergedSquares = 0;
  private readonly order = new InputOrder();
  private readonly run: AnomalyRun;

  constructor(private readonly params: WindowedGaussianParams) {
    this.wholeSteps = Math.floor(params.windowSize / params.stepSize);
    this.partialValues = params.windowSize % params.stepSize;
    this.steps = new Float64Array(2 * (this.wholeSteps + 1));
    this.run = new AnomalyRun(params.levelShiftPoints);
  }

  update(timestampMs: number, value: number): number {
    this.lastKind = null;
    this.lastExpected = NaN;
    if (!this.order.accept(timestampMs, value)) return 0;
    let score = 0;
    if (this.filled > 0) {
      score = tailScore(Math.abs(value - this.mean) / this.std);
      this.lastExpected = this.mean;
      this.lastKind = this.run.kindOf(score >= KIND_MIN_SCORE, value, this.mean);
    }
    this.absorb(value);
    return score;
  }

  snapshot(): DetectorState {
    const steps = new Array<number | null>(this.steps.length);
    for (let i = 0; i < this.steps.length; i += 2) {
      steps[i] = this.steps[i]!;
      steps[i + 1] = encodeSquares(this.steps[i + 1]!);
    }
    return {
      detector: ID,
      version: STATE_VERSION,
      data: {
        windowSize: this.params.windowSize,
        stepSize: this.params.stepSize,
        steps,
        slot: this.slot,
        stepOffset: this.stepOffset,
        stepShift: this.stepShift,
        stepSquares: encodeSquares(this.stepSquares),
        filled: this.filled,
        fillMean: this.fillMean,
        fillSquares: encodeSquares(this.fillSquares),
        pending: this.pending,
        mean: this.mean,
        std: this.std === Infinity ? null : this.std,
        ...this.order.snapshot(),
        ...this.run.snapshot(),
      },
    };
  }

  restore(state: DetectorState): void {
    if (state.detector === ID && state.version === RAW_VALUES_STATE_VERSION) {
      this.restoreRawValues(state);
      return;
    }
    const data = stateData(state, ID, STATE_VERSION);
    const { windowSize, stepSize } = this.params;
    const stateWindowSize = readNumber(data, 'windowSize', ID);
    const stateStepSize = readNumber(data, 'stepSize', ID);
    if (stateWindowSize !== windowSize || stateStepSize !== stepSize) {
      throw stateError(
        ID,
        `state is for windowSize ${stateWindowSize} and stepSize ${stateStepSize}, params have windowSize ${windowSize} and stepSize ${stepSize} (the window's values are not kept, so it cannot be resized)`,
      );
    }
    const raw = data['steps'];
    if (!Array.isArray(raw) || raw.length !== this.steps.length) throw stateError(ID, `steps must be an array of ${this.steps.length} items`);
    const steps = new Float64Array(this.steps.length);
    for (let i = 0; i < raw.length; i += 2) {
      const mean: unknown = raw[i];
      if (typeof mean !== 'number' || !Number.isFinite(mean)) throw stateError(ID, `steps[${i}] must be a finite number, got ${JSON.stringify(mean)}`);
      steps[i] = mean;
      steps[i + 1] = decodeSquares(raw[i + 1], `steps[${i + 1}]`);
    }
    const slot = readCount(data, 'slot', 0, this.wholeSteps);
    const stepOffset = readNumber(data, 'stepOffset', ID);
    const stepShift = readNumber(data, 'stepShift', ID);
    const stepSquares = decodeSquares(data['stepSquares'], 'stepSquares');
    const filled = readCount(data, 'filled', 0, windowSize);
    const fillMean = readNumber(data, 'fillMean', ID);
    const fillSquares = decodeSquares(data['fillSquares'], 'fillSquares');
    const pending = readCount(data, 'pending', 0, filled === windowSize ? stepSize - 1 : 0);
    const mean = readNumber(data, 'mean', ID);
    const std = data['std'] === null ? Infinity : readNumber(data, 'std', ID);
    if (!(std >= MIN_STD)) throw stateError(ID, `std must be >= ${MIN_STD} or null, got ${std}`);
    const order = readInputOrder(data, ID);
    const run = readAnomalyRun(data, ID);
    this.steps.set(steps);
    this.slot = slot;
    // The values in the step being filled follow from the counts: the window starts on a step boundary.
    this.stepCount = filled < windowSize ? filled % stepSize : (this.partialValues + pending) % stepSize;
    const started = this.stepCount > 0;
    this.stepOffset = started ? stepOffset : 0;
    this.stepShift = started ? stepShift : 0;
    this.stepSquares = started ? stepSquares : 0;
    this.filled = filled;
    this.fillMean = fillMean;
    this.fillSquares = fillSquares;
    this.pending = pending;
    this.mean = mean;
    this.std = std;
    this.order.restore(order);
    this.run.restore(run);
  }

  /**
   * Restores a state of the version that kept the window's raw values by replaying them (the newest
   * windowSize of them when they do not fit these params).
   */
  private restoreRawValues(state: DetectorState): void {
    const data = stateData(state, ID, RAW_VALUES_STATE_VERSION);
    const window = readNumberArray(data, 'window', ID);
    const pending = readNumberArray(data, 'pending', ID);
    const order = readInputOrder(data, ID);
    const run = readAnomalyRun(data, ID);
    const { windowSize, stepSize } = this.params;
    const fits = window.length <= windowSize && pending.length < stepSize && (pending.length === 0 || window.length === windowSize);
    const values = [...window, ...pending];
    this.steps.fill(0);
    this.slot = 0;
    this.stepCount = 0;
    this.stepOffset = 0;
    this.stepShift = 0;
    this.stepSquares = 0;
    this.filled = 0;
    this.fillMean = 0;
    this.fillSquares = 0;
    this.pending = 0;
    this.mean = 0;
    this.std = 1;
    for (let i = fits ? 0 : Math.max(0, values.length - windowSize); i < values.length; i++) this.absorb(values[i]!);
    this.order.restore(order);
    this.run.restore(run);
  }

  /** Adds a value to the step being filled and to the window (or to the values waiting for it to move). */
  private absorb(value: number): void {
    const { windowSize, stepSize } = this.params;
    if (this.stepCount === 0) this.stepOffset = value;
    let shifted = value - this.stepOffset;
    // Only values of opposite signs near the float limit get here; their step's squares are infinite anyway.
    if (!(Math.abs(shifted) <= Number.MAX_VALUE)) shifted = shifted > 0 ? Number.MAX_VALUE : -Number.MAX_VALUE;
    const n = ++this.stepCount;
    const previous = this.stepShift;
    this.stepShift = movedMean(previous, shifted, n);
    this.stepSquares += (shifted - previous) * (shifted - this.stepShift);
    const stepDone = n === stepSize;
    if (stepDone) {
      this.steps[2 * this.slot] = this.stepOffset + this.stepShift;
      this.steps[2 * this.slot + 1] = this.stepSquares;
      this.slot = this.slot === this.wholeSteps ? 0 : this.slot + 1;
      this.stepCount = 0;
      this.stepShift = 0;
      this.stepSquares = 0;
    }
    if (this.filled < windowSize) {
      const filled = ++this.filled;
      const completed = filled - this.stepCount;
      if (stepDone) {
        this.merge(completed / stepSize, 0);
        this.fillMean = this.mergedMean;
        this.fillSquares = this.mergedSquares;
      }
      this.combineWithStep(completed, this.fillMean, this.fillSquares);
      this.mean = this.mergedMean;
      this.std = deviationOf(this.mergedSquares, filled);
      return;
    }
    if (++this.pending < stepSize) return;
    this.pending = 0;
    // The step being filled now holds exactly the window's partial step.
    this.merge(this.wholeSteps, this.stepCount);
    this.mean = this.mergedMean;
    this.std = deviationOf(this.mergedSquares, windowSize);
  }

  /**
   * Moments of the `whole` completed steps before `slot` and of the first `partial` values of the step
   * being filled, into `mergedMean` and `mergedSquares`. Means are summed as offsets from the oldest
   * step's mean (exact where means are close), squares about the merged mean.
   */
  private merge(whole: number, partial: number): void {
    const { stepSize } = this.params;
    const steps = this.steps;
    const slots = this.wholeSteps + 1;
    const first = this.slot >= whole ? this.slot - whole : this.slot - whole + slots;
    const count = whole * stepSize + partial;
    const partialMean = this.stepOffset + this.stepShift;
    const anchor = steps[2 * first]!;
    let offsets = 0;
    for (let k = 0, s = first; k < whole; k++, s = s + 1 === slots ? 0 : s + 1) offsets += steps[2 * s]! - anchor;
    let weighted = stepSize * offsets;
    if (partial > 0) weighted += partial * (partialMean - anchor);
    let mean = anchor + weighted / count;
    if (!Number.isFinite(mean)) {
      // Means so far apart that their differences overflow: a weighted average of them cannot.
      mean = partial > 0 ? (partial / count) * partialMean : 0;
      for (let k = 0, s = first; k < whole; k++, s = s + 1 === slots ? 0 : s + 1) mean += (stepSize / count) * steps[2 * s]!;
    }
    let squares = 0;
    for (let k = 0, s = first; k < whole; k++, s = s + 1 === slots ? 0 : s + 1) {
      const d = steps[2 * s]! - mean;
      squares += steps[2 * s + 1]! + stepSize * d * d;
    }
    if (partial > 0) {
      const d = partialMean - mean;
      squares += this.stepSquares + partial * d * d;
    }
    this.mergedMean = mean;
    this.mergedSquares = squares;
  }

  /** Moments of `count` values (mean, squares) and of the step being filled, into `mergedMean` and `mergedSquares`. */
  private combineWithStep(count: number, mean: number, squares: number): void {
    const partial = this.stepCount;
    if (partial === 0) {
      this.mergedMean = mean;
      this.mergedSquares = squares;
      return;
    }
    const partialMean = this.stepOffset + this.stepShift;
    if (count === 0) {
      this.mergedMean = partialMean;
      this.mergedSquares = this.stepSquares;
      return;
    }
    const total = count + partial;
    const d = partialMean - mean;
    let merged = mean + d * (partial / total);
    if (!Number.isFinite(merged)) merged = (count / total) * mean + (partial / total) * partialMean;
    this.mergedMean = merged;
    this.mergedSquares = squares + this.stepSquares + d * d * ((count * partial) / total);
  }
}

export const windowedGaussian: DetectorDefinition<WindowedGaussianParams> = {
  id: ID,
  description: "NAB's windowed Gaussian baseline: tail probability of a point under the mean and deviation of the last windowSize values",
  parseParams,
  create: (params) => new WindowedGaussianDetector(params),
};
